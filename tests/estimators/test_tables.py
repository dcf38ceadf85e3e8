"""Raw tables in: categorical columns as embeddings, missing numeric values
filled and flagged, against a hand-built ColumnTransformer as the reference."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import MIN_CATEGORY_COUNT
from skdeep.network import MLP

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CITIES = ["lyon", "nice", "oslo", "rome"]


def _table(n_rows=120, seed=0):
    """Numbers on two scales (one with gaps), a text and a category column."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": rng.normal(5e4, 1e4, n_rows),
        "age": rng.normal(40, 12, n_rows),
        "city": rng.choice(CITIES, n_rows),
        "kind": pd.Categorical(rng.choice(["p", "q", "r"], n_rows)),
    })
    frame.loc[::6, "age"] = np.nan
    y = (frame["income"] / 1e4 + frame["city"].map(dict(zip(CITIES, range(4))))
         + frame["age"].fillna(40) / 12)
    return frame, y.to_numpy()


def _new_rows():
    """Rows predict must take: an unseen city, a missing age and income."""
    return pd.DataFrame({"income": [4e4, np.nan, 6e4], "age": [np.nan, 30.0, 50.0],
                         "city": ["paris", "oslo", "rome"],
                         "kind": pd.Categorical(["p", "q", "r"])})


def small(cls, **params):
    return cls(**{"hidden_layer_sizes": (12, 8), "max_iter": 15, "random_state": 0,
                  "dtype": "float64", **params})


def _reference_pipeline():
    """The preprocessing the estimator does inside, built by hand."""
    numeric = make_pipeline(StandardScaler(), SimpleImputer(add_indicator=True))
    return ColumnTransformer([
        ("numeric", numeric, ["income", "age"]),
        ("categories", OneHotEncoder(handle_unknown="ignore"), ["city", "kind"])])


def _without_extra_rows(weights, n_dense, sizes):
    """The first layer's rows without each block's 'other' and 'missing' rows."""
    keep, start = list(range(n_dense)), n_dense
    for size in sizes:
        keep += range(start, start + size - 2)
        start += size
    return weights[keep]


@pytest.fixture
def equal_initial_weights(monkeypatch):
    """Initialize the plain network (fitted second) with the table network's
    initial weights, minus the rows no training row selects."""
    original, initial = MLP.initialize, {}

    def initialize(self, rng, scheme="glorot"):
        original(self, rng, scheme)
        if self.categorical is not None:
            initial["params"] = ([w.copy() for w in self.weights],
                                 [b.copy() for b in self.biases], self.categorical)
        elif initial:
            weights, biases, categorical = initial["params"]
            self.weights[0][...] = _without_extra_rows(
                weights[0], categorical.n_dense, categorical.sizes)
            for mine, theirs in zip(self.weights[1:] + self.biases,
                                    weights[1:] + biases):
                mine[...] = theirs
        return self

    monkeypatch.setattr(MLP, "initialize", initialize)


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_equals_a_hand_built_pipeline_with_equal_initial_weights(
        cls, equal_initial_weights):
    frame, y = _table()
    if cls is DeepClassifier:
        y = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    model = small(cls).fit(frame, y)
    reference = make_pipeline(_reference_pipeline(), small(cls, input_scaling=None))
    reference.fit(frame, y)
    method = "predict" if cls is DeepRegressor else "predict_proba"
    for rows in (frame, _new_rows()):
        np.testing.assert_allclose(getattr(model, method)(rows),
                                   getattr(reference, method)(rows), rtol=1e-7,
                                   atol=1e-9)


def _one_hot_table(model, frame):
    """The table ``coefs_[0]`` reads: numeric columns with gaps filled by
    ``fill_values_``, the missing indicators, then a one-hot block per
    categorical column (its ``categories_``, 'other', 'missing')."""
    numeric = frame.loc[:, ~model.is_categorical_].astype(float)
    indicators = numeric.iloc[:, [list(frame.columns).index(frame.columns[j])
                                  for j in model.missing_indicator_features_]
                              ].isna().astype(float).to_numpy()
    filled = numeric.fillna(dict(zip(numeric.columns, model.fill_values_))).to_numpy()
    blocks = []
    for categories, name in zip(model.categories_,
                                frame.columns[model.is_categorical_]):
        column = frame[name].astype(object)
        block = np.zeros((len(frame), len(categories) + 2))
        for i, value in enumerate(column):
            if pd.isna(value):
                block[i, -1] = 1
            elif value in list(categories):
                block[i, list(categories).index(value)] = 1
            else:
                block[i, -2] = 1
        blocks.append(block)
    return np.column_stack([filled, indicators, *blocks])


def test_coefs_read_the_one_hot_table_documented():
    frame, y = _table()
    frame.loc[::9, "city"] = None  # missing categories train their own row
    model = small(DeepRegressor).fit(frame, y)
    rows = pd.concat([frame, _new_rows()], ignore_index=True)
    hidden = np.maximum(_one_hot_table(model, rows) @ model.coefs_[0]
                        + model.intercepts_[0], 0)
    hidden = np.maximum(hidden @ model.coefs_[1] + model.intercepts_[1], 0)
    np.testing.assert_allclose(hidden @ model.coefs_[2] + model.intercepts_[2],
                               model.predict(rows)[:, None], rtol=1e-9)


def test_rare_unseen_and_missing_categories_map_to_documented_rows():
    frame, y = _table(200)
    frame.loc[:MIN_CATEGORY_COUNT - 2, "city"] = "rare"  # fewer rows than the count
    frame.loc[100:110, "city"] = None
    model = small(DeepRegressor).fit(frame, y)
    assert list(model.categories_[0]) == CITIES  # 'rare' shares the 'other' row
    row = _new_rows().iloc[[2]]
    cities = ["rare", "never seen", None, np.nan, pd.NA]
    predictions = [model.predict(row.assign(city=[city]))[0] for city in cities]
    assert predictions[0] == predictions[1]
    assert predictions[2] == predictions[3] == predictions[4] != predictions[0]


def test_unseen_category_without_rare_ones_adds_nothing():
    frame, y = _table()
    model = small(DeepRegressor).fit(frame, y)
    start = model.coefs_[0].shape[0] - sum(len(c) + 2 for c in model.categories_)
    other, missing = start + len(CITIES), start + len(CITIES) + 1
    assert not model.coefs_[0][[other, missing]].any()


def test_numeric_gaps_are_filled_with_the_mean_and_flagged():
    frame, y = _table()
    model = small(DeepRegressor).fit(frame, y)
    np.testing.assert_allclose(model.fill_values_,
                               [frame["income"].mean(), frame["age"].mean()])
    assert model.missing_indicator_features_.tolist() == [1]  # age had gaps
    assert model.is_categorical_.tolist() == [False, False, True, True]
    # income had none: a gap at predict is filled, with no indicator
    assert np.isfinite(model.predict(_new_rows())).all()


def test_numeric_array_with_nan_fits_and_predicts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    X[::5, 1] = np.nan
    y = np.nan_to_num(X).sum(axis=1)
    model = small(DeepRegressor).fit(X, y)
    assert model.missing_indicator_features_.tolist() == [1]
    assert np.isfinite(model.predict(X)).all()
    assert model.__sklearn_tags__().input_tags.allow_nan


def test_pandas_nullable_na_is_missing():
    frame, y = _table()
    frame["count"] = pd.array([1, None] * 60, dtype="Int64")
    model = small(DeepRegressor).fit(frame, y)
    assert model.missing_indicator_features_.tolist() == [1, 4]


def test_infinity_is_refused_naming_the_column():
    frame, y = _table()
    frame.loc[3, "income"] = np.inf
    with pytest.raises(ValueError, match=r"DeepRegressor: column\(s\) \['income'\] "
                                         r"hold infinite values.*row 3.*NaN"):
        small(DeepRegressor).fit(frame, y)


def test_a_failed_fit_leaves_the_fitted_model_and_the_table_unchanged():
    frame, y = _table()
    model = small(DeepRegressor).fit(frame, y)
    before = model.predict(frame)
    saved = frame.copy()
    bad = frame.assign(income=np.inf)
    with pytest.raises(ValueError, match="infinite"):
        model.fit(bad, y)
    np.testing.assert_array_equal(model.predict(frame), before)
    pd.testing.assert_frame_equal(frame, saved)
    assert list(model.categories_[0]) == CITIES


def test_a_typo_in_a_numeric_column_is_refused_unless_named_categorical():
    frame, y = _table()
    frame["rooms"] = [str(i % 5) for i in range(len(frame))]
    frame.loc[7, "rooms"] = "4o"
    with pytest.raises(ValueError, match=r"DeepRegressor: column 'rooms' is numeric "
                                         r"except for 1 value\(s\): '4o' \(row 7\).*"
                                         "categorical_features"):
        small(DeepRegressor).fit(frame, y)
    named = small(DeepRegressor, categorical_features=["city", "kind", "rooms"])
    assert "4o" not in named.fit(frame, y).categories_[2]  # rare: 'other'


@pytest.mark.parametrize("spec", [["city", "kind"], [2, 3], [-2, -1],
                                  [False, False, True, True], "from_dtype"])
def test_categorical_features_by_name_index_mask_or_dtype(spec):
    frame, y = _table()
    model = small(DeepRegressor, categorical_features=spec).fit(frame, y)
    assert model.is_categorical_.tolist() == [False, False, True, True]


def test_integer_column_named_categorical():
    frame, y = _table()
    frame["zone"] = np.arange(len(frame)) % 3 * 10
    model = small(DeepRegressor, categorical_features=["city", "kind", "zone"]).fit(
        frame, y)
    assert model.categories_[2].tolist() == [0, 10, 20]


@pytest.mark.parametrize("spec, message", [
    (["town"], "names 'town', which is not a column of X"),
    ([7], "neither a column name nor an index below 4"),
    ([True], "one entry per column of X"),
])
def test_bad_categorical_features_are_named(spec, message):
    frame, y = _table()
    with pytest.raises(ValueError, match=f"DeepRegressor: categorical_features.*"
                                         f"{message}|DeepRegressor: .*{message}"):
        small(DeepRegressor, categorical_features=spec).fit(frame, y)


def test_no_categorical_features_refuses_text_as_before():
    frame, y = _table()
    with pytest.raises(ValueError, match="hold text or categories"):
        small(DeepRegressor, categorical_features=None).fit(frame, y)


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_polars_and_pyarrow_frames_work_as_pandas_ones(library):
    frame, y = _table()
    frame["kind"] = frame["kind"].astype(str)
    if library == "polars":
        import polars

        other = polars.from_pandas(frame)
    else:
        import pyarrow

        other = pyarrow.Table.from_pandas(frame)
    expected = small(DeepRegressor).fit(frame, y).predict(frame)
    model = small(DeepRegressor).fit(other, y)
    np.testing.assert_array_equal(model.predict(other), expected)
    assert list(model.feature_names_in_) == list(frame.columns)


def test_fit_is_bitwise_reproducible():
    frame, y = _table()
    first = small(DeepRegressor).fit(frame, y).predict(frame)
    np.testing.assert_array_equal(small(DeepRegressor).fit(frame, y).predict(frame),
                                  first)


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_warm_start_4_plus_2_is_bitwise_6_epochs(cls):
    frame, y = _table()
    if cls is DeepClassifier:
        y = y > np.median(y)
    params = {"tol": 0, "n_iter_no_change": 1000}
    once = small(cls, max_iter=6, **params).fit(frame, y)
    resumed = small(cls, max_iter=4, warm_start=True, **params).fit(frame, y)
    resumed.set_params(max_iter=2).fit(frame, y)
    for a, b in zip(once.coefs_ + once.intercepts_,
                    resumed.coefs_ + resumed.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_partial_fit_keeps_the_categories_of_the_first_call():
    frame, y = _table()
    model = small(DeepRegressor)
    model.partial_fit(frame[:60], y[:60])
    later = frame[60:].assign(city="berlin")  # unseen at the first call
    model.partial_fit(later, y[60:])
    assert list(model.categories_[0]) == CITIES
    assert np.isfinite(model.predict(later)).all()


def test_validation_set_and_early_stopping_take_tables():
    frame, y = _table(200)
    model = small(DeepRegressor, early_stopping=True, max_iter=5)
    model.fit(frame[:150], y[:150])
    model = small(DeepRegressor, early_stopping=True, max_iter=5)
    model.fit(frame[:150], y[:150], X_val=frame[150:], y_val=y[150:])
    assert len(model.validation_scores_) == model.n_iter_


def test_cross_val_score_and_grid_search_take_data_frames():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    frame, y = _table(150)
    scores = cross_val_score(small(DeepRegressor), frame, y, cv=3)
    assert np.isfinite(scores).all()
    search = GridSearchCV(small(DeepRegressor), {"alpha": [1e-4, 1e-2]}, cv=2)
    assert search.fit(frame, y).best_estimator_.categories_[0].tolist() == CITIES


@pytest.mark.slow
def test_memory_of_a_100000_category_column_is_bounded():
    """Training never builds an (n_rows, n_categories) array: the peak is the
    parameters' copies (weights, gradient, moments) plus rows x columns."""
    import tracemalloc

    n_categories, n_rows = 100_000, 100_000 * MIN_CATEGORY_COUNT
    rng = np.random.default_rng(0)
    codes = rng.permutation(np.repeat(np.arange(n_categories), MIN_CATEGORY_COUNT))
    frame = pd.DataFrame({"x": rng.normal(size=n_rows),
                          "id": pd.Categorical(codes)})
    y = rng.normal(size=n_rows)
    model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=1, batch_size=50_000,
                          random_state=0, categorical_features=["id"])
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(frame, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(model.categories_[0]) == n_categories
    parameter_bytes = model.coefs_[0].nbytes
    one_hot_bytes = n_rows * n_categories * 8
    # 16 parameter copies and 40 bytes per row and column (codes, batches)
    assert peak < 16 * parameter_bytes + 40 * n_rows * frame.shape[1] * 8
    assert peak < one_hot_bytes / 1000


def test_unscaled_table_columns_are_named_in_the_warning():
    """input_scaling=None on a table warns about its numeric columns by their
    own names, though a categorical column sits between them."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=80),
                          "city": rng.choice(["x", "y"], 80),
                          "b": rng.normal(size=80) * 1e6})
    with pytest.warns(UserWarning, match="with input_scaling=None the input "
                      "columns differ in scale by a factor of 1e\\+06: 'b' has "
                      "standard deviation .*, 'a' "):
        DeepRegressor(input_scaling=None, max_iter=2, hidden_layer_sizes=(3,),
                      random_state=0).fit(frame, frame["a"])


def test_a_numeric_array_without_gaps_is_no_table():
    # a float or int array cannot hold a category or (without NaN) a gap
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    y = X[:, 0] > 0
    for data in (X, X.astype(np.float32), (X * 10).astype(np.int64)):
        model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2,
                               random_state=0).fit(data, y)
        assert "is_categorical_" not in vars(model)
    # what still reads as a table: a gap, a bool array, a named column
    gaps = X.copy()
    gaps[3, 1] = np.nan
    cases = [(gaps, {}), (X > 0, {}), (X, {"categorical_features": [0]})]
    for data, params in cases:
        model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0,
                               **params).fit(data, y)
        assert "is_categorical_" in vars(model)


def test_numeric_columns_convert_in_place_whatever_their_mix_of_types():
    # NumPy's numbers and bools convert as one block, pandas' nullable types
    # and numbers stored as text column by column: the result keeps each
    # column in its place, against pandas' own conversion of each column
    from skdeep.estimators._frames import numeric_values

    frame = pd.DataFrame({
        "f32": np.array([1.5, np.nan, -2.0], dtype=np.float32),
        "nullable": pd.array([1, None, 3], dtype="Int64"),
        "i64": np.array([4, 5, 6]),
        "text": pd.Series(["7", "8.5", None], dtype=object),
        "flag": np.array([True, False, True]),
        "f64": np.array([0.25, 1e300, np.nan]),
    })
    columns = np.array([5, 0, 3, 2, 1, 4])  # interleaved, and out of order
    got = numeric_values(DeepRegressor(), frame, columns)
    want = np.column_stack([
        pd.to_numeric(frame.iloc[:, j]).to_numpy(dtype=np.float64, na_value=np.nan)
        for j in columns])
    np.testing.assert_array_equal(got, want)
    assert got.flags.f_contiguous
