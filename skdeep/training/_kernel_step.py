"""A compiled run of minibatches: gather, forward, loss, backward, update.

The same step as ``loop.train_step`` on the NumPy path (which stays the
reference), for a range of batches at once, so Python is not re-entered between
batches. Matrix products go to BLAS (``_kernels.gemm``: NumPy's own BLAS when
its CBLAS gemm was found, else ``np.dot``'s); every elementwise pass is one
fused loop (``_kernels``). Arguments travel as tuples:

- ``data``: ``(X, targets, weight)``, weight float64 with 0 entries when none;
- ``net``: ``(params, sizes, activation_codes, loss_code, code_offsets,
  gemm_address)``; ``gemm_address`` is the CBLAS gemm of the params' dtype
  (``compiled.gemm_address``), 0 for ``np.dot``;
  ``code_offsets`` (int64) holds, per categorical input column (the trailing
  columns of X, codes stored as floats), the first-layer weight row of its
  code 0; with 0 entries every column is numeric. The first layer then
  multiplies the numeric columns by their weight rows and adds the weight row
  of each code (the one-hot product, without the one-hot width), and its
  gradient scatter-adds the deltas into those rows (``network.embedding``);
- ``opt``: ``(kind, first, second, config, t)``: kind 0 Adam, 1 AdamW, 2 SGD
  (``first`` holds its velocities); ``config`` float64 ``(learning_rate, beta_1,
  beta_2, epsilon, weight_decay, momentum, nesterov, n_decayed)``; ``t`` a
  one-element int64 step counter;
- ``train``: ``(alpha, clip_norm, dropout_rates, target_scale, uniforms)``,
  clip_norm <= 0 for none, target_scale with 0 entries when y is not scaled
  (the loss as trained is then in y's units), ``uniforms`` the dropout draws
  of these batches in the order the NumPy path draws them;
- ``batches``: ``(order, first_batch, stop_batch, batch_size, losses)``;
  ``losses[b]`` receives batch b's loss as trained and in y's units.
"""

import math

import numpy as np
from numba import njit
from numba.core.errors import NumbaError

from . import _kernels as k

__all__ = ["NumbaError", "run_batches"]

_OPTIONS = k._OPTIONS


@njit(**_OPTIONS)
def _buffers(sizes, codes, rates, n_rows, dtype_like):
    """Per-layer activation, kept pre-activation, mask, dropped and delta buffers."""
    units = sizes[1:]
    n_hidden = units.shape[0] - 1
    acts = [np.empty((n_rows, units[i]), dtype_like.dtype)
            for i in range(units.shape[0])]
    deltas = [np.empty((n_rows, units[i]), dtype_like.dtype)
              for i in range(units.shape[0])]
    kept = [np.empty((n_rows if (codes[i] == 7 or codes[i] == 8) else 0, units[i]),
                     dtype_like.dtype) for i in range(n_hidden)]
    masks = [np.empty((n_rows if rates[i] > 0 else 0, units[i]), dtype_like.dtype)
             for i in range(n_hidden)]
    dropped = [np.empty((n_rows if rates[i] > 0 else 0, units[i]), dtype_like.dtype)
               for i in range(n_hidden)]
    return acts, deltas, kept, masks, dropped


@njit(**_OPTIONS)
def _layer_views(params, sizes):
    """Weight matrices and bias vectors: views into ``params``."""
    weights, biases, start = [], [], 0
    for i in range(sizes.shape[0] - 1):
        size = sizes[i] * sizes[i + 1]
        weights.append(params[start : start + size].reshape((sizes[i], sizes[i + 1])))
        start += size
    for i in range(1, sizes.shape[0]):
        biases.append(params[start : start + sizes[i]])
        start += sizes[i]
    return weights, biases, start - sizes[1:].sum()


@njit(**_OPTIONS)
def _forward(X, C, net, train, ws, views, offset):
    """Raw outputs of the batch (numeric columns X, weight rows C); returns the
    uniforms' offset after it."""
    codes, rates, uniforms = net[2], train[2], train[4]
    acts, deltas, kept, masks, dropped = ws
    weights, biases = views[0], views[1]
    n_rows, layer_input, last = X.shape[0], X, len(weights) - 1
    for i in range(last + 1):
        z = acts[i][:n_rows]
        if i == 0 and C.shape[1] > 0:
            _first_layer(net[5], X, C, weights[0], z)
        else:
            k.gemm(net[5], layer_input, weights[i], z)
        if i == last:
            k.add_bias(z, biases[i])
            break
        k.add_bias_activate(z, biases[i], codes[i], kept[i][:n_rows])
        layer_input = z
        if rates[i] > 0:
            size = z.size
            layer_input = dropped[i][:n_rows]
            k.drop(z, uniforms[offset : offset + size], rates[i],
                   masks[i][:n_rows], layer_input)
            offset += size
    return offset


@njit(**_OPTIONS)
def _first_layer(address, X, C, weights, z):
    """``z = one_hot(X, C) @ weights``: the numeric columns' product, then each
    code's weight row added, column after column (the NumPy path's order)."""
    n_dense = X.shape[1]
    if n_dense:
        k.gemm(address, X, weights[:n_dense], z)
    else:
        z[:] = 0
    for r in range(z.shape[0]):
        for c in range(C.shape[1]):
            row = C[r, c]
            for j in range(z.shape[1]):
                z[r, j] += weights[row, j]


@njit(**_OPTIONS)
def _first_layer_grad(address, X, C, delta, grad):
    """``grad = one_hot(X, C).T @ delta``: the numeric rows by BLAS; each
    code's row receives the sum of its samples' deltas, in sample order."""
    n_dense = X.shape[1]
    if n_dense:
        k.gemm(address, X.T, delta, grad[:n_dense])
    grad[n_dense:] = 0
    for r in range(delta.shape[0]):
        for c in range(C.shape[1]):
            row = C[r, c]
            for j in range(delta.shape[1]):
                grad[row, j] += delta[r, j]


@njit(**_OPTIONS)
def _backward(X, C, net, ws, views, grad_views):
    """Gradient of the batch loss into the gradient vector (without L2)."""
    codes = net[2]
    acts, deltas, kept, masks, dropped = ws
    weights, grad_weights, grad_biases = views[0], grad_views[0], grad_views[1]
    n_rows = X.shape[0]
    for i in range(len(weights) - 1, -1, -1):
        delta = deltas[i][:n_rows]
        if i == 0:
            layer_input = X
        elif masks[i - 1].shape[0] > 0:
            layer_input = dropped[i - 1][:n_rows]
        else:
            layer_input = acts[i - 1][:n_rows]
        if i == 0 and C.shape[1] > 0:
            _first_layer_grad(net[5], X, C, delta, grad_weights[0])
        else:
            k.gemm(net[5], layer_input.T, delta, grad_weights[i])
        if i == len(weights) - 1:  # a hidden delta's sums come with its slope
            k.column_sums(delta, grad_biases[i])
        if i == 0:
            break
        previous = deltas[i - 1][:n_rows]
        k.gemm(net[5], delta, weights[i].T, previous)
        from_input = kept[i - 1].shape[0] > 0
        x = kept[i - 1][:n_rows] if from_input else acts[i - 1][:n_rows]
        k.times_slope(previous, x, codes[i - 1], masks[i - 1][:n_rows],
                      grad_biases[i - 1])


@njit(**_OPTIONS)
def _losses(net, train, targets, weight, weight_sum, ws, n_weights):
    """The batch loss as trained and in y's units; fills the output delta."""
    params, loss_code, alpha, scale = net[0], net[3], train[0], train[3]
    acts, deltas = ws[0], ws[1]
    n_rows = targets.shape[0]
    raw, grad_raw = acts[-1][:n_rows], deltas[-1][:n_rows]
    weights_norm = k.squared_norm(params[:n_weights]) if alpha else 0.0
    penalty = 0.5 * alpha * weights_norm / weight_sum
    loss = k.loss_and_grad(loss_code, raw, targets, weight, weight_sum, grad_raw)
    loss += penalty
    if scale.shape[0] == 0:
        return loss, loss
    in_y_units = k.scaled_squared_error(raw, targets, weight, weight_sum, scale)
    if alpha:
        in_y_units += penalty + 0.5 * alpha * _extra_norm(net, scale) / weight_sum
    return loss, in_y_units


@njit(**_OPTIONS)
def _extra_norm(net, scale):
    """``sum_j ||W_last[:, j]||^2 (scale_j^2 - 1)``: the output layer's L2 term
    in y's units minus the one as trained."""
    params, sizes = net[0], net[1]
    fan_in, fan_out = sizes[-2], sizes[-1]
    start = 0
    for i in range(sizes.shape[0] - 2):
        start += sizes[i] * sizes[i + 1]
    last = params[start : start + fan_in * fan_out].reshape((fan_in, fan_out))
    total = 0.0
    for j in range(fan_out):
        column = 0.0
        for i in range(fan_in):
            column += float(last[i, j]) * float(last[i, j])
        total += column * (scale[j] * scale[j] - 1.0)
    return total


@njit(**_OPTIONS)
def _update(params, grad, opt, n_penalized, factor):
    """One optimizer step on the whole parameter vector; plain Adam adds the
    L2 term ``params * factor`` to the first ``n_penalized`` gradients itself
    (``_fuses_l2``)."""
    kind, first, second, config, t = opt
    t[0] += 1
    if kind == 2:
        k.sgd(params, grad, first, config)
        return
    if kind == 1 and config[4]:
        k.scale_in_place(params[: int(config[7])], 1 - config[0] * config[4])
    k.adam(params, grad, first, second, config, t[0], n_penalized, factor)


@njit(**_OPTIONS)
def _fuses_l2(opt, alpha, clip_norm):
    """True when the update adds the L2 gradient itself: Adam (or AdamW without
    decay, which is Adam), no clipping (which needs the whole gradient first)."""
    kind, config = opt[0], opt[3]
    return (alpha != 0 and clip_norm <= 0
            and (kind == 0 or (kind == 1 and not config[4])))


@njit(**_OPTIONS)
def _gather(data, offsets, rows, buffers):
    """Copy the batch's rows of X (numeric columns; categorical ones as weight
    rows), targets and weights into the buffers."""
    X, targets, weight = data
    Xb, Cb, Tb, Wb = buffers
    n_rows, weighted = rows.shape[0], weight.shape[0] > 0
    n_dense = X.shape[1] - offsets.shape[0]
    weight_sum = float(n_rows)
    if weighted:
        weight_sum = 0.0
    for r in range(n_rows):  # element loops: a row slice copy costs 4x more
        row = rows[r]
        for j in range(n_dense):
            Xb[r, j] = X[row, j]
        for c in range(offsets.shape[0]):
            Cb[r, c] = int(X[row, n_dense + c]) + offsets[c]
        for j in range(targets.shape[1]):
            Tb[r, j] = targets[row, j]
        if weighted:
            Wb[r] = weight[rows[r]]
            weight_sum += Wb[r]
    return (Xb[:n_rows], Cb[:n_rows], Tb[:n_rows], Wb[: n_rows if weighted else 0],
            weight_sum)


@njit(**_OPTIONS)
def run_batches(data, net, opt, train, batches):
    """Train on batches ``first_batch .. stop_batch - 1`` of ``order``; return
    how many ran (fewer when a batch loss stopped being finite)."""
    params, sizes, codes = net[0], net[1], net[2]
    order, first_batch, stop_batch, batch_size, losses = batches
    X, targets = data[0], data[1]
    alpha, clip_norm = train[0], train[1]
    ws = _buffers(sizes, codes, train[2], batch_size, params)
    offsets = net[4]
    buffers = (np.empty((batch_size, X.shape[1] - offsets.shape[0]), X.dtype),
               np.empty((batch_size, offsets.shape[0]), np.int64),
               np.empty((batch_size, targets.shape[1]), targets.dtype),
               np.empty(batch_size, np.float64))
    grad = np.empty_like(params)
    views, grad_views = _layer_views(params, sizes), _layer_views(grad, sizes)
    # offset and the update's penalty arguments are int64 and float64 from the
    # start: a literal 0 would compile (and cache) a second version of
    # _forward, _update and adam
    n_weights, offset = views[2], np.int64(0)
    fused = _fuses_l2(opt, alpha, clip_norm)
    for b in range(first_batch, stop_batch):
        rows = order[b * batch_size : min((b + 1) * batch_size, order.shape[0])]
        Xb, Cb, Tb, Wb, weight_sum = _gather(data, offsets, rows, buffers)
        losses[b, 0] = losses[b, 1] = 0.0
        if weight_sum <= 0:  # no gradient and, as on the NumPy path, no step
            continue
        offset = _forward(Xb, Cb, net, train, ws, views, offset)
        losses[b, 0], losses[b, 1] = _losses(net, train, Tb, Wb, weight_sum, ws,
                                             n_weights)
        _backward(Xb, Cb, net, ws, views, grad_views)
        n_penalized, factor = n_weights, alpha / weight_sum
        if not fused:
            if alpha:
                k.add_scaled(grad[:n_weights], params[:n_weights], factor)
            if clip_norm > 0:
                norm = math.sqrt(k.squared_norm(grad))
                if norm > clip_norm:
                    k.scale_in_place(grad, clip_norm / norm)
            n_penalized, factor = np.int64(0), 0.0
        _update(params, grad, opt, n_penalized, factor)
        if not math.isfinite(losses[b, 0]):
            return b + 1 - first_batch
    return stop_batch - first_batch
