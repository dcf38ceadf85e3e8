"""Mixed column types: a ColumnTransformer with a categorical column
===================================================================

Real tables mix numbers and categories. Here the transactions data gets a
text column ``retirement_status`` ("retired" / "working") and an ``age_group``
category. A ``ColumnTransformer`` scales the numeric columns and one-hot
encodes the categorical ones before the network; ``handle_unknown='ignore'``
lets the model predict for a category it never saw in training.

Set ``SKDEEP_EXAMPLES_QUICK=1`` to train for a few epochs only.
"""

import os

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import DeepRegressor
from skdeep.datasets import load_transactions

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_transactions(return_X_y=True, as_frame=True)
X = X.assign(
    retirement_status=X["retirement_status"].map({0: "working", 1: "retired"}),
    age_group=pd.cut(X["age"], [0, 35, 60, 200],
                     labels=["young", "middle", "senior"]).astype(str),
)
numeric = ["age", "bank_balance", "number_of_children",
           "number_of_existing_accounts"]
categorical = ["retirement_status", "age_group"]
print(X.head(3).to_string())

model = Pipeline([
    ("columns", ColumnTransformer([
        ("numeric", StandardScaler(), numeric),
        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
    ])),
    ("network", DeepRegressor(hidden_layer_sizes=(100, 100),
                              learning_rate_init=0.01, max_iter=5 if QUICK else 100,
                              early_stopping=True, random_state=0)),
])
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model.fit(X_train, y_train)
print("\nnetwork inputs:", ", ".join(model[:-1].get_feature_names_out()))
print(f"held-out R^2: {model.score(X_test, y_test):.3f}")

unseen = X_test.head(1).assign(retirement_status="part-time")
print(f"prediction for a 'part-time' customer (a category never seen): "
      f"{model.predict(unseen)[0]:.1f} transactions")
