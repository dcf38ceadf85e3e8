"""ModelCheckpoint across a crash and a resume: the best file is never replaced
by a worse epoch; Keras' initial_value_threshold."""

import functools
import math

import numpy as np
import pytest
from sklearn.datasets import make_classification

import skdeep
from skdeep import ModelCheckpoint

pytest.importorskip("sklearn.callback")


@pytest.fixture
def overfitting():
    """Few noisy rows and a wide network: val_loss is lowest at epoch index 5
    and rises from then on."""
    X, y = make_classification(200, 10, n_informative=3, flip_y=0.2,
                               random_state=0)
    return X[:60], y[:60], X[60:], y[60:]


@pytest.fixture
def wide_model(every_epoch_model):
    """``every_epoch_model`` with 64 hidden units learning at 0.03: it overfits
    ``overfitting`` within a few epochs."""
    return functools.partial(every_epoch_model, hidden_layer_sizes=(64,),
                             learning_rate_init=0.03)


def test_resuming_keeps_the_best_checkpoint(overfitting, tmp_path, fit_quietly,
                                            wide_model):
    X, y, X_val, y_val = overfitting
    best, last = tmp_path / "best.skdeep", tmp_path / "last.skdeep"
    # the run "crashes" after 10 epochs, its best epoch long behind it
    fit_quietly(wide_model(max_iter=10).set_callbacks(
        ModelCheckpoint(best), ModelCheckpoint(last, save_best_only=False)),
        X, y, X_val=X_val, y_val=y_val)
    kept = best.read_bytes()
    before = skdeep.load(best).history_["val_loss"]
    assert len(before) == 6 and before[-1] == min(before)  # epoch index 5
    # the recipe of ModelCheckpoint's docstring
    resumed = skdeep.load(last).set_params(warm_start=True)
    checkpoint = ModelCheckpoint(best)
    resumed.set_callbacks(checkpoint, ModelCheckpoint(last, save_best_only=False))
    fit_quietly(resumed, X, y, X_val=X_val, y_val=y_val)
    val_loss = resumed.history_["val_loss"]
    assert len(val_loss) == 20 and int(np.argmin(val_loss)) == 5
    assert best.read_bytes() == kept  # every resumed epoch was worse
    assert checkpoint.best_ == min(val_loss) and checkpoint.saved_epoch_ is None


def test_a_better_resumed_epoch_replaces_the_best_file(overfitting, tmp_path,
                                                       fit_quietly, wide_model):
    X, y, X_val, y_val = overfitting
    best = tmp_path / "best.skdeep"
    fit_quietly(wide_model(max_iter=3).set_callbacks(ModelCheckpoint(best)), X, y,
                X_val=X_val, y_val=y_val)  # still improving at epoch index 2
    resumed = skdeep.load(best).set_params(warm_start=True, max_iter=3)
    checkpoint = ModelCheckpoint(best)
    fit_quietly(resumed.set_callbacks(checkpoint), X, y, X_val=X_val, y_val=y_val)
    val_loss = resumed.history_["val_loss"]
    assert checkpoint.saved_epoch_ == int(np.argmin(val_loss)) == 5
    assert skdeep.load(best).history_["val_loss"] == val_loss[:6]


def test_partial_fit_continues_from_the_history_best(overfitting, tmp_path, wide_model):
    X, y, _, _ = overfitting
    best = tmp_path / "best.skdeep"
    model = wide_model()
    for _ in range(3):
        model.partial_fit(X, y, classes=[0, 1])
    # a new checkpoint of the loss: the history's best is the value to beat
    checkpoint = ModelCheckpoint(best, monitor="loss")
    model.set_callbacks(checkpoint).partial_fit(X, y)
    loss = model.history_["loss"]
    assert checkpoint.best_ == min(loss)
    assert (checkpoint.saved_epoch_ == 3) == (loss[3] < min(loss[:3]))


@pytest.mark.parametrize("threshold, saves", [(-1.0, False), (1e9, True)])
def test_initial_value_threshold(overfitting, tmp_path, threshold, saves, fit_quietly,
                                 wide_model):
    X, y, _, _ = overfitting
    path = tmp_path / "best.skdeep"
    checkpoint = ModelCheckpoint(path, monitor="loss",
                                 initial_value_threshold=threshold)
    assert checkpoint.best_ == threshold
    fit_quietly(wide_model(max_iter=3).set_callbacks(checkpoint), X, y)
    assert path.exists() == saves  # a loss is never below -1
    assert (checkpoint.saved_epoch_ == 2) == saves


def test_a_maximized_monitor_starts_at_minus_infinity(overfitting, tmp_path,
                                                      fit_quietly, wide_model):
    X, y, X_val, y_val = overfitting
    checkpoint = ModelCheckpoint(tmp_path / "b.skdeep", monitor="val_accuracy")
    assert checkpoint.best_ == -math.inf
    model = fit_quietly(wide_model(max_iter=4).set_callbacks(checkpoint), X, y,
                        X_val=X_val,
                        y_val=y_val)
    assert checkpoint.best_ == max(model.history_["val_accuracy"])
