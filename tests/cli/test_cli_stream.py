"""``skdeep fit-csv``: streaming training from the command line:
the same model as ``fit_csv`` in Python, a progress line per chunk,
bounded memory, and one-line errors."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from skdeep import DeepClassifier
from skdeep.persistence import load
from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


def write(path, n_rows, n_features=4, seed=0):
    X, y = make_classification(n_rows, n_features, n_informative=3,
                               n_redundant=0, random_state=seed)
    frame = pd.DataFrame(X * 10 + 5, columns=[f"x{j}" for j in range(n_features)])
    frame.assign(label=np.array(["no", "yes"])[y]).to_csv(path, index=False)
    return path


def test_same_model_as_fit_csv_with_a_progress_line_per_chunk(tmp_path, cli):
    path = write(tmp_path / "data.csv", 1000)
    model = tmp_path / "m.skdeep"
    status, out, _ = cli("fit-csv", path, "--target", "label", "--hidden",
                         "8", "--chunksize", "300", "--passes", "2",
                         "--random-state", "3", "--output", model)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("DeepClassifier (classification) predicting "
                               "'label' from 4 numeric (scaled) and 0 "
                               "categorical (embedded) columns")
    assert [line.split(":")[0] for line in lines[1:9]] == [
        f"pass {p}/2, lines {a}-{b}" for p in (1, 2)
        for a, b in ((2, 301), (302, 601), (602, 901), (902, 1001))]
    # the raw columns go to the estimator, which scales them itself (the
    # pipeline behind a StandardScaler fitted in a first pass is gone)
    reference = fit_csv(DeepClassifier(hidden_layer_sizes=(8,), random_state=3,
                                       categorical_features=[]),
                        path, target="label", chunksize=300, n_passes=2)
    data = pd.read_csv(path).drop(columns="label")
    np.testing.assert_array_equal(load(model).predict_proba(data),
                                  reference.predict_proba(data))
    status, out, _ = cli("predict", model, path)
    assert status == 0 and out.startswith("prediction\n")


@pytest.mark.slow
def test_memory_stays_near_one_chunk(tmp_path, cli):
    path = write(tmp_path / "big.csv", 50_000, n_features=20)
    chunk_bytes = pd.read_csv(path, nrows=5000).memory_usage(deep=True).sum()
    cli("fit-csv", write(tmp_path / "small.csv", 300), "--target", "label",
        "--quiet", "--chunksize", "100", "--passes", "1", "--output",
        tmp_path / "small.skdeep")  # imports and caches not counted below
    tracemalloc.start()
    try:
        status, _, _ = cli("fit-csv", path, "--target", "label", "--quiet",
                           "--hidden", "32", "--chunksize", "5000", "--passes", "2",
                           "--output", tmp_path / "m.skdeep")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 0
    # the file is 10 chunks; alive at once are about 3: the parsed chunk, its
    # float copy and the scaled float32 inputs (fit_csv with a scaler before
    # issue 11 peaked at 3.9 chunks on the same data)
    assert peak < 4 * chunk_bytes


def test_regression_task_from_the_target(tmp_path, cli):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    frame.assign(y=frame.a * 2.5 + 0.1).to_csv(tmp_path / "r.csv", index=False)
    status, out, _ = cli("fit-csv", tmp_path / "r.csv", "--target", "y",
                         "--quiet", "--passes", "1", "--output",
                         tmp_path / "r.skdeep")
    assert status == 0 and out.startswith("DeepRegressor (regression)")


def test_bad_inputs_are_one_line(tmp_path, cli, one_line_error):
    path = write(tmp_path / "data.csv", 300)
    text = path.read_text().splitlines(keepends=True)
    cases = {
        "existing output": (path, ["--output", path], "is also an input"),
        "missing target": (tmp_path / "t.csv", [], "column 'label' is empty on "
                           "line(s) 11; fit-csv needs a target in every row"),
        "malformed row": (tmp_path / "m.csv", [], "Expected 5 fields in line 21, "
                          "saw 6"),
        # refused before training, as train refuses it
        "text feature": (tmp_path / "x.csv", [], "column 'x1' is numeric except "
                         "for 1 value(s): 'abc' (line 31)"),
        "one class": (tmp_path / "c.csv", [], "has one class ('no') in all 300 "
                      "rows"),
        "no column": (path, ["--target", "nope"], "no column 'nope'"),
    }
    (tmp_path / "t.csv").write_text("".join(text[:10]) + "1,2,3,4,\n" +
                                    "".join(text[11:]))
    (tmp_path / "m.csv").write_text("".join(text[:20]) + "1,2,3,4,no,9\n" +
                                    "".join(text[21:]))
    (tmp_path / "x.csv").write_text("".join(text[:30]) + "1,abc,3,4,no\n" +
                                    "".join(text[31:]))
    pd.read_csv(path).assign(label="no").to_csv(tmp_path / "c.csv", index=False)
    for name, (data, extra, message) in cases.items():
        argv = ["fit-csv", data, "--target", "label", "--quiet", "--output",
                tmp_path / f"{name}.skdeep", *extra]
        status, _, err = cli(*argv)
        one_line_error(status, err, message)
        assert not (tmp_path / f"{name}.skdeep").exists()


# -- a first row longer than the header ------------------------------------------
@pytest.mark.parametrize("every_row", [True, False], ids=["every row", "first row"])
@pytest.mark.parametrize("command", ["fit-csv", "train"])
def test_a_row_longer_than_the_header_is_refused_with_its_line(tmp_path,
                                                               command, every_row, cli,
                                                               one_line_error):
    rng = np.random.default_rng(0)
    a = rng.normal(size=60).tolist()
    lines = ["a,b,y"] + [f"{a[i]!r},{-a[i]!r},{3 * a[i]!r}"
                         + (f",{i}" if every_row or i == 0 else "")
                         for i in range(60)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    status, _, err = cli(command, path, "--target", "y", "--quiet",
                         "--output", tmp_path / "m.skdeep")
    one_line_error(status, err, "long.csv: line 2 has 4 fields but the header "
                   "has 3")
    assert not (tmp_path / "m.skdeep").exists()
