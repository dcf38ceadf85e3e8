"""The flat parameter vector, chunked prediction and dtypes of the network."""

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.network import MLP


def _network(rng, dtype=np.float64):
    return MLP((6, 8, 5, 3), ["relu", "tanh"], "softmax_cross_entropy",
               dtype).initialize(rng)


def test_weights_are_views_into_one_flat_vector(rng):
    network = _network(rng)
    assert network.n_params == 6 * 8 + 8 * 5 + 5 * 3 + 8 + 5 + 3
    for array in (*network.weights, *network.biases):
        assert np.shares_memory(array, network.params)
    network.weights[1][...] = 7.0
    assert np.count_nonzero(network.params == 7.0) == 8 * 5


def test_forward_matches_numpy_by_hand(rng):
    network = _network(rng)
    X = rng.normal(size=(4, 6))
    hidden = np.maximum(X @ network.weights[0] + network.biases[0], 0)
    hidden = np.tanh(hidden @ network.weights[1] + network.biases[1])
    logits = hidden @ network.weights[2] + network.biases[2]
    np.testing.assert_allclose(network.raw_output(X), logits, rtol=1e-12)
    np.testing.assert_allclose(network.forward(X), logits, rtol=1e-12)


@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 1000])
def test_chunked_prediction_equals_unchunked(chunk_rows, rng):
    network = _network(rng)
    X = rng.normal(size=(130, 6))
    whole = network.raw_output(X, chunk_rows=10_000)
    # one-row chunks go through BLAS gemv instead of gemm: equal to rounding
    np.testing.assert_allclose(network.raw_output(X, chunk_rows=chunk_rows), whole,
                               rtol=1e-13, atol=1e-15)


def test_sparse_input_equals_dense(rng):
    network = _network(rng)
    X = rng.normal(size=(20, 6)) * (rng.random((20, 6)) < 0.3)
    for sparse in (sp.csr_matrix(X), sp.csc_matrix(X)):
        np.testing.assert_allclose(network.raw_output(sparse), network.raw_output(X),
                                   rtol=1e-12)


def test_float32_network_agrees_with_float64(rng):
    network = _network(rng)
    X = rng.normal(size=(50, 6))
    single = MLP(network.layer_sizes, network.activations, network.loss, np.float32)
    single.params[...] = network.params
    assert single.params.dtype == np.float32
    out = single.raw_output(X.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, network.raw_output(X), rtol=1e-4, atol=1e-6)


def test_layer_outputs_trace(rng):
    network = _network(rng)
    X = rng.normal(size=(3, 6))
    trace = network.layer_outputs(X)
    assert [t.shape for t in trace] == [(3, 8), (3, 5), (3, 3)]
    np.testing.assert_allclose(trace[-1], network.raw_output(X))


def test_pickle_keeps_views(rng):
    import pickle

    network = pickle.loads(pickle.dumps(_network(rng)))
    network.weights[0][...] = 0
    assert not network.params[: 6 * 8].any()
