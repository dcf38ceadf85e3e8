"""Activation functions, each stored beside its derivative.

Every function works in place so the training loop allocates nothing per batch.
A derivative is written in terms of the activation's *output* ``a = f(z)``, which
is what the forward pass keeps, and multiplies ``delta`` by ``f'(z)`` in place.
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = ["Activation", "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS"]


class Activation(NamedTuple):
    """An activation: ``forward(z)`` overwrites ``z`` with ``f(z)``;
    ``derivative(a, delta)`` multiplies ``delta`` by ``f'(z)`` given ``a = f(z)``."""

    name: str
    forward: Callable[[np.ndarray], None]
    derivative: Callable[[np.ndarray, np.ndarray], None]


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


def softmax(z):
    """In-place row-wise softmax; shifting by the row maximum keeps exp finite."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)


def _exp(z):
    np.exp(z, out=z)


HIDDEN_ACTIVATIONS = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "relu": Activation("relu", _relu, _relu_derivative),
    "tanh": Activation("tanh", _tanh, _tanh_derivative),
    "logistic": Activation("logistic", logistic, _logistic_derivative),
}

# Output activations turn raw outputs into predictions; their derivatives are
# never needed because each loss is differentiated on the raw outputs directly.
OUTPUT_ACTIVATIONS = {
    "identity": _identity,
    "softmax": softmax,
    "logistic": logistic,
    "exp": _exp,
}
