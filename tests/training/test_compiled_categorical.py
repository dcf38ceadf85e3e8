"""Categorical input columns on the compiled step against the NumPy path (the
reference): the first layer's gather and scatter-add give the same weights,
optimizer state, losses and random stream, in float32 and float64, for the
engine and for both estimators on a raw table."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor
from skdeep.network import MLP
from skdeep.training import Dataset, TrainingSettings
from skdeep.training import compiled as compiled_module

pytest.importorskip("numba")

SIZES = (3, 6, 2)  # categories (weight rows) of the three code columns


def _problem(dtype, *, n_dense=2, n_samples=230, weighted=False, sizes=SIZES):
    """Numeric columns, then code columns; the last category of the second
    column is never used (its rows get only the L2 term and the moments)."""
    rng = np.random.default_rng(1)
    codes = np.column_stack([rng.integers(0, size - (j == 1), n_samples)
                             for j, size in enumerate(sizes)])
    X = np.column_stack([rng.normal(size=(n_samples, n_dense)), codes]).astype(dtype)
    targets = np.eye(3, dtype=dtype)[(codes.sum(axis=1) + (X[:, 0] > 0
                                                           if n_dense else 0)) % 3]
    weight = None
    if weighted:
        weight = rng.uniform(0, 2, n_samples)
        weight[:40] = 0.0  # with batch 32 a whole batch weighs 0
    return Dataset(X, targets, weight)


@pytest.mark.parametrize("n_dense", [0, 2], ids=["codes_only", "numeric_and_codes"])
@pytest.mark.parametrize("config", [
    {"alpha": 0.01},
    {"alpha": 1e-3, "dropout": (0.3, 0.2), "activations": ("tanh", "gelu")},
    {"optimizer": "adamw", "alpha": 1e-3, "clip_norm": 0.05},
    {"optimizer": "nesterov", "alpha": 1e-3, "dropout": (0.0, 0.5), "batch_size": 7},
    {"hidden": (), "alpha": 0.01},  # the code columns feed the output layer
], ids=["adam_l2", "dropout", "adamw_clip", "sgd_dropout", "no_hidden_layer"])
def test_compiled_categorical_step_agrees_with_numpy(config, n_dense, dtype, paths):
    for weighted in (False, True):
        paths.assert_agree({**config, "sizes": SIZES},
                           _problem(dtype, n_dense=n_dense, weighted=weighted))


def test_the_compiled_categorical_step_is_bitwise_reproducible(dtype, paths):
    config = {"alpha": 1e-3, "dropout": (0.3, 0.0), "sizes": SIZES}
    paths.assert_reproducible(config, _problem(dtype, weighted=True))


@pytest.mark.parametrize("bad", [-1.0, 3.0, 0.5, np.nan],
                         ids=["negative", "past_the_block", "fraction", "nan"])
def test_codes_outside_their_block_leave_training_to_the_numpy_path(bad, paths):
    problem = _problem(np.float64)
    network = MLP((2 + sum(SIZES), 4, 3), ("relu",), "softmax_cross_entropy",
                  categorical_sizes=SIZES)
    settings = TrainingSettings(max_epochs=1, batch_size=32)

    def runner():
        optimizer = paths.optimizer("adam", network)
        return compiled_module.compiled_epochs(network, optimizer, problem, settings,
                                               32)

    assert runner() is not None
    problem.X[5, 2] = bad  # the first code column has 3 rows
    assert runner() is None


# -- the estimators on a raw table ------------------------------------------------
CITIES = ["lyon", "nice", "oslo", "rome", "bern"]


def _table(n_rows=240, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": rng.normal(5e4, 1e4, n_rows),
        "age": rng.normal(40, 12, n_rows),
        "city": rng.choice(CITIES, n_rows),
        "kind": pd.Categorical(rng.choice(["p", "q", "r"], n_rows)),
    })
    frame.loc[::7, "age"] = np.nan
    frame.loc[::11, "city"] = None
    y = (frame["income"] / 1e4 + frame["city"].map(dict(zip(CITIES, range(5))))
         .fillna(2) + frame["age"].fillna(40) / 12)
    return frame, y.to_numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_both_estimators_train_a_raw_table_alike_on_both_paths(cls, dtype,
                                                               monkeypatch, chosen):
    frame, y = _table()
    if cls is DeepClassifier:
        y = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    weight = np.random.default_rng(4).uniform(0.2, 2.0, len(y))
    models = {}
    for engine in ("numpy", "compiled"):
        monkeypatch.setenv("SKDEEP_COMPILED", "1" if engine == "compiled" else "0")
        model = cls(hidden_layer_sizes=(12, 8), max_iter=6, random_state=0,
                    dropout=0.2, alpha=1e-3, batch_size=40, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models[engine] = model.fit(frame, y, sample_weight=weight)
    assert chosen == ["numpy", "compiled"]
    # six epochs of float32 drift further apart than the engine tests' two
    tolerance = ({"rtol": 1e-3, "atol": 1e-4} if dtype == "float32"
                 else {"rtol": 1e-8, "atol": 1e-10})
    reference, compiled = models["numpy"], models["compiled"]
    for got, want in zip(compiled.coefs_ + compiled.intercepts_,
                         reference.coefs_ + reference.intercepts_):
        np.testing.assert_allclose(got, want, **tolerance)
    np.testing.assert_allclose(compiled.loss_curve_, reference.loss_curve_,
                               rtol=tolerance["rtol"])
    method = "predict_proba" if cls is DeepClassifier else "predict"
    np.testing.assert_allclose(getattr(compiled, method)(frame),
                               getattr(reference, method)(frame), **tolerance)
