"""The command line speaks in its own flags, and its data errors are as precise
for ``predict`` as for ``train``."""

import re

import numpy as np
import pandas as pd
import pytest

from skdeep.cli import build_parser
from skdeep.datasets import load_shot_log

# scikit-learn's and skdeep's Python spellings that have a CLI flag, or none
PYTHON_WORDS = re.compile(r"max_iter|early_stopping|learning_rate_init|columns=|"
                          r"hidden_layer_sizes|random_state|validation_fraction|"
                          r"X_val|tol=")


def _options(command):
    parser = build_parser()
    subparsers = next(action for action in parser._actions
                      if action.__class__.__name__ == "_SubParsersAction")
    sub = subparsers.choices[command]
    return sub, {flag for action in sub._actions for flag in action.option_strings}


@pytest.mark.parametrize("command", ["train", "fit-csv", "predict", "export",
                                     "datasets"])
def test_help_mentions_only_options_the_command_has(command):
    sub, options = _options(command)
    mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", sub.format_help()))
    assert mentioned <= options, mentioned - options


def test_convergence_note_names_cli_flags(tmp_path, shots_csv, cli):
    status, out, _ = cli("train", shots_csv, "--target", "shot_result",
                         "--hidden", "4", "--max-iter", "1", "--quiet",
                         "--output", tmp_path / "m.skdeep")
    assert status == 0
    note = next(line for line in out.splitlines() if "reached" in line)
    assert "--max-iter" in note and "--early-stopping" in note
    assert not PYTHON_WORDS.search(note), note


def test_fit_csv_text_column_error_names_no_python_parameter(tmp_path, cli):
    frame = load_shot_log(as_frame=True).frame.head(50).copy()
    frame["shot_dist"] = frame["shot_dist"].astype(object)
    frame.loc[3, "shot_dist"] = "far"
    path = tmp_path / "text.csv"
    frame.to_csv(path, index=False)
    status, _, err = cli("fit-csv", path, "--target", "shot_result",
                         "--output", tmp_path / "m.skdeep")
    assert status == 2 and "'shot_dist'" in err and "line 5" in err
    assert not PYTHON_WORDS.search(err), err


def test_early_stopping_on_too_few_rows_names_cli_flags(tmp_path, cli):
    frame = load_shot_log(as_frame=True).frame.head(12)
    path = tmp_path / "few.csv"
    frame.to_csv(path, index=False)
    status, _, err = cli("train", path, "--target", "shot_result",
                         "--task", "regression", "--early-stopping",
                         "--output", tmp_path / "m.skdeep")
    assert status == 2 and "--early-stopping" in err
    assert not PYTHON_WORDS.search(err), err


@pytest.mark.parametrize("early_stopping", [[], ["--early-stopping"]],
                         ids=["auto", "explicit"])
def test_an_unstratified_split_names_cli_flags(tmp_path, cli, early_stopping):
    # 801 rows (640 for training after train's 20% test rows), one class with
    # a single sample: the early-stopping split ('auto' holds one out above
    # 500 training rows) cannot be stratified
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(801, 3)), columns=["a", "b", "c"])
    frame["label"] = ["x"] * 400 + ["y"] * 400 + ["z"]
    path = tmp_path / "lone.csv"
    frame.to_csv(path, index=False)
    status, out, err = cli("train", path, "--target", "label", "--hidden", "4",
                           "--max-iter", "2", "--quiet", *early_stopping,
                           "--output", tmp_path / "m.skdeep")
    assert status == 0
    [note] = [line for line in out.splitlines() if "is not stratified" in line]
    assert "class 'z' has a single sample" in note
    assert note.endswith("collect more samples of that class, or pass "
                         "--no-early-stopping."), note
    if not early_stopping:
        assert "(--early-stopping is on by default above 500 training rows)" in note
    assert not PYTHON_WORDS.search(note) and "=False" not in note, note


@pytest.mark.parametrize("fix", [
    "pass X_val and y_val to fit, raise validation_fraction, or set "
    "early_stopping=False",
    "pass X_val and y_val to fit, or lower validation_fraction"])
def test_the_split_size_fixes_read_as_cli_flags(fix):
    from skdeep.cli._words import cli_words

    said = cli_words(f"the split is not stratified; {fix}.")
    assert said == ("the split is not stratified; add rows, or pass "
                    "--no-early-stopping.")


@pytest.fixture
def shots_model(tmp_path, shots_csv, cli):
    path = tmp_path / "shots.skdeep"
    status, _, _ = cli("train", shots_csv, "--target", "shot_result",
                       "--hidden", "4", "--max-iter", "2", "--quiet",
                       "--output", path)
    assert status == 0
    return path


def _new_rows(tmp_path, change):
    frame = load_shot_log(as_frame=True).frame.head(20).drop(
        columns="shot_result").astype({"shot_dist": object})
    changed = change(frame)  # edits the frame in place, or returns a new one
    frame = frame if changed is None else changed
    path = tmp_path / "new.csv"
    frame.to_csv(path, index=False)
    return path


def test_predict_names_a_typo_and_its_line_as_train_does(tmp_path, shots_model, cli):
    path = _new_rows(tmp_path, lambda frame: frame.__setitem__(
        "shot_dist", frame["shot_dist"].where(frame.index != 4, "4o")))
    status, out, err = cli("predict", shots_model, path)
    assert status == 2 and out == ""
    assert "column 'shot_dist'" in err and "'4o' (line 6)" in err
    assert "could not convert" not in err


def test_predict_reports_filled_missing_cells(tmp_path, shots_model, cli):
    def holes(frame):
        frame.loc[[2, 5], "shot_dist"] = np.nan
        frame.loc[3, "dribbles"] = np.nan

    status, out, err = cli("predict", shots_model, _new_rows(tmp_path, holes))
    assert status == 0 and len(pd.read_csv(__import__("io").StringIO(out))) == 20
    assert ("note: missing values: 'dribbles' 1, 'shot_dist' 2; filled with the "
            "column's mean over the training rows") in err


def test_predict_suggests_the_column_a_typo_meant(tmp_path, shots_model, cli):
    path = _new_rows(tmp_path, lambda frame: frame.rename(
        columns={"shot_dist": "shot_dst"}))
    status, _, err = cli("predict", shots_model, path)
    assert status == 2
    assert "missing 'shot_dist' (is 'shot_dst' that column?)" in err
