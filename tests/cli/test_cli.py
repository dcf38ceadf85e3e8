"""The ``skdeep`` command line, run in-process through ``main`` (and once as -m)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skdeep.datasets import load_shot_log, load_transactions


@pytest.fixture
def customers_csv(tmp_path):
    """Transactions with a string column and a few missing values."""
    frame = load_transactions(as_frame=True).frame.head(400).copy()
    frame["retirement_status"] = frame["retirement_status"].map(
        {0: "working", 1: "retired"})
    frame.loc[::10, "bank_balance"] = np.nan
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def shots_model(tmp_path, shots_csv, cli):
    path = tmp_path / "shots.skdeep"
    status, _, _ = cli("train", shots_csv, "--target", "shot_result",
                       "--hidden", "8", "--max-iter", "3", "--output", path)
    assert status == 0
    return path


def test_python_m_skdeep_help_lists_commands(repo_env):
    result = subprocess.run([sys.executable, "-m", "skdeep", "--help"], env=repo_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for command in ("train", "predict", "summary", "datasets", "demo"):
        assert command in result.stdout


def test_train_help_says_which_model_format(cli):
    status, out, _ = cli("train", "--help")
    assert status == 0
    assert "safe model format" in " ".join(out.split())


def test_train_prints_epochs_summary_and_scores(tmp_path, shots_csv, cli):
    model = tmp_path / "m.skdeep"
    status, out, _ = cli("train", shots_csv, "--target", "shot_result",
                         "--hidden", "8,4", "--max-iter", "3", "--output", model)
    assert status == 0
    assert "Epoch 1/3 - " in out and "Epoch 3/3 - " in out and "loss: " in out
    assert 'Model: "DeepClassifier"' in out
    # 5 inputs -> 8 -> 4 -> 2 softmax units: 48 + 36 + 10 parameters
    assert "Total params: 94" in out
    assert "held-out accuracy: " in out
    assert model.is_file()


def test_predict_and_summary_round_trip(tmp_path, shots_csv, shots_model, cli):
    from skdeep.persistence import load

    output = tmp_path / "predictions.csv"
    status, _, err = cli("predict", shots_model, shots_csv, "--output",
                         output)
    assert status == 0
    assert "'shot_result'" in err  # the target column is noted and ignored
    data = pd.read_csv(shots_csv)
    expected = load(shots_model).predict(data.drop(columns="shot_result"))
    predictions = pd.read_csv(output)
    assert list(predictions.columns) == ["prediction"]
    np.testing.assert_array_equal(predictions["prediction"], expected)

    status, out, _ = cli("predict", shots_model, shots_csv, "--proba")
    assert status == 0
    probabilities = pd.read_csv(pd.io.common.StringIO(out))
    assert list(probabilities.columns) == ["proba_0", "proba_1"]
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)

    status, out, _ = cli("summary", shots_model)
    assert status == 0
    assert 'Model: "DeepClassifier"' in out and "trained 3 epochs" in out
    assert "classes: 0, 1" in out


def test_string_columns_are_learned_as_categories(tmp_path, customers_csv, cli):
    """The string column goes to the estimator as it is, which learns it as an
    embedding (one weight row per category: the one-hot input of the earlier
    pipeline, computed as a gather)."""
    model = tmp_path / "c.skdeep"
    status, out, _ = cli("train", customers_csv, "--target",
                         "number_of_transactions", "--hidden", "8",
                         "--max-iter", "2", "--output", model)
    assert status == 0
    assert "4 numeric (scaled) and 1 categorical (embedded)" in out
    status, out, _ = cli("summary", model)
    assert "embedding(s): retirement_status (2 categories + other + missing)" in out
    new = pd.read_csv(customers_csv).head(3).assign(retirement_status="part-time")
    new.to_csv(tmp_path / "new.csv", index=False)
    status, out, _ = cli("predict", model, tmp_path / "new.csv")
    assert status == 0
    assert np.isfinite(pd.read_csv(pd.io.common.StringIO(out))["prediction"]).all()


@pytest.mark.parametrize("values, estimator", [
    (["yes", "no"] * 20, "DeepClassifier"),
    ([0, 1, 2, 3] * 10, "DeepClassifier"),
    (list(np.linspace(0.5, 20.0, 40)), "DeepRegressor"),
    (list(range(40)), "DeepRegressor"),  # 40 distinct counts are not classes
])
def test_task_auto(tmp_path, values, estimator, cli):
    path = tmp_path / "data.csv"
    pd.DataFrame({"x": np.arange(40.0), "target": values}).to_csv(path, index=False)
    status, out, _ = cli("train", path, "--target", "target", "--hidden",
                         "4", "--max-iter", "1", "--quiet", "--output",
                         tmp_path / "m.skdeep")
    assert status == 0
    assert f'Model: "{estimator}"' in out


def test_task_option_overrides_auto(tmp_path, cli):
    path = tmp_path / "data.csv"
    pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20}).to_csv(path,
                                                                        index=False)
    status, out, _ = cli("train", path, "--target", "target", "--task",
                         "regression", "--hidden", "4", "--max-iter", "1",
                         "--quiet", "--output", tmp_path / "m.skdeep")
    assert status == 0
    assert 'Model: "DeepRegressor"' in out


def _bad_inputs(tmp_path, shots_csv, shots_model):
    """(argv, text the one-line error must contain) for each kind of bad input."""
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b\n")
    (tmp_path / "garbage.skdeep").write_bytes(bytes(range(256)) * 4)
    pd.read_csv(shots_csv).drop(columns=["dribbles", "shot_dist"]).to_csv(
        tmp_path / "fewer.csv", index=False)
    return {
        "missing data file": (["train", tmp_path / "nope.csv", "--target", "y"],
                              "nope.csv: no such file"),
        "missing target": (["train", shots_csv, "--target", "made"],
                           "no column 'made'; available columns: 'shot_clock', "
                           "'dribbles', 'touch_time', 'shot_dist', "
                           "'close_def_dist', 'shot_result'"),
        "empty file": (["train", tmp_path / "empty.csv", "--target", "a"], "empty"),
        "header only": (["train", tmp_path / "header.csv", "--target", "a"],
                        "no data rows"),
        "csv as model": (["predict", shots_csv, shots_csv],
                         "not a skdeep model file"),
        "garbage model": (["summary", tmp_path / "garbage.skdeep"],
                          "not a skdeep model file"),
        "missing model": (["summary", tmp_path / "nope.skdeep"], "no such model"),
        "columns differ": (["predict", shots_model, tmp_path / "fewer.csv"],
                           "missing 'dribbles', 'shot_dist'"),
        "unknown option": (["predict", shots_model, shots_csv, "--task", "x"],
                           "unrecognized arguments: --task"),
        "missing --target": (["train", shots_csv], "--target"),
        "bad hidden": (["train", shots_csv, "--target", "shot_result", "--hidden",
                        "10,x"], "expected positive integers"),
        "unknown dataset": (["datasets", "iris"], "unknown dataset 'iris'"),
        "plot format": (["train", shots_csv, "--target", "shot_result", "--plot",
                         tmp_path / "history.xyz"], "cannot write a 'xyz' file"),
    }


@pytest.mark.parametrize("case", [
    "missing data file", "missing target", "empty file", "header only",
    "csv as model", "garbage model", "missing model", "columns differ",
    "unknown option", "missing --target", "bad hidden",
    "unknown dataset", "plot format",
])
def test_bad_input_is_one_line_and_status_2(tmp_path, shots_csv, shots_model, case,
                                            cli):
    argv, text = _bad_inputs(tmp_path, shots_csv, shots_model)[case]
    status, out, err = cli(*argv)
    assert status == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "error: " in err and text in err
    assert "Epoch" not in out


def test_class_only_in_held_out_rows(tmp_path, cli):
    """A class too rare to stratify may land only in the test rows: the scores
    are still printed (without the log loss, which needs its column)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40),
                          "label": ["p"] * 20 + ["q"] * 19 + ["r"]})
    path = tmp_path / "rare.csv"
    frame.to_csv(path, index=False)
    outcomes = set()
    for seed in range(6):
        status, out, err = cli("train", path, "--target", "label",
                               "--max-iter", "2", "--quiet", "--random-state",
                               str(seed), "--output", tmp_path / f"m{seed}.skdeep")
        assert status == 0 and "Traceback" not in err, err
        outcomes.add("log loss" in out)
    assert outcomes == {True, False}  # both placements of the rare row were seen


def test_proba_needs_a_classifier(tmp_path, customers_csv, cli):
    model = tmp_path / "r.skdeep"
    cli("train", customers_csv, "--target", "number_of_transactions",
        "--max-iter", "1", "--quiet", "--output", model)
    status, _, err = cli("predict", model, customers_csv, "--proba")
    assert status == 2
    assert "--proba needs a classifier" in err.strip().splitlines()[-1]


def test_regression_needs_numeric_target(tmp_path, cli):
    path = tmp_path / "data.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["a", "b", "a", "b"]}).to_csv(
        path, index=False)
    status, _, err = cli("train", path, "--target", "y", "--task",
                         "regression")
    assert status == 2
    assert "numeric target" in err and len(err.strip().splitlines()) == 1


def test_datasets_lists_and_writes_bundled_data(tmp_path, cli):
    status, out, _ = cli("datasets")
    assert status == 0
    assert "shot_log" in out and "3000 rows" in out
    assert "transactions" in out and "2000 rows" in out
    status, _, _ = cli("datasets", "shot_log", "--write", tmp_path)
    assert status == 0
    written = pd.read_csv(tmp_path / "shot_log.csv")
    pd.testing.assert_frame_equal(written, load_shot_log(as_frame=True).frame,
                                  check_dtype=False)
    assert not (tmp_path / "transactions.csv").exists()


def test_plot_writes_a_png(tmp_path, shots_csv, cli):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "history.png"
    status, _, _ = cli("train", shots_csv, "--target", "shot_result",
                       "--hidden", "4", "--max-iter", "2", "--early-stopping",
                       "--quiet", "--output", tmp_path / "m.skdeep", "--plot", plot)
    assert status == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_fails_before_training(tmp_path, shots_csv,
                                                       monkeypatch, cli):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    status, out, err = cli("train", shots_csv, "--target", "shot_result",
                           "--plot", tmp_path / "h.png")
    assert status == 2
    assert "pip install 'scikit-deep[plot]'" in err
    assert "Epoch" not in out


@pytest.mark.slow
def test_demo_trains_both_datasets(cli):
    status, out, _ = cli("demo")
    assert status == 0
    assert "Epoch 1/" in out and out.count("Total params") == 2
    assert "held-out accuracy: " in out
    lines = out.splitlines()
    network_r2 = float(next(line for line in lines
                            if line.startswith("held-out R^2: ")).split()[-1])
    linear_line = next(line for line in lines if "R^2 of LinearRegression" in line)
    linear_r2 = float(linear_line.split(":")[1].split()[0])
    # the transactions target is built from interactions a linear model misses
    assert network_r2 > linear_r2 + 0.3


# -- a table of bad inputs, each one line and exit 2 ----------------------------
def _more_bad_inputs(tmp_path, shots_csv):
    """(argv, text the one-line error must contain) for inputs that used to end
    in a traceback, and their neighbours."""
    import gzip
    import zipfile

    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.write(shots_csv, "a.csv")
        archive.write(shots_csv, "b.csv")
    (tmp_path / "fake.zip").write_bytes(b"not a zip at all")
    (tmp_path / "fake.csv.gz").write_bytes(b"not gzip data")
    packed = gzip.compress(shots_csv.read_bytes())
    (tmp_path / "cut.csv.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "binary.csv").write_bytes(b"a,b\n\xff\xfe\x00\x81,1\n")
    pd.DataFrame({"x": [1.0, 2.0], "y": [np.nan, np.nan]}).to_csv(
        tmp_path / "no_target.csv", index=False)
    train = ["train", shots_csv, "--target", "shot_result"]
    return {
        "zip of several CSVs": (["train", tmp_path / "two.zip", "--target", "y"],
                                "Multiple files found in ZIP file"),
        "not a zip": (["train", tmp_path / "fake.zip", "--target", "y"],
                      "fake.zip: not a readable CSV file"),
        "not gzip": (["train", tmp_path / "fake.csv.gz", "--target", "y"],
                     "fake.csv.gz: not a readable CSV file"),
        "truncated gzip": (["train", tmp_path / "cut.csv.gz", "--target",
                            "shot_result"], "cut.csv.gz: not a readable CSV file"),
        "binary file": (["train", tmp_path / "binary.csv", "--target", "a"],
                        "binary.csv: not a readable CSV file"),
        "zip to predict": (["predict", tmp_path / "m.skdeep",
                            tmp_path / "two.zip"], "no such model file"),
        "negative seed": ([*train, "--random-state", "-1"],
                          "--random-state: expected an integer from 0"),
        "huge seed": ([*train, "--random-state", str(2**32)],
                      "--random-state: expected an integer from 0"),
        "huge layer": ([*train, "--hidden", "2000000000"],
                       "at most 100,000 units per layer"),
        "huge network": ([*train, "--hidden", "50000,50000"],
                         "2,500,000,000 weights"),
        "nan rate": ([*train, "--learning-rate", "nan"],
                     "--learning-rate: expected a positive number"),
        "negative rate": ([*train, "--learning-rate", "-0.1"],
                          "--learning-rate: expected a positive number"),
        "zero max rows": ([*train, "--max-rows", "0"],
                          "--max-rows: expected a positive integer"),
        "test size 1": ([*train, "--test-size", "1"],
                        "--test-size: expected a number between 0 and 1"),
        "unknown categorical": ([*train, "--categorical", "colour"],
                                "no column 'colour'"),
        "target as categorical": ([*train, "--categorical", "shot_result"],
                                  "--categorical 'shot_result': that is the "
                                  "target"),
        "no target values": (["train", tmp_path / "no_target.csv", "--target",
                              "y"], "column 'y' has no values"),
        "directory as data": (["train", tmp_path, "--target", "y"],
                              "is a directory"),
        "directory as output": ([*train, "--output", tmp_path], "is a directory"),
        "too few rows": ([*train, "--max-rows", "2"], "more than 2 rows"),
    }


@pytest.mark.parametrize("case", [
    "zip of several CSVs", "not a zip", "not gzip", "truncated gzip",
    "binary file", "zip to predict", "negative seed", "huge seed", "huge layer",
    "huge network", "nan rate", "negative rate", "zero max rows", "test size 1",
    "unknown categorical", "target as categorical", "no target values",
    "directory as data", "directory as output", "too few rows",
])
def test_no_traceback_for_bad_input(tmp_path, shots_csv, monkeypatch,
                                    case, cli):
    """An exception escaping ``main`` is what would print a traceback: each case
    must instead end in one ``skdeep: error:`` line and exit status 2."""
    monkeypatch.chdir(tmp_path)  # the default --output stays in tmp_path
    argv, text = _more_bad_inputs(tmp_path, shots_csv)[case]
    status, out, err = cli(*argv)
    assert status == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "error: " in err and text in err, err
    assert "Epoch" not in out


@pytest.mark.slow  # a real subprocess
def test_no_traceback_on_real_stderr(tmp_path, shots_csv, repo_env):
    """The same, through a real process: what a user sees in the terminal."""
    argv = _more_bad_inputs(tmp_path, shots_csv)["zip of several CSVs"][0]
    result = subprocess.run([sys.executable, "-m", "skdeep", *map(str, argv)],
                            env=repo_env, capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("skdeep: error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# -- --version; --help without scikit-learn ------------------------------------
def test_version(cli):
    from skdeep import __version__

    status, out, _ = cli("--version")
    assert status == 0
    assert out.strip() == f"skdeep {__version__}"


@pytest.mark.slow  # a fresh interpreter per case
@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["train", "--help"], ["fit-csv", "--help"],
    ["train", "data.csv"], ["train", "data.csv", "--target", "y", "--hidden", "x"],
    ["predict"], ["frobnicate"],
])
def test_parsing_imports_neither_sklearn_nor_pandas(argv, repo_env):
    """``python -m skdeep`` imports the package first, then parses: nothing on
    that path may import scikit-learn, pandas or the estimators."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['skdeep', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('skdeep', run_name='__main__')\n"
        "except SystemExit as exit_:\n"
        "    status = exit_.code\n"
        "heavy = [name for name in ('sklearn', 'pandas', 'skdeep.estimators')\n"
        "         if name in sys.modules]\n"
        "print('STATUS', status, 'HEAVY', heavy, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], env=repo_env,
                            capture_output=True, text=True, timeout=120)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("STATUS ") and last.endswith("HEAVY []"), result.stderr
