"""What happens between epochs, for every solver: ``end_epoch`` records an
epoch, steps the schedule, tells the hooks and decides the stop; the minibatch
loop and the L-BFGS loop both call it on a ``Run``."""

import contextlib
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..exceptions import DivergenceError
from ..ops import LOSSES
from .data import Dataset
from .progress import Progress

__all__ = ["NonFiniteLoss", "Run", "TrainingData", "LastGood", "training_run",
           "end_epoch", "record_epoch", "restore_weights", "diverged", "is_finite",
           "finish"]


class TrainingData(NamedTuple):
    """The training set, and optionally a validation set with its score function
    ``score(raw_outputs) -> float`` (higher is better)."""

    train: Dataset
    validation: Dataset | None = None
    score: Callable | None = None


class NonFiniteLoss(Exception):
    """A batch loss stopped being finite (raised within an epoch)."""

    def __init__(self, loss):
        self.loss = loss


class _NonFiniteOutputs(ArithmeticError):
    """The validation outputs stopped being finite (a finite training loss)."""


class Run(NamedTuple):
    """One call of a training loop: the model it trains (``optimizer`` None for
    L-BFGS, ``rng`` the shuffling and dropout stream) and what its steps read."""

    network: object
    optimizer: object
    state: object
    rng: object
    data: TrainingData
    settings: object
    hooks: object
    progress: Progress
    last_good: "LastGood"


@contextlib.contextmanager
def training_run(model, data, settings, hooks):
    """The ``Run`` of one loop call on ``model``, a ``(network, optimizer, state,
    rng)`` tuple: the hooks attached before the first epoch and closed however
    the loop ends (an epoch begun but never run is ended empty)."""
    network, optimizer, state, rng = model
    state.converged = state.stopped_early = False
    progress = Progress(settings.verbose, settings.max_epochs, done=state.n_iter)
    hooks.attach(model)
    try:
        yield Run(network, optimizer, state, rng, data, settings, hooks, progress,
                  LastGood(network, optimizer))
    finally:
        hooks.close()


def end_epoch(run, losses, started):
    """The work between two epochs, for every solver; return True to stop.

    ``losses`` is the epoch's ``(loss, loss_in_y_units)``, ``started`` the
    ``time.perf_counter()`` at its start. Records the epoch (``record_epoch``),
    counts its samples and steps the learning-rate schedule (the stochastic
    solvers: L-BFGS has neither, its ``t_`` stays 0), prints its line, reacts to
    a plateau, and only then tells the hooks, so a checkpoint holds the
    estimator as it is at the end of the epoch. Training stops when a hook asks
    or a plateau ends it; otherwise the weights and the optimizer state are
    kept as the last finite ones.
    """
    state, settings, progress = run.state, run.settings, run.progress
    metrics, plateau = record_epoch(run, *losses)
    if run.optimizer is not None:
        state.samples_seen += run.data.train.n_samples
        settings.schedule.epoch_end(run.optimizer, state.samples_seen)
    progress.epoch_end(state.n_iter - progress.done, time.perf_counter() - started,
                       metrics)
    plateau_stop = plateau and _plateau_stops(run)
    if run.hooks.epoch_end(state.n_iter, metrics):
        # a chosen stop: no ConvergenceWarning
        state.converged = state.stopped_early = True
        progress.message(f"Epoch {state.n_iter}: a callback asked to stop training.")
        return True
    if plateau_stop:
        progress.message(f"{settings.monitor} did not improve by more than tol="
                         f"{settings.tol} for {settings.n_iter_no_change} consecutive "
                         "epochs. Stopping.")
        state.converged, state.stopped_early = True, settings.monitor != "loss"
        return True
    run.last_good.save()  # after the schedule and the hooks: a rate they set stays
    return False


def _plateau_stops(run):
    """React to a plateau of the monitored quantity; True when it ends the run
    (``settings.stop_early``). The count starts over; the 'adaptive' schedule of
    a stochastic solver lowers the rate instead, while it can."""
    run.state.no_improvement_count = 0
    optimizer, settings = run.optimizer, run.settings
    if optimizer is not None and not settings.schedule.on_plateau(optimizer):
        run.progress.message(f"{settings.monitor} reached a plateau: learning rate "
                             f"reduced to {optimizer.learning_rate:.3g}.")
        return False
    return settings.stop_early


def _evaluate(run, loss, loss_in_y_units):
    """The epoch's metrics as recorded (losses in y's units), and the losses as
    trained, which the monitors use."""
    network, data, scaling = run.network, run.data, run.settings.target_scaling
    metrics, trained = {"loss": loss_in_y_units}, {"loss": loss}
    if data.validation is not None:
        val = data.validation
        with np.errstate(over="ignore", invalid="ignore"):
            raw = network.raw_output(val.X)
        if not np.isfinite(raw).all():
            raise _NonFiniteOutputs
        trained["val_loss"] = LOSSES[network.loss].value_and_grad(
            raw, val.targets, val.sample_weight, np.empty_like(raw)
        )
        metrics["val_loss"] = trained["val_loss"] if scaling is None else \
            scaling.loss(network, raw, val.targets, val.sample_weight, alpha=0.0)
        metrics[run.settings.score_name] = float(data.score(raw))
    return metrics, trained


def _monitored(metrics, trained, settings):
    """The monitored quantity on a lower-is-better scale; a loss as trained, so
    ``tol`` does not depend on y's units when the network trains on scaled y."""
    if settings.monitor == "val_score":
        return -metrics[settings.score_name]
    return trained[settings.monitor]


def record_epoch(run, loss, loss_in_y_units):
    """Record one finished epoch into ``run.state``; return ``(metrics, plateau)``.

    ``loss`` is the epoch's loss as trained, ``loss_in_y_units`` the same in y's
    units (the same value without target scaling). ``plateau`` is True once the
    monitored quantity has not improved by ``tol`` for ``n_iter_no_change``
    consecutive epochs. Validation outputs that stop being finite are
    divergence too: the DivergenceError of ``diverged``.
    """
    state, settings = run.state, run.settings
    try:
        metrics, trained = _evaluate(run, loss, loss_in_y_units)
    except _NonFiniteOutputs:
        raise diverged(run, loss,
                       what="the validation outputs stopped being finite") from None
    state.n_iter += 1
    for name, value in metrics.items():
        state.history.setdefault(name, []).append(value)
    state.best_loss = min(state.best_loss, metrics["loss"])
    value = _monitored(metrics, trained, settings)
    if value > state.best - settings.tol:
        state.no_improvement_count += 1
    else:
        state.no_improvement_count = 0
    if value < state.best:
        state.best, state.best_epoch = value, state.n_iter
        if settings.restore_best_weights:
            state.best_params = run.network.params.copy()
    return metrics, state.no_improvement_count >= settings.n_iter_no_change


def restore_weights(run):
    """Put back the best epoch's weights when asked to and they were kept;
    return whether it did."""
    if run.settings.restore_best_weights and run.state.best_params is not None:
        run.network.params[...] = run.state.best_params
        return True
    return False


def finish(run):
    """End a run: restore the best epoch's weights when asked to, saying so as
    Keras does."""
    if restore_weights(run):
        run.progress.message("Restoring model weights from the end of the best "
                             f"epoch: {run.state.best_epoch}.")


class LastGood:
    """The weights and the optimizer state at the end of the last finite epoch,
    saved and restored together: weights put back without their moments would
    meet the non-finite moments again on the next step and never train."""

    def __init__(self, network, optimizer=None):
        self.network, self.optimizer = network, optimizer
        self.params = network.params.copy()
        self.optimizer_state = None if optimizer is None else optimizer.snapshot()

    def save(self):
        """Remember the current weights and optimizer state."""
        np.copyto(self.params, self.network.params)
        if self.optimizer is not None:
            self.optimizer_state = self.optimizer.snapshot(into=self.optimizer_state)

    def restore(self, weights=True):
        """Put back the optimizer state, and the weights unless told not to."""
        if weights:
            self.network.params[...] = self.params
        if self.optimizer is not None:
            self.optimizer.restore(self.optimizer_state)


def is_finite(run, loss):
    """True while the loss, every parameter and the optimizer state are finite.

    The one divergence rule of every solver: a large but finite loss is not
    divergence by itself, non-finite weights or moments are.
    """
    return bool(np.isfinite(loss) and np.isfinite(run.network.params).all()
                and (run.optimizer is None or run.optimizer.state_is_finite()))


def diverged(run, loss, what=None):
    """Restore the best (or else the last finite) weights, and the optimizer
    state saved with the last finite weights (``run.last_good``); return the
    error, saying ``what`` stopped being finite (default: the loss, the weights
    or the optimizer state, whichever did)."""
    state = run.state
    what = what or _non_finite(loss, run.network)  # before the weights are restored
    if restore_weights(run):
        run.last_good.restore(weights=False)
        restored = f"the weights of the best epoch ({state.best_epoch}) were restored"
    else:
        run.last_good.restore()
        restored = (f"the weights from the end of epoch {state.n_iter} were restored"
                    if state.n_iter else "the initial weights were restored")
    fix = ("lower learning_rate_init, or bound each step with clip_norm"
           if run.optimizer is not None else "check X and y for extreme values")
    return DivergenceError(
        f"training diverged in epoch {state.n_iter + 1} ({what}) and {restored}; "
        f"{fix}."
    )


def _non_finite(loss, network):
    if not np.isfinite(loss):
        return f"the loss became {loss}"
    if not np.isfinite(network.params).all():
        return "the weights stopped being finite"
    return f"the optimizer's moments stopped being finite at a loss of {loss:.3g}"
