"""The dtype a new network trains in, decided once per fit: float32 where the
input and ``dtype`` ask for it and float32 can hold the model, else float64."""

import numpy as np
from scipy import sparse

from ._params import compute_dtype

__all__ = ["FLOAT32_MAGNITUDE_LIMIT", "FLOAT32_OFFSET_LIMIT", "FLOAT32_PENALTY_LIMIT",
           "TrainingDtype"]

# float32's largest value is 3.4e38: beyond these, a float32 network's Adam
# moments (squared gradients) or outputs overflow, so dtype='auto' keeps float64
FLOAT32_PENALTY_LIMIT = 1e15
FLOAT32_MAGNITUDE_LIMIT = 1e30
# float32 carries about 7 significant digits: a column (of X, or a regressor's y)
# whose mean is more than this many standard deviations from 0 would reach or
# leave a float32 network in steps a noticeable fraction of its spread, since
# its scaling is folded into the first (or last) layer, so 'auto' keeps float64
FLOAT32_OFFSET_LIMIT = 1e3


class TrainingDtype:
    """Mixin of ``BaseDeep``: ``_training_dtype`` and the float32 capacity
    checks it asks (the regressor extends both with its targets)."""

    def _training_dtype(self, X, targets, sample_weight, alpha):
        """The dtype a new network trains in: ``dtype`` and the input's, except
        where float32 cannot hold the model (``_float32_cannot_hold``): then
        'auto' trains in float64 and an explicit float32 is refused; 'auto'
        also keeps float64 for columns far from 0 (``_far_from_zero``)."""
        dtype = compute_dtype(self, X.dtype)
        if dtype != np.float32:
            return dtype
        if self.dtype == "auto" and self._far_from_zero(targets, sample_weight):
            return np.dtype(np.float64)
        problem = self._float32_cannot_hold(X, targets, alpha)
        if problem is None:
            return dtype
        if self.dtype == "auto":
            return np.dtype(np.float64)
        raise ValueError(
            f"{type(self).__name__}: dtype={self.dtype!r} trains in float32 here, "
            f"which cannot hold {problem}; use dtype='float64' or 'auto'.")

    def _far_from_zero(self, targets, sample_weight):
        """Whether an input column lies more than ``FLOAT32_OFFSET_LIMIT``
        standard deviations from 0 (a Unix time, say): ``coefs_[0]`` applies to
        raw X, and float32 could not resolve such a column's spread."""
        scaling = self._fitted_input_scaling()
        return scaling is not None and bool(
            (np.abs(scaling.input_offset) > FLOAT32_OFFSET_LIMIT * scaling.input_scale)
            .any())

    def _float32_cannot_hold(self, X, targets, alpha):
        """What of this fit float32 cannot hold, or None: the one place that
        decides it. ``coefs_[0]`` applies to raw X (the input scaling folded in,
        its rows divided by each column's scale), so X's values and the inverse
        of its scales must fit; the L2 gradient is ``alpha * weights /
        weight_sum`` per batch (weights of mean 1), and Adam squares it."""
        values = X.data if sparse.issparse(X) else X
        largest = float(np.max(np.abs(values), initial=0.0))
        if largest > float(np.finfo(np.float32).max):  # a float32 would overflow
            return (f"input values of magnitude {largest:.3g} (float32 ends at "
                    "3.4e38)")
        scaling = self._fitted_input_scaling()
        if (scaling is not None
                and scaling.input_scale.min() < 1 / FLOAT32_MAGNITUDE_LIMIT):
            return (f"an input column of scale {scaling.input_scale.min():.3g} (the "
                    "first layer's weights are divided by it)")
        if alpha > FLOAT32_PENALTY_LIMIT:
            return (f"the L2 term's factor alpha / mean(sample_weight) = "
                    f"{alpha:.3g} (its gradients' squares overflow)")
        return None
