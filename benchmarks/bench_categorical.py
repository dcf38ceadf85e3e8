"""Raw tables against the one-hot pipeline: training seconds per epoch.

The same network (numeric columns and categorical ones -> 100-100 ReLU ->
classes, Adam, batch 200, float32) trained four ways on one synthetic table:

- ``raw, compiled``: skdeep on the raw frame, the compiled step (its first
  layer gathers each code's weight row and scatter-adds into it);
- ``raw, numpy``: the same on the NumPy path (``SKDEEP_COMPILED=0``);
- ``one-hot dense, compiled``: a ``ColumnTransformer`` (scaled numbers,
  ``OneHotEncoder(sparse_output=False)``) in front of skdeep, which then
  multiplies the whole one-hot width on the compiled step;
- ``one-hot sparse, numpy``: the encoder's default sparse output, which
  skdeep trains on its NumPy path.

Per-epoch time is ``(fit(max_iter=E) - fit(max_iter=1)) / (E - 1)``, so the
one-off costs (the table's encoding, validation, compilation) drop out; the
pipeline's encoding is timed apart. Repeats are interleaved, medians reported.
Two tables: few categories (where one-hot is cheap) and many.

Run ``python benchmarks/bench_categorical.py --help`` for the options.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep

HIDDEN = (100, 100)
# name: (rows, numeric columns, categories per categorical column)
TABLES = {"few categories": (50_000, 4, (5, 20, 50)),
          "many categories": (50_000, 4, (10, 200, 2000))}
QUICK = {"few categories": (5_000, 4, (5, 20, 50))}


def make_table(n_rows, n_numeric, sizes, seed=0):
    """A frame of numbers and pandas categoricals, and 3-class labels that
    depend on both."""
    rng = np.random.default_rng(seed)
    columns = {f"x{j}": rng.normal(size=n_rows) for j in range(n_numeric)}
    score = sum(columns.values())
    for j, size in enumerate(sizes):
        codes = rng.integers(0, size, n_rows)
        columns[f"c{j}"] = pd.Categorical.from_codes(codes, [f"v{i}" for i in
                                                             range(size)])
        score = score + rng.normal(size=size)[codes]
    y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    return pd.DataFrame(columns), y


def _model(epochs, **params):
    return skdeep.DeepClassifier(hidden_layer_sizes=HIDDEN, batch_size=200,
                                 max_iter=epochs, tol=0, n_iter_no_change=epochs + 1,
                                 random_state=0, dtype="float32", **params)


def _fit_seconds(X, y, epochs, compiled, **params):
    os.environ["SKDEEP_COMPILED"] = "1" if compiled else "0"
    try:
        model = _model(epochs, **params)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        return time.perf_counter() - start
    finally:
        os.environ["SKDEEP_COMPILED"] = "1"


def one_hot(frame, n_numeric, sparse):
    encoder = ColumnTransformer([
        ("numbers", StandardScaler(), list(frame.columns[:n_numeric])),
        ("categories", OneHotEncoder(sparse_output=sparse, handle_unknown="ignore",
                                     dtype=np.float32),
         list(frame.columns[n_numeric:]))],
        sparse_threshold=1.0 if sparse else 0.0)
    start = time.perf_counter()
    X = encoder.fit_transform(frame)
    seconds = time.perf_counter() - start
    return (X.astype(np.float32) if sparse else np.ascontiguousarray(X, np.float32),
            seconds)


def run_table(name, spec, epochs, repeats, threads):
    n_rows, n_numeric, sizes = spec
    frame, y = make_table(n_rows, n_numeric, sizes)
    dense, dense_seconds = one_hot(frame, n_numeric, sparse=False)
    csr, csr_seconds = one_hot(frame, n_numeric, sparse=True)
    contenders = {
        "raw, compiled": (frame, True, {}),
        "raw, numpy": (frame, False, {}),
        "one-hot dense, compiled": (dense, True, {"input_scaling": None}),
        "one-hot sparse, numpy": (csr, False, {"input_scaling": None}),
    }
    times = {c: [] for c in contenders}
    for X, compiled, params in contenders.values():  # warm-up
        _fit_seconds(X[:2000], y[:2000], 1, compiled, **params)
    for _ in range(repeats):  # interleaved
        for c, (X, compiled, params) in contenders.items():
            with threadpool_limits(threads, "blas"):
                many = _fit_seconds(X, y, epochs, compiled, **params)
                one = _fit_seconds(X, y, 1, compiled, **params)
            times[c].append((many - one) / (epochs - 1))
    width = dense.shape[1]
    print(f"{name}: {n_rows} rows, {n_numeric} numeric + {len(sizes)} categorical "
          f"columns ({', '.join(map(str, sizes))} categories), one-hot width "
          f"{width}; {' -> '.join(map(str, HIDDEN))} -> 3, batch 200, float32, "
          f"{epochs} epochs")
    header = (f"{'contender':<24} {'s/epoch':>9} {'vs raw':>7} {'input MB':>9} "
              f"{'encode s':>9}")
    print(header + "\n" + "-" * len(header))
    raw = statistics.median(times["raw, compiled"])
    sizes_mb = {"raw, compiled": frame.shape[1] * n_rows * 4 / 1e6,
                "raw, numpy": frame.shape[1] * n_rows * 4 / 1e6,
                "one-hot dense, compiled": dense.nbytes / 1e6,
                "one-hot sparse, numpy": (csr.data.nbytes + csr.indices.nbytes
                                          + csr.indptr.nbytes) / 1e6}
    encode = {"one-hot dense, compiled": f"{dense_seconds:9.3f}",
              "one-hot sparse, numpy": f"{csr_seconds:9.3f}"}
    for c, values in times.items():
        seconds = statistics.median(values)
        print(f"{c:<24} {seconds:9.4f} {seconds / raw:6.2f}x {sizes_mb[c]:9.1f} "
              f"{encode.get(c, '-'.rjust(9))}")
    print(flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="one small table")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} cores, "
          f"threads {args.threads}, {args.repeats} interleaved repeats\n", flush=True)
    for name, spec in (QUICK if args.quick else TABLES).items():
        run_table(name, spec, args.epochs, args.repeats, args.threads)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
