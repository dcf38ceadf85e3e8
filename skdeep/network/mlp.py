"""A dense feed-forward network whose weights are views into one flat vector."""

import numpy as np

from ..ops import (
    HIDDEN_ACTIVATIONS,
    LOSSES,
    initializer_for,
    matmul,
)
from .embedding import CategoricalInputs
from .workspace import Workspace

__all__ = ["MLP"]

# Rows per chunk at predict time: bounds memory to a few MB per layer buffer.
PREDICT_CHUNK_ELEMENTS = 2**20


class MLP:
    """Multilayer perceptron on one contiguous parameter vector.

    The vector holds every layer's weights (row-major, layer after layer) and then
    every bias, so optimizers update it with whole-vector operations and the L2
    penalty touches one contiguous slice.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, *hidden_layer_sizes, n_outputs)``.
    activations : sequence of str
        One hidden activation name per hidden layer.
    loss : str
        A key of ``skdeep.ops.LOSSES``; decides the output activation.
    dtype : numpy dtype, default=np.float64
    categorical_sizes : sequence of int, default=()
        Number of categories of each categorical input column. With any, the
        last ``len(categorical_sizes)`` input columns hold category codes and
        the first layer gathers weight rows for them (see
        ``CategoricalInputs``); ``layer_sizes[0]`` counts the one-hot width.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
    weights : list of ndarray of shape (fan_in, fan_out)
        Views into ``params``.
    biases : list of ndarray of shape (fan_out,)
        Views into ``params``.
    categorical : CategoricalInputs or None
        How the first layer reads category codes; None for numeric input only
        (the seam for training steps that handle dense input only).
    """

    def __init__(self, layer_sizes, activations, loss, dtype=np.float64,
                 categorical_sizes=()):
        self.layer_sizes = tuple(int(size) for size in layer_sizes)
        self.activations = tuple(activations)
        if len(self.activations) != len(self.layer_sizes) - 2:
            raise ValueError("MLP needs one activation per hidden layer.")
        self.loss = loss
        sizes = self.layer_sizes
        self.n_weights = sum(fan_in * fan_out for fan_in, fan_out in zip(sizes,
                                                                         sizes[1:]))
        self.n_params = self.n_weights + sum(sizes[1:])
        self.params = np.zeros(self.n_params, dtype=dtype)
        self.weights, self.biases = self.split(self.params)
        # each layer's activation in place (None: the raw output layer)
        self._activation_forwards = (*(HIDDEN_ACTIVATIONS[name].forward
                                       for name in self.activations), None)
        self.categorical_sizes = tuple(int(size) for size in categorical_sizes)
        self.categorical = (CategoricalInputs(sizes[0] - sum(self.categorical_sizes),
                                              self.categorical_sizes)
                            if self.categorical_sizes else None)

    @property
    def n_inputs(self):
        """Columns of the input X: ``layer_sizes[0]``, or with categorical
        inputs the numeric columns plus one code column per categorical one."""
        return (self.layer_sizes[0] if self.categorical is None
                else self.categorical.n_columns)

    @property
    def output_activation(self):
        return LOSSES[self.loss].output_activation

    def split(self, flat):
        """Per-layer weight and bias views into a flat vector of length n_params."""
        weights, biases, start = [], [], 0
        for fan_in, fan_out in zip(self.layer_sizes, self.layer_sizes[1:]):
            weights.append(flat[start : start + fan_in * fan_out].reshape(fan_in, -1))
            start += fan_in * fan_out
        for fan_out in self.layer_sizes[1:]:
            biases.append(flat[start : start + fan_out])
            start += fan_out
        return weights, biases

    def initialize(self, rng, scheme="glorot"):
        """Draw weights and biases from the Generator ``rng``.

        ``scheme`` is 'glorot', 'he', 'lecun' or 'auto' (chosen per layer from
        its activation); see ``skdeep.ops.initializer_for``.
        """
        for i, (weights, bias) in enumerate(zip(self.weights, self.biases)):
            # the output layer takes the bound of the last hidden activation
            activation = self.activations[min(i, len(self.activations) - 1)] if (
                self.activations) else "relu"
            fan_in, fan_out = weights.shape
            weights[...], bias[...] = initializer_for(scheme, activation)(
                rng, fan_in, fan_out, activation=activation
            )
        return self

    def copy(self):
        """A deep copy (its own parameter vector and views)."""
        new = MLP(self.layer_sizes, self.activations, self.loss, self.params.dtype,
                  self.categorical_sizes)
        new.params[...] = self.params
        return new

    def forward(self, X, workspace=None, *, rng=None):
        """Raw outputs (before the output activation) for the rows of X.

        With a ``workspace`` (training) every layer writes into its buffers and
        leaves there what ``backward`` needs; the result is a view into the last
        activation buffer. Without one (prediction) every layer writes a new
        array and nothing is kept, so concurrent calls share nothing; X may
        then also be one row as a 1-D array of shape (n_inputs,) (dense input
        only), which NumPy multiplies by the same BLAS call (gemv) as a
        (1, n_inputs) array, at about half the cost per elementwise pass.

        With ``rng`` given, the workspace's dropout rates are applied (training
        mode) with inverted scaling, so no rescaling is needed at predict time.
        """
        ws, z = workspace, X
        # prediction on a dense array: one new array per product, nothing else
        plain = ws is None and self.categorical is None and type(X) is np.ndarray
        for i, (weights, bias, activate) in enumerate(zip(
                self.weights, self.biases, self._activation_forwards)):
            z = z.dot(weights) if plain else self._product(i, z, weights, ws)
            z += bias
            if activate is not None:
                if ws is None:
                    activate(z)
                else:
                    z = self._activate_kept(i, z, ws, rng, activate)
        return z

    def _activate_kept(self, i, z, ws, rng, activate):
        """Hidden layer ``i``'s activation in training: what ``backward``
        needs is kept in the workspace, and dropout applied with ``rng``."""
        if ws.pre_activations[i] is not None:  # its derivative needs z
            np.copyto(ws.pre_activations[i][: len(z)], z)
        activate(z)
        ws.dropout_applied[i] = rng is not None and ws.dropout_rates[i] > 0
        return self._drop(z, ws, i, rng) if ws.dropout_applied[i] else z

    def _product(self, i, layer_input, weights, ws):
        """Layer ``i``'s ``layer_input @ weights``: into the workspace's buffer
        (which records the input for ``backward``), or into a new array."""
        if ws is None:
            if i == 0 and self.categorical is not None:
                out = np.empty((layer_input.shape[0], weights.shape[1]), weights.dtype)
                return self.categorical.forward(layer_input, weights, out)
            if isinstance(layer_input, np.ndarray):
                return layer_input.dot(weights)
            return np.asarray(layer_input @ weights)  # sparse
        ws.layer_inputs[i] = layer_input
        out = ws.activations[i][: layer_input.shape[0]]
        if i == 0 and self.categorical is not None:
            return self.categorical.forward(layer_input, weights, out)
        return matmul(layer_input, weights, out=out)

    @staticmethod
    def _drop(activation, ws, layer, rng):
        n_rows, rate = activation.shape[0], ws.dropout_rates[layer]
        mask = ws.dropout_masks[layer][:n_rows]
        rng.random(out=mask, dtype=mask.dtype)  # float32 or float64
        np.greater_equal(mask, rate, out=mask)
        mask *= 1.0 / (1.0 - rate)  # inverted dropout: expected activation unchanged
        return np.multiply(activation, mask, out=ws.dropout_outputs[layer][:n_rows])

    def backward(self, grad_raw, workspace, *, alpha=0.0, weight_sum=1.0):
        """Flat gradient of ``loss + alpha * ||weights||^2 / (2 * weight_sum)``.

        ``grad_raw`` is d(loss)/d(raw outputs) of the last ``forward`` through
        ``workspace``. Returns ``workspace.grad`` (a view, overwritten next call).
        """
        ws, n_rows, delta = workspace, grad_raw.shape[0], grad_raw
        for i in range(len(self.weights) - 1, -1, -1):
            if i == 0 and self.categorical is not None:
                self.categorical.grad(ws.layer_inputs[0], delta, ws.grad_weights[0])
            else:
                matmul(ws.layer_inputs[i].T, delta, out=ws.grad_weights[i])
            # column sums as a BLAS matrix-vector product: several times faster
            # than np.sum(axis=0) on a row-major batch
            np.dot(ws.ones[:n_rows], delta, out=ws.grad_biases[i])
            if i == 0:
                break
            previous = np.dot(delta, self.weights[i].T, out=ws.deltas[i - 1][:n_rows])
            if ws.dropout_applied[i - 1]:
                previous *= ws.dropout_masks[i - 1][:n_rows]
            activation = HIDDEN_ACTIVATIONS[self.activations[i - 1]]
            kept = ws.pre_activations if activation.from_input else ws.activations
            activation.derivative(kept[i - 1][:n_rows], previous)
            delta = previous
        if alpha:
            penalty = np.multiply(self.params[: self.n_weights], alpha / weight_sum,
                                  out=ws.penalty_buffer)
            ws.grad[: self.n_weights] += penalty
        return ws.grad

    def penalty(self, alpha, weight_sum):
        """The L2 term ``alpha * ||weights||^2 / (2 * weight_sum)``."""
        weights = self.params[: self.n_weights]
        return 0.5 * alpha * float(np.dot(weights, weights)) / weight_sum

    def raw_output(self, X, chunk_rows=None):
        """Raw outputs for any number of rows, computed chunk by chunk so memory
        stays bounded however many rows come in."""
        n_rows, dtype = X.shape[0], self.params.dtype
        chunk_rows = chunk_rows or max(1, PREDICT_CHUNK_ELEMENTS // max(
            self.layer_sizes))
        if n_rows <= chunk_rows:  # one chunk: the pass's new arrays are the result
            return self.forward(X if X.dtype == dtype else X.astype(dtype))
        ws = Workspace(self, chunk_rows, training=False)
        out = np.empty((n_rows, self.layer_sizes[-1]), dtype=dtype)
        for start in range(0, n_rows, chunk_rows):
            chunk = X[start : start + chunk_rows]
            if chunk.dtype != dtype:
                chunk = chunk.astype(dtype)
            out[start : start + chunk_rows] = self.forward(chunk, ws)
        return out

    def layer_outputs(self, X):
        """Every layer's output for X: hidden activations, then the raw outputs."""
        ws = Workspace(self, X.shape[0], training=False)
        self.forward(X, ws)
        return ws.activations

    def __getstate__(self):
        return {"layer_sizes": self.layer_sizes, "activations": self.activations,
                "loss": self.loss, "params": self.params,
                "categorical_sizes": self.categorical_sizes}

    def __setstate__(self, state):
        self.__init__(state["layer_sizes"], state["activations"], state["loss"],
                      state["params"].dtype, state.get("categorical_sizes", ()))
        self.params[...] = state["params"]
