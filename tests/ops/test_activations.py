"""Hidden activations and their derivatives against numerical derivatives."""

import numpy as np
import pytest

from skdeep.ops import HIDDEN_ACTIVATIONS, glorot_uniform

REFERENCE = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
}


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_forward_matches_reference(name, rng):
    z = rng.normal(scale=3, size=(5, 4))
    out = z.copy()
    HIDDEN_ACTIVATIONS[name].forward(out)
    np.testing.assert_allclose(out, REFERENCE[name](z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_derivative_matches_central_difference(name, rng):
    z = rng.normal(scale=2, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the ReLU kink
    a = REFERENCE[name](z)
    delta = np.ones_like(z)
    HIDDEN_ACTIVATIONS[name].derivative(a, delta)
    numeric = (REFERENCE[name](z + 1e-6) - REFERENCE[name](z - 1e-6)) / 2e-6
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)


def test_glorot_bound(rng):
    weights, bias = glorot_uniform(rng, 30, 20)
    bound = np.sqrt(6 / 50)
    assert weights.shape == (30, 20) and bias.shape == (20,)
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.9 * bound
    logistic, _ = glorot_uniform(rng, 30, 20, activation="logistic")
    assert np.abs(logistic).max() <= np.sqrt(2 / 50)
