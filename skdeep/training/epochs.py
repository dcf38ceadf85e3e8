"""What happens between epochs, for every solver: metrics, history, monitoring."""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..exceptions import DivergenceError
from ..ops import LOSSES
from .data import Dataset

__all__ = ["NonFiniteLoss", "TrainingData", "LastGood", "end_epoch",
           "restore_weights", "diverged", "is_finite", "finish",
           "stopped_by_callback"]


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


def evaluate(network, data, train_loss, settings, reported=None):
    """The epoch's metrics as recorded (losses in y's units when
    ``settings.units``), and the losses as trained, which the monitors use."""
    metrics = {"loss": train_loss if reported is None else reported}
    trained = {"loss": train_loss}
    if data.validation is not None:
        val, units = data.validation, settings.units
        with np.errstate(over="ignore", invalid="ignore"):
            raw = network.raw_output(val.X)
        if not np.isfinite(raw).all():
            raise _NonFiniteOutputs
        trained["val_loss"] = LOSSES[network.loss].value_and_grad(
            raw, val.targets, val.sample_weight, np.empty_like(raw)
        )
        metrics["val_loss"] = trained["val_loss"] if units is None else units.loss(
            network, raw, val.targets, val.sample_weight, alpha=0.0)
        metrics[settings.score_name] = float(data.score(raw))
    return metrics, trained


def _monitored(metrics, trained, settings):
    """The monitored quantity on a lower-is-better scale; a loss as trained, so
    ``tol`` does not depend on y's units when the network trains on scaled y."""
    if settings.monitor == "val_score":
        return -metrics[settings.score_name]
    return trained[settings.monitor]


def end_epoch(network, data, train_loss, *, settings, state, last_good,
              reported=None):
    """Record one finished epoch; return ``(metrics, plateau)``.

    ``train_loss`` is the epoch's loss as trained, ``reported`` the same in y's
    units (None: the same value). ``plateau`` is True once the monitored
    quantity has not improved by ``tol`` for ``n_iter_no_change`` consecutive
    epochs. Validation outputs that stop being finite are divergence too: the
    DivergenceError of ``diverged``, with ``last_good`` restored.
    """
    try:
        metrics, trained = evaluate(network, data, train_loss, settings, reported)
    except _NonFiniteOutputs:
        raise diverged(network, state, settings, train_loss, last_good,
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
            state.best_params = network.params.copy()
    return metrics, state.no_improvement_count >= settings.n_iter_no_change


def restore_weights(network, state, settings):
    """Put back the best epoch's weights when asked to and they were kept;
    return whether it did."""
    if settings.restore_best_weights and state.best_params is not None:
        network.params[...] = state.best_params
        return True
    return False


def finish(network, state, settings, progress):
    """End a run: restore the best epoch's weights when asked to, saying so as
    Keras does."""
    if restore_weights(network, state, settings):
        progress.message("Restoring model weights from the end of the best "
                         f"epoch: {state.best_epoch}.")


def stopped_by_callback(state, progress):
    """Record a stop a callback asked for (a chosen stop: no ConvergenceWarning)."""
    state.converged = state.stopped_early = True
    progress.message(f"Epoch {state.n_iter}: a callback asked to stop training.")


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


def is_finite(loss, network, optimizer=None):
    """True while the loss, every parameter and the optimizer state are finite.

    The one divergence rule of every solver: a large but finite loss is not
    divergence by itself, non-finite weights or moments are.
    """
    return bool(np.isfinite(loss) and np.isfinite(network.params).all()
                and (optimizer is None or optimizer.state_is_finite()))


def diverged(network, state, settings, loss, last_good, what=None):
    """Restore the best (or else the last finite) weights, and the optimizer
    state saved with the last finite weights (``last_good``, a LastGood);
    return the error, saying ``what`` stopped being finite (default: the loss,
    the weights or the optimizer state, whichever did)."""
    what = what or _non_finite(loss, network)  # before the weights are restored
    if restore_weights(network, state, settings):
        last_good.restore(weights=False)
        restored = f"the weights of the best epoch ({state.best_epoch}) were restored"
    else:
        last_good.restore()
        restored = (f"the weights from the end of epoch {state.n_iter} were restored"
                    if state.n_iter else "the initial weights were restored")
    fix = "scale the inputs (for example with StandardScaler)" + (
        " or lower learning_rate_init" if last_good.optimizer is not None else "")
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
