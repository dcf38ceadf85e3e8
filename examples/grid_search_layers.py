"""Tuning layer sizes with GridSearchCV
======================================

How many hidden layers, and how wide? ``DeepClassifier`` takes the same
``hidden_layer_sizes`` parameter as scikit-learn's ``MLPClassifier``, so a
``GridSearchCV`` over a Pipeline tunes it like any other hyperparameter, with
cross-validated accuracy deciding.

Set ``SKDEEP_EXAMPLES_QUICK=1`` for a smaller grid and shorter training.
"""

import os

import pandas as pd
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier
from skdeep.datasets import load_shot_log

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_shot_log(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
                                                    random_state=0)
pipeline = make_pipeline(
    StandardScaler(),
    DeepClassifier(max_iter=3 if QUICK else 200, early_stopping=True,
                   random_state=0))
layer_sizes = [(10,), (50, 50)] if QUICK else [(10,), (100,), (50, 50),
                                                (100, 100, 100)]
search = GridSearchCV(pipeline, {"deepclassifier__hidden_layer_sizes": layer_sizes},
                      cv=3, n_jobs=1)
search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
table = results[["param_deepclassifier__hidden_layer_sizes", "mean_test_score",
                 "std_test_score", "mean_fit_time"]]
print(table.to_string(index=False))
print(f"best hidden_layer_sizes: "
      f"{search.best_params_['deepclassifier__hidden_layer_sizes']}")
print(f"held-out accuracy of the refitted best model: "
      f"{search.score(X_test, y_test):.3f}")
