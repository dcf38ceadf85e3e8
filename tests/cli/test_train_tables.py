"""``skdeep train``, ``fit-csv`` and ``predict`` pass the raw columns to the
estimator, which is the one implementation of scaling, categories and gaps
(issue 23 item 4); what they say about the data stays (issue 22 item 4)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdeep import DeepClassifier, DeepRegressor, load

QUICK = ["--hidden", "6", "--max-iter", "3", "--quiet"]
CITIES = ["lyon", "nice", "oslo", "rome"]


def _customers(n_rows=300, seed=0):
    """Numbers with gaps, text with gaps, a bool, codes with leading zeros
    (numbers to pandas), an identifier, and a class target."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(n_rows)],
        "income": rng.normal(5e4, 1e4, n_rows).round(2),
        "age": rng.normal(40, 12, n_rows).round(1),
        "city": rng.choice(CITIES, n_rows),
        "member": rng.random(n_rows) < 0.4,
        "code": rng.choice(["01", "02", "03"], n_rows),
    })
    frame.loc[::7, "age"] = np.nan
    frame.loc[::11, "city"] = np.nan
    score = frame["income"] / 1e4 + (frame["city"] == "oslo") * 2 + frame["member"]
    frame["churn"] = np.where(score > score.median(), "yes", "no")
    return frame


def _write(tmp_path, frame, name="customers.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def table_model(tmp_path, cli):
    path = _write(tmp_path, _customers())
    model = tmp_path / "m.skdeep"
    status, out, err = cli("train", path, "--target", "churn", *QUICK,
                           "--categorical", "code", "--output", model)
    assert status == 0, err
    return path, model, out


def test_train_saves_the_estimator_fitted_on_the_raw_columns(table_model):
    path, model_path, out = table_model
    head = out.split('Model: "')[0]
    assert head.startswith("DeepClassifier (classification) predicting 'churn' "
                           "from 2 numeric (scaled) and 3 categorical (embedded) "
                           "columns")
    assert "note: left out 'customer_id': text with a different value" in head
    assert ("note: missing values: 'age' 43; filled with the column's mean over "
            "the training rows") in head
    assert "note: missing values: 'city' 28; encoded as a category of their own" \
        in head
    assert ("Inputs: 2 numeric, 1 missing indicator(s), 3 embedding(s): city (4 "
            "categories + other + missing), member (2 categories + other + "
            "missing), code (3 categories + other + missing)") in out
    model = load(model_path)
    assert type(model) is DeepClassifier  # no Pipeline: one implementation
    assert model.categorical_features == ["city", "member", "code"]
    assert list(model.feature_names_in_) == ["income", "age", "city", "member",
                                             "code"]
    # --categorical codes keep the file's text: '01', not the number 1
    assert model.categories_[2].tolist() == ["01", "02", "03"]


def test_predict_equals_the_model_on_the_file_read_in_python(tmp_path, table_model,
                                                             cli):
    path, model_path, _ = table_model
    status, out, err = cli("predict", model_path, path, "--proba",
                           "--output", tmp_path / "p.csv")
    assert status == 0, err
    model = load(model_path)
    rows = pd.read_csv(path, dtype={"code": str}).drop(columns=["churn",
                                                               "customer_id"])
    # to the CSV text's 17 significant digits
    np.testing.assert_allclose(pd.read_csv(tmp_path / "p.csv").to_numpy(),
                               model.predict_proba(rows), rtol=1e-15)
    assert "note: ignoring columns not seen in training: 'customer_id', 'churn'" \
        in err
    assert ("note: missing values: 'age' 43; filled with the column's mean over "
            "the training rows") in err
    assert "note: missing values: 'city' 28; encoded as a category of their own" \
        in err


def test_predict_notes_categories_without_a_row_of_their_own(tmp_path, table_model,
                                                             cli):
    _, model_path, _ = table_model
    rows = _customers(6, seed=1).drop(columns="churn")
    rows.loc[[1, 4], "city"] = ["paris", "berlin"]
    status, _, err = cli("predict", model_path, _write(tmp_path, rows,
                                                                "new.csv"))
    assert status == 0, err
    assert ("note: 'city': 2 value(s) without a category of their own in "
            "training: 'paris' (line 3), 'berlin' (line 6); read as the column's "
            "'other' category") in err


def test_predict_names_a_typo_and_a_misspelt_column_as_train_does(
        tmp_path, table_model, cli, one_line_error):
    _, model_path, _ = table_model
    rows = _customers(8, seed=2).drop(columns=["churn", "customer_id"]).astype(
        {"income": object})
    rows.loc[5, "income"] = "4o"
    status, out, err = cli("predict", model_path, _write(tmp_path, rows,
                                                                  "typo.csv"))
    one_line_error(status, err, "column 'income' held numbers in training but "
                   "has 1 value(s): '4o' (line 7) that are not numbers")
    assert out == ""
    renamed = rows.drop(columns="income").rename(columns={"city": "cty"})
    status, _, err = cli("predict", model_path, _write(tmp_path, renamed,
                                                                "renamed.csv"))
    one_line_error(status, err, "missing 'income', 'city' (is 'cty' that column?)")


def test_the_saved_model_in_python_says_it_needs_a_data_frame(table_model):
    path, model_path, _ = table_model
    model = load(model_path)
    rows = pd.read_csv(path, dtype={"code": str})[list(model.feature_names_in_)]
    with pytest.raises(ValueError, match=r"DeepClassifier was fitted on a DataFrame "
                       r"with categorical column\(s\) \['city', 'member', 'code'\] "
                       r"and missing-value indicators for \['age'\], so X must be "
                       r"a DataFrame with the columns \['income', 'age', 'city', "
                       r"'member', 'code'\]; got a ndarray.*pandas.DataFrame\(X, "
                       r"columns=model.feature_names_in_\)"):
        model.predict(rows.to_numpy())
    assert model.predict(rows).shape == (len(rows),)


def test_a_numeric_train_model_fills_gaps_and_reads_arrays_by_position(
        tmp_path, cli):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    frame["y"] = 3 * frame["a"] - frame["b"]
    model_path = tmp_path / "r.skdeep"
    status, out, _ = cli("train", _write(tmp_path, frame), "--target", "y",
                         *QUICK, "--output", model_path)
    assert status == 0 and "2 numeric (scaled) and 0 categorical" in out
    model = load(model_path)
    assert type(model) is DeepRegressor
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        by_position = model.predict(frame[["a", "b"]].to_numpy())
    np.testing.assert_array_equal(by_position, model.predict(frame[["a", "b"]]))
    holes = frame.head(5).copy()
    holes.loc[[1, 3], "a"] = np.nan
    status, out, err = cli("predict", model_path,
                           _write(tmp_path, holes, "holes.csv"))
    assert status == 0
    assert "note: missing values: 'a' 2; filled with the column's mean" in err
    filled = holes.fillna({"a": model.fill_values_[0]})[["a", "b"]]
    np.testing.assert_allclose(pd.read_csv(pd.io.common.StringIO(out))["prediction"],
                               model.predict(filled), rtol=1e-15)


# -- fit-csv -----------------------------------------------------------------------
def _stream(n_rows=600, seed=0):
    """As _customers, with 'rome' first seen at line 402 (chunk 5 of 100)."""
    frame = _customers(n_rows, seed).drop(columns="code")
    early = frame.index < 400
    frame.loc[early, "city"] = frame.loc[early, "city"].replace("rome", "nice")
    return frame


def test_fit_csv_trains_on_raw_columns_with_the_whole_files_categories(
        tmp_path, cli):
    frame = _stream()
    path = _write(tmp_path, frame)
    model_path = tmp_path / "s.skdeep"
    status, out, err = cli("fit-csv", path, "--target", "churn", "--hidden",
                           "6", "--passes", "2", "--chunksize", "100",
                           "--output", model_path)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("DeepClassifier (classification) predicting 'churn' "
                               "from 2 numeric (scaled) and 2 categorical "
                               "(embedded) columns; 600 rows streamed in chunks "
                               "of 100, 2 passes")
    assert lines[1].startswith("note: left out 'customer_id'")
    assert lines[2] == ("note: missing values: 'age' 86; filled with the column's "
                        "mean over the first chunk's rows")
    assert lines[3].startswith("note: missing values: 'city' 55; encoded as a "
                               "category of their own")
    assert lines[4].startswith("pass 1/2, lines 2-101: loss ")
    model = load(model_path)
    assert type(model) is DeepClassifier
    # 'rome', first seen in chunk 5, has its row: the first pass counted it
    assert model.categories_[0].tolist() == CITIES
    assert model.categories_[1].tolist() == [False, True]
    np.testing.assert_allclose(model.fill_values_,
                               frame.loc[:99, ["income", "age"]].mean())
    status, out, _ = cli("predict", model_path, path)
    assert status == 0 and len(pd.read_csv(pd.io.common.StringIO(out))) == 600


def test_fit_csv_refuses_a_typo_in_a_later_chunk_before_training(tmp_path, cli,
                                                                 one_line_error):
    frame = _stream().astype({"income": object})
    frame.loc[350, "income"] = "4o"
    model_path = tmp_path / "s.skdeep"
    status, out, err = cli("fit-csv", _write(tmp_path, frame), "--target",
                           "churn", "--chunksize", "100", "--output", model_path)
    one_line_error(status, err, "column 'income' is numeric except for 1 "
                   "value(s): '4o' (line 352)", "--categorical 'income'")
    assert out == "" and not model_path.exists()


def test_fit_csv_categorical_reads_codes_as_text(tmp_path, cli):
    frame = _stream()
    frame["code"] = np.where(np.arange(len(frame)) % 3, "07", "10")
    model_path = tmp_path / "s.skdeep"
    status, out, err = cli("fit-csv", _write(tmp_path, frame), "--target",
                           "churn", "--chunksize", "100", "--passes", "1",
                           "--categorical", "code", "--quiet", "--output",
                           model_path)
    assert status == 0, err
    assert "2 numeric (scaled) and 3 categorical (embedded)" in out
    assert load(model_path).categories_[2].tolist() == ["07", "10"]


# -- a column of 100,000 categories: embedding rows, never one-hot columns ---------
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(),
                    reason="reads the peak resident size from Linux's /proc")
def test_a_100000_category_column_trains_in_bounded_memory(tmp_path, repo_env):
    """500,000 rows whose text column has 100,000 categories of 5 rows each
    (not an identifier): train and fit-csv give each category a weight row.
    A one-hot table of the training rows would take 320 GB in float64; the
    whole run peaks below 500 MB, imports (about 180 MB) included."""
    n_categories, repeat = 100_000, 5
    rng = np.random.default_rng(0)
    codes = rng.permutation(np.repeat(np.arange(n_categories), repeat))
    x = rng.normal(size=len(codes)).round(4)
    frame = pd.DataFrame({"x": x, "shop": [f"s{code}" for code in codes],
                          "y": (x + (codes % 7) / 7).round(4)})
    path = _write(tmp_path, frame, "shops.csv")
    script = (
        "import sys\n"
        "from skdeep.cli import main\n"
        "from skdeep import load\n"
        "common = ['--target', 'y', '--hidden', '4', '--quiet', '--overwrite']\n"
        f"assert main(['train', {str(path)!r}, *common, '--max-iter', '1', "
        f"'--output', {str(tmp_path / 't.skdeep')!r}]) == 0\n"
        f"trained = load({str(tmp_path / 't.skdeep')!r})\n"
        f"assert main(['fit-csv', {str(path)!r}, *common, '--passes', '1', "
        f"'--chunksize', '100000', '--output', {str(tmp_path / 's.skdeep')!r}]) == 0\n"
        f"streamed = load({str(tmp_path / 's.skdeep')!r})\n"
        "status_lines = open('/proc/self/status').read().splitlines()\n"
        "peak_kb = next(line.split()[1] for line in status_lines\n"
        "               if line.startswith('VmHWM:'))\n"
        "print(len(trained.categories_[0]), len(streamed.categories_[0]),\n"
        "      trained.coefs_[0].shape[0], peak_kb)\n")
    result = subprocess.run([sys.executable, "-c", script], env=repo_env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    trained, streamed, rows, peak_kb = map(int, result.stdout.split()[-4:])
    # train holds out 20% and keeps the categories of >= 5 training rows
    assert 30_000 < trained < n_categories and streamed == n_categories
    assert rows == 1 + trained + 2
    assert peak_kb < 500 * 1024, f"peak {peak_kb / 1024:.0f} MB"
