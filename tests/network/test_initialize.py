"""MLP.initialize: the default is today's Glorot draw, bit for bit; 'auto' picks
He for the ReLU family and LeCun for SELU, layer by layer."""

import math

import numpy as np
import pytest

from skdeep.network import MLP

SIZES = (6, 40, 30, 3)


def _glorot_reference(seed, activations):
    """Glorot-uniform as the package always drew it, written out: per layer the
    weights then the bias from U(-b, b), b = sqrt(k / (fan_in + fan_out)), k = 2
    for logistic and 6 otherwise; the output layer uses the last hidden one's."""
    rng, weights, biases = np.random.default_rng(seed), [], []
    for i, (fan_in, fan_out) in enumerate(zip(SIZES, SIZES[1:])):
        activation = activations[min(i, len(activations) - 1)]
        bound = math.sqrt((2 if activation == "logistic" else 6) / (fan_in + fan_out))
        weights.append(rng.uniform(-bound, bound, (fan_in, fan_out)).ravel())
        biases.append(rng.uniform(-bound, bound, fan_out))
    return np.concatenate(weights + biases)


@pytest.mark.parametrize("activations", [("relu", "relu"), ("logistic", "tanh"),
                                         ("tanh", "logistic"), ("selu", "gelu")])
@pytest.mark.parametrize("scheme", [None, "glorot"])
def test_default_is_glorot_bitwise(activations, scheme):
    network = MLP(SIZES, activations, "squared_error")
    rng = np.random.default_rng(7)
    network.initialize(rng) if scheme is None else network.initialize(rng, scheme)
    np.testing.assert_array_equal(network.params,
                                  _glorot_reference(7, activations))


@pytest.mark.parametrize("activations, variance_factors", [
    (("relu", "leaky_relu"), (2, 2, 2)),
    (("selu", "selu"), (1, 1, 1)),
    (("tanh", "gelu"), (None, 2, 2)),  # None: Glorot, as tanh asks
    (("selu", "elu"), (1, 2, 2)),
])
def test_auto_suits_each_layer(activations, variance_factors):
    network = MLP(SIZES, activations, "squared_error").initialize(
        np.random.default_rng(0), "auto")
    for weights, bias, factor in zip(network.weights, network.biases,
                                     variance_factors):
        fan_in, fan_out = weights.shape
        if factor is None:
            bound = math.sqrt(6 / (fan_in + fan_out))
            assert np.abs(bias).max() > 0  # Glorot draws biases too
        else:
            bound = math.sqrt(3 * factor / fan_in)
            assert not bias.any()
        assert np.abs(weights).max() <= bound
        assert np.abs(weights).max() > 0.9 * bound


def test_schemes_are_reproducible():
    first, second = (MLP(SIZES, ("gelu", "selu"), "squared_error").initialize(
        np.random.default_rng(3), "auto") for _ in range(2))
    np.testing.assert_array_equal(first.params, second.params)
