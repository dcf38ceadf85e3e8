"""Validation curves: how strong a penalty, how much dropout?
============================================================

A validation curve refits the same model for each value of one parameter and
plots the training score beside the cross-validated score. Where the two
separate, the network starts to memorize the training rows; where both are
low, it is held back too much. Here scikit-learn's ``ValidationCurveDisplay``
sweeps two regularizers of a ``DeepClassifier`` on scikit-learn's bundled
handwritten digits (8 x 8 pixels, ten classes):
``alpha`` (the L2 penalty, scikit-learn's name) and ``dropout`` (one rate for
every hidden layer, as Keras' ``Dropout`` layer).

Needs matplotlib (``pip install 'scikit-deep[plot]'``); without it this script says
so and exits. Set ``SKDEEP_EXAMPLES_QUICK=1`` for shorter training.
"""

import importlib.util
import os
import sys
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier

if importlib.util.find_spec("matplotlib") is None:
    print("validation_curves.py draws plots and needs matplotlib: "
          "pip install 'scikit-deep[plot]'")
    sys.exit(0)
plt = importlib.import_module("matplotlib.pyplot")
ValidationCurveDisplay = importlib.import_module(
    "sklearn.model_selection").ValidationCurveDisplay

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_digits(return_X_y=True)
model = make_pipeline(
    StandardScaler(),
    DeepClassifier(hidden_layer_sizes=(32,), max_iter=3 if QUICK else 20,
                   random_state=0))

sweeps = {"deepclassifier__alpha": np.logspace(-2, 2, 4),
          "deepclassifier__dropout": np.array([0.0, 0.3, 0.6, 0.9])}
figure, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
# a fixed, short budget per fit on purpose: the curves compare parameter
# values, not converged models, so the ConvergenceWarnings say nothing new
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for ax, (name, values) in zip(axes, sweeps.items()):
        display = ValidationCurveDisplay.from_estimator(
            model, X, y, param_name=name, param_range=values, cv=3, ax=ax,
            score_name="accuracy")
        best = values[display.test_scores.mean(axis=1).argmax()]
        print(f"{name.split('__')[1]:>7}: cross-validated accuracy "
              + ", ".join(f"{value:.3g} -> {score:.3f}" for value, score
                          in zip(values, display.test_scores.mean(axis=1)))
              + f"; best {best:.3g}")
axes[0].set_xscale("log")
figure.tight_layout()
