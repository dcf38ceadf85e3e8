"""Save, reload, predict
======================

The lecture saves a model with ``model.save('model_file.h5')`` and reloads it with
``load_model``. A fitted skdeep Pipeline can be stored two ways:

- ``skdeep.save`` / ``skdeep.load``: skdeep's own format, a zip of JSON and
  ``.npy`` arrays. Loading never runs code from the file, so a model file from
  someone else is safe to open.
- ``joblib.dump`` / ``joblib.load``: works for any Python object, but loading a
  pickle can run arbitrary code: only load files you created yourself.

Both give back a model that predicts exactly what the original predicted.

Set ``SKDEEP_EXAMPLES_QUICK=1`` to train for a few epochs only.
"""

import os
import tempfile
from pathlib import Path

import joblib
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, load, save
from skdeep.datasets import load_shot_log

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_shot_log(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model = make_pipeline(
    StandardScaler(),
    DeepClassifier(hidden_layer_sizes=(100, 100, 100), max_iter=3 if QUICK else 50,
                   early_stopping=True, random_state=0))
model.fit(X_train, y_train)
expected = model.predict_proba(X_test)

with tempfile.TemporaryDirectory() as directory:
    skdeep_file = Path(directory) / "shots.skdeep"
    joblib_file = Path(directory) / "shots.joblib"
    save(model, skdeep_file)
    joblib.dump(model, joblib_file)
    for name, path, reload in [("skdeep.save", skdeep_file, load),
                               ("joblib", joblib_file, joblib.load)]:
        my_model = reload(path)
        probability_true = my_model.predict_proba(X_test)[:, 1]
        assert np.array_equal(my_model.predict_proba(X_test), expected)
        print(f"{name:<19} {path.stat().st_size:>7,} bytes; reloaded model gives "
              f"identical predictions; first probabilities "
              f"{probability_true[:3].round(3)}")
    load(skdeep_file)[-1].summary()
