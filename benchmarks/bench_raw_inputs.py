"""Raw against scaled inputs: what input_scaling buys a first program.

Four real data sets, each on raw, unscaled columns as a newcomer has them:

- ``transactions`` (skdeep.datasets, regression: bank balances in dollars beside
  ages and counts) and ``shot_log`` (skdeep.datasets, classification: shot made);
- ``diabetes`` (scikit-learn's ``load_diabetes(scaled=False)``, regression: ages,
  blood pressures and serum measurements in their own units) and
  ``breast_cancer`` (scikit-learn, classification: areas near 1,000 beside
  smoothness near 0.1).

Contenders, all ``hidden_layer_sizes=(100, 100)`` and otherwise the defaults
(the first table) or with ``early_stopping=True`` (the second: 200 epochs of a
100-100 network overfit the small sets, scaled or not):

``raw, scaling``
    ``Deep*()`` on the raw columns (``input_scaling='standard'``, the default).
``scaled pipeline``
    ``make_pipeline(StandardScaler(), Deep*(input_scaling=None))``: the reference.
``raw, None``
    ``Deep*(input_scaling=None)`` on the raw columns: skdeep before this change
    (and MLP's behaviour).

Scores are on a 25 % held-out split (stratified for classification), averaged
over seeds 0, 1, 2 (the seed sets the split and ``random_state``): R^2 for
regression, accuracy for classification. ``gap`` is raw, scaling minus scaled
pipeline. Run: ``python benchmarks/bench_raw_inputs.py``.
"""

import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepClassifier, DeepRegressor
from skdeep.datasets import load_shot_log, load_transactions

SEEDS = (0, 1, 2)
HIDDEN = (100, 100)


def data_sets():
    """name -> (X, y, estimator class), raw columns."""
    return {
        "transactions": (*load_transactions(return_X_y=True), DeepRegressor),
        "diabetes": (*load_diabetes(return_X_y=True, scaled=False), DeepRegressor),
        "shot_log": (*load_shot_log(return_X_y=True), DeepClassifier),
        "breast_cancer": (*load_breast_cancer(return_X_y=True), DeepClassifier),
    }


def contenders(cls, seed, **extra):
    params = {"hidden_layer_sizes": HIDDEN, "random_state": seed, **extra}
    return {
        "raw, scaling": cls(**params),
        "scaled pipeline": make_pipeline(StandardScaler(),
                                         cls(input_scaling=None, **params)),
        "raw, None": cls(input_scaling=None, **params),
    }


def score(model, X, y, cls, seed):
    stratify = y if cls is DeepClassifier else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=stratify, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # input_scaling=None's
        try:
            return model.fit(X_train, y_train).score(X_test, y_test)
        except ValueError:  # a divergence (DivergenceError) or overflow
            return float("nan")


def table(extra):
    names = list(contenders(DeepRegressor, 0))
    header = f"{'data set':<14} {'metric':<8}" + "".join(f"{n:>17}" for n in names)
    print(header + f"{'gap':>9}")
    for name, (X, y, cls) in data_sets().items():
        results = {n: [] for n in names}
        for seed in SEEDS:
            for contender, model in contenders(cls, seed, **extra).items():
                results[contender].append(score(model, X, y, cls, seed))
        means = {n: float(np.mean(v)) for n, v in results.items()}
        metric = "R^2" if cls is DeepRegressor else "accuracy"
        gap = means["raw, scaling"] - means["scaled pipeline"]
        print(f"{name:<14} {metric:<8}" + "".join(f"{means[n]:>17.4f}" for n in names)
              + f"{gap:>+9.4f}")


def main():
    print(f"skdeep {skdeep.__version__}, scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}")
    start = time.perf_counter()
    for extra in ({}, {"early_stopping": True}):
        print(f"\n{extra or 'defaults'}")
        table(extra)
    print(f"({len(SEEDS)} seeds, {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
