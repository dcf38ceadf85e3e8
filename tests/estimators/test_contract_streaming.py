"""The contract's names for skdeep.streaming (skdeep.estimators.contract's
``# streaming`` block): the training dtype, a fitted table's categories, and
the facts a stream's callbacks check before anything is read."""

import numpy as np
import pandas as pd
import pytest

from skdeep.estimators import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import (
    stream_fit_facts,
    table_categories,
    training_dtype,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("params, expected", [
    ({}, np.float32),  # dtype='auto' trains the stochastic solvers in float32
    ({"solver": "sgd"}, np.float32),
    ({"dtype": "float64"}, np.float64),
    ({"dtype": "float32", "solver": "lbfgs"}, np.float32),
    ({"solver": "lbfgs"}, None),  # 'auto' with lbfgs follows the input
    ({"dtype": None}, None),  # None always follows the input
])
@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_training_dtype_is_the_one_the_parameters_fix(cls, params, expected):
    found = training_dtype(cls(**params))
    assert found == (None if expected is None else np.dtype(expected))
    if expected is not None:  # and it is the dtype the fitted network holds
        X = np.random.default_rng(0).normal(size=(40, 3))
        fitted = cls(hidden_layer_sizes=(4,), max_iter=2, **params).fit(
            X, (X[:, 0] > 0) * 1)
        assert fitted.coefs_[0].dtype == np.dtype(expected)


def _table():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"income": rng.normal(size=60),
                          "city": rng.choice(["oslo", "lyon"], 60),
                          "age": rng.normal(size=60),
                          "zone": rng.choice([7, 3], 60),
                          "member": rng.random(60) < 0.5})
    return frame, frame["income"] * 2


def test_table_categories_by_column_index():
    X, y = _table()
    model = DeepRegressor(hidden_layer_sizes=(4,), max_iter=2,
                          categorical_features=["city", "zone", "member"]).fit(X, y)
    categories = table_categories(model)
    assert list(categories) == [1, 3, 4]  # the categorical columns, in order
    assert categories[1].tolist() == ["lyon", "oslo"]
    assert categories[3].tolist() == [3, 7]
    assert categories[4].tolist() == [False, True]


def test_table_categories_of_a_model_without_a_table_is_none():
    X, y = _table()
    numeric = X[["income", "age"]].to_numpy()
    assert table_categories(DeepRegressor()) is None  # not fitted
    fitted = DeepRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(numeric, y)
    assert table_categories(fitted) is None
    # a frame of numbers is a table with no categorical column
    frame = DeepRegressor(hidden_layer_sizes=(4,), max_iter=1).partial_fit(
        X[["income", "age"]], y)
    assert table_categories(frame) == {}


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_stream_fit_facts_start_a_new_run_over_the_files(cls):
    callbacks = (object(), object())
    facts = stream_fit_facts(cls(), callbacks, ["train.csv"])
    assert facts.callbacks == callbacks and facts.inputs == ("train.csv",)
    assert facts.incremental is False
    # no validation in a stream of partial_fit calls; the rate is logged
    assert facts.columns == ("loss", "learning_rate")
    assert facts.history == {} and facts.first_epoch == 0


def test_stream_fit_facts_continue_a_fitted_estimators_history():
    X = np.random.default_rng(0).normal(size=(40, 3))
    model = DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0,
                           early_stopping=True).fit(X, (X[:, 0] > 0) * 1)
    facts = stream_fit_facts(model, (), ["a.csv", "b.csv"])
    assert facts.history is model.history_ and facts.first_epoch == 3
    assert facts.inputs == ("a.csv", "b.csv")
    assert facts.columns == ("loss", "learning_rate")  # no validation columns
