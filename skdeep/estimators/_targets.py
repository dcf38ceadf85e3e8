"""Target statistics for DeepRegressor's target scaling."""

import numpy as np

__all__ = ["target_statistics"]


def target_statistics(targets, sample_weight, loss, scaling):
    """``(offset, scale)`` per output, each of shape (n_outputs,): the weighted
    mean and standard deviation for the squared error, 0 and the mean for
    Poisson (its predictions must stay positive), or 0 and 1 without scaling.
    A zero or non-finite scale (a constant output) becomes 1."""
    n_outputs = targets.shape[1]
    offset, scale = np.zeros(n_outputs), np.ones(n_outputs)
    if scaling is None:
        return offset, scale
    weights = sample_weight if (sample_weight is not None
                                and sample_weight.sum() > 0) else None
    # dividing by the largest magnitude first keeps the squares from overflowing
    size = np.max(np.abs(targets), axis=0)
    size[~(size > 0) | ~np.isfinite(size)] = 1.0
    unit = targets / size
    mean = np.average(unit, axis=0, weights=weights)
    if loss == "poisson":
        spread = mean * size
    else:
        offset = mean * size
        spread = np.sqrt(np.average((unit - mean) ** 2, axis=0, weights=weights))
        spread *= size
    usable = np.isfinite(spread) & (spread > 0)
    scale[usable] = spread[usable]
    return offset, scale
