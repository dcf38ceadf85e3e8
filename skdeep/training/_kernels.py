"""Compiled elementwise passes of a training step: activations, losses, updates.

Numba versions of what ``skdeep.ops`` and ``skdeep.optim`` do with NumPy ufuncs,
each pass fused into one loop over the batch. They follow the same formulas in
the same order, so the two paths agree to rounding; ``fastmath`` stays off for
that reason. Kinds are integer codes (one compiled signature per dtype).

Numba's on-disk cache (``__pycache__/*.nbi``, ``*.nbc``) keeps the kernels of
``_kernel_step`` with these functions compiled in, and does not notice an edit
of this module alone: after editing it, delete those files (or point
``NUMBA_CACHE_DIR`` elsewhere) before testing.
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["add_bias_activate", "loss_and_grad", "adam", "sgd"]

# the integer codes of ``compiled.ACTIVATION_CODES`` and ``compiled.LOSS_CODES``;
# gelu (7) and silu (8) are not monotone: their derivative needs z, not f(z)

LEAKY_SLOPE = 0.2
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SQRT_HALF = 1 / math.sqrt(2)
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)

# the numpy error model: inf and nan as NumPy gives them (divergence is then
# caught like on the NumPy path), and loops with divisions vectorise
_OPTIONS = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}


# CBLAS enums: row-major, no transpose, transpose
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


@intrinsic
def _cblas_gemm(typingctx, address, trans_a, trans_b, m, n, k, alpha, a, lda, b,
                ldb, c, ldc):
    """Call the ILP64 ``cblas_?gemm`` at ``address`` (an integer) on the
    arrays at addresses ``a``, ``b``, ``c``: ``c = alpha op(a) @ op(b)``,
    row-major; ``alpha``'s type (float32 or float64) is the element type."""
    if not isinstance(alpha, types.Float):
        return None
    integers = (address, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc)
    if not all(isinstance(value, types.Integer) for value in integers):
        return None
    signature = types.void(address, trans_a, trans_b, m, n, k, alpha, a, lda, b,
                           ldb, c, ldc)

    def codegen(context, builder, sig, args):
        i32, i64 = ir.IntType(32), ir.IntType(64)
        void_p = ir.IntType(8).as_pointer()
        real = context.get_value_type(sig.args[6])
        values = [context.cast(builder, value, kind, types.int64)
                  if kind != sig.args[6] else value
                  for value, kind in zip(args, sig.args)]
        (address, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c,
         ldc) = values
        function = ir.FunctionType(ir.VoidType(), [
            i32, i32, i32, i64, i64, i64, real, void_p, i64, void_p, i64, real,
            void_p, i64])
        pointer = builder.inttoptr(address, function.as_pointer())
        builder.call(pointer, [
            ir.Constant(i32, _ROW_MAJOR), builder.trunc(trans_a, i32),
            builder.trunc(trans_b, i32), m, n, k, alpha,
            builder.inttoptr(a, void_p), lda, builder.inttoptr(b, void_p), ldb,
            ir.Constant(real, 0.0), builder.inttoptr(c, void_p), ldc])
        return context.get_dummy_value()

    return signature, codegen


@njit(**_OPTIONS)
def _operand(x):
    """(transpose flag, leading dimension) of a C- or F-contiguous matrix as a
    row-major CBLAS operand; (0, 0) for any other layout."""
    rows, cols = x.shape
    if x.flags.c_contiguous:
        return _NO_TRANS, max(1, cols)
    if x.flags.f_contiguous:
        return _TRANS, max(1, rows)
    return 0, 0


@njit(**_OPTIONS)
def gemm(address, a, b, out):
    """``out = a @ b`` through the CBLAS gemm at ``address`` (NumPy's own
    BLAS, found by ``compiled.gemm_address``), or through ``np.dot`` (the
    BLAS Numba binds, SciPy's) when ``address`` is 0 or a layout needs it."""
    m, k = a.shape
    n = b.shape[1]
    if m == 0 or n == 0:
        return
    if k == 0:
        out[:] = 0
        return
    trans_a, lda = _operand(a)
    trans_b, ldb = _operand(b)
    if address == 0 or trans_a == 0 or trans_b == 0 or not out.flags.c_contiguous:
        np.dot(a, b, out)
        return
    _cblas_gemm(address, trans_a, trans_b, m, n, k, out.dtype.type(1.0),
                a.ctypes.data, lda, b.ctypes.data, ldb, out.ctypes.data, n)


@njit(**_OPTIONS)
def _sigmoid(z):
    return 0.5 * math.tanh(0.5 * z) + 0.5


@njit(**_OPTIONS)
def _activate(code, z):
    """f(z) of the hidden activation ``code``."""
    if code == 2:
        return math.tanh(z)
    if code == 3:
        return _sigmoid(z)
    if code == 4:
        return max(z, LEAKY_SLOPE * z)
    if code == 5 or code == 6:
        alpha, scale = (1.0, 1.0) if code == 5 else (SELU_ALPHA, SELU_SCALE)
        return scale * (z if z > 0 else alpha * math.expm1(z))
    if code == 7:
        return z * (0.5 * (1.0 + math.erf(z * SQRT_HALF)))
    if code == 8:
        return z * _sigmoid(z)
    if code == 9:
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    return z


@njit(**_OPTIONS)
def _slope(code, x):
    """f'(z), given ``x`` = a = f(z), or z itself for gelu and silu."""
    if code == 1:
        return 1.0 if x > 0 else 0.0
    if code == 2:
        return 1.0 - x * x
    if code == 3:
        return x * (1.0 - x)
    if code == 4:
        return LEAKY_SLOPE if x < 0 else 1.0
    if code == 5:
        return 1.0 if x >= 0 else x + 1.0
    if code == 6:
        return SELU_SCALE if x >= 0 else x + SELU_SCALE * SELU_ALPHA
    if code == 7:
        cdf = 0.5 * (1.0 + math.erf(x * SQRT_HALF))
        return cdf + x * math.exp(-0.5 * x * x) * INV_SQRT_2PI
    if code == 8:
        s = _sigmoid(x)
        return s * (1.0 + x * (1.0 - s))
    if code == 9:
        return -math.expm1(-x)
    return 1.0


@njit(**_OPTIONS)
def add_bias_activate(z, bias, code, kept):
    """``z = f(z + bias)`` in place; ``kept`` (same shape, or 0 rows) receives
    ``z + bias`` for the activations whose derivative needs it."""
    n_rows, width = z.shape
    keep = kept.shape[0] > 0
    for i in range(n_rows):
        if code == 1:  # the common case in its own loop, so it vectorises
            for j in range(width):
                value = z[i, j] + bias[j]
                z[i, j] = value if value > 0 else 0
            continue
        for j in range(width):
            value = z[i, j] + bias[j]
            if keep:
                kept[i, j] = value
            z[i, j] = _activate(code, value)


@njit(**_OPTIONS)
def add_bias(z, bias):
    """``z += bias`` row by row (the output layer)."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] += bias[j]


@njit(**_OPTIONS)
def drop(a, uniforms, rate, mask, dropped):
    """Inverted dropout: ``mask = (u >= rate) / (1 - rate)``, ``dropped = a * mask``."""
    n_rows, width = a.shape
    scale = mask.dtype.type(1.0 / (1.0 - rate))
    zero = mask.dtype.type(0.0)
    for i in range(n_rows):
        for j in range(width):
            keep = scale if uniforms[i * width + j] >= rate else zero
            mask[i, j] = keep
            dropped[i, j] = a[i, j] * keep


@njit(**_OPTIONS)
def times_slope(delta, x, code, mask, sums):
    """``delta *= mask * f'(.)`` in place (``mask`` with 0 rows: no dropout),
    and ``sums`` = the column sums of the result (the bias gradient), summed
    row after row as ``column_sums`` does: the same pass, not a second one."""
    masked, zero = mask.shape[0] > 0, delta.dtype.type(0)
    sums[:] = 0
    for i in range(delta.shape[0]):
        if code == 1 and not masked:  # the common case in its own loop
            for j in range(delta.shape[1]):
                value = delta[i, j] if x[i, j] > 0 else zero
                delta[i, j] = value
                sums[j] += value
            continue
        for j in range(delta.shape[1]):
            value = delta[i, j]
            if masked:
                value *= mask[i, j]
            if code == 1:
                value = value if x[i, j] > 0 else zero
            elif code != 0:
                value = value * _slope(code, x[i, j])
            delta[i, j] = value
            sums[j] += value


@njit(**_OPTIONS)
def _row_loss(code, raw, targets, grad, i):
    """Sample i's loss (float64); writes d(loss)/d(raw[i]) into ``grad[i]``.
    (2-D indexing throughout: a row view per sample costs more than its loss.)"""
    width, loss = raw.shape[1], 0.0
    if code == 2:
        top = raw[i, 0]
        for j in range(1, width):
            top = max(top, raw[i, j])
        total = 0.0
        for j in range(width):
            grad[i, j] = math.exp(raw[i, j] - top)
            total += grad[i, j]
        for j in range(width):
            grad[i, j] = grad[i, j] / total - targets[i, j]
            loss -= float(targets[i, j]) * float(raw[i, j])
        return loss + float(top) + math.log(total)
    for j in range(width):
        z, y = float(raw[i, j]), float(targets[i, j])
        if code == 0:
            grad[i, j] = raw[i, j] - targets[i, j]
            loss += 0.5 * float(grad[i, j]) ** 2
        elif code == 1:
            rate = math.exp(z)
            grad[i, j] = rate - y
            loss += rate - y * z + (y * math.log(y) if y > 0 else 0.0) - y
        else:
            grad[i, j] = _sigmoid(raw[i, j]) - targets[i, j]
            loss += max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))
    return loss


@njit(**_OPTIONS)
def loss_and_grad(code, raw, targets, weight, weight_sum, grad):
    """The weighted mean loss of ``raw``; ``grad`` = its gradient, scaled by
    ``weight / weight_sum`` (``weight`` with 0 entries: unweighted)."""
    weighted, total = weight.shape[0] > 0, 0.0
    for i in range(raw.shape[0]):
        per_sample = _row_loss(code, raw, targets, grad, i)
        factor = 1.0 / weight_sum
        if weighted:
            per_sample *= weight[i]
            factor = weight[i] / weight_sum
        total += per_sample
        for j in range(grad.shape[1]):
            grad[i, j] *= factor
    return total / weight_sum


@njit(**_OPTIONS)
def scaled_squared_error(raw, targets, weight, weight_sum, scale):
    """Half squared error in y's units: output j's residual times ``scale[j]``."""
    weighted, total = weight.shape[0] > 0, 0.0
    for i in range(raw.shape[0]):
        per_sample = 0.0
        for j in range(raw.shape[1]):
            residual = (float(raw[i, j]) - float(targets[i, j])) * scale[j]
            per_sample += residual * residual
        total += per_sample * (weight[i] if weighted else 1.0)
    return 0.5 * total / weight_sum


@njit(**_OPTIONS)
def squared_norm(vector):
    """``sum(vector ** 2)`` in the vector's dtype, as the NumPy path: a BLAS dot
    product (a plain loop is bound by the latency of each addition)."""
    return float(np.dot(vector, vector))


@njit(**_OPTIONS)
def adam(params, grads, first, second, config, t, n_penalized=0, factor=0.0):
    """Adam's update in place (``config``: lr, beta_1, beta_2, epsilon, ...).

    The first ``n_penalized`` gradients get the L2 term ``params * factor``
    added on the way (the step's ``add_scaled`` pass fused in: the same
    operations, so the same result, one pass fewer)."""
    lr, beta_1, beta_2, epsilon = config[0], config[1], config[2], config[3]
    step_size = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    kind = params.dtype.type
    b1, b2, c1, c2 = kind(beta_1), kind(beta_2), kind(1 - beta_1), kind(1 - beta_2)
    eps, size, penalty = kind(epsilon), kind(step_size), kind(factor)
    for k in range(n_penalized):  # two loops, so that each vectorises
        g = grads[k] + params[k] * penalty
        m = first[k] * b1 + g * c1
        v = second[k] * b2 + g * g * c2
        first[k], second[k] = m, v
        params[k] -= m / (math.sqrt(v) + eps) * size
    for k in range(n_penalized, params.shape[0]):
        g = grads[k]
        m = first[k] * b1 + g * c1
        v = second[k] * b2 + g * g * c2
        first[k], second[k] = m, v
        params[k] -= m / (math.sqrt(v) + eps) * size


@njit(**_OPTIONS)
def sgd(params, grads, velocity, config):
    """SGD with (Nesterov) momentum in place (``config[5:7]``: momentum, nesterov)."""
    kind = params.dtype.type
    lr, momentum, nesterov = kind(config[0]), kind(config[5]), config[6] > 0
    for k in range(params.shape[0]):
        step = grads[k] * lr
        v = velocity[k] * momentum - step
        velocity[k] = v
        if nesterov:  # the two additions of the NumPy path, in its order
            params[k] += v * momentum
            params[k] -= step
        else:
            params[k] += v


@njit(**_OPTIONS)
def scale_in_place(vector, factor):
    """``vector *= factor`` in the vector's dtype."""
    factor = vector.dtype.type(factor)
    for k in range(vector.shape[0]):
        vector[k] *= factor


@njit(**_OPTIONS)
def add_scaled(target, source, factor):
    """``target += source * factor`` in the vectors' dtype."""
    factor = target.dtype.type(factor)
    for k in range(target.shape[0]):
        target[k] += source[k] * factor


@njit(**_OPTIONS)
def column_sums(matrix, out):
    """``out = matrix.sum(axis=0)``, row-major friendly."""
    out[:] = 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            out[j] += matrix[i, j]


def zeros_rows(like):
    """An empty (0, ...) array of ``like``'s dtype: "none" to a kernel."""
    return np.empty((0,) + like.shape[1:], like.dtype)
