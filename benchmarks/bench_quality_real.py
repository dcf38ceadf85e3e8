"""Quality on real tabular data: skdeep's defaults against MLP, MLP with a scaled y,
and gradient boosting.

Nine real data sets that ship inside installed packages (scikit-learn's bundled
files and ``statsmodels.datasets``; statsmodels is a benchmark-only dependency,
never one of skdeep), each used whole:

- regression: ``diabetes`` (442 rows, scikit-learn, raw unscaled features),
  ``star98`` (303, share of students above the national median maths score),
  ``grunfeld`` (220, gross investment in $M; ``firm`` one-hot), ``fair`` (6,366,
  time spent in affairs; both occupation codes one-hot), ``engel`` (235, food
  expenditure from income);
- classification: ``breast_cancer`` (569), ``wine`` (178, three classes),
  ``anes96`` (944, 1996 vote; party identification and education one-hot),
  ``modechoice`` (840, travel mode chosen or not; ``mode`` one-hot).

Every model sits in the same pipeline: StandardScaler on the numeric columns,
OneHotEncoder on the categorical ones. Scores are 5-fold cross-validated (KFold /
StratifiedKFold, shuffled) for seeds 0, 1, 2 (the seed sets both the folds and
``random_state``): R^2 for regression, accuracy for classification. Contenders,
all at their defaults:

``skdeep``
    ``DeepRegressor()`` / ``DeepClassifier()`` (float32 training: ``dtype='auto'``).
``skdeep float64``
    The same with ``dtype='float64'``: what float32 training changes.
``skdeep raw y``
    ``DeepRegressor(target_scaling=None)``: skdeep before target scaling.
``mlp``
    ``MLPRegressor()`` / ``MLPClassifier()``.
``mlp scaled y``
    ``TransformedTargetRegressor(MLPRegressor(), transformer=StandardScaler())``.
``hgb``
    ``HistGradientBoostingRegressor()`` / ``HistGradientBoostingClassifier()``.

Columns: mean score over the 15 folds, the spread of the three per-seed means
(max - min), mean fit seconds per fold, and ConvergenceWarnings out of 15 fits.
The verdicts (the targets of issue 16): regression "score" PASS when skdeep's
R^2 >= mlp scaled y's - 0.01, "warnings" PASS when skdeep raised fewer
ConvergenceWarnings than mlp (or none); classification "score" PASS when
skdeep's accuracy >= mlp's - 0.01.

The whole run takes about 2 minutes on one core (``--threads 1``, the default:
these networks are too small to gain from more BLAS threads). Run
``python benchmarks/bench_quality_real.py --help`` for the options.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import statsmodels.api as sm
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep


def _statsmodels(name, target, drop=(), categorical=()):
    """``(X, y, categorical columns)`` from a statsmodels data set."""
    data = getattr(sm.datasets, name).load_pandas().data
    y = data[target].to_numpy(dtype=float) if isinstance(target, str) else target(data)
    X = data.drop(columns=[*drop, *([target] if isinstance(target, str) else [])])
    return X, y, list(categorical)


def _sklearn(loader, **kwargs):
    X, y = loader(return_X_y=True, as_frame=True, **kwargs)
    return X, y.to_numpy(), []


def _star98():
    def share(data):
        return (data["NABOVE"] / (data["NABOVE"] + data["NBELOW"])).to_numpy()
    return _statsmodels("star98", share, drop=("NABOVE", "NBELOW"))


DATASETS = {
    "diabetes": ("reg", lambda: _sklearn(load_diabetes, scaled=False)),
    "star98": ("reg", _star98),
    "grunfeld": ("reg", lambda: _statsmodels("grunfeld", "invest",
                                             categorical=("firm",))),
    "fair": ("reg", lambda: _statsmodels(
        "fair", "affairs", categorical=("occupation", "occupation_husb"))),
    "engel": ("reg", lambda: _statsmodels("engel", "foodexp")),
    "breast_cancer": ("clf", lambda: _sklearn(load_breast_cancer)),
    "wine": ("clf", lambda: _sklearn(load_wine)),
    "anes96": ("clf", lambda: _statsmodels("anes96", "vote", drop=("popul",),
                                           categorical=("PID", "educ"))),
    "modechoice": ("clf", lambda: _statsmodels(
        "modechoice", "choice", drop=("individual",), categorical=("mode",))),
}

CONTENDERS = {
    "reg": {
        "skdeep": lambda seed: skdeep.DeepRegressor(random_state=seed),
        "skdeep float64": lambda seed: skdeep.DeepRegressor(dtype="float64",
                                                            random_state=seed),
        "skdeep raw y": lambda seed: skdeep.DeepRegressor(target_scaling=None,
                                                          random_state=seed),
        "mlp": lambda seed: MLPRegressor(random_state=seed),
        "mlp scaled y": lambda seed: TransformedTargetRegressor(
            MLPRegressor(random_state=seed), transformer=StandardScaler()),
        "hgb": lambda seed: HistGradientBoostingRegressor(random_state=seed),
    },
    "clf": {
        "skdeep": lambda seed: skdeep.DeepClassifier(random_state=seed),
        "skdeep float64": lambda seed: skdeep.DeepClassifier(dtype="float64",
                                                             random_state=seed),
        "mlp": lambda seed: MLPClassifier(random_state=seed),
        "hgb": lambda seed: HistGradientBoostingClassifier(random_state=seed),
    },
}


def pipeline(model, X, categorical):
    numeric = [c for c in X.columns if c not in categorical]
    encode = ColumnTransformer([
        ("numeric", StandardScaler(), numeric),
        ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
         categorical),
    ])
    return make_pipeline(encode, model)


def evaluate(task, make, X, y, categorical, seeds):
    """Per-seed mean scores, mean fit seconds per fold, ConvergenceWarnings."""
    seed_scores, times = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for seed in range(seeds):
            folds = (StratifiedKFold if task == "clf" else KFold)(
                5, shuffle=True, random_state=seed)
            result = cross_validate(pipeline(make(seed), X, categorical), X, y,
                                    cv=folds)
            seed_scores.append(float(np.mean(result["test_score"])))
            times.extend(result["fit_time"])
    n_warnings = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:  # anything else still reaches the user
        if not issubclass(w.category, ConvergenceWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return seed_scores, float(np.mean(times)), n_warnings


def verdict(task, results):
    """skdeep against the targets (see the module docstring), e.g. 'score PASS'."""
    score, _, warn = results["skdeep"]
    if task == "clf":
        return "score " + _pass(score >= results["mlp"][0] - 0.01)
    return (f"score {_pass(score >= results['mlp scaled y'][0] - 0.01)}, warnings "
            f"{_pass(warn < results['mlp'][2] or warn == 0)}")


def _pass(ok):
    return "PASS" if ok else "FAIL"


def run_dataset(name, seeds):
    task, load = DATASETS[name]
    X, y, categorical = load()
    X = pd.DataFrame(X)
    results = {}
    for label, make in CONTENDERS[task].items():
        scores, fit_time, n_warnings = evaluate(task, make, X, y, categorical, seeds)
        results[label] = (float(np.mean(scores)), fit_time, n_warnings)
        metric = "accuracy" if task == "clf" else "R^2"
        print(f"{name:<14} {f'{X.shape[0]}x{X.shape[1]}':>8} {metric:<8} "
              f"{label:<13} {np.mean(scores):8.4f} {np.ptp(scores):7.4f} "
              f"{fit_time:8.3f} {f'{n_warnings}/{5 * seeds}':>6}", flush=True)
    return verdict(task, results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="",
                        help="comma-separated data set names, e.g. 'star98,wine'")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (default: 1)")
    parser.add_argument("--seeds", type=int, default=3,
                        help="seeds 0..N-1 for folds and models (default: 3)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(DATASETS)
    print(f"skdeep {skdeep.__version__}, sklearn {sklearn.__version__}, "
          f"statsmodels {sm.__version__}, numpy {np.__version__}, {args.threads} "
          f"BLAS threads, {args.seeds} seeds, load average "
          f"{os.getloadavg()[0]:.2f}\n")
    header = (f"{'dataset':<14} {'shape':>8} {'metric':<8} {'model':<13} "
              f"{'score':>8} {'spread':>7} {'fit s':>8} {'warn':>6}")
    print(header)
    print("-" * len(header))
    started, verdicts = time.perf_counter(), {}
    with threadpool_limits(limits=args.threads):
        for name in names:
            verdicts[name] = run_dataset(name, args.seeds)
    print("\nverdicts (skdeep against the targets):")
    for name, text in verdicts.items():
        print(f"  {name:<14} {text}")
    print(f"\n{time.perf_counter() - started:.0f} s; load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
