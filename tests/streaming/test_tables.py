"""fit_csv on raw tables: text and bool columns learned as categories, empty
cells as missing values, the plan fixed by the first chunk unless
``categories`` lists the categories, and a chunk whose column changed type
refused by its lines (the checks of ``_columns``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
CITIES = ["lyon", "nice", "oslo", "rome"]


def _table(n_rows=400, seed=0):
    """Numbers with gaps, a text column with gaps, a bool column."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"income": rng.normal(5e4, 1e4, n_rows).round(2),
                          "age": rng.normal(40, 12, n_rows).round(1),
                          "city": rng.choice(CITIES, n_rows),
                          "member": rng.random(n_rows) < 0.4})
    frame.loc[::7, "age"] = np.nan
    frame.loc[::11, "city"] = np.nan
    frame["spend"] = (frame["income"] / 1e4 + frame["city"].isin(["oslo"]) * 2
                      + frame["member"] + rng.normal(0, 0.1, n_rows)).round(3)
    return frame


def _write(tmp_path, frame, name="table.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _regressor(**params):
    return DeepRegressor(**{"hidden_layer_sizes": (8,), "random_state": 0,
                            "batch_size": 50, **params})


def _same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.coefs_ + a.intercepts_,
                                                     b.coefs_ + b.intercepts_))


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_one_chunk_with_listed_categories_is_fit_on_the_frame_bit_for_bit(
        tmp_path, cls):
    """One chunk and ``n_passes`` epochs equal ``fit`` with ``max_iter`` epochs
    on the file read whole, weights and predictions bit for bit (``tol=0``:
    fit would otherwise stop on a plateau that partial_fit does not watch)."""
    path = _write(tmp_path, _table())
    frame = pd.read_csv(path)
    X = frame.drop(columns="spend")
    y = frame["spend"] if cls is DeepRegressor else frame["spend"] > 6
    params = {"hidden_layer_sizes": (8,), "random_state": 0, "tol": 0,
              "categories": {"city": CITIES, "member": [False, True]}}
    whole = cls(max_iter=4, **params).fit(X, y)
    if cls is DeepClassifier:
        path = _write(tmp_path, X.assign(spend=y), "labels.csv")
    streamed = fit_csv(cls(**params), path, target="spend", chunksize=10_000,
                       n_passes=4)
    assert _same_weights(whole, streamed)
    for a, b in zip(whole.categories_, streamed.categories_):
        np.testing.assert_array_equal(a, b)
    for name in ("fill_values_", "input_offset_", "input_scale_"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(streamed, name))
    method = "predict" if cls is DeepRegressor else "predict_proba"
    np.testing.assert_array_equal(getattr(whole, method)(X),
                                  getattr(streamed, method)(X))


def test_listed_categories_are_the_whole_files_auto_ones_the_first_chunks(
        tmp_path):
    """Chunk 1 lacks 'rome', first seen in chunk 3: 'auto' learns chunk 1's
    categories and maps 'rome' to the 'other' row; listed, 'rome' has a row,
    trained from chunk 3 on, as ``fit`` on the whole file would have it."""
    frame = _table()
    frame.loc[:199, "city"] = frame.loc[:199, "city"].replace("rome", "nice")
    path = _write(tmp_path, frame)
    whole = _regressor(max_iter=1).fit(pd.read_csv(path).drop(columns="spend"),
                                       frame["spend"])
    assert whole.categories_[0].tolist() == CITIES
    auto = fit_csv(_regressor(), path, target="spend", chunksize=100, n_passes=2)
    assert auto.categories_[0].tolist() == ["lyon", "nice", "oslo"]
    rome = frame[frame["city"] == "rome"].drop(columns="spend").head(5)
    np.testing.assert_array_equal(auto.predict(rome),
                                  auto.predict(rome.assign(city="never seen")))
    listed = fit_csv(_regressor(categories={"city": CITIES}), path,
                     target="spend", chunksize=100, n_passes=2)
    for a, b in zip(listed.categories_, whole.categories_):
        np.testing.assert_array_equal(a, b)
    assert listed.coefs_[0][2 + 1 + CITIES.index("rome")].any()
    assert not np.array_equal(listed.predict(rome),
                              listed.predict(rome.assign(city="never seen")))


def test_gaps_and_text_train_and_fill_with_the_first_chunks_means(tmp_path):
    frame = _table()
    path = _write(tmp_path, frame)
    model = fit_csv(_regressor(), path, target="spend", chunksize=100)
    assert model.is_categorical_.tolist() == [False, False, True, True]
    np.testing.assert_allclose(model.fill_values_,
                               frame.loc[:99, ["income", "age"]].mean())
    assert model.missing_indicator_features_.tolist() == [1]  # age
    assert np.isfinite(model.predict(frame.drop(columns="spend"))).all()


def test_a_gap_first_seen_in_a_later_chunk_is_filled(tmp_path):
    """A first chunk of complete numbers still fixes a table plan (partial_fit
    on a DataFrame), so a later empty cell is a missing value, not an error."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    frame["y"] = frame["a"] - frame["b"]
    frame.loc[250, "a"] = np.nan
    model = fit_csv(_regressor(), _write(tmp_path, frame), target="y",
                    chunksize=100)
    assert model.missing_indicator_features_.tolist() == []
    assert np.isfinite(model.predict(frame.drop(columns="y"))).all()


def test_category_lists_with_duplicates_or_gaps_are_refused_before_training(
        tmp_path):
    path = _write(tmp_path, _table())
    for given, message in (({"city": ["lyon", "lyon"]}, "more than once"),
                           ({"city": ["lyon", None]}, "missing value"),
                           ({"income": [1.0]}, "not categorical")):
        model = _regressor(categories=given)
        with pytest.raises(ValueError, match=f"lines 2-101 of .*{message}"):
            fit_csv(model, path, target="spend", chunksize=100)
        assert not hasattr(model, "n_features_in_")


def test_a_typo_in_chunk_3_names_its_line_and_trains_nothing(tmp_path):
    frame = _table().astype({"income": object})
    frame.loc[250, "income"] = "4o"  # line 252, in chunk 3 of 100 rows
    path = _write(tmp_path, frame)
    model = _regressor()
    with pytest.raises(ValueError, match=r"column 'income' of .*table.csv' held "
                       r"numbers when the model was first fitted, but holds text "
                       r"on 1 line\(s\) of lines 202-301: '4o' \(line 252\)\. If "
                       "that is a typo, correct the cells or empty them"):
        fit_csv(model, path, target="spend", chunksize=100)
    assert not hasattr(model, "n_features_in_")


def test_a_typo_in_chunk_1_names_its_line(tmp_path):
    frame = _table().astype({"income": object})
    frame.loc[5, "income"] = "4o"
    with pytest.raises(ValueError, match=r"lines 2-101 of .*column 'income' is "
                       r"numeric except for 1 value\(s\): '4o' \(line 7\), a typo"):
        fit_csv(_regressor(), _write(tmp_path, frame), target="spend",
                chunksize=100)


def test_a_column_that_turns_to_text_later_is_refused_with_the_fix(tmp_path):
    """Codes that are numbers in chunk 1 and gain letters in chunk 3: refused
    naming the lines; read as text, as the message says, they train."""
    frame = _table()
    frame["code"] = [f"{100 + i % 6}" for i in range(len(frame))]
    frame.loc[200:, "code"] = "A" + frame.loc[200:, "code"]
    path = _write(tmp_path, frame)
    with pytest.raises(ValueError, match=r"column 'code' .* held numbers .* holds "
                       r"text on 100 line\(s\) of lines 202-301: 'A102' \(line "
                       r"202\).*read_csv_kwargs=\{'dtype': \{'code': str\}\}"):
        fit_csv(_regressor(), path, target="spend", chunksize=100)
    model = fit_csv(_regressor(categorical_features=["city", "member", "code"]),
                    path, target="spend", chunksize=100,
                    read_csv_kwargs={"dtype": {"code": str}})
    assert model.categories_[2].tolist() == [f"{100 + i}" for i in range(6)]


def test_numeric_categories_that_gain_text_are_refused(tmp_path):
    frame = _table()
    frame["zone"] = [3, 7] * (len(frame) // 2)
    frame = frame.astype({"zone": object})
    frame.loc[300, "zone"] = "7b"
    path = _write(tmp_path, frame)
    with pytest.raises(ValueError, match=r"column 'zone' .* held categories that "
                       r"are numbers .*'7b' \(line 302\)"):
        fit_csv(_regressor(categorical_features=["city", "member", "zone"]), path,
                target="spend", chunksize=100)


def test_a_text_column_stays_text_in_a_chunk_that_looks_numeric(tmp_path):
    """Postcodes are text in chunk 1 ('F-75'); chunk 2 holds only '01234',
    which pandas would read as the number 1234: fit_csv reads the column as
    text in every chunk, as the whole file is read."""
    frame = _table(200)
    frame["post"] = np.where(np.arange(200) % 2, "F-75", "01234")
    frame.loc[100:, "post"] = "01234"
    path = _write(tmp_path, frame)
    model = fit_csv(_regressor(), path, target="spend", chunksize=100)
    assert model.categories_[2].tolist() == ["01234", "F-75"]
    reference = _regressor()
    for chunk in pd.read_csv(path, chunksize=100, dtype={"post": str}):
        reference.partial_fit(chunk.drop(columns="spend"), chunk["spend"])
    assert _same_weights(model, reference)


def test_a_later_chunk_of_a_bool_column_with_gaps_is_read_as_bools(tmp_path):
    frame = _table(300).astype({"member": object})
    frame.loc[250, "member"] = np.nan  # chunk 3: object True/False/NaN
    model = fit_csv(_regressor(), _write(tmp_path, frame), target="spend",
                    chunksize=100)
    assert model.categories_[1].tolist() == [False, True]


def test_a_scaler_is_for_numeric_columns_only(tmp_path):

    with pytest.raises(ValueError, match=r"scaler= takes numeric columns only, "
                       r"and column\(s\) \['city', 'member'\] hold text or "
                       "booleans. Drop scaler="):
        fit_csv(_regressor(), _write(tmp_path, _table()), target="spend",
                scaler=StandardScaler())
