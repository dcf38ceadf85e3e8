"""Full-batch training with L-BFGS, recording history like the minibatch loop."""

import time

import numpy as np

from ..network import Workspace
from ..ops import LOSSES
from ..optim import minimize_lbfgs
from .epochs import (
    LastGood,
    diverged,
    end_epoch,
    finish,
    is_finite,
    stopped_by_callback,
)
from .hooks import NO_HOOKS
from .progress import Progress

__all__ = ["fit_lbfgs"]


def _objective(network, data, settings):
    """``f(x) -> (loss, grad)`` on the whole training set, in float64 for SciPy,
    and ``reported(x, loss)``: the loss at x in y's units (``settings.units``)."""
    train = data.train
    workspace = Workspace(network, train.n_samples)
    weight_sum = (train.n_samples if train.sample_weight is None
                  else float(train.sample_weight.sum()))
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
            if settings.units is not None:
                last["x"], last["reported"] = x.copy(), settings.units.loss(
                    network, raw, train.targets, train.sample_weight,
                    settings.alpha)
            grad = network.backward(workspace.grad_raw, workspace,
                                    alpha=settings.alpha, weight_sum=weight_sum)
        return loss, grad.astype(np.float64)

    def reported(x, loss):
        if settings.units is None:
            return loss
        if not np.array_equal(last.get("x"), x):
            loss_and_grad(x)
        return last["reported"]

    return loss_and_grad, reported


def fit_lbfgs(network, data, *, settings, state, hooks=NO_HOOKS):
    """Train ``network`` in place with L-BFGS-B; one iteration counts as an epoch.

    Each iteration is recorded, printed and monitored like an epoch of the
    minibatch loop; a plateau of the monitored quantity ends the run when
    ``settings.stop_early`` and the monitor is a validation quantity.
    Returns the SciPy result. ``hooks`` hear of each iteration as of an epoch,
    the way scikit-learn's LogisticRegression reports L-BFGS: an iteration
    begins when the previous one ends (SciPy reports only ends), and one begun
    when SciPy stops without running it is closed empty.
    """
    first = state.n_iter
    progress = Progress(settings.verbose, first + settings.max_epochs)
    last_good = LastGood(network)
    clock = [time.perf_counter()]

    loss_and_grad, reported = _objective(network, data, settings)

    def callback(x, loss):
        network.params[...] = x
        if not is_finite(loss, network):
            raise diverged(network, state, settings, loss, last_good)
        metrics, plateau = end_epoch(network, data, loss, settings=settings,
                                     state=state, last_good=last_good,
                                     reported=reported(x, loss))
        now = time.perf_counter()
        progress.epoch_end(state.n_iter, now - clock[0], metrics)
        clock[0] = now
        last_good.save()
        if hooks.epoch_end(state.n_iter, metrics):
            stopped_by_callback(state, progress)
            raise StopIteration
        if plateau and settings.stop_early and settings.monitor != "loss":
            state.stopped_early = True
            raise StopIteration
        if state.n_iter - first < settings.max_epochs:
            hooks.epoch_begin(state.n_iter + 1)

    state.converged = state.stopped_early = False
    hooks.epoch_begin(first + 1)
    result = minimize_lbfgs(
        loss_and_grad, network.params,
        max_iter=settings.max_epochs, max_fun=settings.max_fun, tol=settings.tol,
        callback=callback,
    )
    hooks.close()
    if not state.stopped_early:
        network.params[...] = result.x
        if not is_finite(result.fun, network):
            raise diverged(network, state, settings, result.fun, last_good)
    state.converged = state.stopped_early or result.status == 0
    finish(network, state, settings, progress)
    return result
