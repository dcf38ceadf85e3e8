"""Resuming a run (warm start, partial_fit, a loaded checkpoint) continues it
exactly: weights, history, epoch numbering and optimizer state, as one
uninterrupted run; new solver settings start a fresh optimizer."""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

import skdeep
from skdeep import LambdaCallback, ModelCheckpoint
from skdeep.estimators.contract import fitted_engine

pytest.importorskip("sklearn.callback")


def optimizer(model):
    """The fitted model's optimizer, through the estimators' contract."""
    return fitted_engine(model).optimizer


@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_warm_start_resume_equals_an_uninterrupted_run(data, solver, learning_rate,
                                                       weights_of, fit_quietly,
                                                       every_epoch_model):
    X, y, _, _ = data
    params = {"solver": solver, "learning_rate": learning_rate, "dropout": 0.2}
    whole = fit_quietly(every_epoch_model(max_iter=6, **params), X, y)
    part = fit_quietly(every_epoch_model(max_iter=4, warm_start=True, **params), X, y)
    part.set_params(max_iter=2)
    fit_quietly(part, X, y)
    assert np.array_equal(weights_of(part), weights_of(whole))
    assert part.history_ == whole.history_ and len(part.loss_curve_) == 6
    assert part.n_iter_ == 2 and whole.n_iter_ == 6  # this call's epochs
    assert optimizer(part).t == optimizer(whole).t and part.t_ == whole.t_


def test_resume_from_a_checkpoint_equals_an_uninterrupted_run(data, tmp_path,
                                                              weights_of, fit_quietly,
                                                              every_epoch_model):
    X, y, _, _ = data
    path = tmp_path / "m.skdeep"

    def interrupt(estimator, epoch, logs):
        if epoch == 2:
            raise KeyboardInterrupt

    model = every_epoch_model(max_iter=6).set_callbacks(
        ModelCheckpoint(path, monitor="loss", save_best_only=False),
        LambdaCallback(interrupt))
    with pytest.raises(KeyboardInterrupt):
        fit_quietly(model, X, y)
    resumed = skdeep.load(path)
    assert resumed.n_iter_ == 3
    fit_quietly(resumed.set_params(warm_start=True, max_iter=3), X, y)
    whole = fit_quietly(every_epoch_model(max_iter=6), X, y)
    assert np.array_equal(weights_of(resumed), weights_of(whole))
    assert resumed.history_ == whole.history_


def test_partial_fit_after_load_continues_the_optimizer(data, tmp_path, weights_of,
                                                        every_epoch_model):
    X, y, _, _ = data
    steady = every_epoch_model()
    for _ in range(3):
        steady.partial_fit(X, y, classes=[0, 1])
    saved = every_epoch_model()
    for _ in range(2):
        saved.partial_fit(X, y, classes=[0, 1])
    skdeep.save(saved, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep").partial_fit(X, y)
    assert np.array_equal(weights_of(loaded), weights_of(steady))
    assert loaded.n_iter_ == 1 and optimizer(loaded).t == optimizer(steady).t


def test_n_iter_is_the_last_calls_epochs_as_in_mlp(data, fit_quietly,
                                                   every_epoch_model):
    """One rule for fit, warm fits and partial_fit: n_iter_ is the number of
    epochs the last call ran (MLP's), while loss_curve_ keeps every epoch."""
    X, y, _, _ = data
    seen = {}
    for name, model in [("skdeep", every_epoch_model(max_iter=3, warm_start=True)),
                        ("mlp", MLPClassifier((8,), max_iter=3, warm_start=True,
                                              random_state=0, tol=0,
                                              n_iter_no_change=1000))]:
        counts = []
        for call in ("fit", "fit", "partial_fit", "partial_fit", "cold"):
            if call == "partial_fit":
                model.partial_fit(X, y)
            else:
                fit_quietly(model.set_params(warm_start=call == "fit"), X, y)
            counts.append((model.n_iter_, len(model.loss_curve_)))
        seen[name] = counts
    assert seen["skdeep"] == seen["mlp"] == [(3, 3), (3, 6), (1, 7), (1, 8), (3, 3)]


def test_progress_numbering_continues(data, capsys, fit_quietly, every_epoch_model):
    X, y, _, _ = data
    model = fit_quietly(every_epoch_model(max_iter=11, warm_start=True, solver="sgd"),
                        X, y)
    capsys.readouterr()
    fit_quietly(model.set_params(max_iter=9, verbose=2), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Epoch 12/20 - ") and lines[-1].startswith(
        "Epoch 20/20 - ")
    model.partial_fit(X, y)
    assert capsys.readouterr().out.startswith("Epoch 21/21 - ")


def test_lbfgs_progress_numbering_continues(data, capsys, fit_quietly,
                                            every_epoch_model):
    X, y, _, _ = data
    model = fit_quietly(every_epoch_model(max_iter=3, warm_start=True, solver="lbfgs"),
                        X, y)
    fit_quietly(model.set_params(max_iter=2, verbose=2), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 4/5", "Epoch 5/5"]


def test_warm_start_restarts_the_rate_and_new_settings_take_effect(data, fit_quietly,
                                                                   every_epoch_model):
    X, y, _, _ = data
    model = fit_quietly(every_epoch_model(max_iter=2, warm_start=True, solver="sgd"), X,
                        y)
    moments = optimizer(model).velocities.copy()
    fit_quietly(model.set_params(max_iter=1, learning_rate_init=0.05), X, y)
    assert optimizer(model).learning_rate == 0.05 and optimizer(model).t > 2 * 1
    model.set_params(momentum=0.5)  # another solver setting: a fresh optimizer
    before = optimizer(model).t
    fit_quietly(model, X, y)
    assert optimizer(model).t < before and optimizer(model).momentum == 0.5
    assert not np.array_equal(moments, optimizer(model).velocities)

