"""What predict, predict_proba and predict_log_proba return at the edges:
overflow is an error for every output, and the two probability methods agree."""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def poisson32():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = rng.poisson(np.exp(X[:, 0]))
    return X, DeepRegressor(loss="poisson", hidden_layer_sizes=(8,), max_iter=50,
                            random_state=0).fit(X, y)


def test_float32_poisson_overflow_is_an_error_not_inf(poisson32):
    """exp of a raw output above ~88.7 is inf in float32: the raw outputs are
    finite, so the check must look at the final predictions."""
    X, model = poisson32
    w, b = model.coefs_, model.intercepts_
    hidden = np.maximum(X * 1000 @ w[0] + b[0], 0)
    raw = hidden @ w[1] + b[1]
    assert np.isfinite(raw).all() and raw.max() > 89  # the case being tested
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="DeepRegressor: the network's outputs "
                                             "overflowed.*StandardScaler"):
            model.predict(X * 1000)


def test_float32_poisson_predicts_exp_of_the_raw_output(poisson32):
    X, model = poisson32
    w, b = model.coefs_, model.intercepts_
    raw = np.maximum(X @ w[0] + b[0], 0) @ w[1] + b[1]
    np.testing.assert_allclose(model.predict(X), np.exp(raw).ravel(), rtol=1e-5)


@pytest.fixture(scope="module")
def confident_multilabel():
    """A multilabel model whose logits reach 20-60: several labels of a row
    have probabilities that round to 1.0."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    Y = (X[:, :3] > -2).astype(int)
    model = DeepClassifier(hidden_layer_sizes=(6,), activation="identity",
                           max_iter=2, random_state=0).fit(X, Y)
    model.coefs_[-1][...] = rng.uniform(0, 1, size=(6, 3))
    model.intercepts_[-1][...] = [38.0, 40.0, 42.0]
    return X, model


def _raw(model, X):
    w, b = model.coefs_, model.intercepts_
    return (X @ w[0] + b[0]) @ w[1] + b[1]


def test_multilabel_log_proba_is_the_log_of_proba(confident_multilabel):
    X, model = confident_multilabel
    proba, log_proba = model.predict_proba(X), model.predict_log_proba(X)
    np.testing.assert_allclose(proba, expit(_raw(model, X)), rtol=1e-12)
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-15, atol=0)
    tied = [(row == row.max()).sum() > 1 for row in proba]
    assert sum(tied) >= 6  # rows with several labels at probability 1.0


def test_multilabel_probability_orderings_agree(confident_multilabel):
    X, model = confident_multilabel
    proba, log_proba = model.predict_proba(X), model.predict_log_proba(X)
    np.testing.assert_array_equal(proba.argmax(axis=1), log_proba.argmax(axis=1))
    np.testing.assert_array_equal(np.argsort(proba, axis=1, kind="stable"),
                                  np.argsort(log_proba, axis=1, kind="stable"))


def test_multilabel_underflow_gives_minus_infinity_without_warnings(
        confident_multilabel):
    X, model = confident_multilabel
    model = DeepClassifier(hidden_layer_sizes=(6,), activation="identity",
                           max_iter=2, random_state=0).fit(X, X[:, :2] > 0)
    model.intercepts_[-1][...] = [-800.0, 0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = model.predict_log_proba(X)
    assert np.all(log_proba[:, 0] == -np.inf) and np.isfinite(log_proba[:, 1]).all()
    assert np.all(model.predict_proba(X)[:, 0] == 0)


@pytest.mark.parametrize("gap, finite", [(600.0, True), (900.0, False)])
def test_softmax_log_proba_is_the_log_of_predict_proba(gap, finite):
    """exp(-600) is a normal float64, exp(-900) underflows to 0: log_proba stays
    the precise log-softmax in the first case and is -inf, as log(proba), in
    the second."""
    X = np.random.default_rng(0).normal(size=(20, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(hidden_layer_sizes=(4,), max_iter=2,
                               random_state=0).fit(X, np.arange(20) % 2)
    model.intercepts_[-1][...] = [0.0, gap]
    log_proba = model.predict_log_proba(X)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(log_proba, np.log(model.predict_proba(X)),
                                   rtol=1e-12)
    assert np.isfinite(log_proba).all() == finite
    assert log_proba[:, 0].max() < gap - 100
