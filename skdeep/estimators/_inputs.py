"""What raw numeric input becomes before the network sees it: the statistics of
``input_scaling='standard'`` and the warning about unscaled columns without it."""

import numpy as np
from scipy import sparse
from sklearn.utils.sparsefuncs import mean_variance_axis

from ..training.scaling import InputScaling
from ._tables import TablePlan, has_table
from ._warnings import warn_caller

__all__ = ["InputHooks", "input_layout", "input_statistics", "scale_inputs",
           "start_embeddings", "warn_unscaled"]

# a spread below this fraction of a column's largest magnitude is rounding noise
# of a constant column: scaling by it would blow the noise up to unit size
CONSTANT_SPREAD = 1e3 * np.finfo(np.float64).eps
# rows scaled at a time (float64 arithmetic, one rounding to the training dtype)
SCALING_BLOCK_ROWS = 4096
# input_scaling=None warns when column spreads differ by this factor or more
SPREAD_RATIO_WARNING = 1e4


class InputHooks:
    """Mixin with the fit skeleton's input hooks (see BaseDeep)."""

    def _measure_inputs(self, X, sample_weight):
        """Measure X for ``input_scaling`` (a first fit); with None, warn when
        its columns differ in scale by orders of magnitude. A table's numeric
        columns are measured on their observed values; its indicator and code
        columns are not scaled."""
        if has_table(self):
            plan = TablePlan.of(self)
            self.input_offset_, self.input_scale_ = plan.observed_statistics(
                X, sample_weight, self.input_scaling, input_statistics)
            if self.input_scaling is None:  # the numeric columns lead X
                warn_unscaled(self, X[:, : len(plan.numeric)], plan.numeric)
            return
        self.input_offset_, self.input_scale_ = input_statistics(
            X, sample_weight, self.input_scaling)
        if self.input_scaling is None:
            warn_unscaled(self, X)

    def _scale_inputs(self, X, dtype):
        """The inputs the network trains on, in ``dtype``."""
        scaling = self._fitted_input_scaling()
        if scaling is None:
            return X
        return scale_inputs(X, scaling.input_offset, scaling.input_scale, dtype)

    def _fitted_input_scaling(self):
        """The ``training.scaling.InputScaling`` the network trains behind; None
        when it trains on raw X (no input_scaling, a model saved before it
        existed, unit scale)."""
        offset = self.__dict__.get("input_offset_")
        scale = self.__dict__.get("input_scale_")
        if offset is None or (not offset.any() and (scale == 1).all()):
            return None
        return InputScaling(offset, scale)


def input_layout(estimator, n_columns):
    """``(n_inputs, categorical_sizes)`` of a new network for encoded input of
    ``n_columns``: the first layer's width (one-hot width with categorical
    columns) and the categories of each categorical column."""
    if not has_table(estimator):
        return n_columns, ()
    plan = TablePlan.of(estimator)
    return plan.n_dense + sum(plan.sizes), plan.sizes


def start_embeddings(network, X):
    """Zero the first-layer rows no training row selects (the 'other' and
    'missing' rows of a column without rare, unseen or missing values): an
    unseen category at predict then adds nothing, as with
    ``OneHotEncoder(handle_unknown='ignore')``, and they stay zero until a
    later fit selects them (zero gradient, zero L2 term)."""
    if network.categorical is None:
        return
    rows = network.categorical.rows(X).ravel()
    used = np.bincount(rows, minlength=network.layer_sizes[0]) > 0
    used[: network.categorical.n_dense] = True
    network.weights[0][~used] = 0


def input_statistics(X, sample_weight, scaling):
    """``(offset, scale)`` per feature, each of shape (n_features,): the weighted
    mean and standard deviation of each column (offset 0 for sparse X, which is
    scaled without centering so it stays sparse), or 0 and 1 with ``scaling``
    None. A constant column gets its largest magnitude as scale (1 for zeros):
    it trains as zeros either way, and its folded first-layer row and bias then
    cancel at the magnitude of the weights, not of the column's value."""
    n_features = X.shape[1]
    offset, scale = np.zeros(n_features), np.ones(n_features)
    if scaling is None:
        return offset, scale
    mean, spread, size = _column_statistics(X, sample_weight)
    if not sparse.issparse(X):
        offset = mean
    usable = np.isfinite(spread) & (spread > CONSTANT_SPREAD * size)
    scale = np.where(usable, spread, size)
    return offset, scale


def _column_statistics(X, sample_weight):
    """Weighted mean, standard deviation and largest magnitude of each column."""
    weights = sample_weight if (sample_weight is not None
                                and sample_weight.sum() > 0) else None
    if sparse.issparse(X):
        X = sparse.csr_matrix(X, dtype=np.float64)
        mean, variance = mean_variance_axis(X, axis=0, weights=weights)
        size = _usable(np.asarray(abs(X).max(axis=0).todense()).ravel())
        return mean, np.sqrt(variance), size
    # dividing by the largest magnitude first keeps the squares from overflowing
    size = _usable(np.max(np.abs(X), axis=0).astype(np.float64))
    unit = X / size
    mean = np.average(unit, axis=0, weights=weights)
    unit -= mean
    unit *= unit
    spread = np.sqrt(np.average(unit, axis=0, weights=weights))
    return mean * size, spread * size, size


def _usable(size):
    """Largest magnitudes with 1 for an all-zero (or non-finite) column."""
    size[~(size > 0) | ~np.isfinite(size)] = 1.0
    return size


def scale_inputs(X, offset, scale, dtype):
    """``(X - offset) / scale`` as a new array (sparse X: ``X / scale``, still
    sparse) in ``dtype``; float64 arithmetic, one rounding to ``dtype``."""
    if sparse.issparse(X):
        scaled = sparse.csr_matrix(X, dtype=np.float64) @ sparse.diags(1.0 / scale)
        return sparse.csr_matrix(scaled, dtype=dtype)
    # in blocks of rows, so the float64 arithmetic costs a block, not a copy of
    # X; a table's trailing code columns (beyond ``offset``) stay as they are
    n_scaled = len(offset)
    scaled = np.empty(X.shape, dtype=dtype)
    for start in range(0, X.shape[0], SCALING_BLOCK_ROWS):
        rows = slice(start, start + SCALING_BLOCK_ROWS)
        block = np.subtract(X[rows, :n_scaled], offset, dtype=np.float64)
        block /= scale
        scaled[rows, :n_scaled] = block
        scaled[rows, n_scaled:] = X[rows, n_scaled:]
    return scaled


def warn_unscaled(estimator, X, columns=None):
    """Warn when X's column spreads differ by ``SPREAD_RATIO_WARNING`` or more:
    with ``input_scaling=None`` the network sees them as they are, and the
    widest columns swamp the rest. ``columns``: the feature index of each of
    X's columns (default: their positions)."""
    _, spread, size = _column_statistics(X, None)
    varying = np.flatnonzero(np.isfinite(spread) & (spread > CONSTANT_SPREAD * size))
    if len(varying) < 2:
        return
    widest = varying[np.argmax(spread[varying])]
    narrowest = varying[np.argmin(spread[varying])]
    ratio = spread[widest] / spread[narrowest]
    if not ratio >= SPREAD_RATIO_WARNING:
        return
    names = getattr(estimator, "feature_names_in_", None)

    def label(j):
        j = j if columns is None else int(columns[j])
        return f"{names[j]!r}" if names is not None else f"column {j}"

    warn_caller(
        f"{type(estimator).__name__}: with input_scaling=None the input columns "
        f"differ in scale by a factor of {ratio:.2g}: {label(widest)} has standard "
        f"deviation {spread[widest]:.3g}, {label(narrowest)} {spread[narrowest]:.3g}."
        " The network sees them unscaled, so the widest dominate and training may "
        "diverge or stall; set input_scaling='standard' (the default), or scale X "
        "first, e.g. make_pipeline(StandardScaler(), ...).")
