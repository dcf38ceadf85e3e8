"""BLAS threads per training shape: one thread against all, measured.

For square hidden layers of width ``w`` at batch ``m`` (the step's largest
product is ``(m, w) @ (w, w)``, ``2 m w^2`` flops), times a whole training
epoch on the path skdeep takes (the compiled step when Numba is installed) at
1 BLAS thread and at ``--threads``, interleaved, median of repeats, and prints
which is faster. ``skdeep.estimators._threads.PARALLEL_PRODUCT_FLOPS`` is the
smallest largest-product size at which all threads won here; the table shows
the rule's choice beside the measurement.

Run ``python benchmarks/bench_threads.py --help`` for the options.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep
from skdeep.estimators._threads import PARALLEL_PRODUCT_FLOPS

WIDTHS = (64, 100, 128, 160, 192, 256, 384, 512)
BATCHES = (32, 200, 512)


def epoch_seconds(width, batch, threads, n_samples, repeats):
    """Median s/epoch of a 20 -> width -> width -> 10 classifier, float32."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, 20)).astype(np.float32)
    y = rng.integers(0, 10, n_samples)
    model = skdeep.DeepClassifier(hidden_layer_sizes=(width, width), max_iter=1,
                                  batch_size=batch, random_state=0, tol=0,
                                  dtype="float32")
    model.partial_fit(X, y, classes=np.arange(10))
    times = []
    for _ in range(repeats):
        with threadpool_limits(threads, "blas"):
            start = time.perf_counter()
            model.partial_fit(X, y)
            times.append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="3 widths, 1 batch")
    parser.add_argument("--widths", default="", help="comma-separated widths")
    parser.add_argument("--batches", default="", help="comma-separated batch sizes")
    args = parser.parse_args(argv)
    widths, batches = ((64, 128, 256), (200,)) if args.quick else (WIDTHS, BATCHES)
    if args.widths:
        widths = tuple(int(w) for w in args.widths.split(","))
    if args.batches:
        batches = tuple(int(b) for b in args.batches.split(","))
    print(f"load average before: {os.getloadavg()}")
    print(f"rule: all {args.threads} threads when 2 m w^2 >= "
          f"{PARALLEL_PRODUCT_FLOPS:.3g} flops\n")
    header = (f"{'batch':>5} {'width':>5} {'2mw^2':>9} {'1 thread':>9} "
              f"{args.threads:>2} threads {'faster':>7} {'rule':>5}")
    print(header + "\n" + "-" * len(header))
    # interleaved: each repeat runs 1 thread, then all, so drift hits both
    for batch in batches:
        for width in widths:
            one, many = [], []
            for _ in range(args.repeats):
                one += epoch_seconds(width, batch, 1, args.samples, 1)
                many += epoch_seconds(width, batch, args.threads, args.samples, 1)
            one, many = statistics.median(one), statistics.median(many)
            flops = 2 * batch * width * width
            rule = args.threads if flops >= PARALLEL_PRODUCT_FLOPS else 1
            faster = 1 if one <= many else args.threads
            print(f"{batch:5d} {width:5d} {flops:9.2e} {one:9.4f} {many:10.4f} "
                  f"{faster:7d} {rule:5d}", flush=True)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
