"""Cross-validated scores with cross_val_score
=============================================

One train/test split can flatter or punish a model by chance. Five-fold
cross-validation trains five networks, each scored on data it never saw, and
reports the spread. skdeep estimators clone and refit like any scikit-learn
estimator, so ``cross_val_score`` works unchanged.

Set ``SKDEEP_EXAMPLES_QUICK=1`` for three folds and short training.
"""

import os

from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepRegressor
from skdeep.datasets import load_transactions

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_transactions(return_X_y=True)
folds = KFold(n_splits=3 if QUICK else 5, shuffle=True, random_state=0)
network = make_pipeline(
    StandardScaler(),
    DeepRegressor(hidden_layer_sizes=(100, 100), learning_rate_init=0.01,
                  max_iter=5 if QUICK else 100, early_stopping=True, random_state=0))
linear = make_pipeline(StandardScaler(), LinearRegression())

for name, model in [("DeepRegressor", network), ("LinearRegression", linear)]:
    scores = cross_val_score(model, X, y, cv=folds, scoring="r2")
    print(f"{name:<17} R^2 per fold {scores.round(3)}  mean {scores.mean():.3f} "
          f"+/- {scores.std():.3f}")
