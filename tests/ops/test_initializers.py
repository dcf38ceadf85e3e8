"""The weight initializers: Glorot, He and LeCun bounds and variances, and
which one each scheme picks for each activation."""

import math

import numpy as np
import pytest

from skdeep.ops import glorot_uniform, he_uniform, initializer_for, lecun_uniform


def test_glorot_bound(rng):
    weights, bias = glorot_uniform(rng, 30, 20)
    bound = np.sqrt(6 / 50)
    assert weights.shape == (30, 20) and bias.shape == (20,)
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.9 * bound
    logistic, _ = glorot_uniform(rng, 30, 20, activation="logistic")
    assert np.abs(logistic).max() <= np.sqrt(2 / 50)


@pytest.mark.parametrize("initializer, variance_factor", [
    (he_uniform, 2.0), (lecun_uniform, 1.0)])
def test_fan_in_initializers(initializer, variance_factor, rng):
    fan_in, fan_out = 400, 500
    weights, bias = initializer(rng, fan_in, fan_out)
    bound = math.sqrt(3 * variance_factor / fan_in)  # U(-b, b) has variance b^2/3
    assert weights.shape == (fan_in, fan_out) and weights.dtype == np.float64
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.99 * bound
    assert weights.var() == pytest.approx(variance_factor / fan_in, rel=0.01)
    assert bias.tolist() == [0.0] * fan_out


@pytest.mark.parametrize("scheme, activation, expected", [
    ("glorot", "relu", glorot_uniform), ("glorot", "selu", glorot_uniform),
    ("he", "tanh", he_uniform), ("lecun", "relu", lecun_uniform),
    ("auto", "relu", he_uniform), ("auto", "leaky_relu", he_uniform),
    ("auto", "elu", he_uniform), ("auto", "gelu", he_uniform),
    ("auto", "silu", he_uniform), ("auto", "selu", lecun_uniform),
    ("auto", "tanh", glorot_uniform), ("auto", "logistic", glorot_uniform),
    ("auto", "identity", glorot_uniform), ("auto", "softplus", glorot_uniform)])
def test_initializer_for(scheme, activation, expected):
    assert initializer_for(scheme, activation) is expected

