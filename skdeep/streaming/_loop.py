"""The passes of a stream: the first pass that finds the classes and fits
the scaler, then the training passes, one ``partial_fit`` per chunk."""

import os

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..exceptions import DivergenceError
from ._columns import check_scalable
from ._labels import convert_labels, label_kind

__all__ = ["first_pass", "naming_lines"]


def first_pass(estimator, reader, *, classes, scaler):
    """Find the classes and fit the scaler, in one read of the whole file.

    Returns the classes to pass to every ``partial_fit`` (None for regressors
    and multilabel targets). Malformed rows and missing labels are found here,
    before any training.
    """
    find_classes = reader.labels and classes is None
    fit_scaler = scaler is not None and not _is_fitted(scaler)
    if fit_scaler and not hasattr(scaler, "partial_fit"):
        raise TypeError(f"fit_csv: the unfitted {type(scaler).__name__} has no "
                        "partial_fit to learn from chunks; fit it first, or use "
                        "StandardScaler, MinMaxScaler or MaxAbsScaler.")
    if reader.labels and classes is not None:
        reader.label_kind = label_kind(np.asarray(classes))
    if not (find_classes or fit_scaler):
        return classes
    found = set()
    for X, y, lines in reader.chunks(raw_labels=find_classes):
        if fit_scaler:
            check_scalable(X, lines, reader.path)
            scaler.partial_fit(X)
        if find_classes:
            found.update(y)
        del X, y  # only one chunk alive while the next is read
    if find_classes and found:
        values = np.array(sorted(found), dtype=object)
        reader.label_kind = label_kind(values)
        return np.unique(convert_labels(values, reader.label_kind))
    return classes


class naming_lines:
    """Prefix a chunk's error with the CSV lines it came from (header = line 1)."""

    def __init__(self, path, lines):
        self.where = f"lines {lines[0]}-{lines[1]} of {os.fspath(path)!r}"

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind in (ValueError, DivergenceError):
            raise kind(f"fit_csv: {self.where}: {error}") from error
        return False


def _is_fitted(transformer):
    try:
        check_is_fitted(transformer)
    except NotFittedError:
        return False
    return True
