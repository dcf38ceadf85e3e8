"""BLAS threads per training shape: one thread against all, measured.

Two parts. ``--products`` times each matrix product of the training steps
below alone (``np.dot(..., out=)`` in the step's memory layouts), at 1 BLAS
thread and at ``--threads``, interleaved, best of many short trials, and fits
the two lines of the cost model of ``skdeep.estimators._threads`` to them:
``seconds = WAKE + flops / RATE`` per thread count, by least squares on the
relative error. (The split it prints is the one of products timed back to
back on the same buffers, which stay in each core's cache; a step's products
do not, and the rule's split comes from the epochs below.)

Without ``--products``: for square hidden layers of width ``w`` at batch ``m``
(a ``20 -> w -> w -> 10`` classifier; the step's largest product is ``(m, w)
@ (w, w)``, ``2 m w^2`` flops), times a whole training epoch on the path
skdeep takes (the compiled step when Numba is installed) at 1 BLAS thread and
at ``--threads``, interleaved, median of repeats, and prints which is faster
beside the count the model picks (``rule``) and its predicted gain, then the
epoch split: the smallest largest-product from which every larger one won by
the rule's margin (``SPLIT_FLOPS`` lies between it and the largest tie below).

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
from skdeep.estimators import _threads
from skdeep.network import MLP

WIDTHS = (64, 100, 128, 160, 192, 256, 384, 512)
BATCHES = (32, 200, 512)
# the workloads, beside the square family: (layer sizes, batch)
WORKLOADS = {"lecture clf": ((5, 100, 100, 100, 2), (32, 200)),
             "10k x 20": ((20, 100, 100, 3), (200,)),
             "100k x 50 256-256": ((50, 256, 256, 10), (200,))}


def _network(sizes):
    return MLP(sizes, ("relu",) * (len(sizes) - 2), "softmax_cross_entropy",
               np.float32)


def _steps(widths, batches):
    """(label, product shapes) of every step the products part measures."""
    steps = [(f"20-{w}-{w}-10 b{m}", _threads.product_shapes(
        _network((20, w, w, 10)), m)) for m in batches for w in widths]
    for name, (sizes, sizes_batches) in WORKLOADS.items():
        steps += [(f"{name} b{m}", _threads.product_shapes(_network(sizes), m))
                  for m in sizes_batches]
    return steps


def product_seconds(shape, threads, trials, dtype=np.float32):
    """Best seconds of one product at 1 thread and at ``threads``."""
    kind, rows, inner, cols = shape
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((inner, rows)).T if kind == "weights"
         else rng.standard_normal((rows, inner))).astype(dtype, order="K")
    b = (rng.standard_normal((cols, inner)).T if kind == "delta"
         else rng.standard_normal((inner, cols))).astype(dtype, order="K")
    out = np.empty((rows, cols), dtype)
    reps = max(1, min(2000, int(1e7 / (2 * rows * inner * cols))))
    best = {1: np.inf, threads: np.inf}
    for _ in range(trials):
        for count in best:
            with threadpool_limits(count, "blas"):
                np.dot(a, b, out=out)
                start = time.perf_counter()
                for _ in range(reps):
                    np.dot(a, b, out=out)
                best[count] = min(best[count], (time.perf_counter() - start) / reps)
    return best


def fit_model(flops, seconds):
    """(wake, rate) of ``seconds = wake + flops / rate``, least squares on the
    relative error, wake >= 0."""
    flops, seconds = np.asarray(flops, float), np.asarray(seconds, float)
    design = np.column_stack([1 / seconds, flops / seconds])
    (wake, per_flop), *_ = np.linalg.lstsq(design, np.ones_like(seconds), rcond=None)
    if wake < 0:
        wake, per_flop = 0.0, float(np.sum(flops / seconds) / np.sum(
            (flops / seconds) ** 2))
    return float(wake), 1 / float(per_flop)


def run_products(args, widths, batches):
    shapes = sorted({shape for _, step in _steps(widths, batches) for shape in step},
                    key=lambda s: 2 * s[1] * s[2] * s[3])
    print(f"{'product':<24} {'flops':>9} {'1 thread us':>12} "
          f"{f'{args.threads} threads us':>13} {'ratio':>6}")
    print("-" * 68)
    measured = []
    for shape in shapes:
        best = product_seconds(shape, args.threads, args.trials)
        flops = 2 * shape[1] * shape[2] * shape[3]
        measured.append((flops, best[1], best[args.threads]))
        label = f"{shape[0]} {shape[1]}x{shape[2]}x{shape[3]}"
        print(f"{label:<24} {flops:9.2e} {best[1] * 1e6:12.1f} "
              f"{best[args.threads] * 1e6:13.1f} {best[1] / best[args.threads]:6.2f}",
              flush=True)
    flops = np.array([m[0] for m in measured], float)
    one = np.array([m[1] for m in measured])
    many = np.array([m[2] for m in measured])
    # the split: the smallest product from which at least 80 % of the larger
    # ones are MARGIN faster on all threads (a share, not all: a burst of
    # load on the shared machine can ruin one two-thread timing)
    wins = one * (1 - _threads.MARGIN) > many
    first = next((i for i in range(len(flops)) if wins[i:].mean() >= 0.8), len(flops))
    split = flops[first] if first < len(flops) else np.inf
    wake_one, rate_one = fit_model(flops, one)
    above = np.arange(len(flops)) >= first
    keep = above & wins  # the two-thread fit on the products that won
    wake_many, rate_many = (fit_model(flops[keep], many[keep])
                            if keep.sum() >= 2 else (np.nan, np.nan))
    print("\nfitted (seconds = WAKE + flops / RATE; all threads from SPLIT_FLOPS):")
    print(f"  SPLIT_FLOPS {split:.3g}          (in _threads.py: "
          f"{_threads.SPLIT_FLOPS:.3g})")
    print(f"  1 thread:  WAKE {wake_one:.2e} s, RATE {rate_one:.3g} flop/s "
          f"(in _threads.py: {_threads.WAKE[1]:.2e}, {_threads.RATE[1]:.3g})")
    print(f"  {args.threads} threads: WAKE {wake_many:.2e} s, RATE {rate_many:.3g} "
          f"flop/s (in _threads.py: {_threads.WAKE[2]:.2e}, "
          f"{_threads.RATE[2]:.3g})")
    print(f"\n{'step':<28} {'measured 1':>11} {f'measured {args.threads}':>11} "
          f"{'faster':>6} {'model picks':>11}")
    print("-" * 71)
    by_shape = {shape: m for shape, m in zip(shapes, measured)}
    for label, step in _steps(widths, batches):
        one = sum(by_shape[shape][1] for shape in step)
        many = sum(by_shape[shape][2] for shape in step)
        faster = 1 if one <= many else args.threads
        print(f"{label:<28} {one * 1e6:9.1f}us {many * 1e6:9.1f}us {faster:6d} "
              f"{_threads.thread_count(step, args.threads):11d}")


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
    parser.add_argument("--products", action="store_true",
                        help="time single products and fit the cost model")
    parser.add_argument("--trials", type=int, default=25,
                        help="--products: trials per product and thread count "
                             "(short ones: the best of many misses the load)")
    args = parser.parse_args(argv)
    widths, batches = ((64, 128, 256), (200,)) if args.quick else (WIDTHS, BATCHES)
    if args.widths:
        widths = tuple(int(w) for w in args.widths.split(","))
    if args.batches:
        batches = tuple(int(b) for b in args.batches.split(","))
    print(f"load average before: {os.getloadavg()}")
    if args.products:
        run_products(args, widths, batches)
        print(f"\nload average after: {os.getloadavg()}")
        return
    print(f"rule: the cost model of skdeep/estimators/_threads.py (WAKE "
          f"{_threads.WAKE}, RATE {_threads.RATE}, margin {_threads.MARGIN})\n")
    header = (f"{'batch':>5} {'width':>5} {'2mw^2':>9} {'1 thread':>9} "
              f"{args.threads:>2} threads {'faster':>7} {'rule':>5} {'gain':>6} "
              f"{'model':>6}")
    print(header + "\n" + "-" * len(header))
    # interleaved: each repeat runs 1 thread, then all, so drift hits both
    results = []
    for batch in batches:
        for width in widths:
            one, many = [], []
            for _ in range(args.repeats):
                one += epoch_seconds(width, batch, 1, args.samples, 1)
                many += epoch_seconds(width, batch, args.threads, args.samples, 1)
            one, many = statistics.median(one), statistics.median(many)
            flops = 2 * batch * width * width
            step = _threads.product_shapes(_network((20, width, width, 10)), batch)
            rule = _threads.thread_count(step, args.threads)
            model = (_threads.step_seconds(step, 1)
                     / _threads.step_seconds(step, args.threads))
            faster = 1 if one <= many else args.threads
            results.append((flops, many < (1 - _threads.MARGIN) * one))
            print(f"{batch:5d} {width:5d} {flops:9.2e} {one:9.4f} {many:10.4f} "
                  f"{faster:7d} {rule:5d} {one / many:5.2f}x {model:5.2f}x",
                  flush=True)
    results.sort()
    wins = [won for _, won in results]
    first = next((i for i in range(len(wins)) if all(wins[i:])), len(wins))
    tie = max((f for f, won in results[:first] if not won), default=0)
    split = results[first][0] if first < len(results) else float("inf")
    print(f"\nepoch split: two threads win by {_threads.MARGIN:.0%} from "
          f"{split:.3g} flops, the largest tie below is {tie:.3g} "
          f"(SPLIT_FLOPS in _threads.py: {_threads.SPLIT_FLOPS:.3g})")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
