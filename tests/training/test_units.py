"""TargetScaling: folding the target scaling into the output layer, losses in y."""

import numpy as np
import pytest

from skdeep.network import MLP
from skdeep.training.scaling import TargetScaling

OFFSET, SCALE = np.array([5.0, -300.0]), np.array([1000.0, 0.25])


@pytest.fixture
def network(rng):
    return MLP((3, 4, 2), ("relu",), "squared_error").initialize(rng)


def test_fold_maps_trained_outputs_to_y(network, rng):
    X = rng.normal(size=(7, 3))
    scaling = TargetScaling(OFFSET, SCALE, "squared_error")
    trained = network.raw_output(X).copy()
    scaling.fold(network)
    np.testing.assert_allclose(network.raw_output(X), trained * SCALE + OFFSET,
                               rtol=1e-12)
    scaling.unfold(network)
    np.testing.assert_allclose(network.raw_output(X), trained, rtol=1e-12, atol=1e-12)


def test_poisson_folds_into_the_bias_only(rng):
    network = MLP((3, 4, 2), ("relu",), "poisson").initialize(rng)
    X, weights = rng.normal(size=(7, 3)), network.weights[-1].copy()
    scaling = TargetScaling(np.zeros(2), SCALE, "poisson")
    rates = np.exp(network.raw_output(X))
    scaling.fold(network)
    np.testing.assert_array_equal(network.weights[-1], weights)
    np.testing.assert_allclose(np.exp(network.raw_output(X)), rates * SCALE,
                               rtol=1e-12)


def test_poisson_refuses_an_offset():
    with pytest.raises(ValueError, match="scaled, not shifted"):
        TargetScaling(OFFSET, SCALE, "poisson")


@pytest.mark.parametrize("weighted", [False, True])
def test_squared_error_in_y_units_written_out(network, rng, weighted):
    X, y = rng.normal(size=(9, 3)), rng.normal(size=(9, 2)) * SCALE + OFFSET
    weight = rng.uniform(0, 2, 9) if weighted else None
    scaling = TargetScaling(OFFSET, SCALE, "squared_error")
    raw = network.raw_output(X).copy()
    in_y_units = scaling.loss(network, raw, scaling.scale_targets(y), weight,
                              alpha=0.3)
    scaling.fold(network)
    w = np.ones(9) if weight is None else weight
    residual = network.raw_output(X) - y
    expected = (0.5 * np.sum(w[:, None] * residual**2) / w.sum()
                + 0.15 * sum(np.sum(c**2) for c in network.weights) / w.sum())
    np.testing.assert_allclose(in_y_units, expected, rtol=1e-12)


def test_poisson_deviance_in_y_units_written_out(rng):
    network = MLP((3, 4, 2), ("relu",), "poisson").initialize(rng)
    X, y = rng.normal(size=(9, 3)), rng.poisson(3.0, (9, 2)) * SCALE
    scaling = TargetScaling(np.zeros(2), SCALE, "poisson")
    raw = network.raw_output(X).copy()
    in_y_units = scaling.loss(network, raw, scaling.scale_targets(y), None, alpha=0.0)
    mu = np.exp(raw) * SCALE
    with np.errstate(divide="ignore", invalid="ignore"):
        y_log_y = np.where(y > 0, y * np.log(y / mu), 0.0)
    expected = np.sum(y_log_y - y + mu) / 9  # half the Poisson deviance
    np.testing.assert_allclose(in_y_units, expected, rtol=1e-12)
