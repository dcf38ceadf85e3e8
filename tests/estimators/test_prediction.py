"""A fitted model shared by threads, and searches fitted in parallel
processes, give what one thread gives; predictions are properties of each row
alone (finite probabilities that sum to one, whatever the row order)."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_GOOD = np.random.default_rng(0).normal(size=(40, 3))
Y_CLASSES = np.arange(40) % 3
Y_REAL = X_GOOD @ [1.0, -2.0, 0.5]


def fitted(cls, X=X_GOOD):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    return cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_predict_from_eight_threads(cls):
    model = fitted(cls)
    X = np.random.default_rng(1).normal(size=(3000, 3))
    method = "predict_proba" if cls is DeepClassifier else "predict"
    expected = getattr(model, method)(X)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: getattr(model, method)(X), range(32)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


@pytest.mark.slow  # starts worker processes
@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_grid_search_parallel_equals_serial(cls):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    grid = {"hidden_layer_sizes": [(4,), (8, 4)], "alpha": [1e-4, 1e-1]}
    results = [GridSearchCV(cls(max_iter=5, random_state=0), grid, cv=3,
                            n_jobs=n_jobs).fit(X_GOOD, y) for n_jobs in (1, 2)]
    serial, parallel = (r.cv_results_ for r in results)
    np.testing.assert_array_equal(parallel["mean_test_score"],
                                  serial["mean_test_score"])
    assert results[0].best_params_ == results[1].best_params_



CLASSIFIER = fitted(DeepClassifier)


rows = st.integers(1, 30).flatmap(lambda n: st.lists(
    st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=n,
    max_size=n))


@settings(max_examples=60, deadline=None)
@given(rows)
def test_probabilities_are_finite_and_sum_to_one(X):
    proba = CLASSIFIER.predict_proba(np.array(X))
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_predictions_do_not_depend_on_row_order(X, random):
    X = np.array(X)
    order = list(range(len(X)))
    random.shuffle(order)
    proba = CLASSIFIER.predict_proba(X)
    np.testing.assert_allclose(CLASSIFIER.predict_proba(X[order]), proba[order],
                               rtol=1e-12, atol=1e-300)
    clear = np.abs(np.diff(np.sort(proba, axis=1)[:, -2:], axis=1))[:, 0] > 1e-9
    np.testing.assert_array_equal(CLASSIFIER.predict(X[order])[clear[order]],
                                  CLASSIFIER.predict(X)[order][clear[order]])

