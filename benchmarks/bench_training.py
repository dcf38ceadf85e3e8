"""Training speed: skdeep vs scikit-learn's MLP (and PyTorch / skorch if installed).

Every contender trains the same 100-100 ReLU network with Adam (lr=1e-3), batch
200, ``alpha=1e-4`` L2 on the weights, shuffling every epoch, for a fixed number
of epochs (``tol=0`` and ``n_iter_no_change`` larger than ``max_iter``, so nothing
stops early), with the same number of BLAS / torch threads, each in the workload's dtype
(``skdeep`` with ``dtype=None``). On float64 data the ``skdeep-auto`` row is
skdeep at its default ``dtype='auto'``, which trains in float32 whatever the
input: what a user passing NumPy's or pandas' float64 gets. Repeats are
interleaved (A, B, C, A, B, C, ...) so slow drift of the machine hits every
contender alike, and the median is reported.

For each workload the table shows, per contender:

``s/epoch``
    Median wall time of ``fit`` divided by the number of epochs.
``speedup``
    sklearn's s/epoch divided by this contender's s/epoch (> 1: faster).
``GFLOP/s``
    Matrix-product work of one epoch divided by s/epoch. One training step on a
    batch of ``m`` rows through layers ``n_0 -> n_1 -> ... -> n_L`` runs 8 GEMMs
    for two hidden layers (L = 3): L forward products ``(m, n_{l-1}) @ (n_{l-1},
    n_l)``, L weight-gradient products ``(n_{l-1}, m) @ (m, n_l)`` and L - 1
    delta products ``(m, n_l) @ (n_l, n_{l-1})``, each of ``2 m n_{l-1} n_l``
    flops::

        flops(step) = 2 m (2 * sum_{l=1..L} n_{l-1} n_l + sum_{l=2..L} n_{l-1} n_l)

    and an epoch sums that over its batches (``m`` summing to ``n_samples``).
``%peak``
    GFLOP/s divided by this machine's GEMM peak, measured here as the median
    GFLOP/s of ``np.dot`` on two 2048 x 2048 matrices in the workload's dtype.
``x floor``
    s/epoch divided by the *GEMM floor*: the time of just the epoch's matrix
    products, run back to back with ``np.dot(..., out=)`` on preallocated
    buffers of the same shapes and layouts. No MLP can beat it without a
    better GEMM; the issue's stretch goal is skdeep within 1.5x of it.
``loss`` / ``train score``
    Final epoch-averaged training loss (including the L2 term, as sklearn's
    ``loss_``) and the accuracy (classification) or R^2 (regression) on the
    training set, so that a faster contender is not simply doing less work.

Run ``python benchmarks/bench_training.py --help`` for the options.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from itertools import pairwise
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep

try:
    import torch
except ImportError:
    torch = None

try:
    import skorch
except ImportError:
    skorch = None

HIDDEN = (100, 100)
BATCH_SIZE = 200
ALPHA = 1e-4
LEARNING_RATE = 1e-3
N_CLASSES = 4

# (n_samples, n_features, epochs)
WORKLOADS = [(10_000, 20, 20), (100_000, 50, 5)]
QUICK_WORKLOADS = [(5_000, 20, 5), (20_000, 50, 2)]
TASKS = ("clf", "reg")
DTYPES = ("float32", "float64")


# -- data and flop counts ---------------------------------------------------------
def make_data(task, n_samples, n_features, dtype):
    """Standardized X in ``dtype``; integer labels or standardized float targets."""
    if task == "clf":
        X, y = make_classification(
            n_samples, n_features, n_informative=min(n_features, 10),
            n_classes=N_CLASSES, random_state=0,
        )
    else:
        X, y = make_regression(n_samples, n_features, n_informative=10, noise=10.0,
                               random_state=0)
        y = ((y - y.mean()) / y.std()).astype(dtype)
    X = StandardScaler().fit_transform(X).astype(dtype)
    return X, y


def layer_sizes(task, n_features):
    return (n_features, *HIDDEN, N_CLASSES if task == "clf" else 1)


def step_flops(m, sizes):
    """Flops of the 8 GEMMs of one training step on ``m`` rows (see the docstring)."""
    products = [a * b for a, b in pairwise(sizes)]
    return 2 * m * (2 * sum(products) + sum(products[1:]))


def batch_rows(n_samples):
    return [min(BATCH_SIZE, n_samples - s) for s in range(0, n_samples, BATCH_SIZE)]


def epoch_flops(n_samples, sizes):
    return sum(step_flops(m, sizes) for m in batch_rows(n_samples))


# -- machine reference points -----------------------------------------------------
def gemm_peak(dtype, size=2048, repeats=7):
    """Median GFLOP/s of ``np.dot`` on two ``size`` x ``size`` matrices."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size)).astype(dtype) for _ in range(2))
    out = np.empty((size, size), dtype)
    np.dot(a, b, out=out)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.dot(a, b, out=out)
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times) / 1e9


def gemm_floor(n_samples, sizes, dtype, repeats=3, batch_size=BATCH_SIZE):
    """Median seconds of one epoch's 8-GEMM-per-step matrix products alone.

    The shapes and memory layouts are the ones a careful NumPy loop uses:
    ``a @ W`` forward, ``a.T @ delta`` for weight gradients (a transposed view)
    and ``delta @ W.T`` for the deltas, into preallocated arrays.
    ``bench_peers.py`` times the same at each thread count.
    """
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((a, b)).astype(dtype)
               for a, b in pairwise(sizes)]
    acts = [rng.standard_normal((batch_size, s)).astype(dtype) for s in sizes]
    deltas = [np.empty((batch_size, s), dtype) for s in sizes]
    grads = [np.empty_like(w) for w in weights]
    rows = [min(batch_size, n_samples - s) for s in range(0, n_samples, batch_size)]

    def epoch():
        for m in rows:
            for i, w in enumerate(weights):
                np.dot(acts[i][:m], w, out=deltas[i + 1][:m])
            for i in range(len(weights) - 1, -1, -1):
                np.dot(acts[i][:m].T, deltas[i + 1][:m], out=grads[i])
                if i:
                    np.dot(deltas[i + 1][:m], weights[i].T, out=deltas[i][:m])

    epoch()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- contenders: each returns (seconds, final_loss, predict_function) ----------------
def _sk_params(epochs, seed):
    return dict(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                alpha=ALPHA, batch_size=BATCH_SIZE, learning_rate_init=LEARNING_RATE,
                max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1, shuffle=True,
                random_state=seed, early_stopping=False)  # MLP's default, both


def fit_sklearn(task, X, y, epochs, seed):
    Est = MLPClassifier if task == "clf" else MLPRegressor
    model = Est(**_sk_params(epochs, seed))
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.loss_, model.predict


def fit_skdeep(task, X, y, epochs, seed, dtype=None):
    """skdeep in the data's dtype (``dtype=None``), like every other contender."""
    Est = skdeep.DeepClassifier if task == "clf" else skdeep.DeepRegressor
    model = Est(**_sk_params(epochs, seed), dtype=dtype)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.loss_, model.predict


def fit_skdeep_auto(task, X, y, epochs, seed):
    """skdeep at its default ``dtype='auto'``: float32 training on any input.
    Run on float64 data only (on float32 data it is the ``skdeep`` row)."""
    return fit_skdeep(task, X, y, epochs, seed, dtype="auto")


def _torch_module(n_in, n_out, dtype, seed, hidden=HIDDEN):
    """Linear-ReLU-...-Linear with sklearn's Glorot-uniform init."""
    torch.manual_seed(seed)
    sizes = (n_in, *hidden, n_out)
    layers = []
    for i, (a, b) in enumerate(pairwise(sizes)):
        linear = torch.nn.Linear(a, b, dtype=dtype)
        bound = (6.0 / (a + b)) ** 0.5
        torch.nn.init.uniform_(linear.weight, -bound, bound)
        torch.nn.init.uniform_(linear.bias, -bound, bound)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def _half_mse(output, target):
    return torch.nn.functional.mse_loss(output, target) / 2


def _torch_tensors(task, X, y):
    Xt = torch.from_numpy(X)
    yt = (torch.from_numpy(y.astype(np.int64)) if task == "clf"
          else torch.from_numpy(y.astype(X.dtype)).reshape(-1, 1))
    return Xt, yt


def _torch_predict(module, task):
    def predict(X):
        with torch.no_grad():
            out = module(torch.from_numpy(X))
        return out.argmax(1).numpy() if task == "clf" else out[:, 0].numpy()

    return predict


def fit_torch(task, X, y, epochs, seed, fused=False, hidden=HIDDEN,
              batch_size=BATCH_SIZE):
    """The plain hand-written CPU loop; sklearn's L2 term added to the loss."""
    start = time.perf_counter()
    Xt, yt = _torch_tensors(task, X, y)
    n_out = N_CLASSES if task == "clf" else 1
    module = _torch_module(X.shape[1], n_out, Xt.dtype, seed, hidden)
    optimizer = torch.optim.Adam(module.parameters(), lr=LEARNING_RATE,
                                 betas=(0.9, 0.999), eps=1e-8,
                                 **({"fused": True} if fused else {}))
    criterion = torch.nn.CrossEntropyLoss() if task == "clf" else _half_mse
    weights = [p for name, p in module.named_parameters() if name.endswith("weight")]
    generator = torch.Generator().manual_seed(seed)
    n_samples = X.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n_samples, generator=generator)
        total = 0.0
        for begin in range(0, n_samples, batch_size):
            rows = order[begin : begin + batch_size]
            xb, yb = Xt[rows], yt[rows]
            loss = criterion(module(xb), yb)
            # sklearn: 0.5 * alpha * sum ||W||^2 / batch_size, weights only
            loss = loss + (0.5 * ALPHA / len(rows)) * sum(
                w.pow(2).sum() for w in weights)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
    return time.perf_counter() - start, total / n_samples, _torch_predict(module, task)


def fit_torch_fused(task, X, y, epochs, seed):
    return fit_torch(task, X, y, epochs, seed, fused=True)


def fit_skorch(task, X, y, epochs, seed):
    """skorch's NeuralNet with sklearn's L2 as Adam weight decay on weights only."""
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    n_out = N_CLASSES if task == "clf" else 1
    common = dict(
        module=_torch_module(X.shape[1], n_out, dtype, seed), max_epochs=epochs,
        batch_size=BATCH_SIZE, lr=LEARNING_RATE, optimizer=torch.optim.Adam,
        # d/dW of 0.5 * alpha * ||W||^2 / batch_size
        optimizer__param_groups=[("*weight", {"weight_decay": ALPHA / BATCH_SIZE})],
        iterator_train__shuffle=True, train_split=None, verbose=0, device="cpu",
    )
    if task == "clf":
        net = NeuralNetClassifier(criterion=torch.nn.CrossEntropyLoss, **common)
        target = y.astype(np.int64)
    else:
        net = NeuralNetRegressor(criterion=_HalfMSELoss, **common)
        target = y.reshape(-1, 1)
    start = time.perf_counter()
    net.fit(X, target)
    seconds = time.perf_counter() - start
    loss = net.history[-1, "train_loss"]  # without the L2 term
    if task == "clf":
        return seconds, loss, net.predict
    return seconds, loss, lambda X: net.predict(X)[:, 0]


if torch is not None:

    class _HalfMSELoss(torch.nn.MSELoss):
        def forward(self, output, target):
            return super().forward(output, target) / 2


CONTENDERS = {
    "sklearn": fit_sklearn,
    "skdeep": fit_skdeep,
    "skdeep-auto": fit_skdeep_auto,
    "torch": fit_torch,
    "torch-fused": fit_torch_fused,
    "skorch": fit_skorch,
}


# -- running and printing ------------------------------------------------------------
def machine_summary(threads):
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = ", ".join(f"{i['internal_api']} {i['version']} ({i.get('architecture')})"
                     for i in threadpool_info() if i["user_api"] == "blas")
    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}",
                f"sklearn {sklearn.__version__}", f"skdeep {skdeep.__version__}"]
    if torch is not None:
        versions.append(f"torch {torch.__version__}")
    if skorch is not None:
        versions.append(f"skorch {skorch.__version__}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"CPU: {model}, {os.cpu_count()} logical cores; BLAS: {blas}; "
            f"threads: {threads}\n{'; '.join(versions)}\nload average: {load}")


def score(task, y, predicted):
    if task == "clf":
        return accuracy_score(y, predicted)
    return r2_score(y, predicted)


def run_workload(task, n_samples, n_features, epochs, dtype, contenders, repeats,
                 peaks):
    X, y = make_data(task, n_samples, n_features, dtype)
    if dtype == "float32":  # 'auto' trains float32 data exactly as 'skdeep' does
        contenders = [name for name in contenders if name != "skdeep-auto"]
    sizes = layer_sizes(task, n_features)
    flops = epoch_flops(n_samples, sizes)
    floor = gemm_floor(n_samples, sizes, dtype)
    for name in contenders:  # warm-up: imports, lazy initialization, page faults
        CONTENDERS[name](task, X[:1000], y[:1000], 1, 0)
    times = {name: [] for name in contenders}
    results = {}
    for seed in range(repeats):  # interleaved: A, B, C, A, B, C, ...
        for name in contenders:
            seconds, loss, predict = CONTENDERS[name](task, X, y, epochs, seed)
            times[name].append(seconds / epochs)
            if seed == 0:
                results[name] = (loss, score(task, y, predict(X)))
    kind = "4-class classification" if task == "clf" else "regression"
    title = (f"{n_samples} x {n_features}, {kind}, {dtype}, {epochs} epochs "
             f"({flops / 1e9:.3f} GFLOP/epoch, peak {peaks[dtype]:.1f} GFLOP/s)")
    score_name = "train acc" if task == "clf" else "train R^2"
    header = (f"{'contender':<12} {'s/epoch':>9} {'speedup':>8} {'GFLOP/s':>8} "
              f"{'%peak':>6} {'x floor':>8} {'loss':>8} {score_name:>9}")
    lines = [title, header, "-" * len(header)]
    reference = statistics.median(times["sklearn"]) if "sklearn" in times else None
    for name in contenders:
        per_epoch = statistics.median(times[name])
        gflops = flops / per_epoch / 1e9
        speedup = f"{reference / per_epoch:7.2f}x" if reference else f"{'-':>8}"
        loss, train_score = results[name]
        lines.append(
            f"{name:<12} {per_epoch:9.4f} {speedup} {gflops:8.1f} "
            f"{100 * gflops / peaks[dtype]:5.1f}% {per_epoch / floor:7.2f}x "
            f"{loss:8.4f} {train_score:9.4f}"
        )
    gflops = flops / floor / 1e9
    lines.append(f"{'GEMM floor':<12} {floor:9.4f} {'':>8} {gflops:8.1f} "
                 f"{100 * gflops / peaks[dtype]:5.1f}% {1:7.2f}x")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller workloads and a single repeat (a smoke test)")
    parser.add_argument("--only", default="",
                        help="comma-separated filters, all must match a workload or "
                        "contender name, e.g. 'clf,float32,10000' or 'skdeep,sklearn'")
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS and torch threads (default: 2)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved repeats per contender (default: 3, quick: 1)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    tokens = [t.strip() for t in args.only.split(",") if t.strip()]
    names = [n for n in CONTENDERS if n in tokens]
    tokens = [t for t in tokens if t not in CONTENDERS]
    contenders = names or list(CONTENDERS)
    if torch is None:
        print("PyTorch is not importable: skipping the torch and skorch contenders.")
        contenders = [c for c in contenders if not c.startswith(("torch", "skorch"))]
    elif skorch is None:
        print("skorch is not importable: skipping the skorch contender.")
        contenders = [c for c in contenders if c != "skorch"]
    if torch is not None:
        torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(limits=args.threads):
        print(machine_summary(args.threads))
        peaks = {dtype: gemm_peak(dtype) for dtype in DTYPES}
        print("GEMM peak (2048^3 np.dot): "
              + ", ".join(f"{d} {p:.1f} GFLOP/s" for d, p in peaks.items()) + "\n")
        for n_samples, n_features, epochs in (QUICK_WORKLOADS if args.quick
                                              else WORKLOADS):
            for task in TASKS:
                for dtype in DTYPES:
                    label = f"{n_samples}x{n_features}/{task}/{dtype}"
                    if not all(t in label for t in tokens):
                        continue
                    print(run_workload(task, n_samples, n_features, epochs, dtype,
                                       contenders, repeats, peaks), flush=True)
                    print()
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average at the end: {load}")


if __name__ == "__main__":
    main()
