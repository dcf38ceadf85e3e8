"""Training on scaled inputs and targets: the maps back to raw X and to y,
folded into the first and last layers, and the losses in y's units."""

import numpy as np

from ..ops import LOSSES, total_weight

__all__ = ["InputScaling", "TargetScaling"]


class TargetScaling:
    """How a network trained on ``(y - target_offset) / target_scale`` maps to y.

    Raw outputs ``z`` of the network as trained become raw outputs in y's units
    as ``z * raw_scale + raw_shift``: for an identity output (squared error) these
    are the target scale and offset; for an exp output (Poisson, where the offset
    is 0) ``exp(z + log(scale)) = scale * exp(z)``, a shift only.

    Parameters
    ----------
    target_offset, target_scale : ndarray of shape (n_outputs,)
    loss : str
        A key of ``skdeep.ops.LOSSES`` with an 'identity' or 'exp' output.
    """

    def __init__(self, target_offset, target_scale, loss):
        self.target_offset = np.asarray(target_offset, dtype=np.float64)
        self.target_scale = np.asarray(target_scale, dtype=np.float64)
        self.loss_name = loss
        if LOSSES[loss].output_activation == "exp":
            if self.target_offset.any():
                raise ValueError("an exp output can only be scaled, not shifted.")
            self.raw_scale = np.ones_like(self.target_scale)
            self.raw_shift = np.log(self.target_scale)
        elif LOSSES[loss].output_activation == "identity":
            self.raw_scale, self.raw_shift = self.target_scale, self.target_offset
        else:
            raise ValueError(f"targets of the {loss!r} loss cannot be rescaled.")

    def scale_targets(self, targets):
        """``(targets - target_offset) / target_scale``, a new float64 array."""
        return (np.asarray(targets, dtype=np.float64) - self.target_offset
                ) / self.target_scale

    def fold(self, network):
        """Turn the trained network into one whose outputs are in y's units."""
        weights, bias = network.weights[-1], network.biases[-1]
        # float64 arithmetic: a float32 network rounds once, on the way back
        weights[...] = weights.astype(np.float64) * self.raw_scale
        bias[...] = bias.astype(np.float64) * self.raw_scale + self.raw_shift

    def unfold(self, network):
        """Undo ``fold``: back to the scaled targets the network trains on."""
        weights, bias = network.weights[-1], network.biases[-1]
        weights[...] = weights.astype(np.float64) / self.raw_scale
        bias[...] = (bias.astype(np.float64) - self.raw_shift) / self.raw_scale

    def loss(self, network, raw, targets, sample_weight, alpha, *, penalty=None):
        """The loss (plus L2 term) the folded network has against y.

        ``raw`` and ``targets`` are on the trained scale (neither is changed);
        ``penalty``, when given, is the network's L2 term as trained. The L2
        term reported is ``alpha * ||W||^2 / (2 * weight_sum)`` over the folded
        weights: the output layer's columns are multiplied by ``raw_scale``.
        """
        weight_sum = total_weight(sample_weight, raw.shape[0])
        if self.loss_name == "squared_error":
            value = self._squared_error(raw, targets, sample_weight, weight_sum)
        else:
            value = self._folded_loss(raw, targets, sample_weight)
        if not alpha:
            return value
        if penalty is None:
            penalty = network.penalty(alpha, weight_sum)
        last = network.weights[-1]
        extra = np.dot(np.einsum("ij,ij->j", last, last), self.raw_scale**2 - 1)
        return value + penalty + 0.5 * alpha * float(extra) / weight_sum

    def _squared_error(self, raw, targets, sample_weight, weight_sum):
        """Half squared error in y's units: each output's error times its scale."""
        residual = np.subtract(raw, targets, dtype=np.float64)
        residual *= residual
        per_output = (residual.sum(axis=0) if sample_weight is None
                      else np.dot(sample_weight, residual))
        return 0.5 * float(np.dot(per_output, self.target_scale**2)) / weight_sum

    def _folded_loss(self, raw, targets, sample_weight):
        """Any loss, evaluated on the folded outputs against y itself."""
        raw_y = raw.astype(np.float64) * self.raw_scale + self.raw_shift
        targets_y = targets * self.target_scale + self.target_offset
        if sample_weight is not None:
            sample_weight = sample_weight.astype(np.float64)
        return LOSSES[self.loss_name].value_and_grad(raw_y, targets_y, sample_weight,
                                                     np.empty_like(raw_y))


class InputScaling:
    """How a network trained on ``(X - input_offset) / input_scale`` reads raw X.

    ``(X - offset) / scale @ W + b == X @ (W / scale[:, None]) + (b - (offset /
    scale) @ W)``: folding divides the first layer's rows by the scale and moves
    the offset into its bias, so the folded network takes raw X.

    Only the first ``len(input_offset)`` rows are folded: the rows of
    categorical inputs (codes selecting weight rows) are not scaled.

    Parameters
    ----------
    input_offset, input_scale : ndarray of shape (n_scaled,)
    """

    def __init__(self, input_offset, input_scale):
        self.input_offset = np.asarray(input_offset, dtype=np.float64)
        self.input_scale = np.asarray(input_scale, dtype=np.float64)

    def fold(self, network):
        """Turn the trained network into one that reads raw X."""
        weights, bias = network.weights[0][: len(self.input_offset)], network.biases[0]
        # float64 arithmetic: a float32 network rounds once, on the way back
        trained = weights.astype(np.float64)
        bias[...] = bias.astype(np.float64) - np.dot(
            self.input_offset / self.input_scale, trained)
        weights[...] = trained / self.input_scale[:, None]

    def unfold(self, network):
        """Undo ``fold``: back to the standardized inputs the network trains on."""
        weights, bias = network.weights[0][: len(self.input_offset)], network.biases[0]
        trained = weights.astype(np.float64) * self.input_scale[:, None]
        bias[...] = bias.astype(np.float64) + np.dot(self.input_offset, weights.astype(
            np.float64))
        weights[...] = trained
