"""Full-batch training with L-BFGS, each iteration an epoch of ``end_epoch``."""

import dataclasses
import time

import numpy as np

from ..network import Workspace
from ..ops import LOSSES, total_weight
from ..optim import minimize_lbfgs
from .epochs import diverged, end_epoch, finish, is_finite, training_run
from .hooks import NO_HOOKS

__all__ = ["fit_lbfgs"]


def _objective(network, data, settings):
    """``f(x) -> (loss, grad)`` on the whole training set, in float64 for SciPy,
    and ``in_y_units(x, loss)``: the loss at x in y's units (with
    ``settings.target_scaling``, else ``loss`` itself)."""
    train, scaling = data.train, settings.target_scaling
    workspace = Workspace(network, train.n_samples)
    weight_sum = total_weight(train.sample_weight, train.n_samples)
    loss_fn = LOSSES[network.loss].value_and_grad
    last = {}  # y-units loss of the last evaluation: callbacks come at such a point

    def loss_and_grad(x):
        network.params[...] = x
        # the line search may try points that overflow: it backs off from them,
        # and a run that ends on one raises DivergenceError
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            raw = network.forward(train.X, workspace)
            loss = loss_fn(raw, train.targets, train.sample_weight,
                           workspace.grad_raw)
            loss += network.penalty(settings.alpha, weight_sum)
            if scaling is not None:
                last["x"], last["loss"] = x.copy(), scaling.loss(
                    network, raw, train.targets, train.sample_weight,
                    settings.alpha)
            grad = network.backward(workspace.grad_raw, workspace,
                                    alpha=settings.alpha, weight_sum=weight_sum)
        return loss, grad.astype(np.float64)

    def in_y_units(x, loss):
        if scaling is None:
            return loss
        if not np.array_equal(last.get("x"), x):
            loss_and_grad(x)
        return last["loss"]

    return loss_and_grad, in_y_units


def fit_lbfgs(model, data, settings, hooks=NO_HOOKS):
    """Train ``model`` (network, None, state, rng) in place with L-BFGS-B.

    One iteration counts as an epoch: ``end_epoch`` records, prints and
    monitors it as an epoch of the minibatch loop. A plateau of the monitored
    quantity ends the run when ``settings.stop_early`` and the monitor is a
    validation quantity (L-BFGS's own ``tol`` ends a plateau of the training
    loss). Returns the SciPy result. ``hooks`` hear of each iteration as of an
    epoch, the way scikit-learn's LogisticRegression reports L-BFGS: an
    iteration begins when the previous one ends (SciPy reports only ends), and
    one begun when SciPy stops without running it is closed empty.
    """
    settings = dataclasses.replace(
        settings, stop_early=settings.stop_early and settings.monitor != "loss")
    loss_and_grad, in_y_units = _objective(model.network, data, settings)
    with training_run(model, data, settings, hooks) as run:
        network, state = run.network, run.state
        callback = _iteration_end(run, in_y_units)
        hooks.epoch_begin(state.n_iter + 1)
        result = minimize_lbfgs(loss_and_grad, network.params,
                                max_iter=settings.max_epochs,
                                max_fun=settings.max_fun, tol=settings.tol,
                                callback=callback)
        if not state.stopped_early:
            network.params[...] = result.x
            if not is_finite(run, result.fun):
                raise diverged(run, result.fun)
        state.converged = state.stopped_early or result.status == 0
        finish(run)
    return result


def _iteration_end(run, in_y_units):
    """SciPy's ``callback(x, loss)``: the iteration that ended is an epoch
    (``end_epoch``), and the next one begins unless it would pass
    ``max_epochs``; StopIteration ends the run."""
    network, state, hooks = run.network, run.state, run.hooks
    first, clock = state.n_iter, [time.perf_counter()]

    def callback(x, loss):
        network.params[...] = x
        if not is_finite(run, loss):
            raise diverged(run, loss)
        if end_epoch(run, (loss, in_y_units(x, loss)), clock[0]):
            raise StopIteration
        clock[0] = time.perf_counter()
        if state.n_iter - first < run.settings.max_epochs:
            hooks.epoch_begin(state.n_iter + 1)

    return callback
