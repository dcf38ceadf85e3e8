"""Would fused (Numba) kernels pay? NumPy step vs fused step vs GEMM floor.

The question of the "fast by default" issue: can compiled loops for the
elementwise parts of a training step (bias + ReLU forward, the ReLU mask
backward, softmax cross-entropy value and gradient, L2 + Adam in one pass) bring
the float32 10,000 x 20 step within 1.3x of its GEMM floor, compile in under
2 s on first use, and match the NumPy path (1e-4 relative in float32, 1e-6 in
float64)? skdeep adopts Numba only if all three hold.

Three loops over the same data, buffers and matrix products, one BLAS thread,
epochs interleaved and the median of 15 reported:

``numpy``
    skdeep's step written out with its own loss function: the NumPy reference.
``fused``
    The same step with every elementwise part in one ``numba.njit`` kernel
    (``cache=True``, ``fastmath=True``). Matrix products stay ``np.dot``.
``floor``
    The 8 matrix products of each step alone.

This is a best case for the fused path: a bare loop with none of skdeep's
epoch bookkeeping. Run ``python benchmarks/bench_fused.py`` (needs numba).
"""

import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

try:
    import numba
except ImportError:
    sys.exit("bench_fused.py needs numba: pip install numba")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from skdeep.ops.losses import softmax_cross_entropy  # noqa: E402

N_SAMPLES, N_FEATURES, HIDDEN, N_CLASSES, BATCH = 10_000, 20, (100, 100), 4, 200
ALPHA, LR, BETA_1, BETA_2, EPS = 1e-4, 1e-3, 0.9, 0.999, 1e-8
SIZES = (N_FEATURES, *HIDDEN, N_CLASSES)
N_WEIGHTS = sum(a * b for a, b in pairwise(SIZES))
N_PARAMS = N_WEIGHTS + sum(SIZES[1:])


class Net:
    """Data, parameters and every buffer of one training run in ``dtype``."""

    def __init__(self, dtype):
        rng = np.random.default_rng(0)
        self.X = rng.standard_normal((N_SAMPLES, N_FEATURES)).astype(dtype)
        self.T = np.zeros((N_SAMPLES, N_CLASSES), dtype)
        self.T[np.arange(N_SAMPLES), rng.integers(0, N_CLASSES, N_SAMPLES)] = 1
        self.params = (rng.standard_normal(N_PARAMS) * 0.1).astype(dtype)
        self.grad = np.zeros(N_PARAMS, dtype)
        self.W, self.b = _split(self.params)
        self.gW, self.gb = _split(self.grad)
        self.acts = [np.empty((BATCH, s), dtype) for s in SIZES[1:]]
        self.deltas = [np.empty((BATCH, s), dtype) for s in HIDDEN]
        self.grad_raw = np.empty((BATCH, N_CLASSES), dtype)
        self.ones = np.ones(BATCH, dtype)
        self.xb = np.empty((BATCH, N_FEATURES), dtype)
        self.tb = np.empty((BATCH, N_CLASSES), dtype)
        self.m, self.v, self.buffer = (np.zeros(N_PARAMS, dtype) for _ in range(3))
        self.zero_rows = [np.zeros(s, dtype) for s in SIZES[1:]]
        self.t = 0


def _split(flat):
    weights, biases, start = [], [], 0
    for a, b in pairwise(SIZES):
        weights.append(flat[start : start + a * b].reshape(a, b))
        start += a * b
    for b in SIZES[1:]:
        biases.append(flat[start : start + b])
        start += b
    return weights, biases


def _gather(net, rows):
    m = len(rows)
    np.take(net.X, rows, axis=0, out=net.xb[:m], mode="clip")
    np.take(net.T, rows, axis=0, out=net.tb[:m], mode="clip")
    return m


# -- the NumPy reference (skdeep's operations) ------------------------------------
def step_numpy(net, rows):
    m, inputs = _gather(net, rows), []
    z = net.xb[:m]
    for i in range(3):
        inputs.append(z)
        z = np.dot(z, net.W[i], out=net.acts[i][:m])
        z += net.b[i]
        if i < 2:
            np.maximum(z, net.zero_rows[i], out=z)
    loss = softmax_cross_entropy(z, net.tb[:m], None, net.grad_raw[:m])
    weights = net.params[:N_WEIGHTS]
    loss += 0.5 * ALPHA * float(np.dot(weights, weights)) / m
    delta = net.grad_raw[:m]
    for i in range(2, -1, -1):
        np.dot(inputs[i].T, delta, out=net.gW[i])
        np.dot(net.ones[:m], delta, out=net.gb[i])
        if i:
            delta = np.dot(delta, net.W[i].T, out=net.deltas[i - 1][:m])
            np.multiply(delta, net.acts[i - 1][:m] > 0, out=delta)
    net.grad[:N_WEIGHTS] += weights * (ALPHA / m)
    _adam_numpy(net)
    return loss


def _adam_numpy(net):
    net.t += 1
    m, v, buffer, grad = net.m, net.v, net.buffer, net.grad
    m *= BETA_1
    m += np.multiply(grad, 1 - BETA_1, out=buffer)
    v *= BETA_2
    np.multiply(grad, grad, out=buffer)
    buffer *= 1 - BETA_2
    v += buffer
    step = LR * np.sqrt(1 - BETA_2**net.t) / (1 - BETA_1**net.t)
    np.sqrt(v, out=buffer)
    buffer += EPS
    np.divide(m, buffer, out=buffer)
    buffer *= step
    net.params -= buffer


# -- fused kernels ------------------------------------------------------------------
@numba.njit(cache=True, fastmath=True)
def _bias_relu(z, bias):
    for r in range(z.shape[0]):
        for c in range(z.shape[1]):
            z[r, c] = max(z[r, c] + bias[c], z.dtype.type(0))


@numba.njit(cache=True, fastmath=True)
def _bias(z, bias):
    for r in range(z.shape[0]):
        for c in range(z.shape[1]):
            z[r, c] += bias[c]


@numba.njit(cache=True, fastmath=True)
def _relu_mask(delta, a):
    for r in range(delta.shape[0]):
        for c in range(delta.shape[1]):
            delta[r, c] = delta[r, c] if a[r, c] > 0 else delta.dtype.type(0)


@numba.njit(cache=True, fastmath=True)
def _softmax_cross_entropy(raw, targets, grad):
    n, k = raw.shape
    total = 0.0
    for r in range(n):
        top = raw[r, 0]
        for c in range(1, k):
            top = max(top, raw[r, c])
        norm = 0.0
        for c in range(k):
            grad[r, c] = np.exp(raw[r, c] - top)
            norm += grad[r, c]
        log_norm = np.log(norm)
        for c in range(k):
            total -= targets[r, c] * (raw[r, c] - top - log_norm)
            grad[r, c] = (grad[r, c] / norm - targets[r, c]) / n
    return total / n


@numba.njit(cache=True, fastmath=True)
def _l2_adam(p, g, m, v, n_weights, decay, lr_t, beta_1, beta_2, eps):
    one, squares = p.dtype.type(1), p.dtype.type(0)
    for i in range(n_weights):
        squares += p[i] * p[i]
        g[i] += decay * p[i]
    for i in range(p.shape[0]):
        m[i] = beta_1 * m[i] + (one - beta_1) * g[i]
        v[i] = beta_2 * v[i] + (one - beta_2) * g[i] * g[i]
        p[i] -= lr_t * m[i] / (np.sqrt(v[i]) + eps)
    return squares


def step_fused(net, rows):
    m, inputs = _gather(net, rows), []
    z = net.xb[:m]
    for i in range(3):
        inputs.append(z)
        z = np.dot(z, net.W[i], out=net.acts[i][:m])
        (_bias_relu if i < 2 else _bias)(z, net.b[i])
    loss = _softmax_cross_entropy(z, net.tb[:m], net.grad_raw[:m])
    delta = net.grad_raw[:m]
    for i in range(2, -1, -1):
        np.dot(inputs[i].T, delta, out=net.gW[i])
        np.dot(net.ones[:m], delta, out=net.gb[i])
        if i:
            delta = np.dot(delta, net.W[i].T, out=net.deltas[i - 1][:m])
            _relu_mask(delta, net.acts[i - 1][:m])
    net.t += 1
    lr_t = LR * np.sqrt(1 - BETA_2**net.t) / (1 - BETA_1**net.t)
    f = net.params.dtype.type
    # the penalty uses the weights before the update, as the NumPy step does
    squares = _l2_adam(net.params, net.grad, net.m, net.v, N_WEIGHTS, f(ALPHA / m),
                       f(lr_t), f(BETA_1), f(BETA_2), f(EPS))
    return loss + 0.5 * ALPHA * float(squares) / m


def step_floor(net, rows):
    m, inputs = len(rows), []
    z = net.xb[:m]
    for i in range(3):
        inputs.append(z)
        z = np.dot(z, net.W[i], out=net.acts[i][:m])
    delta = net.grad_raw[:m]
    for i in range(2, -1, -1):
        np.dot(inputs[i].T, delta, out=net.gW[i])
        if i:
            delta = np.dot(delta, net.W[i].T, out=net.deltas[i - 1][:m])


def epoch(step, net, order):
    return [step(net, order[s : s + BATCH]) for s in range(0, N_SAMPLES, BATCH)]


def agreement(dtype, epochs=3):
    """Largest relative differences, fused vs NumPy: of the parameters after one
    step, and of the batch losses over ``epochs`` epochs (after many steps the
    parameters drift apart as any change of summation order makes them)."""
    reference, fused = Net(dtype), Net(dtype)
    order = np.random.default_rng(1).permutation(N_SAMPLES)
    step_numpy(reference, order[:BATCH])
    step_fused(fused, order[:BATCH])
    one_step = (np.abs(fused.params - reference.params).max()
                / np.abs(reference.params).max())
    for _ in range(epochs):
        loss_ref = np.array(epoch(step_numpy, reference, order))
        loss_fused = np.array(epoch(step_fused, fused, order))
    return one_step, np.abs(loss_fused / loss_ref - 1).max()


def timings(dtype, repeats=15):
    nets = {name: Net(dtype) for name in ("numpy", "fused", "floor")}
    # the floor never computes a loss gradient: give its products finite input
    nets["floor"].grad_raw[...] = 0.01
    steps = {"numpy": step_numpy, "fused": step_fused, "floor": step_floor}
    order = np.random.default_rng(1).permutation(N_SAMPLES)
    times = {name: [] for name in steps}
    for repeat in range(repeats + 2):  # two warm-up epochs each
        for name, step in steps.items():
            start = time.perf_counter()
            epoch(step, nets[name], order)
            if repeat >= 2:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main():
    start = time.perf_counter()
    step_fused(Net("float32"), np.arange(BATCH))
    first = time.perf_counter() - start
    print(f"numba {numba.__version__}; first fused step (compile, or load from the "
          f"on-disk cache after the first run): {first:.2f} s")
    with threadpool_limits(limits=1, user_api="blas"):
        for dtype in ("float32", "float64"):
            params_diff, loss_diff = agreement(dtype)
            median = timings(dtype)
            print(f"\n{dtype}: fused vs NumPy, relative: parameters after one "
                  f"step {params_diff:.1e}, batch losses over 3 epochs "
                  f"{loss_diff:.1e}")
            for name, seconds in median.items():
                print(f"{name:<6} {seconds * 1e3:7.2f} ms/epoch "
                      f"{seconds / median['floor']:5.2f}x floor")


if __name__ == "__main__":
    main()
