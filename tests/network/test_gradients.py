"""Finite-difference checks of the public forward/backward for every
hidden activation x loss, in float64, and for mixed per-layer activations."""

import math

import numpy as np
import pytest

from skdeep.network import MLP, Workspace
from skdeep.ops import HIDDEN_ACTIVATIONS, LOSSES

ACTIVATIONS = sorted(HIDDEN_ACTIVATIONS)


def _targets(loss, rng, n_rows, n_outputs):
    if loss == "softmax_cross_entropy":
        return np.eye(n_outputs)[rng.integers(0, n_outputs, n_rows)]
    if loss == "sigmoid_cross_entropy":
        return rng.integers(0, 2, (n_rows, n_outputs)).astype(float)
    if loss == "poisson":
        return rng.poisson(2.0, (n_rows, n_outputs)).astype(float)
    return rng.normal(size=(n_rows, n_outputs))


def _objective(network, X, targets, weight, alpha):
    """Loss including the L2 term, written out: the reference for backward."""
    raw = network.forward(X)
    loss = LOSSES[network.loss].value_and_grad(raw, targets, weight,
                                                np.empty_like(raw))
    weight_sum = len(X) if weight is None else weight.sum()
    squares = sum(float((w**2).sum()) for w in network.weights)
    return loss + 0.5 * alpha * squares / weight_sum


def _relative_gradient_error(network, loss, weighted, rng):
    """|analytic - numeric| / |analytic + numeric| over the whole flat gradient."""
    X = rng.normal(size=(7, 4))
    targets = _targets(loss, rng, 7, 3)
    weight = rng.uniform(0.5, 2.0, 7) if weighted else None
    alpha = 0.3

    ws = Workspace(network, 7)
    raw = network.forward(X, ws)
    LOSSES[loss].value_and_grad(raw, targets, weight, ws.grad_raw)
    weight_sum = 7 if weight is None else weight.sum()
    analytic = network.backward(ws.grad_raw, ws, alpha=alpha,
                                weight_sum=weight_sum).copy()

    numeric = np.empty_like(analytic)
    step = 1e-6
    for i in range(network.n_params):
        saved = network.params[i]
        network.params[i] = saved + step
        upper = _objective(network, X, targets, weight, alpha)
        network.params[i] = saved - step
        lower = _objective(network, X, targets, weight, alpha)
        network.params[i] = saved
        numeric[i] = (upper - lower) / (2 * step)
    return np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic + numeric)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("weighted", [False, True])
def test_backward_matches_finite_differences(activation, loss, weighted, rng):
    network = MLP((4, 5, 3, 3), [activation, activation], loss).initialize(rng)
    # ReLU-family kinks are measure-zero for Gaussian inputs; the relative error
    # is over the whole vector so tiny components do not dominate.
    assert _relative_gradient_error(network, loss, weighted, rng) < 1e-6


@pytest.mark.parametrize("activations", [
    ("gelu", "relu", "selu"), ("silu", "softplus", "gelu"),
    ("leaky_relu", "elu", "tanh"), ("logistic", "silu", "identity")],
    ids="-".join)
def test_mixed_per_layer_activations(activations, rng):
    network = MLP((4, 5, 4, 3, 3), activations, "squared_error").initialize(
        rng, "auto")
    assert _relative_gradient_error(network, "squared_error", True, rng) < 1e-6


# activations written out, for the hand-written objective below
_WRITTEN_OUT = {
    "tanh": np.tanh,
    "gelu": lambda z: 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),
}


@pytest.mark.parametrize("activation", sorted(_WRITTEN_OUT))
def test_dropout_gradient_matches_finite_differences(activation, rng):
    """With a fixed dropout mask the network is deterministic: check it too
    (gelu and silu also keep their pre-activations, which dropout must not touch)."""
    network = MLP((3, 6, 2), [activation], "squared_error").initialize(rng)
    X, targets = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    ws = Workspace(network, 5, dropout_rates=[0.5])
    raw = network.forward(X, ws, rng=np.random.default_rng(3))
    LOSSES["squared_error"].value_and_grad(raw, targets, None, ws.grad_raw)
    analytic = network.backward(ws.grad_raw, ws).copy()
    mask = ws.dropout_masks[0][:5].copy()
    assert set(np.unique(mask)) <= {0.0, 2.0}

    def objective():
        hidden = _WRITTEN_OUT[activation](
            X @ network.weights[0] + network.biases[0]) * mask
        out = hidden @ network.weights[1] + network.biases[1]
        return 0.5 * ((out - targets) ** 2).sum() / 5

    numeric = np.empty_like(analytic)
    for i in range(network.n_params):
        saved = network.params[i]
        network.params[i] = saved + 1e-6
        upper = objective()
        network.params[i] = saved - 1e-6
        lower = objective()
        network.params[i] = saved
        numeric[i] = (upper - lower) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)
