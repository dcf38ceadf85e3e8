"""The compiled epoch against the NumPy epoch (the reference): same weights,
optimizer state, losses and random stream after training, for every
configuration the compiled path covers, in float32 and float64.

Agreement is ``conftest.TOLERANCE`` after two epochs: weights and optimizer
state to rtol 1e-4, atol 1e-5 in float32 and rtol 1e-10, atol 1e-12 in
float64; the epoch losses to the same rtol; the step count and the next draw
of the random stream exactly. Each compiled run asserts that it trained on
``compiled.CompiledEpochs`` (``Paths.train``), so no case passes on two NumPy
runs.
"""

import itertools

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


# test_every_combination: optimizer x loss x sample weights x regularization,
# each in both dtypes
OPTIMIZERS = {"adam": {"optimizer": "adam"}, "adamw": {"optimizer": "adamw"},
              "adamw_no_decay": {"optimizer": "adamw", "weight_decay": 0.0},
              "sgd": {"optimizer": "sgd"}, "momentum": {"optimizer": "momentum"},
              "nesterov": {"optimizer": "nesterov"}}
# dropout_l2: Adam (and AdamW without decay) add the L2 gradient inside their
# update, the others before it; l2_clip: every optimizer adds it before the
# clipping (a norm of 1 clips some batches of each problem and not others)
REGULARIZATIONS = {"none": {}, "dropout_l2": {"alpha": 0.01},
                   "l2_clip": {"alpha": 0.01, "clip_norm": 1.0}}
# dropout on both hidden layers, on the first only, on the second only
DROPOUTS = [(0.3, 0.2), (0.3, 0.0), (0.0, 0.2)]
SCALING = TargetScaling([1.0, -2.0, 0.5], [2.0, 0.5, 3.0], "squared_error")


def _combinations():
    """A ``pytest.param(config, weighted)`` for every case of the product.

    The hidden activations rotate: the 6 cases of one optimizer and loss
    (weighted or not x 3 regularizations, j = 0..5) take activations
    ``(s + j, s + j + 5) % 10``, where s = 3 * optimizer + loss (their
    indices): the first five cases hold all 10 activations, the sixth repeats
    two in swapped layers. So every activation meets every optimizer with
    every loss, in both dtypes (checked below); some pairs of groups share an
    s, and so a sequence. (s = 4 * optimizer + loss would put Nesterov's SGD
    on the Poisson loss with selu and identity layers, which diverges at the
    test's learning rate on the NumPy path itself: a problem, not a
    disagreement.) The dropout layers rotate through
    ``DROPOUTS``; with sample weights every other optimizer-and-loss pair
    trains unshuffled, and its first batch of 32 rows then weighs 0 (no step,
    no dropout draws); the squared error with sample weights trains on scaled
    targets (losses in y's units). 230 rows: each epoch ends on a partial batch.
    The kernels compile once per dtype: the 288 cases take a few seconds.
    """
    cases, met = [], set()
    for oi, (name, optimizer) in enumerate(OPTIMIZERS.items()):
        for li, loss in enumerate(LOSSES):
            for j, (weighted, (regularization, settings)) in enumerate(
                    itertools.product((False, True), REGULARIZATIONS.items())):
                s = 3 * oi + li
                activations = (ACTIVATIONS[(s + j) % 10],
                               ACTIVATIONS[(s + j + 5) % 10])
                config = {"loss": loss, "activations": activations, **optimizer,
                          **settings}
                if regularization == "dropout_l2":
                    config["dropout"] = DROPOUTS[(oi + li) % 3]
                if weighted:
                    config["shuffle"] = (oi + li) % 2 == 0
                    if loss == "squared_error":
                        config["target_scaling"] = SCALING
                met.update((activation, name, loss) for activation in activations)
                label = "-".join([name, loss, "weighted" if weighted else
                                  "unweighted", regularization, *activations])
                cases.append(pytest.param(config, weighted, id=label))
    assert len(met) == len(ACTIVATIONS) * len(OPTIMIZERS) * len(LOSSES)
    return cases


@pytest.mark.parametrize("config, weighted", _combinations())
def test_every_combination(config, weighted, dtype, paths):
    paths.assert_agree(config, _problem(dtype, config["loss"], weighted=weighted))
