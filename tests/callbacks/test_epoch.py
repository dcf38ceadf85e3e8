"""LambdaCallback and LearningRateScheduler: per-epoch functions, as in Keras."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep import LambdaCallback, LearningRateScheduler
from skdeep.estimators.contract import fitted_engine

pytest.importorskip("sklearn.callback")


def test_lambda_gets_the_epochs_model_and_logs_and_stops(data, capsys,
                                                         every_epoch_model):
    X, y, _, _ = data
    seen = []

    def on_epoch_end(estimator, epoch, logs):
        seen.append((epoch, logs, estimator.score(X, y), estimator.n_iter_))
        return epoch == 3

    stop = LambdaCallback(on_epoch_end)
    model = every_epoch_model(max_iter=50, verbose=2).set_callbacks(stop)
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


def test_lambda_only_true_stops(data, fit_quietly, every_epoch_model):
    X, y, _, _ = data
    model = fit_quietly(every_epoch_model(max_iter=3).set_callbacks(
        LambdaCallback(lambda *args: 1)), X, y)
    assert model.n_iter_ == 3


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
            self.rates.append(fitted_engine(fitted_estimator).optimizer.learning_rate)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_schedule_sets_the_optimizers_rate_each_epoch(data, solver, fit_quietly,
                                                      every_epoch_model):
    X, y, _, _ = data
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return 0.02 * 0.5**epoch

    probe = RateProbe()
    fit_quietly(every_epoch_model(solver=solver, max_iter=4).set_callbacks(
        LearningRateScheduler(schedule), probe), X, y)
    assert probe.rates == [0.02, 0.01, 0.005, 0.0025]
    # each call sees the rate the previous epoch ran with
    assert calls == [(0, 0.001), (1, 0.02), (2, 0.01), (3, 0.005)]


def test_a_constant_schedule_equals_that_learning_rate_init(data, weights_of,
                                                            fit_quietly,
                                                            every_epoch_model):
    X, y, _, _ = data
    scheduled = fit_quietly(every_epoch_model(max_iter=3).set_callbacks(
        LearningRateScheduler(lambda epoch, lr: 0.03)), X, y)
    plain = fit_quietly(every_epoch_model(max_iter=3, learning_rate_init=0.03), X, y)
    assert np.array_equal(weights_of(scheduled), weights_of(plain))


@pytest.mark.parametrize("rate", [-1.0, -1e-300, float("nan"), float("inf"), "fast"])
def test_a_bad_schedule_value_is_named(data, rate, fit_quietly, every_epoch_model):
    X, y, _, _ = data
    model = every_epoch_model(max_iter=3).set_callbacks(LearningRateScheduler(lambda e,
                                                                              lr: rate))
    with pytest.raises(ValueError, match=r"LearningRateScheduler: schedule\(0, "
                       r"\.\.\.\) returned .*finite learning rate >= 0"):
        fit_quietly(model, X, y)


def test_schedule_refuses_lbfgs(data, fit_quietly, every_epoch_model):
    X, y, _, _ = data
    model = every_epoch_model(solver="lbfgs").set_callbacks(LearningRateScheduler(min))
    with pytest.raises(ValueError, match="LearningRateScheduler: solver='lbfgs'"):
        fit_quietly(model, X, y)

