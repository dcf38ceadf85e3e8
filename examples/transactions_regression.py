"""Transactions next year: a network finds the interactions a linear model misses
================================================================================

The lecture's first question: how many transactions will each customer make
next year, from age, bank balance, retirement status, children and accounts?
In the bundled data the effect of the bank balance flips sign for retired
customers, and children and accounts interact. A linear regression cannot
represent that; adding interaction terms by hand helps; a
``Pipeline(StandardScaler(), DeepRegressor(...))`` (the lecture's two hidden
layers of 100 ReLU units, Adam, squared error) learns them on its own.

Set ``SKDEEP_EXAMPLES_QUICK=1`` to train for a few epochs only.
"""

import os

from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skdeep import DeepRegressor
from skdeep.datasets import load_transactions

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_transactions(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

models = {
    "LinearRegression": make_pipeline(StandardScaler(), LinearRegression()),
    "LinearRegression + pairwise interactions": make_pipeline(
        StandardScaler(), PolynomialFeatures(interaction_only=True),
        LinearRegression()),
    "DeepRegressor (100, 100)": make_pipeline(
        StandardScaler(),
        DeepRegressor(hidden_layer_sizes=(100, 100), learning_rate_init=0.01,
                      max_iter=5 if QUICK else 100, early_stopping=True,
                      random_state=0)),
}
print(f"{'model':<42} held-out R^2")
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:<42} {model.score(X_test, y_test):.3f}")

network = models["DeepRegressor (100, 100)"][-1]
print(f"\nThe network trained {network.n_iter_} epochs; best validation R^2 "
      f"{network.best_validation_score_:.3f}.")
print("predicted transactions for the first three test customers:",
      models["DeepRegressor (100, 100)"].predict(X_test[:3]).round(1))
