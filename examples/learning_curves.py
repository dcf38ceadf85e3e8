"""Learning curves: loss per epoch, and score against training-set size
=======================================================================

Two views of how a network learns:

- :class:`skdeep.plotting.HistoryDisplay` draws the training loss, the
  validation loss and the validation score of each epoch (from ``history_``),
  which shows when more epochs stop helping;
- scikit-learn's ``learning_curve`` refits on growing subsets of the data,
  which shows whether more *data* would help.

The figures are written as PNG files into a temporary directory. Needs
matplotlib (``pip install 'scikit-deep[plot]'``); without it this script says so
and exits. Set ``SKDEEP_EXAMPLES_QUICK=1`` for short training.
"""

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import learning_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepRegressor
from skdeep.datasets import load_transactions
from skdeep.plotting import HistoryDisplay

if importlib.util.find_spec("matplotlib") is None:
    print("learning_curves.py draws plots and needs matplotlib: "
          "pip install 'scikit-deep[plot]'")
    sys.exit(0)
plt = importlib.import_module("matplotlib.pyplot")

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
output = Path(tempfile.mkdtemp(prefix="skdeep-learning-curves-"))

X, y = load_transactions(return_X_y=True)
model = make_pipeline(
    StandardScaler(),
    DeepRegressor(hidden_layer_sizes=(100, 100), learning_rate_init=0.01,
                  max_iter=5 if QUICK else 100, early_stopping=True,
                  random_state=0))
model.fit(X, y)
display = HistoryDisplay.from_estimator(model)
display.figure_.savefig(output / "history.png")
print(f"epochs: {len(model[-1].history_['loss'])}; curves drawn: "
      f"{', '.join(display.lines_)}; written to {output / 'history.png'}")

# 12 refits (4 sizes x 3 folds), each stopped early on its validation loss
model.set_params(deepregressor__max_iter=5 if QUICK else 100)
sizes, train_scores, test_scores = learning_curve(
    model, X, y, train_sizes=np.linspace(0.25, 1.0, 3 if QUICK else 4), cv=3)
figure, ax = plt.subplots()
ax.plot(sizes, train_scores.mean(axis=1), "o-", label="training R^2")
ax.plot(sizes, test_scores.mean(axis=1), "o-", label="cross-validated R^2")
ax.set_xlabel("training samples")
ax.set_ylabel("R^2")
ax.legend()
figure.savefig(output / "learning_curve.png")
for size, score in zip(sizes, test_scores.mean(axis=1)):
    print(f"{size:>5} training samples: cross-validated R^2 {score:.3f}")
print(f"learning curve written to {output / 'learning_curve.png'}")
