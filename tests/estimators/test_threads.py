"""The BLAS thread limit taken while training small networks is given back,
however fits in threads overlap."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _blas_threads():
    return [pool["num_threads"] for pool in threadpool_info()
            if pool["user_api"] == "blas"]


@pytest.fixture
def start_threads():
    """The BLAS thread count before the test; it must be above one to show a
    limit left behind. (No limit is held here: for OpenBLAS, the thread holding
    one is the only thread whose limits count.)"""
    threads = _blas_threads()
    if not threads or max(threads) < 2:
        pytest.skip("needs a BLAS library running more than one thread")
    return threads


def test_eight_overlapping_fits_leave_the_blas_thread_count_as_found(
        start_threads, monkeypatch):
    """Eight fits in threads enter one after another and leave in the same
    order, each while the later ones still train, and each thread ends before
    the next fit leaves: the interleaving in which the last fit out used to put
    back the one thread it found on entry."""
    import skdeep.estimators._base as base

    n_fits, original = 8, base.fit_stochastic
    entered = [threading.Event() for _ in range(n_fits)]
    all_in = threading.Barrier(n_fits)
    index, threads, n_iter = threading.local(), [], [None] * n_fits

    def overlapping(*args, **kwargs):  # runs inside the fit's thread limit
        entered[index.value].set()
        all_in.wait(timeout=60)
        result = original(*args, **kwargs)
        if index.value:
            threads[index.value - 1].join(timeout=60)
        return result

    monkeypatch.setattr(base, "fit_stochastic", overlapping)
    X = np.random.default_rng(0).normal(size=(100, 4))
    y = X.sum(axis=1)

    def fit(i):
        index.value = i
        model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=i)
        n_iter[i] = model.fit(X, y).n_iter_

    for i in range(n_fits):
        threads.append(threading.Thread(target=fit, args=(i,)))
        threads[-1].start()
        assert entered[i].wait(timeout=60)
    threads[-1].join(timeout=60)
    assert n_iter == [2] * n_fits
    assert _blas_threads() == start_threads


def test_a_small_fit_runs_on_one_blas_thread_and_gives_it_back(start_threads,
                                                               monkeypatch):
    import skdeep.estimators._base as base

    seen, original = [], base.fit_stochastic

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(base, "fit_stochastic", spy)
    X = np.random.default_rng(0).normal(size=(30, 3))
    DeepClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, np.arange(30) % 2)
    assert seen == [[1] * len(start_threads)]
    assert _blas_threads() == start_threads


def test_fits_in_a_thread_pool_give_the_limit_back(start_threads):
    """Pool threads outlive their fits: the limit must still come back, and
    the main thread must be able to set limits afterwards."""
    X = np.random.default_rng(0).normal(size=(100, 4))
    y = X.sum(axis=1)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda seed: DeepRegressor(hidden_layer_sizes=(8,),
                                                 max_iter=3, random_state=seed
                                                 ).fit(X, y), range(8)))
        assert _blas_threads() == start_threads
        with threadpool_limits(limits=1, user_api="blas"):
            assert max(_blas_threads()) == 1
    assert _blas_threads() == start_threads


def test_a_failing_fit_gives_the_limit_back(start_threads):
    X = np.random.default_rng(0).normal(size=(30, 3))
    X[:, 0] = 1e300  # unscaled, float32 training rounds it to infinity
    with pytest.raises(ValueError):
        DeepRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0,
                      input_scaling=None).fit(X, np.ones(30))
    assert _blas_threads() == start_threads
