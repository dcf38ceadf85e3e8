"""The compiled epoch against the NumPy epoch (the reference): same weights,
optimizer state, losses and random stream after training, for every
configuration the compiled path covers, in float32 and float64."""

import copy

import numpy as np
import pytest

from skdeep.network import MLP
from skdeep.optim import SGD, Adam, AdamW
from skdeep.training import Dataset, Progress, TrainingSettings
from skdeep.training import compiled as compiled_module
from skdeep.training.loop import _epoch_runner
from skdeep.training.scaling import TargetScaling

pytest.importorskip("numba")

# agreement of the two paths after two epochs: float64 to about 1e3 ulps of
# weights near 1, float32 to a few hundred (the two paths sum the products'
# rows and the losses in different orders)
TOLERANCE = {np.float32: {"rtol": 1e-4, "atol": 1e-5},
             np.float64: {"rtol": 1e-10, "atol": 1e-12}}
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64],
                                 ids=["float32", "float64"])
ACTIVATIONS = ["identity", "relu", "tanh", "logistic", "leaky_relu", "elu", "selu",
               "gelu", "silu", "softplus"]
LOSSES = ["squared_error", "poisson", "softmax_cross_entropy",
          "sigmoid_cross_entropy"]


def _optimizer(kind, network):
    n, dtype = network.n_params, network.params.dtype
    adam = {"learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    if kind == "adam":
        return Adam(n, dtype, **adam)
    if kind == "adamw":
        return AdamW(n, dtype, **adam, weight_decay=0.1, n_decayed=network.n_weights)
    momentum = {"sgd": 0.0, "momentum": 0.9, "nesterov": 0.9}[kind]
    return SGD(n, dtype, learning_rate=0.05, momentum=momentum,
               nesterov=kind == "nesterov")


def _problem(dtype, loss, *, n_samples=230, weighted=False):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n_samples, 4)).astype(dtype)
    n_outputs = 3 if loss != "sigmoid_cross_entropy" else 2
    if loss == "softmax_cross_entropy":
        targets = np.eye(n_outputs, dtype=dtype)[rng.integers(0, n_outputs, n_samples)]
    elif loss == "sigmoid_cross_entropy":
        targets = rng.integers(0, 2, (n_samples, n_outputs)).astype(dtype)
    elif loss == "poisson":
        targets = rng.poisson(2.0, (n_samples, n_outputs)).astype(dtype)
    else:
        targets = (X[:, :n_outputs] * 2 + 1).astype(dtype)
    weight = None
    if weighted:
        weight = rng.uniform(0, 2, n_samples)
        weight[:40] = 0.0  # some rows, and with batch 32 a whole batch, weigh 0
        rng.shuffle(weight[40:])
    return Dataset(X, targets, weight)


def _train(engine, problem, config, monkeypatch):
    """Two epochs on ``engine``; the network, optimizer, losses and the rng."""
    monkeypatch.setenv("SKDEEP_COMPILED", "1" if engine == "compiled" else "0")
    dtype, loss = problem.X.dtype, config["loss"]
    network = MLP((4, 7, 5, problem.targets.shape[1]), config["activations"], loss,
                  dtype).initialize(np.random.default_rng(2))
    optimizer = _optimizer(config["optimizer"], network)
    settings = TrainingSettings(
        max_epochs=2, batch_size=config.get("batch_size", 32),
        shuffle=config.get("shuffle", True), alpha=config.get("alpha", 0.0),
        dropout=config.get("dropout", ()), clip_norm=config.get("clip_norm"),
        target_scaling=config.get("target_scaling"))
    run = _epoch_runner(network, optimizer, problem, settings, settings.batch_size)
    chosen = getattr(run, "__self__", None)
    assert isinstance(chosen, compiled_module.CompiledEpochs) == (engine == "compiled")
    rng, losses = np.random.default_rng(3), []
    for epoch in (1, 2):
        losses.append(run(rng=rng, progress=Progress(0, 2), epoch=epoch))
    return network, optimizer, losses, rng


def _assert_agree(config, problem, monkeypatch):
    reference = _train("numpy", problem, config, monkeypatch)
    compiled = _train("compiled", problem, config, monkeypatch)
    tolerance = TOLERANCE[problem.X.dtype.type]
    np.testing.assert_allclose(compiled[0].params, reference[0].params, **tolerance)
    for name, value in reference[1].__getstate__().items():
        if isinstance(value, np.ndarray):
            np.testing.assert_allclose(getattr(compiled[1], name), value, **tolerance,
                                       err_msg=name)
    assert compiled[1].t == reference[1].t
    np.testing.assert_allclose(compiled[2], reference[2], rtol=tolerance["rtol"])
    # both paths drew the same numbers from the stream (order, dropout masks)
    assert compiled[3].random() == reference[3].random()


def _base(**changes):
    config = {"loss": "softmax_cross_entropy", "activations": ("relu", "relu"),
              "optimizer": "adam"}
    config.update(changes)
    return config


@DTYPES
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_with_dropout_and_l2(activation, dtype, monkeypatch):
    config = _base(activations=(activation, activation), dropout=(0.3, 0.2),
                   alpha=0.01)
    _assert_agree(config, _problem(dtype, config["loss"]), monkeypatch)


@DTYPES
@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "momentum", "nesterov"])
def test_every_optimizer(optimizer, dtype, monkeypatch):
    config = _base(optimizer=optimizer, activations=("tanh", "relu"), alpha=1e-3)
    _assert_agree(config, _problem(dtype, config["loss"]), monkeypatch)


@DTYPES
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_with_and_without_sample_weights(loss, weighted, dtype,
                                                    monkeypatch):
    config = _base(loss=loss, activations=("relu", "elu"), alpha=1e-3)
    _assert_agree(config, _problem(dtype, loss, weighted=weighted), monkeypatch)


@DTYPES
@pytest.mark.parametrize("changes", [
    {"clip_norm": 0.05},
    {"shuffle": False},
    {"batch_size": 230},
    {"batch_size": 7, "dropout": (0.0, 0.5)},
    {"loss": "squared_error", "alpha": 0.01,
     "target_scaling": TargetScaling([1.0, -2.0, 0.5], [2.0, 0.5, 3.0],
                                     "squared_error")},
], ids=["clip_norm", "no_shuffle", "one_batch", "dropout_on_one_layer",
        "loss_in_y_units"])
def test_options(changes, dtype, monkeypatch):
    config = _base(**changes)
    _assert_agree(config, _problem(dtype, config["loss"], weighted=True), monkeypatch)


@DTYPES
def test_same_seed_gives_bitwise_identical_results(dtype, monkeypatch):
    config = _base(dropout=(0.3, 0.0), alpha=1e-3)
    problem = _problem(dtype, config["loss"], weighted=True)
    first = _train("compiled", problem, config, monkeypatch)
    second = _train("compiled", problem, copy.deepcopy(config), monkeypatch)
    np.testing.assert_array_equal(first[0].params, second[0].params)
    np.testing.assert_array_equal(first[1].second_moments, second[1].second_moments)
    assert first[2] == second[2]
