"""``skdeep train`` never guesses silently about the data: missing
targets, stray text in numeric columns, missing feature values,
identifier columns, and checks that need only the target."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from skdeep.cli import _train
from skdeep.persistence import load

QUICK = ["--hidden", "4", "--max-iter", "2", "--quiet"]


def before_training(out):
    """The lines printed before the network's summary."""
    return out.split('Model: "')[0]


@pytest.fixture
def cancer():
    return load_breast_cancer(as_frame=True).frame


def write(tmp_path, frame, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


# -- item 3: missing targets ---------------------------------------------------
def test_missing_targets_keep_classification_and_are_counted(tmp_path, cancer, cli):
    frame = cancer.astype({"target": float})
    blank = [3, 50, 100, 200, 300, 400]
    frame.loc[blank, "target"] = np.nan
    path = write(tmp_path, frame)
    model = tmp_path / "m.skdeep"
    status, out, _ = cli("train", path, "--target", "target", *QUICK,
                         "--output", model)
    assert status == 0
    head = before_training(out)
    assert head.startswith("DeepClassifier (classification)")
    assert "dropped 6 rows whose target is missing (lines 5, 52, 102, 202, 302 " \
           "and 1 more)" in head
    assert f"{len(frame) - 6} rows" in head
    np.testing.assert_array_equal(load(model).classes_, [0, 1])  # ints, not 0.0


@pytest.mark.parametrize("spelling", [("True", "False"), ("yes", "no")])
def test_boolean_and_text_targets_with_gaps_are_classes(tmp_path, cancer,
                                                        spelling, cli):
    frame = cancer.astype({"target": object})
    frame["target"] = np.where(cancer["target"] == 1, *spelling).astype(object)
    frame.loc[[7, 70], "target"] = np.nan
    model = tmp_path / "m.skdeep"
    status, out, _ = cli("train", write(tmp_path, frame), "--target",
                         "target", *QUICK, "--output", model)
    assert status == 0
    head = before_training(out)
    assert head.startswith("DeepClassifier (classification)")
    assert "dropped 2 rows whose target is missing" in head
    assert len(load(model).classes_) == 2


def test_task_option_still_overrides(tmp_path, cancer, cli):
    frame = cancer.astype({"target": float})
    frame.loc[[1, 2], "target"] = np.nan
    status, out, _ = cli("train", write(tmp_path, frame), "--target",
                         "target", "--task", "regression", *QUICK, "--output",
                         tmp_path / "m.skdeep")
    assert status == 0
    assert out.startswith("DeepRegressor (regression)")


# -- item 4: stray text in a numeric column ------------------------------------
def test_stray_text_in_a_numeric_column_is_refused(tmp_path, cancer, cli,
                                                   one_line_error):
    frame = cancer.astype({"mean radius": object})
    frame.loc[5, "mean radius"] = "unknown"
    frame.loc[9, "mean radius"] = "?"
    status, out, err = cli("train", write(tmp_path, frame), "--target",
                           "target", *QUICK, "--output", tmp_path / "m.skdeep")
    one_line_error(status, err, "column 'mean radius' is numeric except for 2 "
                   "value(s): 'unknown' (line 7), '?' (line 11)",
                   "--categorical 'mean radius'")
    assert out == ""


def test_categorical_option_accepts_a_text_column(tmp_path, cli, one_line_error):
    rng = np.random.default_rng(0)
    codes = rng.integers(1, 4, size=120).astype(object)
    codes[7] = "unknown"
    frame = pd.DataFrame({"x": rng.normal(size=120), "code": codes,
                          "y": rng.integers(0, 2, size=120)})
    path = write(tmp_path, frame)
    status, _, err = cli("train", path, "--target", "y", *QUICK,
                         "--output", tmp_path / "a.skdeep")
    one_line_error(status, err, "'unknown' (line 9)")
    model = tmp_path / "b.skdeep"
    status, out, _ = cli("train", path, "--target", "y", *QUICK,
                         "--output", model, "--categorical", "code")
    assert status == 0
    assert "1 numeric (scaled) and 1 categorical (embedded)" in out
    # text categories; "unknown", in one row, shares the 'other' row
    assert load(model).categories_[0].tolist() == ["1", "2", "3"]


def test_missing_value_spellings_are_missing_not_text(tmp_path, cli):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=60).round(3).astype(object),
                          "y": [0, 1] * 30})
    frame.loc[[2, 4, 6], "x"] = ["n/a", "NA", ""]
    status, out, _ = cli("train", write(tmp_path, frame), "--target", "y",
                         *QUICK, "--output", tmp_path / "m.skdeep")
    assert status == 0
    assert "1 numeric (scaled) and 0 categorical" in out
    assert "missing values: 'x' 3; filled with the column's mean" in \
        before_training(out)


# -- item 5: missing feature values are reported -------------------------------
def test_missing_feature_values_are_reported_first(tmp_path, cli):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80),
                          "city": rng.choice(["Oslo", "Rome"], size=80),
                          "y": rng.normal(size=80)})
    frame.loc[:3, "a"] = np.nan
    frame.loc[10, "b"] = np.nan
    frame.loc[[20, 21], "city"] = np.nan
    status, out, _ = cli("train", write(tmp_path, frame), "--target", "y",
                         *QUICK, "--output", tmp_path / "m.skdeep")
    assert status == 0
    lines = before_training(out).splitlines()
    assert lines[1:3] == [
        "note: missing values: 'a' 4, 'b' 1; filled with the column's mean over "
        "the training rows",
        "note: missing values: 'city' 2; encoded as a category of their own",
    ]


# -- item 6: identifier columns --------------------------------------------------
def _with_ids(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_rows, 3))
    return pd.DataFrame({"customer_id": [f"C{i:07d}" for i in range(n_rows)],
                         "a": x[:, 0], "b": x[:, 1], "c": x[:, 2],
                         "y": (x.sum(axis=1) > 0).astype(int)})


def test_identifier_column_is_left_out_and_named(tmp_path, cli):
    path = write(tmp_path, _with_ids(300))
    model = tmp_path / "m.skdeep"
    status, out, _ = cli("train", path, "--target", "y", *QUICK,
                         "--output", model)
    assert status == 0
    assert "note: left out 'customer_id': text with a different value in most " \
           "rows" in before_training(out)
    assert "3 numeric (scaled) and 0 categorical" in out
    assert list(load(model).feature_names_in_) == ["a", "b", "c"]
    status, out, err = cli("predict", model, path)
    assert status == 0 and "'customer_id'" in err  # ignored with a note
    assert len(pd.read_csv(pd.io.common.StringIO(out))) == 300


def test_many_categories_are_embedding_rows(tmp_path, cli):
    """200 real categories in 1000 rows (not an identifier): each seen in at
    least MIN_CATEGORY_COUNT rows has a weight row, the rarer ones share the
    'other' row; no one-hot columns are built (the earlier pipeline bounded
    them to 50; tests/cli/test_train_tables.py trains 100,000 categories)."""
    from skdeep.estimators.contract import MIN_CATEGORY_COUNT

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=1000),
                          "shop": [f"shop{i}" for i in rng.integers(0, 200, 1000)],
                          "y": rng.normal(size=1000)})
    path = write(tmp_path, frame)
    model = tmp_path / "m.skdeep"
    status, _, _ = cli("train", path, "--target", "y", *QUICK, "--output",
                       model)
    assert status == 0
    fitted = load(model)
    training_rows, *_ = _train.split(frame.drop(columns="y"), frame["y"],
                                     "regression", 0.2, 0)
    counts = training_rows["shop"].value_counts()
    assert fitted.categories_[0].tolist() == sorted(
        counts.index[counts >= MIN_CATEGORY_COUNT])
    assert fitted.coefs_[0].shape[0] == 1 + len(fitted.categories_[0]) + 2


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(),
                    reason="reads the peak resident size from Linux's /proc")
def test_twenty_thousand_rows_with_an_id_column_stay_under_500_mb(tmp_path, repo_env):
    """Peak resident memory of a whole training run in a fresh interpreter."""
    path = write(tmp_path, _with_ids(20_000))
    argv = ["train", str(path), "--target", "y", "--hidden", "16", "--max-iter",
            "2", "--quiet", "--output", str(tmp_path / "m.skdeep")]
    # VmHWM is the peak resident size of this process's own memory; ru_maxrss
    # is not, on Linux it carries the parent's size across fork and exec
    script = ("from skdeep.cli import main\n"
              f"status = main({argv!r})\n"
              "status_lines = open('/proc/self/status').read().splitlines()\n"
              "peak_kb = next(line.split()[1] for line in status_lines\n"
              "               if line.startswith('VmHWM:'))\n"
              "print(status, peak_kb)\n")
    result = subprocess.run([sys.executable, "-c", script], env=repo_env,
                            capture_output=True, text=True, timeout=600)
    status, peak_kb = result.stdout.split()[-2:]
    assert status == "0", result.stderr
    assert int(peak_kb) < 500 * 1024, f"peak {int(peak_kb) / 1024:.0f} MB"


# -- item 8: checks on the target come first; --max-rows -----------------------
def test_one_class_target_fails_before_the_features_are_read(tmp_path,
                                                              monkeypatch, cli,
                                                             one_line_error):
    frame = pd.DataFrame({"x": np.arange(50.0), "y": ["spam"] * 50})
    path = write(tmp_path, frame)

    def no_full_read(*args, **kwargs):
        raise AssertionError("the whole file was parsed")

    monkeypatch.setattr(_train, "read_csv", no_full_read)
    status, _, err = cli("train", path, "--target", "y", "--output",
                         tmp_path / "m.skdeep")
    one_line_error(status, err, "column 'y' has one class ('spam') in all 50 "
                   "rows", "at least two")


def test_max_rows_stops_a_large_file(tmp_path, monkeypatch, cli, one_line_error):
    frame = pd.DataFrame({"x": np.arange(101.0), "y": [0, 1] * 50 + [0]})
    path = write(tmp_path, frame)
    status, out, err = cli("train", path, "--target", "y", "--max-rows",
                           "100", "--output", tmp_path / "m.skdeep")
    one_line_error(status, err, "more than 100 rows, the --max-rows limit "
                   "(default 1,000,000)", "skdeep fit-csv")
    status, _, _ = cli("train", path, "--target", "y", "--max-rows", "101",
                       *QUICK, "--output", tmp_path / "m.skdeep")
    assert status == 0


@pytest.mark.parametrize("command", ["train", "fit-csv"])
def test_an_identifier_as_target_is_named_before_training(tmp_path,
                                                          monkeypatch, command, cli,
                                                          one_line_error):
    path = write(tmp_path, _with_ids(300))
    monkeypatch.setattr(_train, "read_csv", lambda *args, **kwargs: pytest.fail(
        "the whole file was parsed"))
    status, out, err = cli(command, path, "--target", "customer_id",
                           "--output", tmp_path / "m.skdeep")
    one_line_error(status, err, "column 'customer_id' has 300 distinct values in "
                   "300 rows", "looks like an identifier", "another --target")
    assert 'Model: "' not in out and not (tmp_path / "m.skdeep").exists()
