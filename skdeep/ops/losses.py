"""Losses computed on raw network outputs (before the output activation).

Each loss returns the weighted mean over samples of the per-sample loss summed
over outputs, and writes d(loss)/d(raw outputs) into ``grad``. Working on raw
outputs lets every loss pair with its canonical link, so the gradient is always
``(prediction - target) * weight / weight_sum`` and never divides by a
probability that may have underflowed.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = ["Loss", "LOSSES", "total_weight"]


class Loss(NamedTuple):
    """A loss on raw outputs and the output activation that turns them into
    predictions. ``value_and_grad(raw, targets, sample_weight, grad) -> float``."""

    name: str
    output_activation: str
    value_and_grad: Callable


def _weighted_mean(per_sample, sample_weight, weight_sum):
    if sample_weight is None:
        return float(per_sample.sum()) / weight_sum
    return float(np.dot(per_sample, sample_weight)) / weight_sum


def _scale_grad(grad, sample_weight, weight_sum):
    if sample_weight is not None:
        grad *= sample_weight[:, None]
    grad *= 1.0 / weight_sum


def _row_max(a):
    """Row maxima as a column. NumPy reduces short rows slowly; reducing the
    contiguous transpose over its first axis runs vectorised along the rows."""
    return np.ascontiguousarray(a.T).max(axis=0)[:, None]


def _row_sum(a):
    """Row sums as a column, through a BLAS matrix-vector product."""
    return np.dot(a, np.ones(a.shape[1], a.dtype))[:, None]


def total_weight(sample_weight, n_samples):
    """What a loss over ``n_samples`` rows is normalized by: the sum of
    ``sample_weight``, or ``n_samples`` itself (an int) without weights.

    The weights are summed in their own dtype (a float32 sum for float32
    weights), so every caller divides by the same number to the bit.
    """
    return n_samples if sample_weight is None else float(sample_weight.sum())


def squared_error(raw, targets, sample_weight, grad):
    """Half squared error; the gradient is ``raw - targets``."""
    weight_sum = total_weight(sample_weight, raw.shape[0])
    np.subtract(raw, targets, out=grad)
    if sample_weight is None:  # one dot product instead of per-sample sums
        loss = 0.5 * float(np.vdot(grad, grad)) / weight_sum
    else:
        per_sample = 0.5 * np.einsum("ij,ij->i", grad, grad)
        loss = _weighted_mean(per_sample, sample_weight, weight_sum)
    _scale_grad(grad, sample_weight, weight_sum)
    return loss


def softmax_cross_entropy(raw, targets, sample_weight, grad):
    """Cross-entropy of softmax(raw) against one-hot (or soft) targets.

    With m the row maximum and s = sum(exp(z - m)), log softmax(z) = z - m - log s;
    shifting by m keeps exp from overflowing. Since targets sum to one per row,
    the per-sample loss is ``m + log s - targets . z`` and the gradient of the
    fused softmax + cross-entropy with respect to z is ``softmax(z) - targets``.
    """
    weight_sum = total_weight(sample_weight, raw.shape[0])
    row_max = _row_max(raw)
    np.subtract(raw, row_max, out=grad)
    np.exp(grad, out=grad)
    row_sum = _row_sum(grad)
    grad /= row_sum
    grad -= targets
    log_norm = np.log(row_sum)
    log_norm += row_max
    if sample_weight is None:  # one dot product instead of per-sample sums
        loss = (float(log_norm.sum()) - float(np.vdot(targets, raw))) / weight_sum
    else:
        per_sample = log_norm[:, 0] - np.einsum("ij,ij->i", targets, raw)
        loss = _weighted_mean(per_sample, sample_weight, weight_sum)
    _scale_grad(grad, sample_weight, weight_sum)
    return loss


def sigmoid_cross_entropy(raw, targets, sample_weight, grad):
    """Binary cross-entropy of sigmoid(raw), one independent unit per label.

    Per element the loss is ``softplus(z) - y z``, written as
    ``max(z, 0) - y z + log1p(exp(-|z|))`` to stay finite for any z.
    """
    weight_sum = total_weight(sample_weight, raw.shape[0])
    elementwise = np.maximum(raw, 0) - targets * raw + np.log1p(np.exp(-np.abs(raw)))
    loss = _weighted_mean(elementwise.sum(axis=1), sample_weight, weight_sum)
    np.multiply(raw, 0.5, out=grad)  # sigmoid(z) = (1 + tanh(z / 2)) / 2
    np.tanh(grad, out=grad)
    grad *= 0.5
    grad += 0.5 - targets
    _scale_grad(grad, sample_weight, weight_sum)
    return loss


def poisson_deviance(raw, targets, sample_weight, grad):
    """Half Poisson deviance with a log link: prediction ``exp(raw)``.

    Per element ``exp(z) - y z + y log(y) - y``; the last two terms make the loss
    zero at a perfect fit and do not change the gradient ``exp(z) - y``.
    """
    weight_sum = total_weight(sample_weight, raw.shape[0])
    np.exp(raw, out=grad)
    with np.errstate(divide="ignore", invalid="ignore"):
        y_log_y = np.where(targets > 0, targets * np.log(targets), 0.0)
    elementwise = grad - targets * raw + y_log_y - targets
    loss = _weighted_mean(elementwise.sum(axis=1), sample_weight, weight_sum)
    grad -= targets
    _scale_grad(grad, sample_weight, weight_sum)
    return loss


LOSSES = {
    "squared_error": Loss("squared_error", "identity", squared_error),
    "poisson": Loss("poisson", "exp", poisson_deviance),
    "softmax_cross_entropy": Loss("softmax_cross_entropy", "softmax",
                                  softmax_cross_entropy),
    "sigmoid_cross_entropy": Loss("sigmoid_cross_entropy", "logistic",
                                  sigmoid_cross_entropy),
}
