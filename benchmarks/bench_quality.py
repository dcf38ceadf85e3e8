"""Quality at the defaults: 5-fold cross-validated skdeep vs scikit-learn's MLP.

Each side is ``make_pipeline(StandardScaler(), Estimator(random_state=seed))`` with
every other parameter at its default, for seeds 0..4 (``--seeds``: one seed moves
a 150-sample score by a sample or two), scored by ``cross_validate(cv=5)`` (stratified
folds for the classifiers): accuracy for the classifiers (``load_digits``,
``load_breast_cancer``, ``load_wine``, ``load_iris``), R^2 for the regressors
(``load_diabetes``, ``make_friedman1(n_samples=2000, random_state=0)``).

Columns:

``sklearn`` / ``skdeep``
    Mean test score over the 5 folds and the seeds.
``diff``
    skdeep minus sklearn.
``sk fit s`` / ``sd fit s``
    Mean fit time of one fold (seconds).
``speedup``
    sklearn's fit time divided by skdeep's (> 1: skdeep is faster).
``conv. warn``
    ConvergenceWarnings raised during all the fits, sklearn / skdeep. They are
    counted, not printed.
``verdict``
    PASS when skdeep's score >= sklearn's score - 0.01 and skdeep fits faster.

Run ``python benchmarks/bench_quality.py --help`` for the options.
"""

import argparse
import functools
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_friedman1,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep

DATASETS = {
    "digits": (lambda: load_digits(return_X_y=True), "clf"),
    "breast_cancer": (lambda: load_breast_cancer(return_X_y=True), "clf"),
    "wine": (lambda: load_wine(return_X_y=True), "clf"),
    "iris": (lambda: load_iris(return_X_y=True), "clf"),
    "diabetes": (lambda: load_diabetes(return_X_y=True), "reg"),
    "friedman1": (lambda: make_friedman1(n_samples=2000, random_state=0), "reg"),
}
ESTIMATORS = {
    "clf": (MLPClassifier, skdeep.DeepClassifier),
    "reg": (MLPRegressor, skdeep.DeepRegressor),
}


def evaluate(Est, X, y, seeds):
    """Mean 5-fold test score and fit seconds over the seeds, and the number of
    ConvergenceWarnings raised."""
    scores, times = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for seed in range(seeds):
            result = cross_validate(
                make_pipeline(StandardScaler(), Est(random_state=seed)), X, y, cv=5)
            scores.extend(result["test_score"])
            times.extend(result["fit_time"])
    n_warnings = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:  # anything else still reaches the user
        if not issubclass(w.category, ConvergenceWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return float(np.mean(scores)), float(np.mean(times)), n_warnings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="",
                        help="comma-separated dataset names, e.g. 'digits,iris'")
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS threads (default: 2)")
    parser.add_argument("--seeds", type=int, default=5,
                        help="random_state values 0..N-1 averaged (default: 5)")
    parser.add_argument("--dtype", default="auto",
                        choices=["auto", "float32", "float64"],
                        help="skdeep's dtype (default: its default, 'auto')")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(DATASETS)
    print(f"skdeep {skdeep.__version__} (dtype={args.dtype!r}), sklearn "
          f"{sklearn.__version__}, numpy "
          f"{np.__version__}, {args.threads} BLAS threads, {args.seeds} seeds, "
          "load average "
          f"{os.getloadavg()[0]:.2f}\n")
    header = (f"{'dataset':<14} {'metric':<8} {'sklearn':>8} {'skdeep':>8} "
              f"{'diff':>7} {'sk fit s':>9} {'sd fit s':>9} {'speedup':>8} "
              f"{'conv. warn':>10} {'verdict':>7}")
    print(header)
    print("-" * len(header))
    started, passed = time.perf_counter(), 0
    with threadpool_limits(limits=args.threads):
        for name in names:
            load, task = DATASETS[name]
            X, y = load()
            sk_score, sk_time, sk_warn = evaluate(ESTIMATORS[task][0], X, y,
                                                  args.seeds)
            skdeep_est = functools.partial(ESTIMATORS[task][1], dtype=args.dtype)
            sd_score, sd_time, sd_warn = evaluate(skdeep_est, X, y, args.seeds)
            ok = sd_score >= sk_score - 0.01 and sd_time < sk_time
            passed += ok
            metric = "accuracy" if task == "clf" else "R^2"
            print(f"{name:<14} {metric:<8} {sk_score:8.4f} {sd_score:8.4f} "
                  f"{sd_score - sk_score:+7.4f} {sk_time:9.3f} {sd_time:9.3f} "
                  f"{sk_time / sd_time:7.2f}x {f'{sk_warn} / {sd_warn}':>10} "
                  f"{'PASS' if ok else 'FAIL':>7}", flush=True)
    print(f"\n{passed}/{len(names)} PASS in {time.perf_counter() - started:.0f} s; "
          f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
