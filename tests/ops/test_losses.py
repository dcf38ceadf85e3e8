"""Losses on raw outputs against the textbook formulas written out here."""

import math

import numpy as np
import pytest
from scipy.special import expit, softmax, xlogy

from skdeep.ops import LOSSES, OUTPUT_ACTIVATIONS, total_weight


def _value(name, raw, targets, weight=None):
    return LOSSES[name].value_and_grad(raw, targets, weight, np.empty_like(raw))


def test_squared_error_is_half_mean_of_summed_squares(rng):
    raw, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    expected = 0.5 * ((raw - y) ** 2).sum(axis=1).mean()
    assert _value("squared_error", raw, y) == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_matches_log_of_softmax(rng):
    raw = rng.normal(size=(5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    expected = -(y * np.log(softmax(raw, axis=1))).sum(axis=1).mean()
    assert _value("softmax_cross_entropy", raw, y) == pytest.approx(expected,
                                                                    rel=1e-12)


def test_softmax_cross_entropy_is_finite_for_huge_logits():
    raw = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    grad = np.empty_like(raw)
    loss = LOSSES["softmax_cross_entropy"].value_and_grad(raw, y, None, grad)
    assert loss == pytest.approx(1000.0)  # first row: log(1 + e^2000) - (-1000)
    assert np.isfinite(grad).all()


def test_sigmoid_cross_entropy_matches_formula(rng):
    raw = rng.normal(scale=3, size=(6, 2))
    y = rng.integers(0, 2, (6, 2)).astype(float)
    p = expit(raw)
    expected = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1).mean()
    assert _value("sigmoid_cross_entropy", raw, y) == pytest.approx(expected,
                                                                    rel=1e-10)


def test_poisson_deviance_matches_formula(rng):
    raw = rng.normal(size=(6, 1))
    y = rng.poisson(2, (6, 1)).astype(float)
    mu = np.exp(raw)
    expected = (xlogy(y, y / mu) - y + mu).sum(axis=1).mean()
    assert _value("poisson", raw, y) == pytest.approx(expected, rel=1e-12)


def test_sample_weight_is_a_weighted_mean(rng):
    raw, y = rng.normal(size=(4, 1)), rng.normal(size=(4, 1))
    weight = np.array([1.0, 2.0, 0.0, 3.0])
    per_sample = 0.5 * ((raw - y) ** 2).ravel()
    expected = (per_sample * weight).sum() / weight.sum()
    assert _value("squared_error", raw, y, weight) == pytest.approx(expected)


@pytest.mark.parametrize("name, reference", [
    ("softmax", lambda z: softmax(z, axis=1)),
    ("logistic", expit),
    ("exp", np.exp),
    ("identity", lambda z: z),
])
def test_output_activations(name, reference, rng):
    z = rng.normal(scale=5, size=(4, 3))
    out = z.copy()
    OUTPUT_ACTIVATIONS[name](out)
    np.testing.assert_allclose(out, reference(z), rtol=1e-12)


# -- total_weight: the normalizer every loss, the L2 term and the training
# loops divide by ------------------------------------------------------------

def test_total_weight_without_weights_is_the_row_count():
    assert total_weight(None, 17) == 17
    assert type(total_weight(None, 17)) is int  # exact: no rounding to a float


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_total_weight_sums_in_the_weights_own_dtype(dtype):
    # 1 + 2**-24 * n rounds differently summed in float32 and in float64: the
    # sum must be the weights' own (the one training has always divided by)
    weights = np.concatenate([[1.0], np.full(4095, 2.0**-24)]).astype(dtype)
    expected = float(np.add.reduce(weights, dtype=dtype))
    result = total_weight(weights, len(weights))
    assert type(result) is float
    assert result == expected
    # and within the dtype's rounding of the exact sum
    exact = math.fsum(weights.astype(np.float64).tolist())
    assert result == pytest.approx(exact, rel=4096 * float(np.finfo(dtype).eps))


def test_the_losses_divide_by_total_weight(rng):
    """Doubling every weight leaves each loss unchanged: the loss is a mean
    weighted by ``weight / total_weight``."""
    raw, weights = rng.normal(size=(8, 3)), rng.random(8)
    targets = np.eye(3)[rng.integers(0, 3, 8)]
    for name in LOSSES:
        once = _value(name, raw, np.abs(targets), weights)
        twice = _value(name, raw, np.abs(targets), 2 * weights)
        assert twice == pytest.approx(once, rel=1e-13), name
