"""Divergence: one rule for every estimator and solver, and a model that can keep
training afterwards (weights and optimizer state restored together)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor, DivergenceError, LambdaCallback
from skdeep.estimators.contract import fitted_engine
from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 4))
Y_REAL = X @ [1.0, -2.0, 0.5, 1.0]
Y_CLASS = (Y_REAL > 0).astype(int)
# a scale whose square overflows the training dtype while the scale itself does not
HUGE = {"float32": 1e20, "float64": 1e200}
DTYPES = pytest.mark.parametrize("dtype", ["float32", "float64"])


def _task(cls, dtype):
    """(y, partial_fit options, a batch that makes this estimator diverge)."""
    huge = HUGE[dtype]
    if cls is DeepClassifier:
        # logits near `huge`: the loss stays finite, Adam's second moments do not
        return Y_CLASS, {"classes": [0, 1]}, (X * huge, Y_CLASS)
    return Y_REAL, {}, (X * huge, Y_REAL * huge)


def _optimizer_vectors(model):
    optimizer = fitted_engine(model).optimizer
    return [optimizer.first_moments, optimizer.second_moments]


@DTYPES
@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_training_resumes_after_a_diverged_partial_fit(cls, dtype):
    y, options, bad = _task(cls, dtype)
    # identity units: no dead or saturated unit can keep a parameter still
    model = cls(hidden_layer_sizes=(8,), activation="identity",
                learning_rate_init=0.01, dtype=dtype, random_state=0)
    model.partial_fit(X, y, **options)
    before = fitted_engine(model).network.params.copy()
    moments = [v.copy() for v in _optimizer_vectors(model)]
    step_count = fitted_engine(model).optimizer.t
    with pytest.raises(DivergenceError, match=cls.__name__):
        model.partial_fit(*bad, **options)
    # weights and optimizer state are those of the last good call, together
    np.testing.assert_array_equal(fitted_engine(model).network.params, before)
    for restored, saved in zip(_optimizer_vectors(model), moments):
        np.testing.assert_array_equal(restored, saved)
    assert fitted_engine(model).optimizer.t == step_count

    losses = []
    for _ in range(20):
        model.partial_fit(X, y, **options)
        losses.append(model.loss_)
    assert np.all(fitted_engine(model).network.params != before)  # all moved
    assert losses[-1] < 0.9 * losses[0]
    assert np.isfinite(losses).all()


@pytest.mark.parametrize("dtype, huge", [("float32", 1e38), ("float64", 1e300)])
@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_one_divergence_rule_for_every_estimator_and_solver(cls, solver, dtype, huge):
    """Inputs near the largest float of the training dtype overflow every solver
    of both estimators: each raises DivergenceError and keeps finite weights and
    optimizer state, without a cascade of RuntimeWarnings."""
    y = Y_CLASS if cls is DeepClassifier else Y_REAL
    X_huge = X.copy()
    X_huge[:, 0] = huge
    # raw inputs: input scaling would turn the huge constant column into zeros
    model = cls(hidden_layer_sizes=(5,), solver=solver, max_iter=5, dtype=dtype,
                random_state=0, input_scaling=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(DivergenceError, match=f"{cls.__name__}: training "
                                                  "diverged in epoch.*With "
                                                  "input_scaling=None the network "
                                                  "sees X unscaled: input_scaling="
                                                  "'standard' \\(the default\\)"):
            model.fit(X_huge, y)
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert np.isfinite(fitted_engine(model).network.params).all()
    if solver != "lbfgs":
        assert fitted_engine(model).optimizer.state_is_finite()


def test_large_finite_loss_alone_is_not_divergence():
    """A loss around 1e12 with finite weights and moments trains on."""
    model = DeepRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    model.fit(X, Y_REAL * 1e6)
    assert 1e9 < model.loss_curve_[0] < np.inf


@DTYPES
def test_divergence_message_names_non_finite_moments(dtype):
    y, options, bad = _task(DeepClassifier, dtype)
    model = DeepClassifier(hidden_layer_sizes=(8,), dtype=dtype, random_state=0)
    model.partial_fit(X, y, **options)
    with pytest.raises(DivergenceError, match="optimizer's moments stopped being "
                                              "finite.*lower learning_rate_init, "
                                              "or bound each step with clip_norm"
                       ) as caught:
        model.partial_fit(*bad, **options)
    # the inputs are scaled (the default): no advice to scale them
    assert "scale" not in str(caught.value).replace("clip_norm", "")


@DTYPES
def test_sgd_velocities_are_restored_too(dtype):
    y, _, bad = _task(DeepRegressor, dtype)
    model = DeepRegressor(hidden_layer_sizes=(8,), solver="sgd", dtype=dtype,
                          learning_rate_init=0.01, random_state=0)
    model.partial_fit(X, y)
    velocities = fitted_engine(model).optimizer.velocities.copy()
    with pytest.raises(DivergenceError):
        model.partial_fit(*bad)
    np.testing.assert_array_equal(fitted_engine(model).optimizer.velocities, velocities)
    model.partial_fit(X, y)
    assert np.isfinite(model.loss_)


@DTYPES
def test_fit_csv_keeps_training_after_a_diverged_chunk(tmp_path, dtype):
    """fit_csv trains through partial_fit, so it inherits the restore."""
    import pandas as pd

    frame = pd.DataFrame(X, columns=list("abcd")).assign(y=Y_REAL)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    frame.to_csv(good, index=False)
    huge = HUGE[dtype]
    frame.assign(a=frame.a * huge, y=frame.y * huge).to_csv(bad, index=False)
    model = DeepRegressor(hidden_layer_sizes=(8,), activation="identity",
                          learning_rate_init=0.01, dtype=dtype, random_state=0)
    fit_csv(model, good, target="y", chunksize=100)
    with pytest.raises(DivergenceError):
        fit_csv(model, bad, target="y", chunksize=100)
    first, before = model.loss_, fitted_engine(model).network.params.copy()
    fit_csv(model, good, target="y", chunksize=100, n_passes=10)
    assert np.all(fitted_engine(model).network.params != before)
    assert model.loss_ < 0.9 * first


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_says_which_epoch_is_restored(solver, capsys):
    """As Keras: 'Restoring model weights from the end of the best epoch: N.'"""
    model = DeepClassifier(hidden_layer_sizes=(8,), solver=solver, max_iter=60,
                           early_stopping=True, n_iter_no_change=3, verbose=2,
                           random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y_CLASS)
    best = int(np.argmin(model.validation_loss_curve_)) + 1
    out = capsys.readouterr().out
    assert out.rstrip().endswith(
        f"Restoring model weights from the end of the best epoch: {best}.")


def test_no_restore_message_when_quiet_or_not_restoring(capsys):
    DeepClassifier(hidden_layer_sizes=(8,), max_iter=30, early_stopping=True,
                   n_iter_no_change=3, random_state=0).fit(X, Y_CLASS)
    DeepClassifier(hidden_layer_sizes=(8,), max_iter=30, early_stopping=True,
                   restore_best_weights=False, n_iter_no_change=3, verbose=2,
                   random_state=0).fit(X, Y_CLASS)
    assert "Restoring" not in capsys.readouterr().out


@pytest.mark.parametrize("dtype, rate", [("float64", 1e4), ("float32", 1e6)])
def test_validation_outputs_that_overflow_are_divergence(dtype, rate):
    """A finite training loss with infinite validation outputs raises the named
    DivergenceError (it used to be r2_score's bare 'Input contains infinity'),
    with the weights of the best epoch restored."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5))
    y = X @ rng.normal(size=5)
    model = DeepRegressor(solver="sgd", learning_rate_init=0.01, momentum=0,
                          max_iter=5, early_stopping=True, warm_start=True,
                          random_state=0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, X_val=X[:100], y_val=y[:100])
    model.set_params(learning_rate_init=rate)
    with pytest.raises(DivergenceError, match=r"^DeepRegressor: training diverged "
                       r"in epoch \d+ \(the validation outputs stopped being "
                       r"finite\)"):
        model.fit(X * 10, y, X_val=X[:100], y_val=y[:100])
    assert np.isfinite(fitted_engine(model).network.params).all()
    assert np.isfinite(model.predict(X[:100])).all()


def test_divergence_raises_and_restores_finite_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(scale=1e4, size=(300, 5))
    y = X @ rng.normal(size=5)
    model = DeepRegressor(solver="sgd", learning_rate_init=10, max_iter=50,
                          random_state=0)
    with pytest.raises(DivergenceError, match="DeepRegressor.*lower "
                                              "learning_rate_init") as caught:
        model.fit(X, y)
    assert isinstance(caught.value, ValueError)
    assert all(np.isfinite(w).all() for w in model.coefs_ + model.intercepts_)
    assert np.isfinite(model.predict(X)).all()


def test_divergence_with_early_stopping_restores_the_best_epoch():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5))
    y = X @ rng.normal(size=5)
    X_val, y_val = X[:100], y[:100]
    model = DeepRegressor(solver="sgd", learning_rate_init=0.01, momentum=0,
                          early_stopping=True, warm_start=True, max_iter=5,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, X_val=X_val, y_val=y_val)
    # now explode on the warm start after a finite epoch, the best of this fit
    # (at magnitudes float32 holds: training is in float32); a callback keeps
    # what each finished epoch predicts
    pytest.importorskip("sklearn.callback")
    seen = {}
    model.set_params(learning_rate_init=1.0).set_callbacks(LambdaCallback(
        lambda estimator, epoch, logs: seen.setdefault(epoch, (
            logs["val_loss"], estimator.predict(X_val)))))
    with pytest.raises(DivergenceError, match=r"diverged in epoch 7 .*the weights "
                       r"of the best epoch \(6\) were restored"):
        model.fit(X * 10, y, X_val=X_val, y_val=y_val)
    assert list(seen) == [5] and np.isfinite(seen[5][0])
    np.testing.assert_array_equal(model.predict(X_val), seen[5][1])
