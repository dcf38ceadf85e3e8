"""Prediction shared by both estimators: raw and activated outputs, checked,
with a fast path for plain float input and for a single row."""

import math

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..ops import OUTPUT_ACTIVATIONS
from ._validation import check_X

__all__ = ["PREDICT_DTYPES", "ROW_CHECK_LIMIT", "Prediction"]

# input predict takes as it is, without validate_data (see _is_plain_input)
PREDICT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# widest single row (and output) that _row_output sums in Python: a few
# microseconds at most; a wider row takes the 2-D path, whose products cost
# far more than its checks
ROW_CHECK_LIMIT = 256


class Prediction:
    """Mixin of ``BaseDeep``: the outputs ``predict``, ``predict_proba`` and
    ``score`` of the subclasses are computed from."""

    def _raw_output(self, X):
        """Raw outputs in X's floating dtype (float32 for float32 input, float64
        otherwise), whatever dtype the network computes in."""
        row = self._row_output(X)
        return self._rows_output(X) if row is None else row.reshape(1, -1)

    def _rows_output(self, X):
        """``_raw_output`` for any input: every check of validate_data, except
        for plain input (``_is_plain_input``), which it would pass unchanged."""
        if not self._is_plain_input(X):
            check_is_fitted(self)
            X = check_X(self, X, reset=False)
        raw = self._network.raw_output(X).astype(X.dtype, copy=False)
        return self._check_finite(raw)

    def _row_output(self, X):
        """The raw outputs of a single row of plain input (``_is_plain_input``)
        as a 1-D array in X's dtype, or None for any other input, which
        ``_rows_output`` then checks (and a row with NaN or inf it refuses).
        The network takes a few microseconds on one row, so every check here
        is a scalar one; the sums are Python's, which warn of nothing."""
        if type(X) is not np.ndarray:
            return None
        shape, fitted = X.shape, self.__dict__
        network = fitted.get("_network")
        if (len(shape) != 2 or shape[0] != 1 or network is None
                or X.dtype not in PREDICT_DTYPES
                or shape[1] != fitted.get("n_features_in_")
                or shape[1] > ROW_CHECK_LIMIT
                or "feature_names_in_" in fitted or "is_categorical_" in fitted
                or network.categorical is not None):
            return None
        row = X[0]
        # a finite sum means no NaN or inf, as in _is_plain_input
        if not math.isfinite(sum(row.tolist())):
            return None
        dtype = network.params.dtype
        raw = network.forward(row if row.dtype == dtype else row.astype(dtype))
        if raw.dtype != X.dtype:
            raw = raw.astype(X.dtype)
        if len(raw) > ROW_CHECK_LIMIT or not math.isfinite(sum(raw.tolist())):
            self._check_finite(raw)  # the general path's check and error
        return raw

    def _output(self, X):
        """Predictions after the output activation, checked like the raw ones
        (an exp output, Poisson's, can overflow where the raw output did not):
        of shape (n_outputs,) for a single row of plain input
        (``_row_output``), else (n_samples, n_outputs)."""
        outputs = self._row_output(X)
        if outputs is None:
            outputs = self._rows_output(X)
        activation = self._network.output_activation
        if activation == "identity":  # the raw outputs, checked already
            return outputs
        with np.errstate(over="ignore"):  # reported below, as the error
            OUTPUT_ACTIVATIONS[activation](outputs)
        return self._check_finite(outputs)

    def _check_finite(self, outputs):
        # a finite sum means every value is finite, without an n-by-d mask
        if not math.isfinite(outputs.sum()) and not np.isfinite(outputs).all():
            raise ValueError(
                f"{type(self).__name__}: the network's outputs overflowed to "
                "infinity for some rows of X, whose values are far larger than "
                "the training data's; scale X as at fit, e.g. with StandardScaler "
                "in a Pipeline."
            )
        return outputs

    def _is_plain_input(self, X):
        """True for input validate_data would pass through unchanged: a fitted
        model without feature names given a finite 2-D float ndarray of the right
        width. Skipping the general checks cuts small inputs' latency several
        times, and a float64 array for a float32 model is cast chunk by chunk."""
        return (type(X) is np.ndarray and X.ndim == 2
                and X.dtype in PREDICT_DTYPES
                and "_network" in self.__dict__
                and "feature_names_in_" not in self.__dict__
                and "is_categorical_" not in self.__dict__
                and X.shape[1] == self.n_features_in_ and X.shape[0] > 0
                # a finite sum means no NaN or inf, without an n-by-d mask;
                # an overflowing sum just takes the general path
                and math.isfinite(X.sum()))
