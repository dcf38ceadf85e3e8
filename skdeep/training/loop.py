"""Minibatch training, in named steps: fit_stochastic -> run_epoch -> train_step."""

import time

import numpy as np

from ..network import Workspace
from ..ops import LOSSES, total_weight
from .compiled import compiled_epochs
from .data import BatchGatherer
from .epochs import NonFiniteLoss, diverged, end_epoch, finish, is_finite, training_run
from .hooks import NO_HOOKS

__all__ = ["fit_stochastic"]


def fit_stochastic(model, data, settings, hooks=NO_HOOKS):
    """Train ``model`` (network, optimizer, state, rng) in place on ``data``.

    Runs up to ``settings.max_epochs`` epochs of minibatches over ``data.train``
    (a TrainingData), recording into ``model.state``; ``end_epoch`` does the
    work between epochs (history, monitoring, schedule, hooks, stops). Raises
    DivergenceError when the loss, the weights or the optimizer state stop
    being finite, with the weights and the optimizer state of the last finite
    epoch restored together. ``hooks`` (a ``hooks.Hooks``) hear of each epoch
    and may stop training. Returns ``model.state``.
    """
    with training_run(model, data, settings, hooks) as run:
        epochs = _epoch_runner(run.network, run.optimizer, data.train, settings,
                               min(settings.batch_size, data.train.n_samples))
        for epoch in range(1, settings.max_epochs + 1):
            hooks.epoch_begin(run.state.n_iter + 1)
            started = time.perf_counter()
            losses = _checked_epoch(run, epochs, epoch)
            if end_epoch(run, losses, started):
                break
        finish(run)
    return run.state


def _checked_epoch(run, epochs, epoch):
    """Run one epoch; its ``(loss, loss_in_y_units)``, or the DivergenceError
    of ``diverged`` once anything stopped being finite."""
    try:
        # overflow on the way to divergence is reported once, as the error
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            losses = epochs(rng=run.rng, progress=run.progress, epoch=epoch)
    except NonFiniteLoss as error:
        raise diverged(run, error.loss) from None
    if not is_finite(run, losses[0]):
        raise diverged(run, losses[0])
    return losses


def _epoch_runner(network, optimizer, train, settings, batch_size):
    """``run(rng=, progress=, epoch=) -> (loss, loss_in_y_units)``: the compiled
    epoch when it covers the run, else the NumPy one."""
    compiled = compiled_epochs(network, optimizer, train, settings, batch_size)
    if compiled is not None:
        return compiled.run_epoch
    return NumPyEpochs(network, optimizer, train, settings, batch_size).run_epoch


class NumPyEpochs:
    """Epochs of one fit on NumPy, the reference the compiled epoch follows:
    buffers allocated once, reused by every batch."""

    def __init__(self, network, optimizer, train, settings, batch_size):
        self.network, self.optimizer, self.settings = network, optimizer, settings
        self.workspace = Workspace(network, batch_size, settings.dropout)
        self.gatherer = BatchGatherer(train, batch_size)

    def run_epoch(self, *, rng, progress, epoch):
        """One pass over the training set; return the sample-averaged loss as
        trained and in y's units."""
        n_samples, settings = self.gatherer.data.n_samples, self.settings
        order = rng.permutation(n_samples) if settings.shuffle else np.arange(n_samples)
        batch_size, total, total_in_y_units = self.workspace.n_rows, 0.0, 0.0
        n_batches = -(-n_samples // batch_size)
        for b, start in enumerate(range(0, n_samples, batch_size)):
            rows = order[start : start + batch_size]
            loss, loss_in_y_units = self.train_step(self.gatherer.gather(rows), rng)
            if not np.isfinite(loss):
                raise NonFiniteLoss(loss)
            total += loss * len(rows)
            total_in_y_units += loss_in_y_units * len(rows)
            progress.batch(epoch, b + 1, n_batches)
        return total / n_samples, total_in_y_units / n_samples

    def train_step(self, batch, rng):
        """Forward, loss, backward, step on one batch; return the batch loss as
        trained and in y's units (``settings.target_scaling``)."""
        network, workspace, settings = self.network, self.workspace, self.settings
        X, targets, weight = batch
        weight_sum = total_weight(weight, X.shape[0])
        # an all-zero-weight batch carries no gradient; the estimator refuses
        # weights without a positive total, so some other batch does
        if weight_sum <= 0:
            return 0.0, 0.0
        raw = network.forward(X, workspace, rng=rng if settings.uses_dropout else None)
        grad_raw = workspace.grad_raw[: X.shape[0]]
        penalty = network.penalty(settings.alpha, weight_sum)
        loss = LOSSES[network.loss].value_and_grad(raw, targets, weight, grad_raw)
        loss += penalty
        scaling = settings.target_scaling
        loss_in_y_units = loss if scaling is None else scaling.loss(
            network, raw, targets, weight, settings.alpha, penalty=penalty)
        grad = network.backward(grad_raw, workspace, alpha=settings.alpha,
                                weight_sum=weight_sum)
        if settings.clip_norm is not None:
            _clip_by_global_norm(grad, settings.clip_norm)
        self.optimizer.step(network.params, grad)
        return loss, loss_in_y_units


def _clip_by_global_norm(grad, max_norm):
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm
