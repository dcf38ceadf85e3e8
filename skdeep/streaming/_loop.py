"""The passes of a stream: the first pass that finds the classes and fits
the scaler, then the training passes, one ``partial_fit`` per chunk."""

import os
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..exceptions import DivergenceError
from ._columns import check_column_types, check_scalable
from ._labels import file_classes, label_kind
from ._reader import ChunkReader

__all__ = ["Stream", "first_pass", "train_passes"]


class Stream(NamedTuple):
    """What every pass over the file uses."""

    reader: ChunkReader  # the file, chunk by chunk
    model: object  # the copy of the estimator that trains
    scaler: object  # the copy of the scaler, or None
    dtype: np.dtype  # the scaler's output is cast to it: the training dtype


def first_pass(stream, classes):
    """Find the classes and fit the scaler, in one read of the whole file.

    Returns the classes to pass to every ``partial_fit`` (None for regressors
    and multilabel targets). Malformed rows and missing labels are found here,
    before any training.
    """
    reader, scaler = stream.reader, stream.scaler
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
        classes, reader.label_kind = file_classes(found)
    return classes


def train_passes(stream, n_passes, *, classes, verbose):
    """``n_passes`` passes over the file, one ``partial_fit`` (one epoch) per
    chunk; ``verbose`` prints a line per chunk."""
    fit_options = {} if classes is None else {"classes": classes}
    for pass_ in range(n_passes):
        n_rows = 0
        for X, y, lines in stream.reader.chunks():
            X = _chunk_input(stream, X, lines)
            with _naming_lines(stream.reader.path, lines):
                stream.model.partial_fit(X, y, **fit_options)
            n_rows += len(y)
            if verbose:
                print(f"pass {pass_ + 1}/{n_passes}, lines {lines[0]}-{lines[1]}: "
                      f"loss {stream.model.loss_:.4f}", flush=True)
            del X, y  # so the next chunk is read with only one in memory
        if n_rows == 0:
            raise ValueError(f"fit_csv: {os.fspath(stream.reader.path)!r} has a "
                             "header but no data rows; there is nothing to train "
                             "on.")


def _chunk_input(stream, X, lines):
    """A chunk's features as ``partial_fit`` takes them: scaled by the scaler
    (numeric columns only) and cast to the training dtype, or the table as
    read, once its columns are checked against the first chunk's types."""
    if stream.scaler is None:
        check_column_types(stream.model, X, stream.reader.path)
        return X
    check_scalable(X, lines, stream.reader.path)
    return stream.scaler.transform(X).astype(stream.dtype, copy=False)


class _naming_lines:
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
