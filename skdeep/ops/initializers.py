"""Weight initialisation from an explicit random generator."""

import numpy as np

__all__ = ["glorot_uniform"]


def glorot_uniform(rng, fan_in, fan_out, *, activation="relu"):
    """Glorot-uniform weights of shape (fan_in, fan_out) and bias of shape (fan_out,).

    The bound ``sqrt(factor / (fan_in + fan_out))`` keeps the activation variance
    roughly constant across layers; the logistic function, whose slope at zero is
    1/4, uses ``factor=2`` instead of 6 (as scikit-learn's MLP does). Values are
    drawn in float64 so float32 and float64 networks start from the same point.

    Parameters
    ----------
    rng : numpy.random.Generator
    fan_in, fan_out : int
    activation : str, default="relu"

    Returns
    -------
    weights : ndarray of shape (fan_in, fan_out), float64
    bias : ndarray of shape (fan_out,), float64
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    weights = rng.uniform(-bound, bound, (fan_in, fan_out))
    bias = rng.uniform(-bound, bound, fan_out)
    return weights, bias
