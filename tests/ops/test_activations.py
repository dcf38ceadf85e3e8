"""Hidden activations and their derivatives against formulas written out here
and their numerical derivatives."""

import math

import numpy as np
import pytest
from scipy.special import log_expit
from scipy.special import log_softmax as scipy_log_softmax

from skdeep.ops import ACTIVATION_ALIASES, HIDDEN_ACTIVATIONS, log_logistic, log_softmax

# Klambauer et al. (2017), eq. 14 and the text after it
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf)  # independent of the scipy ufunc the package uses

REFERENCE = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "selu": lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1)),
    "gelu": lambda z: 0.5 * z * (1 + _erf(z / math.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "softplus": lambda z: np.log(1 + np.exp(z)),
}


def _derivative(name, z, delta):
    """Apply the package's derivative, given what the network keeps for it."""
    activation = HIDDEN_ACTIVATIONS[name]
    kept = z if activation.from_input else REFERENCE[name](z)
    activation.derivative(kept, delta)
    return delta


def test_every_activation_has_a_reference():
    assert set(HIDDEN_ACTIVATIONS) == set(REFERENCE)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_forward_matches_reference(name, rng):
    z = rng.normal(scale=3, size=(5, 4))
    out = z.copy()
    HIDDEN_ACTIVATIONS[name].forward(out)
    np.testing.assert_allclose(out, REFERENCE[name](z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_derivative_matches_central_difference(name, rng):
    z = rng.normal(scale=2, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the kinks at 0
    delta = _derivative(name, z, np.ones_like(z))
    numeric = (REFERENCE[name](z + 1e-6) - REFERENCE[name](z - 1e-6)) / 2e-6
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_derivative_scales_delta(name, rng):
    """The derivative multiplies the incoming delta, element by element."""
    z = rng.normal(scale=2, size=(3, 4))
    delta = rng.normal(size=(3, 4))
    slopes = _derivative(name, z, np.ones_like(z))
    np.testing.assert_allclose(_derivative(name, z, delta.copy()), delta * slopes,
                               rtol=1e-14)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_float32_stays_float32(name, rng):
    z = rng.normal(scale=3, size=(4, 3))
    out = z.astype(np.float32)
    HIDDEN_ACTIVATIONS[name].forward(out)
    delta = np.ones_like(out)
    kept = out if not HIDDEN_ACTIVATIONS[name].from_input else z.astype(np.float32)
    HIDDEN_ACTIVATIONS[name].derivative(kept, delta)
    assert out.dtype == delta.dtype == np.float32
    np.testing.assert_allclose(out, REFERENCE[name](z), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("z, expected", [
    (1.0, SELU_SCALE), (-1.0, SELU_SCALE * SELU_ALPHA * (math.exp(-1) - 1)),
    (-50.0, -SELU_SCALE * SELU_ALPHA)])
def test_selu_constants(z, expected):
    out = np.array([[z]])
    HIDDEN_ACTIVATIONS["selu"].forward(out)
    assert out[0, 0] == pytest.approx(expected, rel=1e-15)


def test_selu_keeps_a_standard_normal_input_standard():
    # the property the constants are chosen for: mean 0, variance 1 is a fixed point
    z = np.random.default_rng(1).normal(size=(1_000_000, 1))
    HIDDEN_ACTIVATIONS["selu"].forward(z)
    assert abs(z.mean()) < 3e-3 and abs(z.var() - 1) < 3e-3


@pytest.mark.parametrize("z, expected", [
    # z * Phi(z), with Phi(1) = 0.841344746068543 and Phi(-2) = 0.0227501319481792
    (1.0, 0.841344746068543), (-2.0, -2 * 0.0227501319481792), (0.0, 0.0)])
def test_gelu_is_the_exact_erf_form(z, expected):
    out = np.array([[z]])
    HIDDEN_ACTIVATIONS["gelu"].forward(out)
    assert out[0, 0] == pytest.approx(expected, rel=1e-14, abs=1e-300)


def test_leaky_relu_slope_is_kerass():
    out = np.array([[-1.0, 2.0]])
    HIDDEN_ACTIVATIONS["leaky_relu"].forward(out)
    assert out.tolist() == [[-0.2, 2.0]]


@pytest.mark.parametrize("name, left_slope, right_slope", [
    ("elu", 0, 1), ("selu", 0, SELU_SCALE), ("silu", 0, 1), ("softplus", 0, 1),
    ("gelu", 0, 1), ("logistic", 0, 0), ("leaky_relu", 0.2, 1)])
def test_extreme_inputs_stay_finite(name, left_slope, right_slope):
    z = np.array([[-1000.0, -30.0, 30.0, 1000.0]])
    activation, out, delta = HIDDEN_ACTIVATIONS[name], z.copy(), np.ones_like(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        activation.forward(out)
        activation.derivative(z if activation.from_input else out, delta)
    assert np.isfinite(out).all() and np.isfinite(delta).all()
    # far out the slopes reach their asymptotes
    assert delta[0, 0] == pytest.approx(left_slope, abs=1e-12)
    assert delta[0, -1] == pytest.approx(right_slope, abs=1e-12)


def test_softplus_derivative_is_accurate_where_the_output_is_tiny():
    # softplus(-40) = log1p(exp(-40)) ~ 4.2e-18; its slope sigmoid(-40) ~ 4.2e-18
    # too, which 1 - exp(-a) would round to 0
    z = np.array([[-40.0]])
    delta = _derivative("softplus", z, np.ones_like(z))
    assert delta[0, 0] == pytest.approx(1 / (1 + math.exp(40)), rel=1e-12)


def test_aliases_name_the_same_functions():
    assert ACTIVATION_ALIASES == {"sigmoid": "logistic", "swish": "silu"}
    assert set(ACTIVATION_ALIASES.values()) <= set(HIDDEN_ACTIVATIONS)
    assert not set(ACTIVATION_ALIASES) & set(HIDDEN_ACTIVATIONS)


# -- the logs of the output activations: what predict_log_proba returns ------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_the_log_of_softmax(dtype, rng):
    z = rng.normal(scale=3, size=(20, 4)).astype(dtype)
    naive = np.log(np.exp(z.astype(np.float64))
                   / np.exp(z.astype(np.float64)).sum(axis=1, keepdims=True))
    out = z.copy()
    log_softmax(out)  # in place, as softmax
    assert out.dtype == dtype
    np.testing.assert_allclose(out, naive, rtol=10 * np.finfo(dtype).eps,
                               atol=10 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_stays_finite_where_the_naive_form_overflows(dtype):
    z = np.array([[1000.0, -1000.0, 0.0], [5000.0, 4999.0, -3.0],
                  [-800.0, -801.0, -900.0]], dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        naive = np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))
    assert not np.isfinite(naive).all()  # the reason for the shift
    out = z.copy()
    log_softmax(out)
    np.testing.assert_allclose(out, scipy_log_softmax(z.astype(np.float64), axis=1),
                               rtol=10 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_logistic_is_the_log_of_logistic(dtype):
    z = np.array([[-800.0, -30.0, -1.0, 0.0, 1e-8, 2.5, 40.0, 800.0]], dtype=dtype)
    out = z.copy()
    log_logistic(out)
    assert out.dtype == dtype
    # scipy's log_expit, and -log(1 + exp(-z)) where that form is finite
    np.testing.assert_allclose(out, log_expit(z.astype(np.float64)),
                               rtol=10 * np.finfo(dtype).eps)
    middle = z[:, 1:7].astype(np.float64)
    np.testing.assert_allclose(out[:, 1:7], -np.log1p(np.exp(-middle)),
                               rtol=10 * np.finfo(dtype).eps)
