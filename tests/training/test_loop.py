"""The fit loop through the estimators: early stopping with best-weight
restore (minibatch and L-BFGS), history, dropout, the adaptive schedule,
gradient clipping, and the ConvergenceWarning early stopping spares."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine


@pytest.fixture
def classification():
    X, y = make_classification(600, 8, n_informative=4, flip_y=0.2, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


@pytest.mark.slow
def test_early_stopping_restores_the_best_epoch(classification):
    X, y, X_val, y_val = classification
    model = DeepClassifier(hidden_layer_sizes=(200, 200), learning_rate_init=0.01,
                           early_stopping=True, n_iter_no_change=5, max_iter=200,
                           random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    curve = model.validation_loss_curve_
    best = int(np.argmin(curve))
    assert model.n_iter_ < 200 and model.n_iter_ == best + 1 + 5  # patience 5
    # the restored weights reproduce the best epoch's validation loss, computed
    # independently with scikit-learn's log_loss (epochs differ by over 1 %; the
    # curve is computed in float32, the training dtype)
    assert log_loss(y_val, model.predict_proba(X_val)) == pytest.approx(curve[best],
                                                                        rel=1e-6)
    assert model.best_validation_score_ == model.validation_scores_[best]
    assert model.history_["val_loss"] == curve
    assert model.history_["val_accuracy"] == model.validation_scores_
    assert model.best_loss_ is None


@pytest.mark.slow
def test_restore_best_weights_off_keeps_last_epoch(classification):
    X, y, X_val, y_val = classification
    model = DeepClassifier(hidden_layer_sizes=(200, 200), learning_rate_init=0.01,
                           early_stopping=True, n_iter_no_change=5,
                           restore_best_weights=False, random_state=0)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    last = model.validation_loss_curve_[-1]
    assert log_loss(y_val, model.predict_proba(X_val)) == pytest.approx(last,
                                                                        rel=1e-6)
    assert last > min(model.validation_loss_curve_)


def test_monitor_val_score(classification):
    X, y, X_val, y_val = classification
    model = DeepClassifier(early_stopping=True, monitor="val_score",
                           n_iter_no_change=3, random_state=0)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    scores = model.validation_scores_
    assert model.score(X_val, y_val) == max(scores)


def test_early_stopping_without_validation_data_holds_out(classification):
    X, y, _, _ = classification
    model = DeepClassifier(early_stopping=True, random_state=0).fit(X, y)
    assert len(model.history_["val_loss"]) == model.n_iter_ < 200
    assert model.t_ == model.n_iter_ * 360  # 10 % held out of 400


def test_history_is_filled_by_every_solver_and_partial_fit(classification):
    X, y, X_val, y_val = classification
    for solver in ("adam", "sgd", "lbfgs"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = DeepClassifier(solver=solver, max_iter=7, random_state=0)
            model.fit(X, y, X_val=X_val, y_val=y_val)
        assert set(model.history_) == {"loss", "val_loss", "val_accuracy"}
        assert all(len(v) == model.n_iter_ for v in model.history_.values())
    model = DeepClassifier(random_state=0)
    for _ in range(3):
        model.partial_fit(X, y, classes=[0, 1])
    assert len(model.history_["loss"]) == 3 and model.n_iter_ == 1  # as MLP


def test_dropout_changes_training_not_prediction(classification):
    X, y, _, _ = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = DeepClassifier(max_iter=5, random_state=0).fit(X, y)
        dropped = DeepClassifier(max_iter=5, dropout=[0.5], random_state=0).fit(X, y)
    assert plain.loss_curve_ != dropped.loss_curve_
    first = dropped.predict_proba(X)
    np.testing.assert_array_equal(first, dropped.predict_proba(X))
    hidden = np.maximum(X @ dropped.coefs_[0] + dropped.intercepts_[0], 0)
    logits = hidden @ dropped.coefs_[1] + dropped.intercepts_[1]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    # no mask, no scaling (up to float32 rounding: the network computes in float32)
    np.testing.assert_allclose(first, expected, rtol=1e-5)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_adaptive_schedule_lowers_the_rate_on_a_plateau(solver):
    X, y = make_regression(200, 4, noise=20, random_state=0)
    model = DeepRegressor(solver=solver, learning_rate="adaptive",
                          learning_rate_init=0.01, n_iter_no_change=2, tol=1e9,
                          max_iter=6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y / y.std())
    # tol=1e9 makes every epoch after the first a non-improvement: plateaus end
    # epochs 3 and 5, each dividing the rate by 5
    assert fitted_engine(model).optimizer.learning_rate == pytest.approx(0.01 / 5**2)
    assert model.n_iter_ == 6


def test_gradient_clipping_bounds_each_step(weights_of):
    X, y = make_regression(50, 3, random_state=0)
    model = DeepRegressor(solver="sgd", momentum=0, learning_rate_init=1.0,
                          batch_size=50, shuffle=False, clip_norm=1e-3,
                          random_state=0, target_scaling=None, input_scaling=None)
    # no scaling: coefs_ and intercepts_ are then the weights the steps move
    model.partial_fit(X, y)
    before = weights_of(model)
    model.partial_fit(X, y)
    # float32 weights up to about 17 round each step by about 1e-5 of its norm
    assert np.linalg.norm(weights_of(model) - before) == pytest.approx(1e-3,
                                                                          rel=1e-4)


def test_no_convergence_warning_when_early_stopping_ends(classification):
    X, y, X_val, y_val = classification
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = DeepClassifier(early_stopping=True, n_iter_no_change=2,
                               random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    assert model.n_iter_ < 200


@pytest.mark.slow
def test_lbfgs_early_stopping_restores_the_best_iteration(classification):
    X, y, X_val, y_val = classification
    model = DeepClassifier(solver="lbfgs", hidden_layer_sizes=(200, 200),
                           early_stopping=True, n_iter_no_change=5, max_iter=500,
                           random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    curve = model.validation_loss_curve_
    assert model.n_iter_ == len(curve) < 500
    assert log_loss(y_val, model.predict_proba(X_val)) == pytest.approx(min(curve),
                                                                        rel=1e-9)
