"""What every skdeep callback shares (skdeep estimators only, both of them; never
saved with the model), and CSVLogger's rows against ``history_``."""

import csv

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import skdeep
from skdeep import (
    CSVLogger,
    DeepRegressor,
    LambdaCallback,
)

pytest.importorskip("sklearn.callback")


def test_skdeep_callbacks_refuse_other_estimators(data, tmp_path):
    X, y, _, _ = data
    with pytest.raises(TypeError, match="CSVLogger works on DeepClassifier and "
                       "DeepRegressor; it was set on LogisticRegression"):
        LogisticRegression().set_callbacks(CSVLogger(tmp_path / "log")).fit(X, y)


def test_a_model_fitted_with_callbacks_saves(data, tmp_path, fit_quietly,
                                             every_epoch_model):
    X, y, _, _ = data
    model = fit_quietly(every_epoch_model(max_iter=2)
                        .set_callbacks(LambdaCallback(lambda *a: None)), X, y)
    skdeep.save(model, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert not hasattr(loaded, "_skl_callbacks")  # callbacks are not saved
    assert np.array_equal(loaded.predict(X), model.predict(X))


# -- CSVLogger -----------------------------------------------------------------
def _read(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def test_csv_rows_equal_history(data, tmp_path, fit_quietly, every_epoch_model):
    X, y, X_val, y_val = data
    path = tmp_path / "log.csv"
    model = fit_quietly(every_epoch_model(max_iter=4, learning_rate="invscaling",
                                          solver="sgd", learning_rate_init=0.1)
                        .set_callbacks(CSVLogger(path)), X, y, X_val=X_val, y_val=y_val)
    rows = _read(path)
    assert list(rows[0]) == ["epoch", "loss", "val_loss", "val_accuracy",
                             "learning_rate"]
    assert [int(row["epoch"]) for row in rows] == [0, 1, 2, 3]
    for name, values in model.history_.items():
        assert [float(row[name]) for row in rows] == values
    # the rate each epoch ran with: invscaling after the samples seen before it
    expected = [0.1] + [0.1 / (200 * k + 1) ** 0.5 for k in (1, 2, 3)]
    assert [float(row["learning_rate"]) for row in rows] == expected


def test_csv_append_continues_a_resumed_run(data, tmp_path, fit_quietly,
                                            every_epoch_model):
    X, y, _, _ = data
    path = tmp_path / "log.csv"
    model = fit_quietly(every_epoch_model(max_iter=2, warm_start=True)
                        .set_callbacks(CSVLogger(path)), X, y)
    fit_quietly(model.set_callbacks(CSVLogger(path, append=True)), X, y)
    rows = _read(path)
    assert [int(row["epoch"]) for row in rows] == [0, 1, 2, 3]
    assert [float(row["loss"]) for row in rows] == model.history_["loss"]
    fit_quietly(model.set_callbacks(CSVLogger(path)), X, y)  # append=False: afresh
    assert [int(row["epoch"]) for row in _read(path)] == [4, 5]


def test_regressor_takes_callbacks_too(tmp_path, fit_quietly):
    X = np.random.default_rng(0).normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5]
    path = tmp_path / "log.csv"
    model = fit_quietly(DeepRegressor(max_iter=3, random_state=0, tol=0)
                        .set_callbacks(CSVLogger(path)), X, y)
    assert [float(row["loss"]) for row in _read(path)] == model.history_["loss"]


