"""Training arrays and minibatch gathering into reused buffers."""

from typing import NamedTuple

import numpy as np

__all__ = ["Dataset", "BatchGatherer"]


class Dataset(NamedTuple):
    """Validated arrays: ``X`` (n_samples, n_features), dense or sparse;
    ``targets`` (n_samples, n_outputs) in the network's dtype; ``sample_weight``
    (n_samples,) or None."""

    X: object
    targets: np.ndarray
    sample_weight: np.ndarray | None = None

    @property
    def n_samples(self):
        return self.X.shape[0]


class BatchGatherer:
    """Copies the rows of a minibatch into buffers allocated once.

    ``np.take(..., out=)`` gathers shuffled rows without a new array per batch
    (``mode='clip'``: with the default ``'raise'`` NumPy buffers ``out`` through a
    temporary copy; the row indices are valid by construction). Sparse inputs
    fall back to fancy indexing.
    """

    def __init__(self, data, batch_size):
        self.data = data
        dense = isinstance(data.X, np.ndarray)
        n_features = data.X.shape[1]
        self._X = np.empty((batch_size, n_features), data.X.dtype) if dense else None
        self._targets = np.empty((batch_size, data.targets.shape[1]),
                                 data.targets.dtype)
        self._weight = (None if data.sample_weight is None
                        else np.empty(batch_size, data.sample_weight.dtype))

    def gather(self, rows):
        """The batch ``(X, targets, sample_weight)`` for the index array ``rows``."""
        n_rows, data = len(rows), self.data
        if self._X is None:
            X = data.X[rows]
        else:
            X = np.take(data.X, rows, axis=0, out=self._X[:n_rows], mode="clip")
        targets = np.take(data.targets, rows, axis=0, out=self._targets[:n_rows],
                          mode="clip")
        weight = None
        if self._weight is not None:
            weight = np.take(data.sample_weight, rows, out=self._weight[:n_rows],
                             mode="clip")
        return X, targets, weight
