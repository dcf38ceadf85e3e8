"""Minibatch training, in named steps: fit_stochastic -> run_epoch -> train_step."""

import time

import numpy as np

from ..network import Workspace
from ..ops import LOSSES
from .compiled import compiled_epochs
from .data import BatchGatherer
from .epochs import (
    LastGood,
    NonFiniteLoss,
    diverged,
    end_epoch,
    finish,
    is_finite,
    stopped_by_callback,
)
from .hooks import NO_HOOKS
from .progress import Progress

__all__ = ["fit_stochastic"]


def train_step(network, optimizer, workspace, batch, settings, rng):
    """Forward, loss, backward, step on one batch; return the batch loss as
    trained and as reported (in y's units when ``settings.units``)."""
    X, targets, weight = batch
    weight_sum = X.shape[0] if weight is None else float(weight.sum())
    # an all-zero-weight batch carries no gradient; the estimator refuses
    # weights without a positive total, so some other batch does
    if weight_sum <= 0:
        return 0.0, 0.0
    raw = network.forward(X, workspace, rng=rng if settings.uses_dropout else None)
    grad_raw = workspace.grad_raw[: X.shape[0]]
    penalty = network.penalty(settings.alpha, weight_sum)
    loss = LOSSES[network.loss].value_and_grad(raw, targets, weight, grad_raw)
    loss += penalty
    reported = loss if settings.units is None else settings.units.loss(
        network, raw, targets, weight, settings.alpha, penalty=penalty)
    grad = network.backward(grad_raw, workspace, alpha=settings.alpha,
                            weight_sum=weight_sum)
    if settings.clip_norm is not None:
        _clip_by_global_norm(grad, settings.clip_norm)
    optimizer.step(network.params, grad)
    return loss, reported


def _clip_by_global_norm(grad, max_norm):
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm


def run_epoch(network, optimizer, gatherer, workspace, *, settings, rng, progress,
              epoch):
    """One pass over the training set; return the sample-averaged loss as
    trained and as reported."""
    n_samples = gatherer.data.n_samples
    order = rng.permutation(n_samples) if settings.shuffle else np.arange(n_samples)
    batch_size, total, total_reported = workspace.n_rows, 0.0, 0.0
    n_batches = -(-n_samples // batch_size)
    for b, start in enumerate(range(0, n_samples, batch_size)):
        rows = order[start : start + batch_size]
        loss, reported = train_step(network, optimizer, workspace,
                                    gatherer.gather(rows), settings, rng)
        if not np.isfinite(loss):
            raise NonFiniteLoss(loss)
        total += loss * len(rows)
        total_reported += reported * len(rows)
        progress.batch(epoch, b + 1, n_batches)
    return total / n_samples, total_reported / n_samples


def fit_stochastic(network, optimizer, data, *, settings, state, rng,
                   hooks=NO_HOOKS):
    """Train ``network`` in place with ``optimizer`` on ``data`` (TrainingData).

    Runs up to ``settings.max_epochs`` epochs, recording into ``state``; stops on
    a plateau of the monitored quantity when ``settings.stop_early``; raises
    DivergenceError when the loss, the weights or the optimizer state stop being
    finite, with the weights and the optimizer state of the last finite epoch
    restored together. ``hooks`` (a ``hooks.Hooks``) hear of each epoch and may
    stop training.
    """
    progress = Progress(settings.verbose, settings.max_epochs, done=state.n_iter)
    batch_size = min(settings.batch_size, data.train.n_samples)
    epochs = _epoch_runner(network, optimizer, data.train, settings, batch_size)
    last_good = LastGood(network, optimizer)
    state.converged = state.stopped_early = False
    for epoch in range(1, settings.max_epochs + 1):
        hooks.epoch_begin(state.n_iter + 1)
        started = time.perf_counter()
        try:
            # overflow on the way to divergence is reported once, as the error
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss, reported = epochs(rng=rng, progress=progress, epoch=epoch)
        except NonFiniteLoss as error:
            raise diverged(network, state, settings, error.loss, last_good) from None
        if not is_finite(loss, network, optimizer):
            raise diverged(network, state, settings, loss, last_good)
        metrics, plateau = end_epoch(network, data, loss, settings=settings,
                                     state=state, last_good=last_good,
                                     reported=reported)
        state.samples_seen += data.train.n_samples
        progress.epoch_end(epoch, time.perf_counter() - started, metrics)
        settings.schedule.epoch_end(optimizer, state.samples_seen)
        # the epoch's bookkeeping is done before the hooks see it, so a
        # checkpoint holds the estimator as it is at the end of the epoch
        plateau_stop = False
        if plateau:
            state.no_improvement_count = 0
            if not settings.schedule.on_plateau(optimizer):
                progress.message(f"{settings.monitor} reached a plateau: learning "
                                 f"rate reduced to {optimizer.learning_rate:.3g}.")
            else:
                plateau_stop = settings.stop_early
        if hooks.epoch_end(state.n_iter, metrics):
            stopped_by_callback(state, progress)
            break
        if plateau_stop:
            progress.message(_plateau_message(settings))
            state.converged = True
            state.stopped_early = settings.monitor != "loss"
            break
        last_good.save()  # after the schedule: a rate it lowered stays lowered
    finish(network, state, settings, progress)
    return state


def _epoch_runner(network, optimizer, train, settings, batch_size):
    """``run(rng=, progress=, epoch=) -> (loss, reported)``: the compiled epoch
    when it covers the run, else the NumPy one."""
    compiled = compiled_epochs(network, optimizer, train, settings, batch_size)
    if compiled is not None:
        return compiled.run_epoch
    workspace = Workspace(network, batch_size, settings.dropout)
    gatherer = BatchGatherer(train, batch_size)

    def run(*, rng, progress, epoch):
        return run_epoch(network, optimizer, gatherer, workspace, settings=settings,
                         rng=rng, progress=progress, epoch=epoch)

    return run


def _plateau_message(settings):
    return (f"{settings.monitor} did not improve by more than tol={settings.tol} "
            f"for {settings.n_iter_no_change} consecutive epochs. Stopping.")
