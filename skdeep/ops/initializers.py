"""Weight initialisation from an explicit random generator."""

import numpy as np

__all__ = ["INITIALIZERS", "glorot_uniform", "he_uniform", "initializer_for",
           "lecun_uniform"]

# Activations whose variance-preserving initialisation is He's (the ReLU family:
# each passes about half of a zero-mean input's variance) and LeCun's (SELU's
# self-normalising fixed point assumes weights of variance 1 / fan_in).
HE_ACTIVATIONS = frozenset({"relu", "leaky_relu", "elu", "gelu", "silu"})
LECUN_ACTIVATIONS = frozenset({"selu"})


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

    Examples
    --------
    >>> import numpy as np
    >>> weights, bias = glorot_uniform(np.random.default_rng(0), 30, 20)
    >>> bool(np.abs(weights).max() <= np.sqrt(6 / 50)), bias.shape
    (True, (20,))
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    weights = rng.uniform(-bound, bound, (fan_in, fan_out))
    bias = rng.uniform(-bound, bound, fan_out)
    return weights, bias


def _fan_in_uniform(rng, fan_in, fan_out, variance_factor):
    # U(-b, b) has variance b^2 / 3, so b = sqrt(3 * factor / fan_in) gives
    # weights of variance factor / fan_in; biases start at zero, as both
    # papers and Keras do.
    bound = np.sqrt(3.0 * variance_factor / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def he_uniform(rng, fan_in, fan_out, *, activation="relu"):
    """He et al. (2015) uniform weights (variance ``2 / fan_in``) and zero bias.

    Parameters and returns as :func:`glorot_uniform`; ``activation`` is ignored.

    Examples
    --------
    >>> import numpy as np
    >>> weights, bias = he_uniform(np.random.default_rng(0), 30, 20)
    >>> bool(np.abs(weights).max() <= np.sqrt(6 / 30)), bias.tolist()[:2]
    (True, [0.0, 0.0])
    """
    return _fan_in_uniform(rng, fan_in, fan_out, 2.0)


def lecun_uniform(rng, fan_in, fan_out, *, activation="selu"):
    """LeCun uniform weights (variance ``1 / fan_in``) and zero bias, for SELU.

    Parameters and returns as :func:`glorot_uniform`; ``activation`` is ignored.

    Examples
    --------
    >>> import numpy as np
    >>> weights, bias = lecun_uniform(np.random.default_rng(0), 30, 20)
    >>> bool(np.abs(weights).max() <= np.sqrt(3 / 30)), bias.shape
    (True, (20,))
    """
    return _fan_in_uniform(rng, fan_in, fan_out, 1.0)


INITIALIZERS = {"glorot": glorot_uniform, "he": he_uniform, "lecun": lecun_uniform}


def initializer_for(scheme, activation):
    """The initializer function of ``scheme`` for a layer using ``activation``.

    ``scheme`` is a key of :data:`INITIALIZERS` or ``'auto'``, which picks He for
    the ReLU family, LeCun for SELU and Glorot for every other activation.

    Examples
    --------
    >>> initializer_for("auto", "selu").__name__
    'lecun_uniform'
    """
    if scheme == "auto":
        scheme = ("he" if activation in HE_ACTIVATIONS else
                  "lecun" if activation in LECUN_ACTIVATIONS else "glorot")
    return INITIALIZERS[scheme]
