"""The minibatch loop and the L-BFGS loop share one end-of-epoch step: the same
hook calls in the same order, the same stops, the hooks closed the same way."""

import numpy as np
import pytest

from skdeep.exceptions import DivergenceError
from skdeep.network import MLP
from skdeep.optim import Adam, LearningRateSchedule
from skdeep.training import (
    Dataset,
    Hooks,
    TrainingSettings,
    TrainingState,
    fit_lbfgs,
    fit_stochastic,
)
from skdeep.training.epochs import TrainingData


class Recorder(Hooks):
    """Hooks that write down every call, and stop at ``stop_at`` if given."""

    def __init__(self, stop_at=None):
        self.events, self.stop_at = [], stop_at

    def attach(self, model):
        self.events.append(("attach", model.state.n_iter))

    def epoch_begin(self, epoch):
        self.events.append(("begin", epoch))

    def epoch_end(self, epoch, metrics):
        self.events.append(("end", epoch))
        return epoch == self.stop_at

    def close(self):
        self.events.append(("close",))


class Model(tuple):
    """The ``(network, optimizer, state, rng)`` the loops train."""

    network = property(lambda self: self[0])
    optimizer = property(lambda self: self[1])
    state = property(lambda self: self[2])
    rng = property(lambda self: self[3])


def _model(solver):
    network = MLP((3, 6, 1), ("tanh",), "squared_error").initialize(
        np.random.default_rng(0))
    optimizer = None if solver == "lbfgs" else Adam(
        network.n_params, network.params.dtype, learning_rate=1e-3,
        beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    return Model((network, optimizer, TrainingState(), np.random.default_rng(1)))


def _data(validation=False):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 3))
    train = Dataset(X, (X @ [1.0, -2.0, 0.5])[:, None])
    if not validation:
        return TrainingData(train)
    return TrainingData(train, train, lambda raw: -float(np.mean(raw**2)))


def _fit(solver, model, data, hooks, **settings):
    options = {"max_epochs": 4, "batch_size": 16, "n_iter_no_change": 100,
               "schedule": LearningRateSchedule("constant", 1e-3), **settings}
    if solver == "lbfgs":
        return fit_lbfgs(model, data, TrainingSettings(**options), hooks)
    return fit_stochastic(model, data, TrainingSettings(**options), hooks)


SOLVERS = pytest.mark.parametrize("solver", ["adam", "lbfgs"])


@SOLVERS
def test_each_epoch_is_begun_ended_and_the_hooks_closed(solver):
    hooks, model = Recorder(), _model(solver)
    _fit(solver, model, _data(), hooks)
    epochs = [event for n in range(1, 5) for event in (("begin", n), ("end", n))]
    assert hooks.events == [("attach", 0), *epochs, ("close",)]
    assert model.state.n_iter == 4 and len(model.state.history["loss"]) == 4


@SOLVERS
def test_a_hook_stops_either_loop_the_same_way(solver, capsys):
    hooks, model = Recorder(stop_at=2), _model(solver)
    _fit(solver, model, _data(), hooks, verbose=2)
    assert hooks.events[-2:] == [("end", 2), ("close",)]
    assert "Epoch 2: a callback asked to stop training." in capsys.readouterr().out
    assert model.state.n_iter == 2
    assert model.state.stopped_early and model.state.converged


@SOLVERS
def test_a_validation_plateau_stops_either_loop_with_one_message(solver, capsys):
    """A validation score that never changes: epoch 2 is a plateau of
    n_iter_no_change=1, and both loops stop there and say why."""
    model, data = _model(solver), _data(validation=True)
    data = data._replace(score=lambda raw: 0.0)
    _fit(solver, model, data, Recorder(), monitor="val_score", n_iter_no_change=1,
         verbose=2)
    assert model.state.n_iter == 2
    assert model.state.stopped_early and model.state.converged
    assert model.state.no_improvement_count == 0
    assert ("val_score did not improve by more than tol=0.0001 for 1 consecutive "
            "epochs. Stopping.") in capsys.readouterr().out


def test_a_diverging_epoch_is_closed_and_the_weights_restored():
    """The epoch begun when the loss overflows is ended empty (``close``), as
    the L-BFGS loop ends one SciPy never ran, and the error propagates with
    the initial weights back in place."""
    hooks, model = Recorder(), _model("adam")
    initial = model.network.params.copy()
    data = _data()
    data = data._replace(train=data.train._replace(targets=data.train.targets * 1e200))
    with pytest.raises(DivergenceError, match="training diverged in epoch"):
        _fit("adam", model, data, hooks)
    assert hooks.events == [("attach", 0), ("begin", 1), ("close",)]
    np.testing.assert_array_equal(model.network.params, initial)
