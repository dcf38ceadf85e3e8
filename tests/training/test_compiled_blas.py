"""The compiled step's matrix product: NumPy's own CBLAS gemm called by
address, or np.dot's BLAS, in every operand layout the step uses."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep.training import compiled

pytest.importorskip("numba")
from skdeep.training import _kernels  # noqa: E402  (needs numba)

SHAPES = [(200, 100, 100), (7, 1, 5), (1, 9, 4), (5, 3, 1), (1, 1, 1), (3, 0, 2)]


def _operand(rng, rows, cols, transposed, dtype):
    """A (rows, cols) matrix: C order, or the transposed view of a C array."""
    if transposed:
        return rng.standard_normal((cols, rows)).astype(dtype).T
    return rng.standard_normal((rows, cols)).astype(dtype)


@pytest.mark.parametrize("through", ["numpy_blas", "np_dot"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_gemm_equals_numpy_in_every_layout(shape, through, dtype):
    address = compiled.gemm_address(dtype) if through == "numpy_blas" else 0
    if through == "numpy_blas" and not address:
        pytest.skip("NumPy's bundled OpenBLAS is not found here")
    rng = np.random.default_rng(0)
    m, k, n = shape
    for trans_a in (False, True):
        for trans_b in (False, True):
            a = _operand(rng, m, k, trans_a, dtype)
            b = _operand(rng, k, n, trans_b, dtype)
            out = np.full((m, n), np.nan, dtype)
            _kernels.gemm(address, a, b, out)
            np.testing.assert_allclose(out, a @ b, rtol=1e-5 if dtype == np.float32
                                       else 1e-12, atol=1e-6)


def test_the_step_sized_products_are_numpys_bit_for_bit():
    """Same library, same call: the compiled products equal the NumPy path's."""
    address = compiled.gemm_address(np.float32)
    if not address:
        pytest.skip("NumPy's bundled OpenBLAS is not found here")
    rng = np.random.default_rng(1)
    a, w = (rng.standard_normal(s).astype(np.float32) for s in ((200, 100), (100, 50)))
    delta = rng.standard_normal((200, 50)).astype(np.float32)
    for left, right in ((a, w), (a.T, delta), (delta, w.T)):
        out = np.empty((left.shape[0], right.shape[1]), np.float32)
        _kernels.gemm(address, left, right, out)
        np.testing.assert_array_equal(out, np.dot(left, right))


def test_other_dtypes_and_a_missing_library_mean_np_dot(monkeypatch):
    assert compiled.gemm_address(np.int64) == 0
    monkeypatch.setenv("SKDEEP_COMPILED_BLAS", "numba")
    assert not compiled._numpy_blas()


@pytest.mark.parametrize("blas", ["numpy", "numba"])
def test_both_blas_choices_train_like_the_numpy_path(blas, monkeypatch):
    from skdeep import DeepClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)

    def fit(engine):
        monkeypatch.setenv("SKDEEP_COMPILED", engine)
        monkeypatch.setenv("SKDEEP_COMPILED_BLAS", blas)
        return DeepClassifier(hidden_layer_sizes=(16, 8), max_iter=3, batch_size=32,
                              random_state=0, dtype="float64", tol=0).fit(X, y)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference, compiled_model = fit("0"), fit("1")
    for got, want in zip(compiled_model.coefs_, reference.coefs_):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
