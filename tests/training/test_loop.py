"""Keras-style training features through the estimators: early stopping with
best-weight restore, history, dropout, class weights, schedules, clipping,
the divergence guard, progress lines and summary()."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, recall_score

from skdeep import DeepClassifier, DeepRegressor, DivergenceError


@pytest.fixture
def classification():
    X, y = make_classification(600, 8, n_informative=4, flip_y=0.2, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


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


def test_held_out_split_is_stratified_and_shuffled():
    y = np.array([0] * 90 + [1] * 10)
    model = DeepClassifier(validation_fraction=0.2)
    model._multilabel = False
    train, val = model._split_rows(y, 20, np.random.default_rng(0))
    assert np.bincount(y[val]).tolist() == [18, 2]
    assert np.bincount(y[train]).tolist() == [72, 8]
    regressor_rows = DeepRegressor()._split_rows(np.zeros(100), 10,
                                                 np.random.default_rng(0))[1]
    assert sorted(regressor_rows) != list(range(90, 100))  # never "the last rows"


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


def test_dropout_rate_per_layer_is_validated():
    model = DeepClassifier(hidden_layer_sizes=(4, 4), dropout=[0.1, 1.2])
    with pytest.raises(ValueError, match="DeepClassifier: 'dropout'"):
        model.fit([[0.0], [1.0]], [0, 1])


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(2000, 6, weights=[0.95], flip_y=0.05,
                               class_sep=0.5, random_state=0)
    kwargs = dict(hidden_layer_sizes=(20,), max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = DeepClassifier(**kwargs).fit(X, y)
        balanced = DeepClassifier(class_weight="balanced", **kwargs).fit(X, y)
    # measured: about 0.49 without weights and 0.64 with them
    assert recall_score(y, balanced.predict(X)) > recall_score(
        y, plain.predict(X)) + 0.1


def test_class_weight_multiplies_sample_weight():
    X, y = make_classification(60, 4, random_state=0)
    sample_weight = np.linspace(0.5, 1.5, 60)
    kwargs = dict(solver="lbfgs", max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        by_class = DeepClassifier(class_weight={0: 3.0, 1: 1.0}, **kwargs).fit(
            X, y, sample_weight=sample_weight)
        by_sample = DeepClassifier(**kwargs).fit(
            X, y, sample_weight=sample_weight * np.where(y == 0, 3.0, 1.0))
    np.testing.assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X),
                               rtol=1e-12)


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
    assert model._optimizer.learning_rate == pytest.approx(0.01 / 5**2)
    assert model.n_iter_ == 6


def test_gradient_clipping_bounds_each_step():
    X, y = make_regression(50, 3, random_state=0)
    model = DeepRegressor(solver="sgd", momentum=0, learning_rate_init=1.0,
                          batch_size=50, shuffle=False, clip_norm=1e-3,
                          random_state=0, target_scaling=None, input_scaling=None)
    # no scaling: _network.params are then the weights the steps move
    model.partial_fit(X, y)
    before = model._network.params.copy()
    model.partial_fit(X, y)
    # float32 weights up to about 17 round each step by about 1e-5 of its norm
    assert np.linalg.norm(model._network.params - before) == pytest.approx(1e-3,
                                                                          rel=1e-4)


def test_divergence_raises_and_restores_finite_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(scale=1e4, size=(300, 5))
    y = X @ rng.normal(size=5)
    model = DeepRegressor(solver="sgd", learning_rate_init=10, max_iter=50,
                          random_state=0)
    with pytest.raises(DivergenceError, match="DeepRegressor.*StandardScaler.*"
                                              "learning_rate_init") as caught:
        model.fit(X, y)
    assert isinstance(caught.value, ValueError)
    assert np.isfinite(model._network.params).all()
    assert np.isfinite(model.predict(X)).all()


def test_divergence_with_early_stopping_restores_the_best_epoch():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5))
    y = X @ rng.normal(size=5)
    X_val, y_val = X[:100], y[:100]
    model = DeepRegressor(solver="sgd", learning_rate_init=0.01, momentum=0,
                          early_stopping=True, warm_start=True, max_iter=5,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, X_val=X_val, y_val=y_val)
    # now explode on the warm start after a finite epoch, the best of this fit
    # (at magnitudes float32 holds: training is in float32)
    model.set_params(learning_rate_init=1.0)
    with pytest.raises(DivergenceError, match="best epoch"):
        model.fit(X * 10, y, X_val=X_val, y_val=y_val)
    assert np.isfinite(model.predict(X)).all()


def test_verbose_1_prints_keras_lines(classification, capsys):
    X, y, X_val, y_val = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepClassifier(max_iter=3, verbose=1, random_state=0).fit(
            X, y, X_val=X_val, y_val=y_val)
    lines = capsys.readouterr().out.strip().splitlines()
    pattern = (r"Epoch (\d)/3 - \d+\.\d\ds - loss: \d\.\d{4} - val_loss: \d\.\d{4}"
               r" - val_accuracy: \d\.\d{4}")
    assert [re.fullmatch(pattern, line).group(1) for line in lines] == ["1", "2",
                                                                        "3"]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_2_one_line_per_epoch_for_every_solver(solver, capsys):
    X, y = make_regression(50, 3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(solver=solver, max_iter=4, verbose=2,
                              random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == model.n_iter_
    assert all(re.fullmatch(r"Epoch \d/4 - \d+\.\d\ds - loss: [\d.]+", line)
               for line in lines)


def test_verbose_0_prints_nothing(classification, capsys):
    X, y, _, _ = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepClassifier(max_iter=2).fit(X, y)
    assert capsys.readouterr().out == ""


def test_no_convergence_warning_when_early_stopping_ends(classification):
    X, y, X_val, y_val = classification
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = DeepClassifier(early_stopping=True, n_iter_no_change=2,
                               random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    assert model.n_iter_ < 200


def test_summary_of_the_seed_model(capsys):
    X = np.random.default_rng(0).normal(size=(20, 10))
    y = np.arange(20) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(hidden_layer_sizes=(100, 100, 100), max_iter=1).fit(X,
                                                                                   y)
    model.summary()
    out = capsys.readouterr().out
    rows = re.findall(r"dense_\d \(Dense\)\s+\(None, (\d+)\)\s+(\w+)\s+([\d,]+)", out)
    assert rows == [("100", "relu", "1,100"), ("100", "relu", "10,100"),
                    ("100", "relu", "10,100"), ("2", "softmax", "202")]
    # 10*100+100, 100*100+100 twice, 100*2+2
    assert "Total params: 21,502" in out and "Non-trainable params: 0" in out


def test_partial_fit_multilabel():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    Y = (X[:, :2] > 0).astype(int)
    model = DeepClassifier(random_state=0)
    for _ in range(3):
        model.partial_fit(X, Y)
    assert model.predict(X).shape == (100, 2) and len(model.loss_curve_) == 3


def test_lbfgs_early_stopping_restores_the_best_iteration(classification):
    X, y, X_val, y_val = classification
    model = DeepClassifier(solver="lbfgs", hidden_layer_sizes=(200, 200),
                           early_stopping=True, n_iter_no_change=5, max_iter=500,
                           random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    curve = model.validation_loss_curve_
    assert model.n_iter_ == len(curve) < 500
    assert log_loss(y_val, model.predict_proba(X_val)) == pytest.approx(min(curve),
                                                                        rel=1e-9)
