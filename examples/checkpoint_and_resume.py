"""Checkpoint, interrupt, resume
=============================

A long run saves its best epoch with ``ModelCheckpoint`` (an atomic
``skdeep.save`` each time the validation loss improves) and logs every epoch
with ``CSVLogger``. Here it is interrupted after epoch 6, as Ctrl-C would,
simulated by a ``LambdaCallback`` raising ``KeyboardInterrupt``. The
interrupted ``fit`` leaves the estimator as it was; the checkpoint file holds
the best epoch so far with its optimizer state. ``skdeep.load`` it, set
``warm_start=True`` and fit again: the epoch numbers, ``history_`` and Adam's
moments continue where the checkpoint left off (``Epoch 7/12``), and the CSV
log, opened with ``append=True``, keeps its rows.

Needs scikit-learn >= 1.9 (``sklearn.callback``); with an older one this
script says so and exits.
"""

import csv
import importlib.util
import os
import sys
import tempfile
import warnings

from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepClassifier
from skdeep.callbacks import CSVLogger, LambdaCallback, ModelCheckpoint

if importlib.util.find_spec("sklearn.callback") is None:
    print("checkpoint_and_resume.py needs scikit-learn >= 1.9 for its callback "
          "API: pip install 'scikit-learn>=1.9'")
    sys.exit(0)

# 12 epochs on purpose: still improving, which is what the warning would say
warnings.simplefilter("ignore", ConvergenceWarning)
X, y = make_classification(2000, 20, n_informative=8, random_state=0)
X = StandardScaler().fit_transform(X)
X, X_val, y, y_val = train_test_split(X, y, test_size=0.25, random_state=0)
folder = tempfile.mkdtemp()
checkpoint_path = os.path.join(folder, "best.skdeep")
log_path = os.path.join(folder, "log.csv")


def ctrl_c_after_epoch_6(model, epoch, logs):
    if epoch == 5:  # 0-based: the epoch printed as "Epoch 6/12"
        raise KeyboardInterrupt


model = DeepClassifier(hidden_layer_sizes=(64, 64), max_iter=12, tol=0,
                       random_state=0, verbose=2)
model.set_callbacks(ModelCheckpoint(checkpoint_path, verbose=1),
                    CSVLogger(log_path), LambdaCallback(ctrl_c_after_epoch_6))
try:
    model.fit(X, y, X_val=X_val, y_val=y_val)
except KeyboardInterrupt:
    print("-- interrupted; the estimator is unchanged:",
          not hasattr(model, "n_iter_"))

resumed = skdeep.load(checkpoint_path)
done = len(resumed.loss_curve_)  # every epoch so far (n_iter_: the last call's)
print(f"-- loaded the checkpoint: {done} epochs, val_loss "
      f"{resumed.history_['val_loss'][-1]:.4f}, {resumed.t_} samples seen")
resumed.set_params(warm_start=True, max_iter=12 - done)
resumed.set_callbacks(ModelCheckpoint(checkpoint_path),
                      CSVLogger(log_path, append=True))
resumed.fit(X, y, X_val=X_val, y_val=y_val)

with open(log_path, newline="") as file:
    rows = list(csv.DictReader(file))
print(f"-- resumed to {len(resumed.loss_curve_)} epochs; the CSV log has "
      f"{len(rows)} rows "
      f"(epochs {rows[0]['epoch']}..{rows[-1]['epoch']}); validation accuracy "
      f"{resumed.score(X_val, y_val):.3f}")
