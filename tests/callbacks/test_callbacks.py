"""skdeep.callbacks, and resuming a run: numbering, history, optimizer state."""

import csv
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

import skdeep
from skdeep import (
    CSVLogger,
    DeepClassifier,
    DeepRegressor,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
)

pytest.importorskip("sklearn.callback")


@pytest.fixture
def data():
    X, y = make_classification(240, 5, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


def _fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


def _model(**params):
    return DeepClassifier(**{"hidden_layer_sizes": (8,), "random_state": 0,
                             "tol": 0, "n_iter_no_change": 1000, **params})


# -- ModelCheckpoint -----------------------------------------------------------
def test_checkpoint_keeps_the_best_epoch_and_predicts_like_it(data, tmp_path):
    X, y, X_val, y_val = data
    path = tmp_path / "best.skdeep"
    checkpoint = ModelCheckpoint(path)  # monitor val_loss, best only
    model = _fit(_model(max_iter=30, learning_rate_init=0.05)
                 .set_callbacks(checkpoint), X, y, X_val=X_val, y_val=y_val)
    val_loss = model.history_["val_loss"]
    best = int(np.argmin(val_loss))
    assert checkpoint.saved_epoch_ == best and checkpoint.best_ == val_loss[best]
    loaded = skdeep.load(path)
    # a second run stopped at that epoch
    reference = _fit(_model(max_iter=best + 1, learning_rate_init=0.05), X, y,
                     X_val=X_val, y_val=y_val)
    assert np.array_equal(loaded.predict_proba(X), reference.predict_proba(X))
    assert loaded.history_ == reference.history_ and loaded.n_iter_ == best + 1


def test_checkpoint_every_epoch_with_formatted_names(data, tmp_path):
    X, y, _, _ = data
    checkpoint = ModelCheckpoint(tmp_path / "m-{epoch:02d}.skdeep", monitor="loss",
                                 save_best_only=False)
    _fit(_model(max_iter=3).set_callbacks(checkpoint), X, y)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m-01.skdeep", "m-02.skdeep", "m-03.skdeep"]
    assert skdeep.load(tmp_path / "m-02.skdeep").n_iter_ == 2


def test_checkpoint_names_a_missing_monitor(data, tmp_path):
    X, y, _, _ = data
    model = _model(max_iter=3).set_callbacks(ModelCheckpoint(tmp_path / "m"))
    with pytest.raises(ValueError, match=r"ModelCheckpoint: monitor='val_loss' is "
                       r"not among this fit's metrics \['learning_rate', 'loss'\]"):
        _fit(model, X, y)
    assert not hasattr(model, "n_iter_")  # the failed fit left the model unfitted


def test_checkpoint_refuses_a_bad_path_before_training(data, tmp_path):
    X, y, _, _ = data
    model = _model(max_iter=3).set_callbacks(
        ModelCheckpoint(tmp_path / "missing" / "m.skdeep", monitor="loss"))
    with pytest.raises(ValueError, match="does not exist"):
        _fit(model, X, y)


def test_skdeep_callbacks_refuse_other_estimators(data, tmp_path):
    X, y, _, _ = data
    with pytest.raises(TypeError, match="CSVLogger works on DeepClassifier and "
                       "DeepRegressor; it was set on LogisticRegression"):
        LogisticRegression().set_callbacks(CSVLogger(tmp_path / "log")).fit(X, y)


def test_a_model_fitted_with_callbacks_saves(data, tmp_path):
    X, y, _, _ = data
    model = _fit(_model(max_iter=2).set_callbacks(LambdaCallback(lambda *a: None)),
                 X, y)
    skdeep.save(model, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert not hasattr(loaded, "_skl_callbacks")  # callbacks are not saved
    assert np.array_equal(loaded.predict(X), model.predict(X))


# -- CSVLogger -----------------------------------------------------------------
def _read(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def test_csv_rows_equal_history(data, tmp_path):
    X, y, X_val, y_val = data
    path = tmp_path / "log.csv"
    model = _fit(_model(max_iter=4, learning_rate="invscaling", solver="sgd",
                        learning_rate_init=0.1).set_callbacks(CSVLogger(path)),
                 X, y, X_val=X_val, y_val=y_val)
    rows = _read(path)
    assert list(rows[0]) == ["epoch", "loss", "val_loss", "val_accuracy",
                             "learning_rate"]
    assert [int(row["epoch"]) for row in rows] == [0, 1, 2, 3]
    for name, values in model.history_.items():
        assert [float(row[name]) for row in rows] == values
    # the rate each epoch ran with: invscaling after the samples seen before it
    expected = [0.1] + [0.1 / (200 * k + 1) ** 0.5 for k in (1, 2, 3)]
    assert [float(row["learning_rate"]) for row in rows] == expected


def test_csv_append_continues_a_resumed_run(data, tmp_path):
    X, y, _, _ = data
    path = tmp_path / "log.csv"
    model = _fit(_model(max_iter=2, warm_start=True)
                 .set_callbacks(CSVLogger(path)), X, y)
    _fit(model.set_callbacks(CSVLogger(path, append=True)), X, y)
    rows = _read(path)
    assert [int(row["epoch"]) for row in rows] == [0, 1, 2, 3]
    assert [float(row["loss"]) for row in rows] == model.history_["loss"]
    _fit(model.set_callbacks(CSVLogger(path)), X, y)  # append=False: afresh
    assert [int(row["epoch"]) for row in _read(path)] == [4, 5]


# -- LambdaCallback ------------------------------------------------------------
def test_lambda_gets_the_epochs_model_and_logs_and_stops(data, capsys):
    X, y, _, _ = data
    seen = []

    def on_epoch_end(estimator, epoch, logs):
        seen.append((epoch, logs, estimator.score(X, y), estimator.n_iter_))
        return epoch == 3

    stop = LambdaCallback(on_epoch_end)
    model = _model(max_iter=50, verbose=2).set_callbacks(stop)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    assert model.n_iter_ == 4 and stop.stopped_epoch_ == 3
    out = capsys.readouterr().out
    assert "Epoch 4/50" in out and "Epoch 4: a callback asked to stop" in out
    assert "Epoch 5/50" not in out
    assert [epoch for epoch, *_ in seen] == [0, 1, 2, 3]
    assert [logs["loss"] for _, logs, *_ in seen] == model.history_["loss"]
    assert seen[-1][2] == model.score(X, y) and seen[1][3] == 2


def test_lambda_only_true_stops(data):
    X, y, _, _ = data
    model = _fit(_model(max_iter=3).set_callbacks(
        LambdaCallback(lambda *args: 1)), X, y)
    assert model.n_iter_ == 3


# -- LearningRateScheduler -----------------------------------------------------
class RateProbe:
    """Records the optimizer's rate in each epoch's end snapshot."""

    def __init__(self):
        self.rates = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.rates.append(fitted_estimator._optimizer.learning_rate)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_schedule_sets_the_optimizers_rate_each_epoch(data, solver):
    X, y, _, _ = data
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return 0.02 * 0.5**epoch

    probe = RateProbe()
    _fit(_model(solver=solver, max_iter=4).set_callbacks(
        LearningRateScheduler(schedule), probe), X, y)
    assert probe.rates == [0.02, 0.01, 0.005, 0.0025]
    # each call sees the rate the previous epoch ran with
    assert calls == [(0, 0.001), (1, 0.02), (2, 0.01), (3, 0.005)]


def test_a_constant_schedule_equals_that_learning_rate_init(data):
    X, y, _, _ = data
    scheduled = _fit(_model(max_iter=3).set_callbacks(
        LearningRateScheduler(lambda epoch, lr: 0.03)), X, y)
    plain = _fit(_model(max_iter=3, learning_rate_init=0.03), X, y)
    assert np.array_equal(scheduled._network.params, plain._network.params)


@pytest.mark.parametrize("rate", [-1.0, -1e-300, float("nan"), float("inf"), "fast"])
def test_a_bad_schedule_value_is_named(data, rate):
    X, y, _, _ = data
    model = _model(max_iter=3).set_callbacks(LearningRateScheduler(lambda e, lr: rate))
    with pytest.raises(ValueError, match=r"LearningRateScheduler: schedule\(0, "
                       r"\.\.\.\) returned .*finite learning rate >= 0"):
        _fit(model, X, y)


def test_schedule_refuses_lbfgs(data):
    X, y, _, _ = data
    model = _model(solver="lbfgs").set_callbacks(LearningRateScheduler(min))
    with pytest.raises(ValueError, match="LearningRateScheduler: solver='lbfgs'"):
        _fit(model, X, y)


# -- resuming --------------------------------------------------------------------
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_warm_start_resume_equals_an_uninterrupted_run(data, solver, learning_rate):
    X, y, _, _ = data
    params = {"solver": solver, "learning_rate": learning_rate, "dropout": 0.2}
    whole = _fit(_model(max_iter=6, **params), X, y)
    part = _fit(_model(max_iter=4, warm_start=True, **params), X, y)
    part.set_params(max_iter=2)
    _fit(part, X, y)
    assert np.array_equal(part._network.params, whole._network.params)
    assert part.history_ == whole.history_ and len(part.loss_curve_) == 6
    assert part.n_iter_ == 2 and whole.n_iter_ == 6  # this call's epochs
    assert part._optimizer.t == whole._optimizer.t and part.t_ == whole.t_


def test_resume_from_a_checkpoint_equals_an_uninterrupted_run(data, tmp_path):
    X, y, _, _ = data
    path = tmp_path / "m.skdeep"

    def interrupt(estimator, epoch, logs):
        if epoch == 2:
            raise KeyboardInterrupt

    model = _model(max_iter=6).set_callbacks(
        ModelCheckpoint(path, monitor="loss", save_best_only=False),
        LambdaCallback(interrupt))
    with pytest.raises(KeyboardInterrupt):
        _fit(model, X, y)
    resumed = skdeep.load(path)
    assert resumed.n_iter_ == 3
    _fit(resumed.set_params(warm_start=True, max_iter=3), X, y)
    whole = _fit(_model(max_iter=6), X, y)
    assert np.array_equal(resumed._network.params, whole._network.params)
    assert resumed.history_ == whole.history_


def test_partial_fit_after_load_continues_the_optimizer(data, tmp_path):
    X, y, _, _ = data
    steady = _model()
    for _ in range(3):
        steady.partial_fit(X, y, classes=[0, 1])
    saved = _model()
    for _ in range(2):
        saved.partial_fit(X, y, classes=[0, 1])
    skdeep.save(saved, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep").partial_fit(X, y)
    assert np.array_equal(loaded._network.params, steady._network.params)
    assert loaded.n_iter_ == 1 and loaded._optimizer.t == steady._optimizer.t


def test_n_iter_is_the_last_calls_epochs_as_in_mlp(data):
    """One rule for fit, warm fits and partial_fit: n_iter_ is the number of
    epochs the last call ran (MLP's), while loss_curve_ keeps every epoch."""
    X, y, _, _ = data
    seen = {}
    for name, model in [("skdeep", _model(max_iter=3, warm_start=True)),
                        ("mlp", MLPClassifier((8,), max_iter=3, warm_start=True,
                                              random_state=0, tol=0,
                                              n_iter_no_change=1000))]:
        counts = []
        for call in ("fit", "fit", "partial_fit", "partial_fit", "cold"):
            if call == "partial_fit":
                model.partial_fit(X, y)
            else:
                _fit(model.set_params(warm_start=call == "fit"), X, y)
            counts.append((model.n_iter_, len(model.loss_curve_)))
        seen[name] = counts
    assert seen["skdeep"] == seen["mlp"] == [(3, 3), (3, 6), (1, 7), (1, 8), (3, 3)]


def test_progress_numbering_continues(data, capsys):
    X, y, _, _ = data
    model = _fit(_model(max_iter=11, warm_start=True, solver="sgd"), X, y)
    capsys.readouterr()
    _fit(model.set_params(max_iter=9, verbose=2), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Epoch 12/20 - ") and lines[-1].startswith(
        "Epoch 20/20 - ")
    model.partial_fit(X, y)
    assert capsys.readouterr().out.startswith("Epoch 21/21 - ")


def test_lbfgs_progress_numbering_continues(data, capsys):
    X, y, _, _ = data
    model = _fit(_model(max_iter=3, warm_start=True, solver="lbfgs"), X, y)
    _fit(model.set_params(max_iter=2, verbose=2), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 4/5", "Epoch 5/5"]


def test_warm_start_restarts_the_rate_and_new_settings_take_effect(data):
    X, y, _, _ = data
    model = _fit(_model(max_iter=2, warm_start=True, solver="sgd"), X, y)
    moments = model._optimizer.velocities.copy()
    _fit(model.set_params(max_iter=1, learning_rate_init=0.05), X, y)
    assert model._optimizer.learning_rate == 0.05 and model._optimizer.t > 2 * 1
    model.set_params(momentum=0.5)  # another solver setting: a fresh optimizer
    before = model._optimizer.t
    _fit(model, X, y)
    assert model._optimizer.t < before and model._optimizer.momentum == 0.5
    assert not np.array_equal(moments, model._optimizer.velocities)


def test_regressor_takes_callbacks_too(tmp_path):
    X = np.random.default_rng(0).normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5]
    path = tmp_path / "log.csv"
    model = _fit(DeepRegressor(max_iter=3, random_state=0, tol=0)
                 .set_callbacks(CSVLogger(path)), X, y)
    assert [float(row["loss"]) for row in _read(path)] == model.history_["loss"]


def test_a_regressor_checkpoint_predicts_in_y_units(tmp_path):
    """Target scaling trains on standardized y; every snapshot a callback sees
    (and so every checkpoint) predicts in y's units, like the fitted model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = 1000 + 50 * X[:, 0] + rng.normal(size=200)
    path = tmp_path / "m.skdeep"
    seen = []
    model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    model.set_callbacks(
        ModelCheckpoint(path, monitor="loss", save_best_only=False),
        LambdaCallback(lambda estimator, epoch, logs: seen.append(
            (estimator.predict(X), estimator.n_iter_))))
    _fit(model, X, y)
    np.testing.assert_array_equal(skdeep.load(path).predict(X), model.predict(X))
    np.testing.assert_array_equal(seen[-1][0], model.predict(X))
    assert [n_iter for _, n_iter in seen] == [1, 2, 3, 4]
    assert abs(seen[0][0].mean() - y.mean()) < 0.1 * y.std()


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_a_checkpoint_of_raw_columns_reads_raw_X_and_resumes_exactly(cls, tmp_path):
    """Input scaling trains on standardized X; a snapshot reads raw X like the
    fitted model, and carries the trained parameters, so the epoch-2 checkpoint
    resumed for 2 epochs is the 4-epoch model bit for bit."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [1.0, 1e3, 1e5] + [0.0, 5e3, -2e6]
    y = X[:, 0] + X[:, 1] / 1e3
    y = y if cls is DeepRegressor else (y > np.median(y)).astype(int)
    path = tmp_path / "epoch2.skdeep"
    model = cls(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    model.set_callbacks(LambdaCallback(
        lambda estimator, epoch, logs: epoch == 1 and skdeep.save(estimator, path)))
    _fit(model, X, y)
    checkpoint = skdeep.load(path)
    np.testing.assert_array_equal(checkpoint.input_scale_, model.input_scale_)
    _fit(checkpoint.set_params(warm_start=True, max_iter=2), X, y)
    np.testing.assert_array_equal(checkpoint._network.params, model._network.params)


def test_a_checkpoint_holds_the_epochs_bookkeeping(data, tmp_path):
    """The snapshot a checkpoint saves is taken after the epoch's plateau
    bookkeeping: an 'adaptive' rate lowered at that epoch and the reset
    no-improvement count are in the file, so it continues like the live model."""
    X, y, _, _ = data
    path = tmp_path / "m.skdeep"
    model = DeepClassifier(hidden_layer_sizes=(8,), solver="sgd",
                           learning_rate="adaptive", tol=10, n_iter_no_change=2,
                           max_iter=3, random_state=0)
    model.set_callbacks(ModelCheckpoint(path, monitor="loss",
                                        save_best_only=False))
    _fit(model, X, y)
    saved = skdeep.load(path)
    assert saved._optimizer.learning_rate == model._optimizer.learning_rate < 1e-3
    assert saved._state.no_improvement_count == model._state.no_improvement_count
    saved.partial_fit(X, y)
    model.partial_fit(X, y)
    np.testing.assert_array_equal(saved.predict_proba(X), model.predict_proba(X))
