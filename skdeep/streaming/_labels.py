"""The class labels of a stream: one type for the whole file.

pandas types each chunk of a CSV file on its own, so a chunk of labels that
look like integers ('1', '2') would come out as numbers beside another chunk's
text. The labels are read as text in every chunk instead (see
:class:`~skdeep.streaming._reader.ChunkReader`) and converted with one rule,
decided from every label in the file or from the ``classes`` given.
"""

import numpy as np

__all__ = ["convert_labels", "file_classes", "label_kind"]


def label_kind(values):
    """'int', 'float', 'bool' or 'str': the one type for a file's class labels.

    ``values`` are the distinct labels as read (text), or the ``classes`` given.
    """
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return "int"
    if values.dtype.kind in "fb":
        return {"f": "float", "b": "bool"}[values.dtype.kind]
    text = [str(value).strip() for value in values]
    for kind, convert in (("int", int), ("float", float)):
        try:
            [convert(value) for value in text]
        except ValueError:
            continue
        return kind
    if {value.lower() for value in text} <= {"true", "false"}:
        return "bool"
    return "str"


def convert_labels(values, kind):
    """Labels read as text, converted to the file's label type."""
    values = np.asarray(values, dtype=object)
    if kind == "bool":
        return np.array([str(value).strip().lower() == "true" for value in values])
    if kind in ("int", "float"):
        return values.astype(np.int64 if kind == "int" else np.float64)
    return values


def file_classes(found):
    """``(classes, kind)`` of a file whose distinct labels, as read, are
    ``found``: the labels converted to their one type, sorted, and that type."""
    values = np.array(sorted(found), dtype=object)
    kind = label_kind(values)
    return np.unique(convert_labels(values, kind)), kind
