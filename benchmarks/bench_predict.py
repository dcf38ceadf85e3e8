"""Prediction: skdeep vs scikit-learn's MLP vs onnxruntime: throughput, latency, memory.

Both sides get the same 100-100 ReLU network shape, trained briefly (Adam, batch
200, 2 epochs on 20,000 x 50 rows), as a 4-class classifier and as a regressor.
``onnxruntime`` is the skdeep model exported with ``skdeep.to_onnx`` (input in the
model's dtype) and run by an ``onnxruntime.InferenceSession`` with
``--threads`` intra-op threads, asked for the ``label`` (or ``variable``) output
only: ``session.run`` on the whole array, as a server would call it.
The table shows, per estimator:

``rows/s``
    Rows of ``predict`` per second on a 1,000,000 x 50 input (median of 3 calls).
``1-row us``
    Median latency of ``predict`` on one row (a 1 x 50 array), in microseconds,
    over many calls after a warm-up: the cost of serving one request.
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

The issue's targets: single-row latency at most half of sklearn's, and at most
100 MB of extra peak memory for predicting 1,000,000 x 50 rows.

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


def latency(model, X, calls):
    """Median seconds of ``predict`` on one row, after ``calls // 10`` warm-ups."""
    rows = [X[i : i + 1] for i in range(calls)]
    for row in rows[: calls // 10]:
        model.predict(row)
    times = []
    for row in rows:
        start = time.perf_counter()
        model.predict(row)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="100,000 rows and fewer single-row calls")
    parser.add_argument("--only", default="",
                        help="comma-separated filters on 'side/task/dtype' labels, "
                        "e.g. 'clf' or 'skdeep,float32'")
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS threads (default: 2)")
    parser.add_argument("--rows", type=int, default=None,
                        help="rows of the big input (default: 1,000,000)")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "TASK", "DTYPE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n_rows = args.rows or (100_000 if args.quick else 1_000_000)
    if args.child:
        child(*args.child, n_rows, args.threads)
        return
    calls = 300 if args.quick else 3000
    tokens = [t.strip() for t in args.only.split(",") if t.strip()]
    print(f"skdeep {skdeep.__version__}, numpy {np.__version__}, {args.threads} "
          f"BLAS threads, load average {os.getloadavg()[0]:.2f}")
    print(f"predicting {n_rows:,} x {N_FEATURES} rows; 1-row latency over {calls} "
          "calls\n")
    header = (f"{'task':<5} {'dtype':<8} {'estimator':<11} {'rows/s':>11} "
              f"{'1-row us':>9} {'+peak MB (traced)':>18} {'+peak MB (RSS)':>15}")
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
                    single = latency(model, X, calls)
                    traced = (f"{traced_peak(model, X) / 2**20:18.1f}"
                              if side != "onnxruntime" else f"{'-':>18}")
                rss = rss_peak(side, task, dtype, n_rows, args.threads)
                print(f"{task:<5} {dtype:<8} {side:<11} {rate:11,.0f} "
                      f"{single * 1e6:9.1f} {traced} "
                      f"{rss / 2**20:15.1f}", flush=True)
            del X
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
