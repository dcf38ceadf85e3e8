"""The ``categories`` parameter (explicit category lists, as OneHotEncoder's
``categories``), what fixes a table's plan in ``partial_fit``, when X is read
as a table, and the DataFrame a table model needs at predict (issue 23 item
4, issue 22 item 4)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skdeep import DeepClassifier, DeepRegressor, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CITIES = ["lyon", "nice", "oslo", "rome"]


def _table(n_rows=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"income": rng.normal(5e4, 1e4, n_rows),
                          "age": rng.normal(40, 12, n_rows),
                          "city": rng.choice(CITIES, n_rows)})
    frame.loc[::6, "age"] = np.nan
    y = frame["income"] / 1e4 + frame["city"].map(dict(zip(CITIES, range(4))))
    return frame, y.to_numpy()


def small(cls=DeepRegressor, **params):
    return cls(**{"hidden_layer_sizes": (8,), "max_iter": 5, "random_state": 0,
                  **params})


def _same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.coefs_ + a.intercepts_,
                                                     b.coefs_ + b.intercepts_))


# -- the parameter --------------------------------------------------------------
@pytest.mark.parametrize("given", [{"city": ["rome", "lyon", "paris"]},
                                   [["rome", "lyon", "paris"]]],
                         ids=["dict", "list"])
def test_listed_categories_get_rows_in_the_order_given(given):
    frame, y = _table()
    model = small(categories=given).fit(frame, y)
    assert model.categories_[0].tolist() == ["rome", "lyon", "paris"]
    # 'paris' (never seen) has its row; nice and oslo (seen) are 'other'
    assert model.coefs_[0].shape[0] == 2 + 1 + 3 + 2
    other = frame.head(3).assign(city="nice")
    np.testing.assert_array_equal(model.predict(other),
                                  model.predict(other.assign(city="oslo")))


def test_a_listed_category_keeps_its_row_however_rare():
    frame, y = _table()
    frame.loc[0, "city"] = "paris"  # one row: 'auto' would share 'other'
    auto = small().fit(frame, y)
    listed = small(categories={"city": [*CITIES, "paris"]}).fit(frame, y)
    assert "paris" not in auto.categories_[0].tolist()
    assert listed.categories_[0].tolist() == [*CITIES, "paris"]


def test_listing_the_learned_categories_changes_nothing():
    frame, y = _table()
    auto = small().fit(frame, y)
    listed = small(categories={"city": CITIES}).fit(frame, y)
    assert _same_weights(auto, listed)
    np.testing.assert_array_equal(auto.predict(frame), listed.predict(frame))


def test_categories_by_index_for_an_array():
    X = np.array([["a", 1.0], ["b", 2.0], ["a", 3.0], ["c", 4.0]] * 10, dtype=object)
    y = np.arange(40.0)
    model = small(categories={0: ["c", "a"]}).fit(X, y)
    assert model.categories_[0].tolist() == ["c", "a"]


def test_get_params_clone_and_save_keep_the_lists(tmp_path):
    frame, y = _table()
    given = {"city": ["rome", "lyon"]}
    model = small(categories=given).fit(frame, y)
    assert model.get_params()["categories"] == given
    assert clone(model).get_params()["categories"] == given
    save(model, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    assert loaded.get_params()["categories"] == given
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))
    assert _same_weights(clone(loaded).fit(frame, y), clone(model).fit(frame, y))


def test_a_list_of_lists_saves_and_loads(tmp_path):
    frame, y = _table()
    model = small(DeepClassifier, categories=[["rome", "lyon"]]).fit(frame, y > 3)
    save(model, tmp_path / "m.skdeep")
    assert load(tmp_path / "m.skdeep").get_params()["categories"] == [["rome",
                                                                       "lyon"]]


@pytest.mark.parametrize("given, message", [
    ({"city": ["lyon", "lyon"]}, r"list \['lyon'\] more than once"),
    ({"zone": [1, 1.0]}, r"list \[1.0\] more than once \(1, 1.0 and True"),
    ({"city": ["lyon", np.nan]}, r"hold a missing value \(nan\).*has a row of its "
                                  "own"),
    ({"city": ["lyon", None]}, r"hold a missing value \(None\)"),
    ({"income": [1.0, 2.0]}, r"column 'income', which is not categorical "
                             r"\(categorical columns: \['city', 'zone'\]\); name "
                             "it in categorical_features"),
    ({"town": ["lyon"]}, r"names 'town', which is not a column of X"),
    ({"city": "lyon"}, r"must be a list of its categories"),
    ({"city": []}, r"is empty"),
    ({"zone": ["3", "7"]}, r"none of the values of column 'zone' \(e.g. 3\) is "
                           r"among its categories \['3', '7'\]; check their type"),
    ([["lyon"]], r"one list of categories per categorical column of X \(2: "
                 r"\['city', 'zone'\]\); got 1"),
    ({"city": ["lyon"], 2: ["a"]}, r"names column 'city' twice"),
], ids=["duplicates", "1 and 1.0", "nan", "none", "not categorical", "no column",
        "a string", "empty", "type", "list length", "name and index"])
def test_bad_category_lists_are_refused_naming_the_column(given, message):
    frame, y = _table()
    frame["zone"] = np.where(frame["income"] > 5e4, 3, 7)
    model = small(categories=given, categorical_features=["city", "zone"])
    with pytest.raises(ValueError, match=message):
        model.fit(frame, y)
    assert not hasattr(model, "n_features_in_")


def test_a_bad_parameter_type_is_refused_by_scikit_learns_validation():
    frame, y = _table()
    with pytest.raises(ValueError, match="'categories' parameter"):
        small(categories="learn").fit(frame, y)


# -- partial_fit: the first call fixes the plan -----------------------------------
def test_partial_fit_later_category_is_other_unless_listed():
    frame, y = _table(200)
    later = frame[100:].copy()
    later.loc[later.index[:30], "city"] = "paris"  # first seen in the 2nd batch
    auto = small()
    auto.partial_fit(frame[:100], y[:100]).partial_fit(later, y[100:])
    assert auto.categories_[0].tolist() == CITIES
    paris = later.head(5)
    np.testing.assert_array_equal(auto.predict(paris),
                                  auto.predict(paris.assign(city="berlin")))
    listed = small(categories={"city": [*CITIES, "paris"]})
    listed.partial_fit(frame[:100], y[:100])
    row = listed.coefs_[0][2 + 1 + 4].copy()  # numeric, indicator, 4 cities
    assert not row.any()  # unselected by the first batch: zero (no effect)
    listed.partial_fit(later, y[100:])
    assert listed.coefs_[0][2 + 1 + 4].any()  # trained by the second batch
    assert not np.array_equal(listed.predict(paris),
                              listed.predict(paris.assign(city="berlin")))


def test_a_first_partial_fit_on_a_frame_reads_a_table_even_without_gaps():
    """A stream's first chunk may have no gap: its plan still fills a later
    chunk's gaps (with the first chunk's mean) instead of refusing them."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(3, 2, 100), "b": rng.normal(size=100)})
    y = frame["a"].to_numpy()
    model = small()
    model.partial_fit(frame[:50], y[:50])
    assert model.is_categorical_.tolist() == [False, False]
    np.testing.assert_allclose(model.fill_values_, frame[:50].mean())
    gappy = frame[50:].copy()
    gappy.iloc[::5, 0] = np.nan
    model.partial_fit(gappy, y[50:])
    filled = gappy.fillna({"a": model.fill_values_[0]})
    np.testing.assert_array_equal(model.predict(gappy), model.predict(filled))


def test_numbers_from_a_first_fit_are_read_as_numbers_as_mlp_reads_them():
    """fit on complete numbers keeps the plain path (NaN at predict refused);
    naming the categorical columns, even none, reads the same numbers as a
    table, bit for bit."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3)) * [1, 100, 1e4]
    frame, y = pd.DataFrame(X, columns=["a", "b", "c"]), X @ [1.0, 0.01, 1e-4]
    plain = small().fit(X, y)
    assert "is_categorical_" not in vars(plain)
    with pytest.raises(ValueError, match="NaN"):
        plain.predict(np.where(np.eye(3, dtype=bool), np.nan, 1.0))
    table = small(categorical_features=[]).fit(frame, y)
    assert "is_categorical_" in vars(table)
    assert _same_weights(plain, table)
    np.testing.assert_array_equal(plain.predict(X), table.predict(frame))
    assert np.isfinite(table.predict(frame.head(3).assign(b=np.nan))).all()


# -- predict on what is not a DataFrame (issue 22 item 4) ---------------------------
@pytest.mark.parametrize("make", [np.asarray, lambda frame: frame.values.tolist()],
                         ids=["ndarray", "list"])
def test_a_table_model_says_it_needs_a_frame_with_its_columns(make):
    frame, y = _table()
    model = small(DeepClassifier).fit(frame, y > 3)
    with pytest.raises(ValueError) as error:
        model.predict(make(frame))
    message = str(error.value)
    assert message.startswith("DeepClassifier was fitted on a DataFrame with "
                              "categorical column(s) ['city'] and missing-value "
                              "indicators for ['age'], so X must be a DataFrame "
                              "with the columns ['income', 'age', 'city']")
    assert "pandas.DataFrame(X, columns=model.feature_names_in_)" in message
    # what the message says to do works
    rebuilt = pd.DataFrame(make(frame), columns=model.feature_names_in_)
    np.testing.assert_array_equal(model.predict(rebuilt.astype(frame.dtypes)),
                                  model.predict(frame))


def test_gaps_alone_need_a_frame_too():
    frame, y = _table()
    model = small().fit(frame[["income", "age"]], y)
    with pytest.raises(ValueError, match=r"missing-value indicators for \['age'\]"):
        model.predict(frame[["income", "age"]].to_numpy())


def test_a_numeric_model_keeps_scikit_learns_warning():
    frame, y = _table()
    numbers = frame[["income"]].assign(other=frame["income"] * 2)
    for model in (small().fit(numbers, y),
                  small(categorical_features=[]).fit(numbers, y)):
        with pytest.warns(UserWarning, match="X does not have valid feature names"):
            by_position = model.predict(numbers.to_numpy())
        np.testing.assert_array_equal(by_position, model.predict(numbers))


def test_a_table_model_fitted_on_an_array_reads_arrays():
    X = np.array([["a", 1.0], ["b", np.nan], ["a", 3.0], ["c", 4.0]] * 10,
                 dtype=object)
    model = small().fit(X, np.arange(40.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(model.predict(X)).all()
