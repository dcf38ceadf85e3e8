"""Categorical inputs of the first layer: the gather equals a one-hot input,
and its scatter-add gradient matches finite differences."""

import numpy as np
import pytest

from skdeep.network import MLP, Workspace
from skdeep.ops import LOSSES

SIZES = (3, 5)  # categories of the two categorical columns
N_DENSE = 2


def _network(rng, loss="squared_error", n_dense=N_DENSE):
    sizes = (n_dense + sum(SIZES), 6, 4, 2)
    return MLP(sizes, ["tanh", "relu"], loss, categorical_sizes=SIZES).initialize(
        rng)


def _inputs(rng, n_rows, n_dense=N_DENSE):
    codes = np.column_stack([rng.integers(0, size, n_rows) for size in SIZES])
    return np.column_stack([rng.normal(size=(n_rows, n_dense)), codes]).astype(float)


def _one_hot(X, n_dense=N_DENSE):
    blocks = [np.eye(size)[X[:, n_dense + j].astype(int)]
              for j, size in enumerate(SIZES)]
    return np.column_stack([X[:, :n_dense], *blocks])


@pytest.mark.parametrize("n_dense", [0, 2])
def test_gather_equals_the_one_hot_network(n_dense, rng):
    network = _network(rng, n_dense=n_dense)
    dense = MLP(network.layer_sizes, network.activations, network.loss)
    dense.params[...] = network.params
    X = _inputs(rng, 30, n_dense)
    np.testing.assert_allclose(network.raw_output(X),
                               dense.raw_output(_one_hot(X, n_dense)), rtol=1e-13)
    assert network.n_inputs == n_dense + len(SIZES)


def _objective(network, X, targets, alpha):
    raw = network.forward(X)
    loss = LOSSES[network.loss].value_and_grad(raw, targets, None,
                                                np.empty_like(raw))
    return loss + network.penalty(alpha, len(X))


@pytest.mark.parametrize("loss", ["squared_error", "softmax_cross_entropy"])
def test_scatter_gradient_matches_finite_differences(loss, rng):
    network = _network(rng, loss)
    # repeated codes, and a category no row uses (its gradient is the L2 term)
    X = _inputs(rng, 9)
    X[:, N_DENSE] = [0, 0, 1, 0, 1, 1, 0, 0, 1]
    targets = np.eye(2)[rng.integers(0, 2, 9)]
    alpha = 0.3
    ws = Workspace(network, 9)
    LOSSES[loss].value_and_grad(network.forward(X, ws), targets, None, ws.grad_raw)
    analytic = network.backward(ws.grad_raw, ws, alpha=alpha, weight_sum=9).copy()
    numeric, step = np.empty_like(analytic), 1e-6
    for i in range(network.n_params):
        saved = network.params[i]
        network.params[i] = saved + step
        upper = _objective(network, X, targets, alpha)
        network.params[i] = saved - step
        lower = _objective(network, X, targets, alpha)
        network.params[i] = saved
        numeric[i] = (upper - lower) / (2 * step)
    error = np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic + numeric)
    assert error < 1e-7


def test_copy_and_pickle_keep_the_categorical_inputs(rng):
    import pickle

    network = _network(rng)
    X = _inputs(rng, 5)
    for other in (network.copy(), pickle.loads(pickle.dumps(network))):
        assert other.categorical_sizes == SIZES
        np.testing.assert_array_equal(other.raw_output(X), network.raw_output(X))
