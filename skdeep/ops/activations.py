"""Activation functions, each stored beside its derivative.

The forward functions work in place on the pre-activation ``z``. A derivative
multiplies ``delta`` by ``f'(z)`` in place and, for the monotone activations, is
written in terms of the *output* ``a = f(z)``, which the forward pass keeps
anyway. GELU and SiLU dip below zero and back, so ``a`` does not determine
``z``: their records say ``from_input=True`` and their derivatives are given
``z`` itself, which the network keeps for them while training.

relu, tanh and logistic allocate nothing per batch; the others make a temporary
or two of the batch's size, small beside the matrix products around them.
"""

import functools
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import erf

__all__ = ["Activation", "ACTIVATION_ALIASES", "HIDDEN_ACTIVATIONS",
           "OUTPUT_ACTIVATIONS", "log_logistic", "log_softmax"]


class Activation(NamedTuple):
    """An activation: ``forward(z)`` overwrites ``z`` with ``f(z)``;
    ``derivative(x, delta)`` multiplies ``delta`` by ``f'(z)``, where ``x`` is
    ``a = f(z)``, or ``z`` itself when ``from_input`` is True."""

    name: str
    forward: Callable[[np.ndarray], None]
    derivative: Callable[[np.ndarray, np.ndarray], None]
    from_input: bool = False


def _identity(z):
    pass


def _identity_derivative(a, delta):
    pass


@functools.lru_cache(maxsize=64)
def _zero_row(width, dtype):
    row = np.zeros(width, dtype)
    row.flags.writeable = False
    return row


def _relu(z):
    # against a broadcast row of zeros NumPy takes its vectorised binary loop,
    # about twice as fast as the scalar-operand path of np.maximum(z, 0)
    np.maximum(z, _zero_row(z.shape[-1], z.dtype), out=z)


def _relu_derivative(a, delta):
    # a > 0 exactly where z > 0; multiplying by the boolean mask is a single pass.
    np.multiply(delta, a > 0, out=delta)


def _tanh(z):
    np.tanh(z, out=z)


def _tanh_derivative(a, delta):
    delta *= 1 - a * a


def logistic(z):
    """In-place logistic sigmoid, computed through tanh so it never overflows."""
    z *= 0.5
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5


def _logistic_derivative(a, delta):
    delta *= a * (1 - a)


# Keras' activation="leaky_relu" slope (keras.activations.leaky_relu).
LEAKY_SLOPE = 0.2


def _leaky_relu(z):
    # max(z, slope * z) for a slope below 1: two plain vectorised passes, several
    # times faster than a masked multiply (where=)
    np.maximum(z, np.multiply(z, LEAKY_SLOPE), out=z)


def _leaky_relu_derivative(a, delta):
    # the slope is positive, so a < 0 exactly where z < 0: f' = 1 + (slope - 1)
    # there and 1 elsewhere
    slope = np.multiply(a < 0, LEAKY_SLOPE - 1, dtype=a.dtype)
    slope += 1
    delta *= slope


def _scaled_elu(z, alpha, scale):
    """``scale * (z if z > 0 else alpha * (exp(z) - 1))`` in place."""
    # expm1 keeps full precision for z near 0, where exp(z) - 1 cancels; of
    # min(z, 0) it is 0 wherever z >= 0, so the two parts simply add
    negative_part = np.minimum(z, 0)
    np.expm1(negative_part, out=negative_part)
    np.maximum(z, 0, out=z)
    if alpha != 1.0:
        negative_part *= alpha
    z += negative_part
    if scale != 1.0:
        z *= scale


def _scaled_elu_derivative(a, delta, alpha, scale):
    # for z < 0, f'(z) = scale * alpha * exp(z) = a + scale * alpha
    delta *= np.where(a >= 0, scale, a + scale * alpha)


# Klambauer et al. (2017), "Self-Normalizing Neural Networks": the fixed point
# of zero mean and unit variance under LeCun-initialised weights.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _elu(z):
    _scaled_elu(z, 1.0, 1.0)


def _elu_derivative(a, delta):
    _scaled_elu_derivative(a, delta, 1.0, 1.0)


def _selu(z):
    _scaled_elu(z, SELU_ALPHA, SELU_SCALE)


def _selu_derivative(a, delta):
    _scaled_elu_derivative(a, delta, SELU_ALPHA, SELU_SCALE)


def _normal_cdf(z):
    """Phi(z), the standard normal distribution function, as a new array."""
    cdf = np.multiply(z, 1 / math.sqrt(2))
    erf(cdf, out=cdf)
    cdf += 1
    cdf *= 0.5
    return cdf


def _gelu(z):
    # the exact form z * Phi(z) (Keras' default is the tanh approximation)
    z *= _normal_cdf(z)


def _gelu_derivative(z, delta):
    # d/dz z * Phi(z) = Phi(z) + z * phi(z), phi the standard normal density
    density = np.multiply(z, z)
    density *= -0.5
    np.exp(density, out=density)
    density *= z
    density *= 1 / math.sqrt(2 * math.pi)
    density += _normal_cdf(z)
    delta *= density


def _silu(z):
    sigmoid = z.copy()
    logistic(sigmoid)
    z *= sigmoid


def _silu_derivative(z, delta):
    # d/dz z * s(z) = s * (1 + z * (1 - s)), s the logistic sigmoid
    sigmoid = z.copy()
    logistic(sigmoid)
    slope = np.subtract(1, sigmoid)
    slope *= z
    slope += 1
    slope *= sigmoid
    delta *= slope


def _softplus(z):
    # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)): exp never overflows, and
    # these plain passes are several times faster than np.logaddexp
    tail = np.abs(z)
    np.negative(tail, out=tail)
    np.exp(tail, out=tail)
    np.log1p(tail, out=tail)
    np.maximum(z, 0, out=z)
    z += tail


def _softplus_derivative(a, delta):
    # f'(z) = sigmoid(z) = 1 - exp(-a); expm1 keeps precision where a is tiny
    slope = np.negative(a)
    np.expm1(slope, out=slope)
    np.negative(slope, out=slope)
    delta *= slope


def softmax(z):
    """In-place row-wise softmax; shifting by the row maximum keeps exp finite."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)


def log_softmax(z):
    """In-place row-wise log of softmax: ``z - m - log(sum(exp(z - m)))`` with
    m the row maximum, finite wherever softmax's probabilities underflow."""
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))


def log_logistic(z):
    """In-place log of the logistic sigmoid, ``-log(1 + exp(-z))``, through
    logaddexp so that exp never overflows."""
    np.negative(z, out=z)
    np.logaddexp(0, z, out=z)
    np.negative(z, out=z)


def _exp(z):
    np.exp(z, out=z)


HIDDEN_ACTIVATIONS = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "relu": Activation("relu", _relu, _relu_derivative),
    "tanh": Activation("tanh", _tanh, _tanh_derivative),
    "logistic": Activation("logistic", logistic, _logistic_derivative),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_derivative),
    "elu": Activation("elu", _elu, _elu_derivative),
    "selu": Activation("selu", _selu, _selu_derivative),
    "gelu": Activation("gelu", _gelu, _gelu_derivative, from_input=True),
    "silu": Activation("silu", _silu, _silu_derivative, from_input=True),
    "softplus": Activation("softplus", _softplus, _softplus_derivative),
}

# Keras names for the same functions; estimators translate them, so a network
# (and a saved model) only ever records the names above.
ACTIVATION_ALIASES = {"sigmoid": "logistic", "swish": "silu"}

# Output activations turn raw outputs into predictions; their derivatives are
# never needed because each loss is differentiated on the raw outputs directly.
OUTPUT_ACTIVATIONS = {
    "identity": _identity,
    "softmax": softmax,
    "logistic": logistic,
    "exp": _exp,
}
