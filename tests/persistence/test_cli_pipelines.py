"""Model files written by ``skdeep train`` and ``skdeep fit-csv`` before they
passed raw columns to the estimator (Pipelines: a ColumnTransformer, an imputer
and the network; a StandardScaler and the network) still load, predict as they
did, and work with ``skdeep predict`` and ``skdeep summary``.

The files come from tests/persistence/data/make_cli_pipelines.py, run on main
before that change; ``cli_pipeline_predictions.npy`` holds what they predicted
then.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdeep.cli import main
from skdeep.persistence import load

DATA = Path(__file__).resolve().parent / "data"


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def rows():
    return pd.read_csv(DATA / "cli_rows.csv").drop(columns=["churn", "spend"])


@pytest.fixture
def expected():
    return np.load(DATA / "cli_pipeline_predictions.npy")


def test_train_pipelines_load_and_predict_as_they_did(rows, expected):
    classifier = load(DATA / "train_pipeline_classifier.skdeep")
    regressor = load(DATA / "train_pipeline_regressor.skdeep")
    assert [name for name, _ in classifier.steps] == ["columns", "impute", "model"]
    np.testing.assert_array_equal(classifier.predict_proba(rows)[:, 1],
                                  expected[:, 0])
    np.testing.assert_array_equal(regressor.predict(rows), expected[:, 1])


def test_fit_csv_pipeline_loads_and_predicts_as_it_did(rows, expected):
    model = load(DATA / "fit_csv_pipeline_classifier.skdeep")
    assert [name for name, _ in model.steps] == ["scale", "model"]
    complete = rows[["income", "age"]].fillna(rows["age"].mean())
    np.testing.assert_array_equal(model.predict_proba(complete)[:, 1],
                                  expected[:, 2])


def test_skdeep_predict_and_summary_take_an_old_train_pipeline(tmp_path, rows,
                                                               expected, capsys):
    model = DATA / "train_pipeline_classifier.skdeep"
    status, out, err = run(capsys, "predict", model, DATA / "cli_rows.csv",
                           "--proba", "--output", tmp_path / "p.csv")
    assert status == 0, err
    np.testing.assert_allclose(pd.read_csv(tmp_path / "p.csv")["proba_yes"],
                               expected[:, 0], rtol=1e-12)
    assert "note: missing values: 'age' 18; filled with the column's mean" in err
    assert "'city' 11; encoded as a category of their own" in err
    # a typo in a column the pipeline scales is named with its line
    typo = pd.read_csv(DATA / "cli_rows.csv").astype({"age": object})
    typo.loc[3, "age"] = "4o"
    typo.to_csv(tmp_path / "typo.csv", index=False)
    status, _, err = run(capsys, "predict", model, tmp_path / "typo.csv")
    assert status == 2 and "column 'age'" in err and "'4o' (line 5)" in err
    status, out, _ = run(capsys, "summary", model)
    assert status == 0
    assert "OneHotEncoder on city" in out and 'Model: "DeepClassifier"' in out
