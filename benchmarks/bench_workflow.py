"""What users wait for: a grid search at the defaults, and a large network.

1. ``GridSearchCV(cv=5, n_jobs=-1)`` over ``hidden_layer_sizes`` in
   ``[(50,), (100,), (100, 100), (256, 256)]`` on a 20,000 x 30 classification
   problem given as float64 (NumPy's and pandas' default), every other parameter
   at its default, in a ``StandardScaler`` pipeline: end-to-end wall time of
   skdeep's ``DeepClassifier`` against scikit-learn's ``MLPClassifier``, with
   the best cross-validated accuracy of each so that speed is not bought
   with quality. The contenders alternate (MLP, skdeep, MLP, skdeep, ...) and
   the median of the repeats is reported. skorch is not a contender here: it
   has no MLP-style defaults (network, epochs and stopping rule are written by
   hand), so "the same grid at the defaults" does not exist for it.
2. A larger network where multi-threaded BLAS matters: 100,000 x 100, three
   hidden layers of 512 ReLU units, Adam, batch 512, a fixed number of epochs,
   skdeep against the plain PyTorch CPU loop of ``bench_training.py`` (same
   initialization, L2 term and threads), float32 and float64.

Run ``python benchmarks/bench_workflow.py --help`` for the options.
"""

import argparse
import statistics
import time
import warnings

import bench_training as bt  # the PyTorch loop, machine summary, data
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

GRID = {"classifier__hidden_layer_sizes": [(50,), (100,), (100, 100), (256, 256)]}
LARGE_HIDDEN = (512, 512, 512)
LARGE_BATCH = 512


def grid_search(estimator, X, y):
    """Seconds and best CV accuracy of the 4-point grid with 5 folds, all cores."""
    pipeline = Pipeline([("scale", StandardScaler()), ("classifier", estimator)])
    search = GridSearchCV(pipeline, GRID, cv=5, n_jobs=-1)
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start, search.best_score_, search.best_params_


def run_grid(n_samples, repeats):
    X, y = make_classification(n_samples, 30, n_informative=15, n_classes=3,
                               random_state=0)
    X = X * 10 + 3  # unscaled float64 input, as users pass it
    contenders = {"sklearn MLP": lambda: MLPClassifier(random_state=0),
                  "skdeep": lambda: bt.skdeep.DeepClassifier(random_state=0)}
    times = {name: [] for name in contenders}
    results = {}
    for _ in range(repeats):
        for name, make in contenders.items():
            seconds, best, params = grid_search(make(), X, y)
            times[name].append(seconds)
            results[name] = (best, params["classifier__hidden_layer_sizes"])
    reference = statistics.median(times["sklearn MLP"])
    lines = [f"GridSearchCV(cv=5, n_jobs=-1), 4 layer sizes, {n_samples} x 30 "
             f"float64, defaults, median of {repeats}",
             f"{'contender':<12} {'seconds':>9} {'speedup':>8} {'best acc':>9}  best",
             "-" * 60]
    for name in contenders:
        seconds = statistics.median(times[name])
        best, sizes = results[name]
        lines.append(f"{name:<12} {seconds:9.1f} {reference / seconds:7.2f}x "
                     f"{best:9.4f}  {sizes}")
    return "\n".join(lines)


def fit_skdeep_large(X, y, epochs, seed):
    model = bt.skdeep.DeepClassifier(
        hidden_layer_sizes=LARGE_HIDDEN, batch_size=LARGE_BATCH, max_iter=epochs,
        alpha=bt.ALPHA, tol=0.0, n_iter_no_change=epochs + 1, random_state=seed,
        dtype=None, early_stopping=False)  # the data's dtype, as the torch loop
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model.loss_


def fit_torch_large(X, y, epochs, seed):
    seconds, loss, _ = bt.fit_torch("clf", X, y, epochs, seed, hidden=LARGE_HIDDEN,
                                    batch_size=LARGE_BATCH)
    return seconds, loss


def run_large(n_samples, epochs, dtype, repeats):
    X, y = bt.make_data("clf", n_samples, 100, dtype)
    contenders = {"skdeep": fit_skdeep_large}
    if bt.torch is not None:
        contenders["torch"] = fit_torch_large
    for fit in contenders.values():  # warm-up
        fit(X[:2000], y[:2000], 1, 0)
    times = {name: [] for name in contenders}
    losses = {}
    for seed in range(repeats):
        for name, fit in contenders.items():
            seconds, loss = fit(X, y, epochs, seed)
            times[name].append(seconds / epochs)
            losses.setdefault(name, loss)
    lines = [f"{n_samples} x 100, hidden {LARGE_HIDDEN}, batch {LARGE_BATCH}, "
             f"{dtype}, {epochs} epochs, median of {repeats}",
             f"{'contender':<12} {'s/epoch':>9} {'vs torch':>9} {'loss':>8}",
             "-" * 42]
    reference = statistics.median(times["torch"]) if "torch" in times else None
    for name in contenders:
        per_epoch = statistics.median(times[name])
        ratio = f"{reference / per_epoch:8.2f}x" if reference else f"{'-':>9}"
        lines.append(f"{name:<12} {per_epoch:9.3f} {ratio} {losses[name]:8.4f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="5,000-row grid, 20,000-row network, one repeat")
    parser.add_argument("--only", choices=["grid", "large"], default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=None,
                        help="repeats per contender (default: 3, quick: 1)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if bt.torch is not None:
        bt.torch.set_num_threads(args.threads)
    print(bt.machine_summary(args.threads), "\n")
    if args.only in (None, "grid"):
        # n_jobs=-1: one process per core, as a user's search would run
        print(run_grid(5_000 if args.quick else 20_000, repeats), "\n", flush=True)
    if args.only in (None, "large"):
        with threadpool_limits(limits=args.threads):
            for dtype in ("float32", "float64"):
                print(run_large(20_000 if args.quick else 100_000, 2 if args.quick
                                else 3, dtype, repeats), "\n", flush=True)


if __name__ == "__main__":
    main()
