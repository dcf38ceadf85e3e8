"""The command line's checks of a CSV's columns, made once for ``train`` and
``fit-csv``: each refusal reads the same whichever command meets it."""

import numpy as np
import pandas as pd
import pytest

from skdeep.cli import main

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")
COMMANDS = ["train", "fit-csv"]


def _error(capsys, tmp_path, command, path, *argv):
    """The one-line error ``command`` gives on ``path``, with no model saved."""
    output = tmp_path / f"{command}.skdeep"
    status = main([command, str(path), *map(str, argv), "--quiet", "--output",
                   str(output)])
    _, err = capsys.readouterr()
    assert status == 2 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not output.exists()
    return err.strip().removeprefix("skdeep: error: ")


def _numbers(n_rows, seed=0):
    x = np.random.default_rng(seed).normal(size=(n_rows, 2))
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1]})


def _with_text(n_numbers, n_rows=60):
    """A column of ``n_numbers`` small whole numbers, then text cells ('x')."""
    return [str(i % 5) for i in range(n_numbers)] + ["x"] * (n_rows - n_numbers)


def _cases(tmp_path):
    """{case: (file, extra arguments, the refusal expected)}."""
    frame = _numbers(60)
    files = {
        "plain": frame.assign(y=[0, 1] * 30),
        "text class": frame.assign(y="spam"),
        "number class": frame.assign(y=7),
        "only the target": frame[["a"]].rename(columns={"a": "y"}),
        "typos": frame.assign(n=_with_text(54), y=[0, 1] * 30),
        "identifiers only": pd.DataFrame({
            "id": [f"C{i:05d}" for i in range(60)], "y": [0, 1] * 30}),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name.replace(' ', '_')}.csv"
        data.to_csv(paths[name], index=False)
    plain = paths["plain"]
    return {
        "missing target": (plain, ["--target", "z"],
                           f"{plain}: no column 'z'; available columns: 'a', "
                           "'b', 'y'"),
        "missing categorical": (plain, ["--target", "y", "--categorical", "c"],
                                f"{plain}: no column 'c'; available columns: "
                                "'a', 'b', 'y'"),
        "target as categorical": (plain, ["--target", "y", "--categorical", "y"],
                                  "--categorical 'y': that is the target; --task "
                                  "classification makes the target labels"),
        "only the target": (paths["only the target"], ["--target", "y"],
                            f"{paths['only the target']}: no columns besides the "
                            "target 'y' to learn from"),
        "one text class": (paths["text class"], ["--target", "y"],
                           f"{paths['text class']}: column 'y' has one class "
                           "('spam') in all 60 rows with a value; a classifier "
                           "needs at least two"),
        "one number class": (paths["number class"], ["--target", "y"],
                             f"{paths['number class']}: column 'y' has one class "
                             "(7) in all 60 rows with a value; a classifier needs "
                             "at least two"),
        "identifier target": (paths["identifiers only"], ["--target", "id"],
                              f"{paths['identifiers only']}: column 'id' has 60 "
                              "distinct values in 60 rows, so it looks like an "
                              "identifier, not a target"),
        "typos": (paths["typos"], ["--target", "y"],
                  f"{paths['typos']}: column 'n' is numeric except for 6 "
                  "value(s): 'x' (line 56), 'x' (line 57)"),
        "nothing left": (paths["identifiers only"], ["--target", "y"],
                         f"{paths['identifiers only']}: no columns left to learn "
                         "from after leaving out identifier-like columns"),
    }


@pytest.mark.parametrize("case", ["missing target", "missing categorical",
                                  "target as categorical", "only the target",
                                  "one text class", "one number class",
                                  "identifier target", "typos", "nothing left"])
def test_train_and_fit_csv_refuse_a_file_in_the_same_words(tmp_path, capsys, case):
    path, argv, expected = _cases(tmp_path)[case]
    errors = {command: _error(capsys, tmp_path, command, path, *argv)
              for command in COMMANDS}
    assert errors["train"] == errors["fit-csv"]
    assert errors["train"].startswith(expected), errors["train"]


@pytest.mark.parametrize("command", COMMANDS)
def test_both_commands_note_the_identifiers_they_leave_out(tmp_path, capsys,
                                                           command):
    frame = _numbers(60).assign(id=[f"C{i:05d}" for i in range(60)],
                                y=[0, 1] * 30)
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    status = main([command, str(path), "--target", "y", "--hidden", "3",
                   "--quiet", "--output", str(tmp_path / "m.skdeep")]
                  + (["--max-iter", "2"] if command == "train" else []))
    out, _ = capsys.readouterr()
    assert status == 0
    assert ("note: left out 'id': text with a different value in most rows, like "
            "an identifier, predicts nothing for new rows") in out.splitlines()


@pytest.mark.parametrize("n_numbers, typos", [(54, True), (53, False), (51, False)])
def test_a_column_is_numbers_with_typos_as_the_estimator_judges_it(
        tmp_path, capsys, n_numbers, typos):
    """At least 90% numbers (54 of 60 cells) is numbers with typos: refused by
    both commands and by the estimator's 'from_dtype'; fewer is text, which
    they all learn as a categorical column."""
    from skdeep import DeepClassifier

    frame = _numbers(60).assign(n=_with_text(n_numbers), y=[0, 1] * 30)
    path = tmp_path / "typos.csv"
    frame.to_csv(path, index=False)
    model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0,
                           categorical_features="from_dtype")
    X = frame.drop(columns="y")
    if typos:
        for command in COMMANDS:
            assert "column 'n' is numeric except for 6 value(s)" in _error(
                capsys, tmp_path, command, path, "--target", "y")
        with pytest.raises(ValueError, match="'n'"):
            model.fit(X, frame["y"])
        return
    for command in COMMANDS:
        status = main([command, str(path), "--target", "y", "--hidden", "3",
                       "--quiet", "--output", str(tmp_path / f"{command}.skdeep")])
        out, _ = capsys.readouterr()
        assert status == 0
        assert "from 2 numeric (scaled) and 1 categorical (embedded)" in out, out
    assert list(model.fit(X, frame["y"]).is_categorical_) == [False, False, True]
