"""Buffers reused by every batch of one size, so a training step allocates nothing."""

import numpy as np

from ..ops import HIDDEN_ACTIVATIONS

__all__ = ["Workspace"]


class Workspace:
    """Activation buffers for up to ``n_rows`` rows, plus, for training, delta,
    dropout and gradient buffers.

    Parameters
    ----------
    network : MLP
    n_rows : int
        Largest batch the buffers must hold; smaller batches use leading rows.
    dropout_rates : sequence of float, optional
        Dropout rate per hidden layer; zero rates get no mask buffers.
    training : bool, default=True
        False allocates only what a forward pass needs (prediction).

    Attributes
    ----------
    activations : list of ndarray of shape (n_rows, units)
        Output of each layer; for hidden layers, after the activation function and
        before dropout; for the last layer, the raw outputs.
    dropout_rates : tuple of float
        The dropout rate of each hidden layer (0.0: none).
    dropout_applied : list of bool
        Whether the last forward pass dropped units of each hidden layer.
    dropout_masks : list of ndarray of shape (n_rows, units) or None
        Each hidden layer's last mask, 0 or ``1 / (1 - rate)`` per unit (None
        for a layer without dropout).
    dropout_outputs : list of ndarray of shape (n_rows, units) or None
        Each hidden layer's activations times its mask: what the next layer
        received.
    grad : ndarray of shape (n_params,)
        Flat gradient; ``grad_weights`` and ``grad_biases`` are views into it.
    pre_activations : list of ndarray or None
        Hidden layers' inputs to their activation function, kept (while
        training) only where the activation's derivative needs them.
    layer_inputs : list of ndarray
        What each layer received in the last forward pass (set by ``forward``).
    """

    def __init__(self, network, n_rows, dropout_rates=None, *, training=True):
        dtype = network.params.dtype
        units = network.layer_sizes[1:]
        self.n_rows = n_rows
        self.dropout_rates = (tuple(dropout_rates) if dropout_rates
                              else (0.0,) * (len(units) - 1))
        self.activations = [np.empty((n_rows, size), dtype) for size in units]
        self.layer_inputs = [None] * len(units)
        self.dropout_applied = [False] * (len(units) - 1)
        self.pre_activations = [None] * (len(units) - 1)
        if training:
            self._allocate_training(network, n_rows, units, dtype)

    def _allocate_training(self, network, n_rows, units, dtype):
        hidden = list(zip(units[:-1], self.dropout_rates))
        self.deltas = [np.empty((n_rows, size), dtype) for size in units[:-1]]
        self.grad_raw = np.empty((n_rows, units[-1]), dtype)
        self.ones = np.ones(n_rows, dtype)
        self.dropout_masks = [np.empty((n_rows, size), dtype) if rate > 0 else None
                              for size, rate in hidden]
        self.dropout_outputs = [np.empty((n_rows, size), dtype) if rate > 0 else None
                                for size, rate in hidden]
        # pre-activations, kept only for activations whose derivative needs them
        self.pre_activations = [
            np.empty((n_rows, size), dtype)
            if HIDDEN_ACTIVATIONS[name].from_input else None
            for size, name in zip(units[:-1], network.activations)]
        self.grad = np.empty(network.n_params, dtype)
        self.grad_weights, self.grad_biases = network.split(self.grad)
        self.penalty_buffer = np.empty(network.n_weights, dtype)
