"""What is built on training behaves the same on the compiled path and on the
NumPy path: histories, early stopping, callbacks, divergence rollback, warm
starts, partial_fit, checkpoints, fit_csv; and without Numba, or for what the
compiled path does not cover, the NumPy path trains, with the NumPy result."""

import sys
import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor, DivergenceError
from skdeep.callbacks import LambdaCallback, ModelCheckpoint
from skdeep.estimators.contract import fitted_engine
from skdeep.streaming import fit_csv

pytest.importorskip("numba")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(300, 5))
Y_REAL = X @ [1.0, -2.0, 0.5, 1.0, 0.0] + 0.1 * RNG.normal(size=300)
Y_CLASS = (Y_REAL > 0).astype(int) + (Y_REAL > 1.5)
TOLERANCE = {"float32": {"rtol": 1e-3, "atol": 1e-4},
             "float64": {"rtol": 1e-8, "atol": 1e-10}}
DTYPES = pytest.mark.parametrize("dtype", ["float32", "float64"])


def _on(engine, monkeypatch, action):
    monkeypatch.setenv("SKDEEP_COMPILED", "1" if engine == "compiled" else "0")
    return action()


def _both(monkeypatch, chosen, action):
    """``action()`` on the NumPy path, then on the compiled path."""
    reference = _on("numpy", monkeypatch, action)
    n_reference = len(chosen)
    compiled = _on("compiled", monkeypatch, action)
    assert set(chosen[:n_reference]) == {"numpy"}
    assert set(chosen[n_reference:]) == {"compiled"}
    return reference, compiled


def _assert_same_model(compiled, reference, dtype):
    assert compiled.n_iter_ == reference.n_iter_
    for name, values in reference.history_.items():
        np.testing.assert_allclose(compiled.history_[name], values,
                                   **TOLERANCE[dtype], err_msg=name)
    for got, want in zip(compiled.coefs_ + compiled.intercepts_,
                         reference.coefs_ + reference.intercepts_):
        np.testing.assert_allclose(got, want, **TOLERANCE[dtype])


@DTYPES
@pytest.mark.parametrize("cls, y", [(DeepClassifier, Y_CLASS), (DeepRegressor, Y_REAL)],
                         ids=["classifier", "regressor"])
def test_early_stopping_with_best_weights(cls, y, dtype, monkeypatch, chosen):
    def fit():
        return cls(hidden_layer_sizes=(32, 16), early_stopping=True, max_iter=60,
                   n_iter_no_change=2, dropout=0.1, alpha=1e-3, batch_size=32,
                   learning_rate_init=0.02,
                   random_state=0, dtype=dtype).fit(X, y)

    reference, compiled = _both(monkeypatch, chosen, fit)
    _assert_same_model(compiled, reference, dtype)
    assert reference.n_iter_ < 60  # it did stop early


@DTYPES
def test_warm_start_and_partial_fit_continue_alike(dtype, monkeypatch, chosen):
    def fit():
        model = DeepClassifier(hidden_layer_sizes=(12,), max_iter=3, warm_start=True,
                               solver="sgd", momentum=0.9, random_state=0,
                               dtype=dtype).fit(X, Y_CLASS)
        model.fit(X, Y_CLASS)
        model.partial_fit(X[:100], Y_CLASS[:100])
        return model

    reference, compiled = _both(monkeypatch, chosen, fit)
    _assert_same_model(compiled, reference, dtype)
    assert fitted_engine(compiled).optimizer.t == fitted_engine(reference).optimizer.t


@DTYPES
def test_callbacks_see_the_same_epochs(dtype, monkeypatch, chosen, tmp_path):
    def fit():
        seen = []
        callback = LambdaCallback(lambda model, epoch, logs: seen.append(
            (epoch, logs["loss"], model.predict(X[:5]))))
        path = tmp_path / f"checkpoint-{len(chosen)}.skdeep"
        model = DeepRegressor(hidden_layer_sizes=(10,), max_iter=4, random_state=0,
                              dtype=dtype).set_callbacks(
            callback, ModelCheckpoint(path, monitor="loss"))
        model.fit(X, Y_REAL)
        return model, seen

    (reference, seen_ref), (compiled, seen) = _both(monkeypatch, chosen, fit)
    assert [epoch for epoch, *_ in seen] == [epoch for epoch, *_ in seen_ref]
    for (_, loss, predicted), (_, loss_ref, predicted_ref) in zip(seen, seen_ref):
        np.testing.assert_allclose(loss, loss_ref, **TOLERANCE[dtype])
        np.testing.assert_allclose(predicted, predicted_ref, **TOLERANCE[dtype])
    _assert_same_model(compiled, reference, dtype)


@DTYPES
def test_divergence_restores_the_same_state(dtype, monkeypatch, chosen):
    huge = {"float32": 1e20, "float64": 1e200}[dtype]

    def fit():
        model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0,
                              dtype=dtype).fit(X, Y_REAL)
        with pytest.raises(DivergenceError), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            model.partial_fit(X * huge, Y_REAL)
        assert fitted_engine(model).optimizer.state_is_finite()
        model.partial_fit(X, Y_REAL)  # and it trains on
        return model

    reference, compiled = _both(monkeypatch, chosen, fit)
    _assert_same_model(compiled, reference, dtype)


def test_fit_csv_streams_alike(tmp_path, monkeypatch, chosen):
    path = tmp_path / "data.csv"
    table = np.column_stack([X, Y_REAL])
    np.savetxt(path, table, delimiter=",", header="a,b,c,d,e,y", comments="")

    def fit():
        model = DeepRegressor(hidden_layer_sizes=(8,), random_state=0)
        return fit_csv(model, path, target="y", chunksize=100, n_passes=2)

    reference, compiled = _both(monkeypatch, chosen, fit)
    _assert_same_model(compiled, reference, str(reference.coefs_[0].dtype))


@DTYPES
def test_same_random_state_is_bitwise_reproducible(dtype, monkeypatch, chosen):
    def fit():
        return DeepClassifier(hidden_layer_sizes=(16, 16), max_iter=3, dropout=0.2,
                              random_state=0, dtype=dtype).fit(X, Y_CLASS)

    first, second = _on("compiled", monkeypatch, fit), fit()
    assert chosen == ["compiled", "compiled"]
    for got, want in zip(first.coefs_ + first.intercepts_,
                         second.coefs_ + second.intercepts_):
        np.testing.assert_array_equal(got, want)
    assert first.loss_curve_ == second.loss_curve_


def test_without_numba_the_numpy_path_gives_its_result(monkeypatch, chosen):
    def fit():
        return DeepClassifier(hidden_layer_sizes=(8,), max_iter=3, dropout=0.1,
                              random_state=0).fit(X, Y_CLASS)

    reference = _on("numpy", monkeypatch, fit)
    monkeypatch.setenv("SKDEEP_COMPILED", "1")
    # as on a machine where numba is not installed: importing it fails
    monkeypatch.setitem(sys.modules, "numba", None)
    for name in ("skdeep.training._kernel_step", "skdeep.training._kernels"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    without = fit()
    assert chosen == ["numpy", "numpy"]
    for got, want in zip(without.coefs_, reference.coefs_):
        np.testing.assert_array_equal(got, want)
    assert without.loss_curve_ == reference.loss_curve_


@pytest.mark.parametrize("options, data", [
    ({"solver": "lbfgs"}, X),
    ({}, scipy.sparse.csr_matrix(X)),
    ({"loss": "poisson"}, X),  # its loss in y's units: NumPy only
], ids=["lbfgs", "sparse_input", "poisson_in_y_units"])
def test_uncovered_runs_train_on_the_numpy_path(options, data, monkeypatch, chosen):
    monkeypatch.setenv("SKDEEP_COMPILED", "1")
    y = np.abs(Y_REAL) if options.get("loss") == "poisson" else Y_REAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepRegressor(hidden_layer_sizes=(6,), max_iter=2, random_state=0,
                      **options).fit(data, y)
    assert chosen == ([] if options.get("solver") == "lbfgs" else ["numpy"])


def test_a_numba_that_cannot_compile_leaves_training_to_numpy(monkeypatch, chosen):
    from skdeep.training import _kernel_step

    def fails(*args):
        raise _kernel_step.NumbaError("no compiler for this machine")

    monkeypatch.setenv("SKDEEP_COMPILED", "1")
    reference = _on("numpy", monkeypatch, lambda: DeepRegressor(
        hidden_layer_sizes=(6,), max_iter=2, random_state=0).fit(X, Y_REAL))
    monkeypatch.setattr(_kernel_step, "run_batches", fails)
    model = _on("compiled", monkeypatch, lambda: DeepRegressor(
        hidden_layer_sizes=(6,), max_iter=2, random_state=0).fit(X, Y_REAL))
    assert chosen == ["numpy", "numpy"]
    assert model.loss_curve_ == reference.loss_curve_
