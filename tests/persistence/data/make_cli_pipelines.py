"""Write the model files ``skdeep train`` and ``skdeep fit-csv`` wrote before
they passed raw columns to the estimator (issue 23, item 4), as fixtures.

Run once, from the repository root, on the commit before that change (main at
fa93d03): ``python tests/persistence/data/make_cli_pipelines.py``. It writes

* ``cli_rows.csv``: 120 rows with two numeric columns (one with gaps), a text
  column with gaps and a target of each kind;
* ``train_pipeline_classifier.skdeep``, ``train_pipeline_regressor.skdeep``:
  what ``skdeep train`` saved then, a Pipeline of a ColumnTransformer
  (StandardScaler, OneHotEncoder), a SimpleImputer and the network;
* ``fit_csv_pipeline_classifier.skdeep``: what ``skdeep fit-csv`` saved then,
  a Pipeline of a StandardScaler and the network (numeric columns only);
* ``cli_pipeline_predictions.npy``: their predictions on the rows, one column
  each (the classifiers' probability of class 'yes').

tests/persistence/test_cli_pipelines.py loads them with the current code.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def _rows():
    rng = np.random.default_rng(23)
    n_rows = 120
    frame = pd.DataFrame({
        "income": rng.normal(5e4, 1e4, n_rows).round(2),
        "age": rng.normal(40, 12, n_rows).round(1),
        "city": rng.choice(["lyon", "nice", "oslo"], n_rows).astype(object),
    })
    frame.loc[::7, "age"] = np.nan
    frame.loc[::11, "city"] = np.nan
    score = frame["income"] / 1e4 + (frame["city"] == "oslo") * 2
    frame["churn"] = np.where(score > score.median(), "yes", "no")
    frame["spend"] = (score * 10).round(3)
    return frame


def main():
    from skdeep.cli import main as cli
    from skdeep.persistence import load

    frame = _rows()
    rows = HERE / "cli_rows.csv"
    frame.to_csv(rows, index=False)
    features = frame.drop(columns=["churn", "spend"])
    common = ["--hidden", "6", "--random-state", "0", "--quiet", "--overwrite"]
    columns = []
    for name, target, extra in (
            ("train_pipeline_classifier", "churn", ["--max-iter", "5"]),
            ("train_pipeline_regressor", "spend", ["--max-iter", "5"])):
        path = HERE / f"{name}.skdeep"
        data = HERE / "train_input.csv"
        frame.drop(columns=["spend" if target == "churn" else "churn"]).to_csv(
            data, index=False)
        assert cli(["train", str(data), "--target", target, *common, *extra,
                    "--output", str(path)]) == 0
        data.unlink()
        model = load(path)
        columns.append(model.predict_proba(features)[:, 1] if target == "churn"
                       else model.predict(features))
    numeric = frame[["income", "age", "churn"]].dropna()
    data = HERE / "fit_csv_input.csv"
    numeric.to_csv(data, index=False)
    path = HERE / "fit_csv_pipeline_classifier.skdeep"
    assert cli(["fit-csv", str(data), "--target", "churn", "--chunksize", "40",
                "--passes", "2", *common, "--output", str(path)]) == 0
    data.unlink()
    # rows with a gap in a numeric column cannot go to a fit-csv model then
    complete = features[["income", "age"]].fillna(features["age"].mean())
    columns.append(load(path).predict_proba(complete)[:, 1])
    np.save(HERE / "cli_pipeline_predictions.npy", np.column_stack(columns))


if __name__ == "__main__":
    main()
