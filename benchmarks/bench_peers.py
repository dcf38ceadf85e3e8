"""Training speed against every peer, side by side, with held-out scores.

The same network (ReLU hidden layers, Glorot-uniform init), Adam (lr 1e-3),
the same batch size, float32, the same number of BLAS / torch threads, a fixed
number of epochs, on the issue's workloads (the lecture's shot-log classifier
and transactions regressor, and two synthetic sets). Contenders:

- ``skdeep``: the estimators as installed (the compiled step when Numba is);
  ``skdeep-numpy``: the NumPy path (``SKDEEP_COMPILED=0``);
- ``sklearn``: ``MLPClassifier`` / ``MLPRegressor``;
- ``torch``: a hand-written loop (``randperm`` indexing, ``torch.optim.Adam``);
  ``torch.compile``: the same with the module compiled (compilation is done on
  a warm-up step before the clock starts);
- ``skorch``: ``NeuralNetClassifier`` / ``NeuralNetRegressor``;
- ``keras-jax``, ``keras-torch``: Keras 3 ``model.fit`` on each backend that
  imports (each in a subprocess, as a backend is chosen per process; only the
  ``fit`` call is timed);
- ``GEMM floor``: the epoch's matrix products alone (``np.dot(..., out=)`` on
  preallocated buffers), the best of 1 thread and ``--threads`` (each timed
  once per repeat, interleaved with the contenders; medians);
- ``skdeep-scipy-blas`` (only when named in ``--only``): the compiled step
  multiplying through SciPy's BLAS, as Numba's ``np.dot`` does, instead of
  NumPy's own (``SKDEEP_COMPILED_BLAS=numba``).

Repeats are interleaved (A, B, C, A, B, C, ...); the table gives the median
s/epoch, each contender's time relative to skdeep's, and its score on held-out
rows (accuracy or R^2) so that no one wins by learning less. A second table
runs skdeep and scikit-learn at their *defaults* on float64 input.

Run ``python benchmarks/bench_peers.py --help`` for the options.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import bench_training  # the GEMM floor
import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(HERE.parent))
    import skdeep

try:
    import torch
except ImportError:
    torch = None

LEARNING_RATE = 1e-3
# name: (data, hidden layers, batch size, epochs)
WORKLOADS = {
    "lecture-clf b200": ("shots", (100, 100, 100), 200, 10),
    "lecture-clf b32": ("shots", (100, 100, 100), 32, 5),
    "10k x 20 clf": ("synthetic-10k", (100, 100), 200, 10),
    "100k x 50 256-256": ("synthetic-100k", (256, 256), 200, 3),
    "lecture-reg": ("transactions", (100, 100), 200, 10),
}
QUICK = {"lecture-clf b200": ("shots", (100, 100, 100), 200, 2),
         "lecture-reg": ("transactions", (100, 100), 200, 2)}
HELD_OUT = 0.2
# a contender whose fit takes longer than this runs no further repeats
SLOW_FIT = 60.0
KERAS_TIMEOUT = 600


def load(data, n_scale=1.0):
    """(X_train, y_train, X_test, y_test, task), X standardized, float32."""
    # the generators of the lecture's data sets, at the sizes
    from skdeep.datasets._generate import make_shot_log, make_transactions

    if data == "shots":
        columns = make_shot_log(n_samples=int(20_000 * (1 + HELD_OUT) * n_scale))
        y = columns.pop("shot_result")
        X, task = np.column_stack(list(columns.values())), "clf"
    elif data == "transactions":
        columns = make_transactions(n_samples=int(50_000 * (1 + HELD_OUT) * n_scale))
        y = columns.pop("number_of_transactions").astype(float)
        X, task = np.column_stack([columns[name] for name in
                                   ("age", "bank_balance", "retirement_status")]), "reg"
    else:
        n, f, classes = ((10_000, 20, 3) if data == "synthetic-10k"
                         else (100_000, 50, 10))
        n = int(n * (1 + HELD_OUT) * n_scale)
        X, y = make_classification(n, f, n_informative=min(f, 15), n_classes=classes,
                                   random_state=0)
        task = "clf"
    n_test = int(len(y) * HELD_OUT / (1 + HELD_OUT))
    scaler = StandardScaler().fit(X[n_test:])
    X = scaler.transform(X).astype(np.float32)
    if task == "reg":  # every contender sees a standardized target
        y = ((y - y[n_test:].mean()) / y[n_test:].std()).astype(np.float32)
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test], task


def score(task, y, predicted):
    return accuracy_score(y, predicted) if task == "clf" else r2_score(y, predicted)


# -- contenders: each returns (seconds of the epochs, predict function) -----------
def fit_skdeep(task, X, y, hidden, batch, epochs, compiled=True):
    os.environ["SKDEEP_COMPILED"] = "1" if compiled else "0"
    Est = skdeep.DeepClassifier if task == "clf" else skdeep.DeepRegressor
    model = Est(hidden_layer_sizes=hidden, batch_size=batch, max_iter=epochs, tol=0,
                n_iter_no_change=epochs + 1, learning_rate_init=LEARNING_RATE,
                random_state=0, dtype="float32", early_stopping=False)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.predict


def fit_skdeep_scipy_blas(task, X, y, hidden, batch, epochs):
    """The compiled step multiplying through np.dot's BLAS (SciPy's, as Numba
    binds it) instead of NumPy's own: ``SKDEEP_COMPILED_BLAS=numba``."""
    os.environ["SKDEEP_COMPILED_BLAS"] = "numba"
    try:
        return fit_skdeep(task, X, y, hidden, batch, epochs)
    finally:
        os.environ.pop("SKDEEP_COMPILED_BLAS")


def fit_skdeep_numpy(task, X, y, hidden, batch, epochs):
    try:
        return fit_skdeep(task, X, y, hidden, batch, epochs, compiled=False)
    finally:
        os.environ["SKDEEP_COMPILED"] = "1"


def fit_sklearn(task, X, y, hidden, batch, epochs):
    Est = MLPClassifier if task == "clf" else MLPRegressor
    model = Est(hidden_layer_sizes=hidden, batch_size=batch, max_iter=epochs, tol=0,
                n_iter_no_change=epochs + 1, learning_rate_init=LEARNING_RATE,
                random_state=0)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.predict


def _torch_module(n_in, hidden, n_out):
    torch.manual_seed(0)
    layers, sizes = [], (n_in, *hidden, n_out)
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers += [linear, torch.nn.ReLU()] if i < len(sizes) - 2 else [linear]
    return torch.nn.Sequential(*layers)


def _targets(task, y):
    return (torch.from_numpy(y.astype(np.int64)) if task == "clf"
            else torch.from_numpy(y).reshape(-1, 1))


def _n_out(task, y):
    return int(y.max()) + 1 if task == "clf" else 1


def fit_torch(task, X, y, hidden, batch, epochs, compiled=False):
    Xt, yt = torch.from_numpy(X), _targets(task, y)
    module = _torch_module(X.shape[1], hidden, _n_out(task, y))
    forward = torch.compile(module) if compiled else module
    optimizer = torch.optim.Adam(module.parameters(), lr=LEARNING_RATE)
    criterion = (torch.nn.functional.cross_entropy if task == "clf"
                 else torch.nn.functional.mse_loss)

    def step(rows):
        loss = criterion(forward(Xt[rows]), yt[rows])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    n = X.shape[0]
    if compiled:  # compile the full batch and the last, smaller one, untimed
        step(torch.arange(batch))
        step(torch.arange(n - (n - 1) % batch - 1, n))
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for begin in range(0, n, batch):
            step(order[begin : begin + batch])
    seconds = time.perf_counter() - start

    def predict(X):
        with torch.no_grad():
            out = module(torch.from_numpy(X))
        return out.argmax(1).numpy() if task == "clf" else out[:, 0].numpy()

    return seconds, predict


def fit_torch_compile(task, X, y, hidden, batch, epochs):
    return fit_torch(task, X, y, hidden, batch, epochs, compiled=True)


def fit_skorch(task, X, y, hidden, batch, epochs):
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    common = dict(module=_torch_module(X.shape[1], hidden, _n_out(task, y)),
                  max_epochs=epochs, batch_size=batch, lr=LEARNING_RATE,
                  optimizer=torch.optim.Adam, iterator_train__shuffle=True,
                  train_split=None, verbose=0)
    if task == "clf":
        net = NeuralNetClassifier(criterion=torch.nn.CrossEntropyLoss, **common)
        target = y.astype(np.int64)
    else:
        net = NeuralNetRegressor(criterion=torch.nn.MSELoss, **common)
        target = y.reshape(-1, 1)
    start = time.perf_counter()
    net.fit(X, target)
    seconds = time.perf_counter() - start
    if task == "clf":
        return seconds, net.predict
    return seconds, lambda X: net.predict(X)[:, 0]


def _keras_worker(backend, workload, threads):
    """In a subprocess: fit Keras on ``backend``, print seconds and score."""
    data, hidden, batch, epochs = WORKLOADS.get(workload) or QUICK[workload]
    X, y, X_test, y_test, task = load(data)
    import keras

    keras.utils.set_random_seed(0)
    n_out = _n_out(task, y)
    model = keras.Sequential([keras.Input((X.shape[1],))]
                             + [keras.layers.Dense(h, activation="relu")
                                for h in hidden] + [keras.layers.Dense(n_out)])
    loss = (keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            if task == "clf" else "mse")
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=loss)
    model.fit(X[:batch * 2], y[:batch * 2], batch_size=batch, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(X, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    out = model.predict(X_test, batch_size=4096, verbose=0)
    predicted = out.argmax(1) if task == "clf" else out[:, 0]
    print(json.dumps({"seconds": seconds, "score": score(task, y_test, predicted)}))


def fit_keras(backend, workload, threads):
    env = dict(os.environ, KERAS_BACKEND=backend, OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads),
               XLA_FLAGS="--xla_cpu_multi_thread_eigen=true "
                         f"intra_op_parallelism_threads={threads}")
    try:
        done = subprocess.run([sys.executable, __file__, "--keras-worker", backend,
                               workload, "--threads", str(threads)], env=env,
                              capture_output=True, text=True, check=False,
                              timeout=KERAS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode:
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["score"]


CONTENDERS = {"skdeep": fit_skdeep, "skdeep-scipy-blas": fit_skdeep_scipy_blas,
              "skdeep-numpy": fit_skdeep_numpy,
              "sklearn": fit_sklearn, "torch": fit_torch,
              "torch.compile": fit_torch_compile, "skorch": fit_skorch,
              "keras-jax": "jax", "keras-torch": "torch"}
# run only when named in --only: a comparison of skdeep's own BLAS choice
NOT_BY_DEFAULT = {"skdeep-scipy-blas"}


# -- the floor -----------------------------------------------------------------------
def gemm_floor(n_samples, sizes, batch, threads, repeats=3):
    """Median seconds of one epoch's matrix products alone (``bench_training``'s
    floor, float32), at the best thread count; and the median per count."""
    by_count = {}
    for count in sorted({1, threads}):
        with threadpool_limits(count, "blas"):
            by_count[count] = bench_training.gemm_floor(
                n_samples, sizes, np.float32, repeats, batch_size=batch)
    return min(by_count.values()), by_count


def skdeep_threads(sizes, batch):
    """The BLAS thread count skdeep's rule picks for this network and batch."""
    from skdeep.estimators import _threads
    from skdeep.network import MLP

    network = MLP(sizes, ("relu",) * (len(sizes) - 2), "softmax_cross_entropy",
                  np.float32)
    return _threads.thread_count(_threads.product_shapes(network, batch), 2)


# -- running -------------------------------------------------------------------------
def run_workload(name, spec, contenders, repeats, threads):
    data, hidden, batch, epochs = spec
    X, y, X_test, y_test, task = load(data)
    sizes = (X.shape[1], *hidden, _n_out(task, y))
    times = {c: [] for c in contenders}
    scores = {}
    for c in contenders:  # warm-up: imports, compilation, page faults
        if not isinstance(CONTENDERS[c], str):
            CONTENDERS[c](task, X[:2000], y[:2000], hidden, batch, 1)
    floors = {}
    for _ in range(repeats):  # interleaved, the floor too
        for c in contenders:
            fit = CONTENDERS[c]
            if c in times and sum(times[c]) * epochs > SLOW_FIT:
                continue  # one slow repeat is enough to place it
            if isinstance(fit, str):
                result = fit_keras(fit, name, threads)
                if result is None:
                    times.pop(c, None)
                    continue
                seconds, held_out = result
            else:
                with threadpool_limits(threads):
                    seconds, predict = fit(task, X, y, hidden, batch, epochs)
                held_out = score(task, y_test, predict(X_test))
            times[c].append(seconds / epochs)
            scores[c] = held_out
        if "skdeep" in contenders:
            for count, seconds in gemm_floor(X.shape[0], sizes, batch, threads,
                                             repeats=1)[1].items():
                floors.setdefault(count, []).append(seconds)
    floor = None
    if floors:
        by_count = {count: statistics.median(t) for count, t in floors.items()}
        floor = (min(by_count.values()), by_count)
    return task, sizes, {c: statistics.median(t) for c, t in times.items() if t}, \
        scores, floor


def print_table(name, spec, task, sizes, medians, scores, floor):
    arrow = " -> ".join(str(s) for s in sizes)
    print(f"{name}: {arrow}, batch {spec[2]}, {spec[3]} epochs")
    reference = medians.get("skdeep")
    header = f"{'contender':<17} {'s/epoch':>9} {'vs skdeep':>10} " + (
        f"{'held-out ' + ('acc' if task == 'clf' else 'R^2'):>13}")
    print(header + "\n" + "-" * len(header))
    for c, seconds in medians.items():
        ratio = f"{seconds / reference:9.2f}x" if reference else f"{'-':>10}"
        print(f"{c:<17} {seconds:9.4f} {ratio} {scores[c]:13.4f}")
    if floor is not None:
        ratio = f"{floor[0] / reference:9.2f}x" if reference else ""
        print(f"{'GEMM floor':<17} {floor[0]:9.4f} {ratio}  "
              f"(1 thread {floor[1][1]:.4f}, {max(floor[1])} threads "
              f"{floor[1][max(floor[1])]:.4f})")
        if reference:
            print(f"skdeep / floor: {reference / floor[0]:.2f}; skdeep's BLAS "
                  f"threads: {skdeep_threads(sizes, spec[2])}")
    print(flush=True)


def run_defaults(repeats, threads, quick):
    """skdeep and MLP at their defaults on float64 input, fixed epochs."""
    print("At the defaults on float64 input (skdeep dtype='auto' trains float32)")
    header = (f"{'workload':<22} {'sklearn s/ep':>12} {'skdeep s/ep':>12} "
              f"{'speedup':>8} {'numpy path':>11} {'compiled gain':>13} "
              f"{'sklearn score':>14} {'skdeep score':>13}")
    print(header + "\n" + "-" * len(header))
    shapes = [(2000, 20, 3)] if quick else [(10_000, 20, 20), (100_000, 50, 5)]
    for n, f, epochs in shapes:
        for task in ("clf", "reg"):
            if task == "clf":
                X, y = make_classification(int(n * 1.2), f, n_informative=10,
                                           n_classes=4, random_state=0)
            else:
                X, y = make_regression(int(n * 1.2), f, n_informative=10,
                                       noise=10.0, random_state=0)
            X = StandardScaler().fit_transform(X)
            X, y, X_test, y_test = X[:n], y[:n], X[n:], y[n:]
            trio = ((MLPClassifier, skdeep.DeepClassifier, skdeep.DeepClassifier)
                    if task == "clf" else
                    (MLPRegressor, skdeep.DeepRegressor, skdeep.DeepRegressor))
            times, held_out = {0: [], 1: [], 2: []}, {}
            for _ in range(repeats):
                for i, Est in enumerate(trio):  # 2: skdeep on the NumPy path
                    os.environ["SKDEEP_COMPILED"] = "0" if i == 2 else "1"
                    # early_stopping: MLP's default, so epochs compare
                    model = Est(max_iter=epochs, random_state=0,
                                early_stopping=False)
                    with threadpool_limits(threads):
                        start = time.perf_counter()
                        model.fit(X, y)
                        times[i].append((time.perf_counter() - start) / epochs)
                    held_out[i] = model.score(X_test, y_test)
            os.environ["SKDEEP_COMPILED"] = "1"
            a, b, c = (statistics.median(times[i]) for i in range(3))
            print(f"{f'{n} x {f} {task}, {epochs} ep':<22} {a:12.4f} {b:12.4f} "
                  f"{a / b:7.2f}x {c:11.4f} {c / b:12.2f}x "
                  f"{held_out[0]:14.4f} {held_out[1]:13.4f}", flush=True)
    print()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="two small workloads, 2 epochs (a smoke test)")
    parser.add_argument("--only", default="",
                        help="comma-separated contenders and/or workload names")
    parser.add_argument("--no-defaults", action="store_true")
    parser.add_argument("--keras-worker", nargs=2, metavar=("BACKEND", "WORKLOAD"))
    args = parser.parse_args(argv)
    if args.keras_worker:
        return _keras_worker(*args.keras_worker, args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    tokens = [t.strip() for t in args.only.split(",") if t.strip()]
    contenders = [c for c in CONTENDERS if c in tokens] or [
        c for c in CONTENDERS if c not in NOT_BY_DEFAULT]
    if torch is None:
        contenders = [c for c in contenders if "torch" not in c and c != "skorch"]
    else:
        torch.set_num_threads(args.threads)
    workloads = QUICK if args.quick else WORKLOADS
    picked = {n: s for n, s in workloads.items() if n in tokens} or workloads
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} cores, "
          f"threads {args.threads}, {args.repeats} interleaved repeats\n", flush=True)
    for name, spec in picked.items():
        print_table(name, spec, *run_workload(name, spec, contenders, args.repeats,
                                              args.threads))
    if not args.no_defaults:
        run_defaults(args.repeats, args.threads, args.quick)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
