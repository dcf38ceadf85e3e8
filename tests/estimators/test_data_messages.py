"""Errors about the data name the column, the values and their rows, and tell a
typo in a numeric column from a text column."""

import numpy as np
import pandas as pd
import pytest

from skdeep import DeepClassifier, DeepRegressor


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"age": rng.integers(20, 70, 30).astype(float),
                      "income": rng.normal(50, 10, 30)},
                     index=[f"c{i}" for i in range(30)])
    return X, (X["age"] > 40).astype(int)


def _with_typo(X, rows, values, column="age"):
    X = X.astype({column: object})
    for row, value in zip(rows, values):
        X.loc[row, column] = value
    return X


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_a_typo_in_a_numeric_column(cls, frame):
    X, y = frame
    X = _with_typo(X, ["c7", "c12"], ["4o", "n/a?"])
    with pytest.raises(ValueError) as caught:
        cls(max_iter=1).fit(X, y)
    message = str(caught.value)
    assert message.startswith(f"{cls.__name__}: column 'age' is numeric except "
                              "for 2 value(s)")
    assert "'4o' (row 'c7')" in message and "'n/a?' (row 'c12')" in message
    assert "correct" in message and "OneHotEncoder" not in message


def test_a_typo_at_predict_names_the_row(frame):
    X, y = frame
    model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=1).fit(X, y)
    new = _with_typo(X.iloc[:12], ["c3"], ["4o"])
    with pytest.raises(ValueError, match=r"'4o' \(row 'c3'\)"):
        model.predict(new)


def test_a_text_column_is_to_be_encoded(frame):
    """Without categorical_features (the default 'from_dtype' learns text
    columns as categories, see test_tables.py)."""
    X, y = frame
    X = X.assign(city=np.where(np.arange(30) % 2, "Paris", "Lyon"))
    with pytest.raises(ValueError) as caught:
        DeepClassifier(max_iter=1, categorical_features=None).fit(X, y)
    message = str(caught.value)
    assert "['city']" in message and "OneHotEncoder" in message
    assert "'Lyon'" in message and "numeric except" not in message


def test_numbers_stored_as_text(frame):
    X, y = frame
    X = X.assign(age=X["age"].astype(str))
    with pytest.raises(ValueError, match=r"'age'.*numbers stored as text.*"
                                         r"pd\.to_numeric"):
        DeepRegressor(max_iter=1).fit(X, y)


def test_a_typo_in_a_plain_array_names_its_column_position():
    X = np.arange(24.0).reshape(12, 2).astype(object)
    X[5, 1] = "4o"
    with pytest.raises(ValueError, match=r"^DeepRegressor: column 1 \(0-based\) is "
                                         r"numeric except .*'4o' \(row 5\)"):
        DeepRegressor(max_iter=1).fit(X, np.arange(12.0))


def test_the_callers_frame_is_not_changed(frame):
    X, y = frame
    X = _with_typo(X, ["c7"], ["4o"])
    before = X.copy()
    with pytest.raises(ValueError):
        DeepClassifier(max_iter=1).fit(X, y)
    pd.testing.assert_frame_equal(X, before)
