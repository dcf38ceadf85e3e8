"""The compiled epoch against the NumPy epoch (the reference): same weights,
optimizer state, losses and random stream after training, for every
configuration the compiled path covers, in float32 and float64."""

import numpy as np
import pytest

from skdeep.training import Dataset
from skdeep.training.scaling import TargetScaling

pytest.importorskip("numba")

ACTIVATIONS = ["identity", "relu", "tanh", "logistic", "leaky_relu", "elu", "selu",
               "gelu", "silu", "softplus"]
LOSSES = ["squared_error", "poisson", "softmax_cross_entropy",
          "sigmoid_cross_entropy"]


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


def _base(**changes):
    config = {"loss": "softmax_cross_entropy", "activations": ("relu", "relu"),
              "optimizer": "adam"}
    config.update(changes)
    return config


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_with_dropout_and_l2(activation, dtype, paths):
    config = _base(activations=(activation, activation), dropout=(0.3, 0.2),
                   alpha=0.01)
    paths.assert_agree(config, _problem(dtype, config["loss"]))


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "momentum", "nesterov"])
def test_every_optimizer(optimizer, dtype, paths):
    config = _base(optimizer=optimizer, activations=("tanh", "relu"), alpha=1e-3)
    paths.assert_agree(config, _problem(dtype, config["loss"]))


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_with_and_without_sample_weights(loss, weighted, dtype,
                                                    paths):
    config = _base(loss=loss, activations=("relu", "elu"), alpha=1e-3)
    paths.assert_agree(config, _problem(dtype, loss, weighted=weighted))


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
def test_options(changes, dtype, paths):
    config = _base(**changes)
    paths.assert_agree(config, _problem(dtype, config["loss"], weighted=True))


def test_same_seed_gives_bitwise_identical_results(dtype, paths):
    config = _base(dropout=(0.3, 0.0), alpha=1e-3)
    problem = _problem(dtype, config["loss"], weighted=True)
    paths.assert_reproducible(config, problem)
