"""Categorical input columns on the compiled step against the NumPy path (the
reference): the first layer's gather and scatter-add give the same weights,
optimizer state, losses and random stream, in float32 and float64, for the
engine and for both estimators on a raw table."""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor
from skdeep.network import MLP
from skdeep.optim import SGD, Adam, AdamW
from skdeep.training import Dataset, Progress, TrainingSettings, loop
from skdeep.training import compiled as compiled_module
from skdeep.training.loop import _epoch_runner

pytest.importorskip("numba")

# as tests/training/test_compiled.py: the two paths sum in different orders
TOLERANCE = {np.float32: {"rtol": 1e-4, "atol": 1e-5},
             np.float64: {"rtol": 1e-10, "atol": 1e-12}}
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64],
                                 ids=["float32", "float64"])
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


def _optimizer(kind, network):
    n, dtype = network.n_params, network.params.dtype
    adam = {"learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    if kind == "adam":
        return Adam(n, dtype, **adam)
    if kind == "adamw":
        return AdamW(n, dtype, **adam, weight_decay=0.1, n_decayed=network.n_weights)
    return SGD(n, dtype, learning_rate=0.05, momentum=0.9, nesterov=True)


def _train(engine, problem, config, monkeypatch, sizes=SIZES):
    """Two epochs on ``engine``; the network, optimizer, losses and the rng."""
    monkeypatch.setenv("SKDEEP_COMPILED", "1" if engine == "compiled" else "0")
    n_dense = problem.X.shape[1] - len(sizes)
    hidden = config.get("hidden", (7, 5))
    network = MLP((n_dense + sum(sizes), *hidden, 3),
                  config.get("activations", ("relu",) * len(hidden)),
                  "softmax_cross_entropy", problem.X.dtype,
                  categorical_sizes=sizes).initialize(np.random.default_rng(2))
    optimizer = _optimizer(config.get("optimizer", "adam"), network)
    settings = TrainingSettings(
        max_epochs=2, batch_size=config.get("batch_size", 32), shuffle=True,
        alpha=config.get("alpha", 0.0), dropout=config.get("dropout", ()),
        clip_norm=config.get("clip_norm"))
    run = _epoch_runner(network, optimizer, problem, settings, settings.batch_size)
    chosen = getattr(run, "__self__", None)
    assert isinstance(chosen, compiled_module.CompiledEpochs) == (engine == "compiled")
    rng, losses = np.random.default_rng(3), []
    for epoch in (1, 2):
        losses.append(run(rng=rng, progress=Progress(0, 2), epoch=epoch))
    return network, optimizer, losses, rng


def _assert_agree(config, problem, monkeypatch, sizes=SIZES):
    reference = _train("numpy", problem, config, monkeypatch, sizes)
    compiled = _train("compiled", problem, config, monkeypatch, sizes)
    tolerance = TOLERANCE[problem.X.dtype.type]
    np.testing.assert_allclose(compiled[0].params, reference[0].params, **tolerance)
    for name, value in reference[1].__getstate__().items():
        if isinstance(value, np.ndarray):
            np.testing.assert_allclose(getattr(compiled[1], name), value, **tolerance,
                                       err_msg=name)
    assert compiled[1].t == reference[1].t
    np.testing.assert_allclose(compiled[2], reference[2], rtol=tolerance["rtol"])
    assert compiled[3].random() == reference[3].random()


@DTYPES
@pytest.mark.parametrize("n_dense", [0, 2], ids=["codes_only", "numeric_and_codes"])
@pytest.mark.parametrize("config", [
    {"alpha": 0.01},
    {"alpha": 1e-3, "dropout": (0.3, 0.2), "activations": ("tanh", "gelu")},
    {"optimizer": "adamw", "alpha": 1e-3, "clip_norm": 0.05},
    {"optimizer": "sgd", "alpha": 1e-3, "dropout": (0.0, 0.5), "batch_size": 7},
    {"hidden": (), "alpha": 0.01},  # the code columns feed the output layer
], ids=["adam_l2", "dropout", "adamw_clip", "sgd_dropout", "no_hidden_layer"])
def test_compiled_categorical_step_agrees_with_numpy(config, n_dense, dtype,
                                                     monkeypatch):
    for weighted in (False, True):
        _assert_agree(config, _problem(dtype, n_dense=n_dense, weighted=weighted),
                      monkeypatch)


@DTYPES
def test_the_compiled_categorical_step_is_bitwise_reproducible(dtype, monkeypatch):
    config = {"alpha": 1e-3, "dropout": (0.3, 0.0)}
    problem = _problem(dtype, weighted=True)
    first = _train("compiled", problem, config, monkeypatch)
    second = _train("compiled", problem, copy.deepcopy(config), monkeypatch)
    np.testing.assert_array_equal(first[0].params, second[0].params)
    np.testing.assert_array_equal(first[1].second_moments, second[1].second_moments)
    assert first[2] == second[2]


@pytest.mark.parametrize("bad", [-1.0, 3.0, 0.5, np.nan],
                         ids=["negative", "past_the_block", "fraction", "nan"])
def test_codes_outside_their_block_leave_training_to_the_numpy_path(bad):
    problem = _problem(np.float64)
    network = MLP((2 + sum(SIZES), 4, 3), ("relu",), "softmax_cross_entropy",
                  categorical_sizes=SIZES)
    settings = TrainingSettings(max_epochs=1, batch_size=32)

    def runner():
        optimizer = _optimizer("adam", network)
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


@pytest.fixture
def chosen(monkeypatch):
    """The engine each fit trained on, in order ('compiled' or 'numpy')."""
    engines, select = [], loop.compiled_epochs

    def spy(*args, **kwargs):
        runner = select(*args, **kwargs)
        engines.append("numpy" if runner is None else "compiled")
        return runner

    monkeypatch.setattr(loop, "compiled_epochs", spy)
    return engines


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
