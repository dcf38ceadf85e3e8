"""Prediction: skdeep vs scikit-learn's MLP vs onnxruntime vs a bare NumPy forward pass.

Both libraries get the same 100-100 ReLU network shape, trained briefly (Adam,
batch 200, 2 epochs on 20,000 x 50 rows), as a 4-class classifier and as a
regressor. ``onnxruntime`` is the skdeep model exported with ``skdeep.to_onnx``
(input in the model's dtype) and run by an ``onnxruntime.InferenceSession`` with
``--threads`` intra-op threads, asked for the ``label`` (or ``variable``) output
only: ``session.run`` on the whole array, as a server would call it. ``numpy
floor`` is the skdeep model's forward pass written out with nothing else (no
checks, no casts beyond the model's dtype): per layer one ``np.dot``, the bias
added in place and ``np.maximum`` in place, then ``argmax`` into the classes; a
single row goes through as a 1-D array, NumPy's cheapest form of the same
products. It is what any NumPy predict must spend at least.

The first table is the latency of ``predict`` at batch sizes 1, 10 and 1,000
(``--batches``), in microseconds per call: the median over ``--rounds`` rounds
of ``--calls`` calls each, every call timed on its own, the contenders
interleaved (each round runs every contender in a rotated order), so a busy
spell of a shared machine reaches them all alike. Each call gets other rows of
a standard-normal input. The last columns are skdeep's time over
onnxruntime's and over the floor's, and the 1-minute load average when the
row was done (the machine may be shared).

The second table, per estimator:

``rows/s``
    Rows of ``predict`` per second on a 1,000,000 x 50 input (median of 3 calls).
``+peak MB (traced)``
    Peak of the NumPy / Python allocations during ``predict`` on the 1,000,000 x 50
    input, above what was allocated before the call (``tracemalloc``: NumPy
    reports its data buffers to it). The input itself is not counted.
    onnxruntime allocates outside Python, so its traced column is empty ("-");
    the RSS column covers it.
``+peak MB (RSS)``
    Growth of the resident set size across the same call, in a fresh subprocess
    holding the input and the trained model: the high-water mark ``VmHWM`` is reset
    just before the call, and the growth is ``VmHWM`` after minus ``VmRSS`` before.
    Includes BLAS buffers and allocator slack that NumPy does not trace.

The issues' targets: single-row latency at most half of sklearn's, no slower
than onnxruntime's on the exported model (issue 24), and at most 100 MB of
extra peak memory for predicting 1,000,000 x 50 rows.

Run ``python benchmarks/bench_predict.py --help`` for the options.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep

N_FEATURES = 50
N_TRAIN = 20_000
ESTIMATORS = {
    ("sklearn", "clf"): MLPClassifier,
    ("sklearn", "reg"): MLPRegressor,
    ("skdeep", "clf"): skdeep.DeepClassifier,
    ("skdeep", "reg"): skdeep.DeepRegressor,
}
SIDES = ("sklearn", "skdeep", "onnxruntime")
LATENCY_SIDES = (*SIDES, "numpy floor")


class OnnxPredictor:
    """A fitted skdeep model exported to ONNX, with ``predict`` through
    onnxruntime (labels or values only, as ``predict`` returns)."""

    def __init__(self, model, dtype, threads):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        sample = np.zeros((1, N_FEATURES), dtype=dtype)
        onnx_model = skdeep.to_onnx(model, sample)
        self.session = onnxruntime.InferenceSession(
            onnx_model.SerializeToString(), options,
            providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        self.output = self.session.get_outputs()[0].name

    def predict(self, X):
        return self.session.run([self.output], {self.input: X})[0]


class NumpyFloor:
    """The fitted skdeep model's forward pass and label decoding, nothing else:
    the least a NumPy ``predict`` of this network can spend. A single row goes
    through as a 1-D array (NumPy's cheapest call for the same products)."""

    def __init__(self, model):
        self.weights, self.biases = model.coefs_, model.intercepts_
        self.classes = getattr(model, "classes_", None)
        self.dtype = model.coefs_[0].dtype
        self.zeros = [np.zeros(len(bias), self.dtype) for bias in self.biases]

    def predict(self, X):
        single = X.shape[0] == 1
        z = X[0] if single else X
        if z.dtype != self.dtype:
            z = z.astype(self.dtype)
        last = len(self.weights) - 1
        for i, (weights, bias) in enumerate(zip(self.weights, self.biases)):
            z = np.dot(z, weights)
            z += bias
            if i < last:
                np.maximum(z, self.zeros[i], out=z)
        if self.classes is None:
            return z if single else z.ravel()
        if single:
            best = int(z.argmax())
            return self.classes[best : best + 1]
        return self.classes[z.argmax(axis=1)]


def train(side, task, dtype, threads=2):
    """A 100-100 ReLU model fitted for 2 epochs on 20,000 rows in ``dtype``
    (for onnxruntime: the skdeep model, exported)."""
    if side == "onnxruntime":
        return OnnxPredictor(train("skdeep", task, dtype), dtype, threads)
    if task == "clf":
        X, y = make_classification(N_TRAIN, N_FEATURES, n_informative=10,
                                   n_classes=4, random_state=0)
    else:
        X, y = make_regression(N_TRAIN, N_FEATURES, n_informative=10, noise=10.0,
                               random_state=0)
        y = (y - y.mean()) / y.std()
    model = ESTIMATORS[side, task](hidden_layer_sizes=(100, 100), max_iter=2,
                                   batch_size=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X.astype(dtype), y)
    return model


def big_input(n_rows, dtype):
    """Standard-normal rows drawn directly in ``dtype`` (no temporary copy)."""
    return np.random.default_rng(1).standard_normal((n_rows, N_FEATURES),
                                                    dtype=dtype)


def throughput(model, X, repeats=3):
    model.predict(X[:1000])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(X)
        times.append(time.perf_counter() - start)
    return X.shape[0] / statistics.median(times)


def latencies(models, X, batch, calls, rounds):
    """Median seconds per ``predict`` call on ``batch`` rows for each model of
    the dict ``models``: ``rounds`` rounds of ``calls`` calls, each call timed
    on its own, the models interleaved in a rotated order every round."""
    n_blocks = max(1, X.shape[0] // batch)
    blocks = [X[(i % n_blocks) * batch : (i % n_blocks + 1) * batch]
              for i in range(calls)]
    names = list(models)
    times = {name: [] for name in names}
    for name in names:  # warm-up
        for block in blocks[: max(1, calls // 10)]:
            models[name].predict(block)
    clock = time.perf_counter
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            predict, spent = models[name].predict, times[name]
            for block in blocks:
                start = clock()
                predict(block)
                spent.append(clock() - start)
    return {name: statistics.median(spent) for name, spent in times.items()}


def traced_peak(model, X):
    """Peak bytes NumPy/Python allocate during ``predict(X)`` above the start."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        model.predict(X)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _status_kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))


def child(side, task, dtype, n_rows, threads):
    """Run in a fresh process: print how far the resident set grows during predict.

    On Linux the high-water mark (VmHWM) is reset right before the call by writing
    5 to /proc/self/clear_refs, so the growth is ``VmHWM after - VmRSS before``;
    elsewhere ``ru_maxrss`` after minus before is used (0 if an earlier peak was
    higher).
    """
    with threadpool_limits(limits=threads):
        model = train(side, task, dtype, threads)
        X = big_input(n_rows, dtype)
        model.predict(X[:1000])  # warm-up at a small size
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = _status_kib("VmRSS:")
            model.predict(X)
            after = _status_kib("VmHWM:")
        except OSError:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            model.predict(X)
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_growth": (after - before) * 1024}))  # KiB on Linux


def rss_peak(side, task, dtype, n_rows, threads):
    command = [sys.executable, __file__, "--child", side, task, dtype,
               "--rows", str(n_rows), "--threads", str(threads)]
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(output.stdout.strip().splitlines()[-1])["rss_growth"]


def latency_table(args, tokens):
    """Median microseconds per predict call at each batch size, interleaved."""
    batches = [int(b) for b in args.batches.split(",")]
    print(f"predict latency, median us per call: {args.rounds} interleaved rounds "
          f"of {args.calls} calls per batch size\n")
    header = (f"{'task':<5} {'dtype':<8} {'batch':>6} "
              + " ".join(f"{side:>11}" for side in LATENCY_SIDES)
              + f" {'skdeep/ort':>10} {'skdeep/floor':>12} {'load':>5}")
    print(header)
    print("-" * len(header))
    for task in ("clf", "reg"):
        for dtype in ("float64", "float32"):
            if not all(t in f"{task}/{dtype}" or t in LATENCY_SIDES
                       for t in tokens):
                continue
            X = big_input(max(batches) * 64, dtype)
            with threadpool_limits(limits=args.threads):
                model = train("skdeep", task, dtype)  # one model for three sides
                models = {"sklearn": train("sklearn", task, dtype), "skdeep": model,
                          "onnxruntime": OnnxPredictor(model, dtype, args.threads),
                          "numpy floor": NumpyFloor(model)}
                check_agreement(models, X[:1000], task)
                for batch in batches:
                    calls = max(20, args.calls // max(1, batch // 10))
                    seconds = latencies(models, X, batch, calls, args.rounds)
                    us = {side: seconds[side] * 1e6 for side in LATENCY_SIDES}
                    print(f"{task:<5} {dtype:<8} {batch:>6} "
                          + " ".join(f"{us[side]:11.1f}" for side in LATENCY_SIDES)
                          + f" {us['skdeep'] / us['onnxruntime']:10.2f}"
                          f" {us['skdeep'] / us['numpy floor']:12.2f}"
                          f" {os.getloadavg()[0]:5.2f}", flush=True)
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")


def check_agreement(models, X, task):
    """The floor and onnxruntime predict what skdeep predicts (labels, or
    values to float rounding), row by row and at once."""
    for side in ("numpy floor", "onnxruntime"):
        for rows in (X, X[:1]):
            got = np.asarray(models[side].predict(rows)).ravel()
            want = models["skdeep"].predict(rows)
            if task == "clf":
                agree = np.mean(got == want)
                assert agree > 0.999, f"{side} agrees with skdeep on {agree:.4f}"
            else:
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def throughput_table(args, tokens, n_rows):
    print(f"predicting {n_rows:,} x {N_FEATURES} rows\n")
    header = (f"{'task':<5} {'dtype':<8} {'estimator':<11} {'rows/s':>11} "
              f"{'+peak MB (traced)':>18} {'+peak MB (RSS)':>15}")
    print(header)
    print("-" * len(header))
    for task in ("clf", "reg"):
        for dtype in ("float64", "float32"):
            X = big_input(n_rows, dtype)
            for side in SIDES:
                if not all(t in f"{side}/{task}/{dtype}" for t in tokens):
                    continue
                with threadpool_limits(limits=args.threads):
                    model = train(side, task, dtype, args.threads)
                    rate = throughput(model, X)
                    traced = (f"{traced_peak(model, X) / 2**20:18.1f}"
                              if side != "onnxruntime" else f"{'-':>18}")
                rss = rss_peak(side, task, dtype, n_rows, args.threads)
                print(f"{task:<5} {dtype:<8} {side:<11} {rate:11,.0f} {traced} "
                      f"{rss / 2**20:15.1f}", flush=True)
            del X


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="100,000 rows, fewer latency rounds and calls")
    parser.add_argument("--only", default="",
                        help="comma-separated filters on 'side/task/dtype' labels, "
                        "e.g. 'clf' or 'skdeep,float32' (the latency table takes "
                        "the task and dtype ones and shows every contender)")
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS threads (default: 2)")
    parser.add_argument("--rows", type=int, default=None,
                        help="rows of the big input (default: 1,000,000)")
    parser.add_argument("--batches", default="1,10,1000",
                        help="batch sizes of the latency table (default: 1,10,1000)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="interleaved rounds per batch size (default: 15; "
                        "5 with --quick)")
    parser.add_argument("--calls", type=int, default=None,
                        help="calls per contender and round at batch sizes up to "
                        "10, fewer for larger batches (default: 400; 100 with "
                        "--quick)")
    parser.add_argument("--skip", choices=("latency", "throughput"), default=None,
                        help="leave out one of the two tables")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "TASK", "DTYPE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n_rows = args.rows or (100_000 if args.quick else 1_000_000)
    if args.child:
        child(*args.child, n_rows, args.threads)
        return
    args.rounds = args.rounds or (5 if args.quick else 15)
    args.calls = args.calls or (100 if args.quick else 400)
    tokens = [t.strip() for t in args.only.split(",") if t.strip()]
    print(f"skdeep {skdeep.__version__}, numpy {np.__version__}, {args.threads} "
          f"BLAS threads, load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    if args.skip != "latency":
        latency_table(args, tokens)
    if args.skip != "throughput":
        throughput_table(args, tokens, n_rows)
    print(f"\nload average at the end: "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
