"""Behaviour of DeepClassifier / DeepRegressor through the public API."""

import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine


def _set_seed_weights(model, hidden, output):
    model.coefs_[0][...] = np.array(hidden, dtype=float).T  # columns are nodes
    model.coefs_[1][...] = np.array(output, dtype=float).reshape(-1, 1)
    for bias in model.intercepts_:
        bias[...] = 0


@pytest.mark.parametrize("activation", ["identity", "relu"])
def test_seed_forward_propagation(activation):
    model = DeepRegressor(hidden_layer_sizes=(2,), activation=activation,
                          max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(np.zeros((4, 2)), np.zeros(4))
    _set_seed_weights(model, hidden=[[1, 1], [-1, 1]], output=[2, -1])
    hidden, output = model.layer_outputs([[2, 3]])
    np.testing.assert_array_equal(hidden, [[5, 1]])
    np.testing.assert_array_equal(output, [[9]])
    assert model.predict([[2, 3]])[0] == 9


def test_seed_tanh_slide():
    # The slide prints 1.2382242525694254 = 2 tanh(5) - tanh(1): the network of
    # the first slide (hidden inputs 5 and 1) with tanh. (Its code listing shows
    # other weights, but refers to an undefined `hidden_layer_output`.)
    model = DeepRegressor(hidden_layer_sizes=(2,), activation="tanh", max_iter=1,
                          dtype="float64")  # the slide's 16 digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(np.zeros((4, 2)), np.zeros(4))
    _set_seed_weights(model, hidden=[[1, 1], [-1, 1]], output=[2, -1])
    assert model.predict([[2, 3]])[0] == pytest.approx(1.2382242525694254,
                                                       rel=1e-15)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_learns_xor(xor, solver):
    X, y = xor
    model = DeepClassifier(hidden_layer_sizes=(8,), activation="tanh", solver=solver,
                           learning_rate_init=0.05, max_iter=500, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert model.score(X, y) == 1.0


def test_accuracy_close_to_sklearn_mlp():
    X, y = make_classification(600, 10, n_informative=6, n_classes=3,
                               random_state=0)
    ours = DeepClassifier(max_iter=300, random_state=0).fit(X[:400], y[:400])
    theirs = MLPClassifier(max_iter=300, random_state=0).fit(X[:400], y[:400])
    assert ours.score(X[400:], y[400:]) >= theirs.score(X[400:], y[400:]) - 0.05


@pytest.mark.slow
def test_grid_search_in_pipeline_parallel():
    X, y = make_classification(200, 6, random_state=0)
    pipe = make_pipeline(StandardScaler(), DeepClassifier(max_iter=50,
                                                          random_state=0))
    grid = {"deepclassifier__hidden_layer_sizes": [(5,), (20, 20)]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X, y)
    assert search.best_params_["deepclassifier__hidden_layer_sizes"] in [(5,),
                                                                        (20, 20)]
    assert search.best_score_ > 0.8


def test_mlp_parameters_and_grid_work_unchanged():
    for ours, theirs in [(DeepClassifier, MLPClassifier),
                         (DeepRegressor, MLPRegressor)]:
        params = theirs().get_params()
        assert ours(**params).get_params() | params == ours(**params).get_params()
        defaults = ours().get_params()
        # same defaults, but early_stopping: 'auto' (on above 500 rows, as
        # docs/user_guide/coming_from_mlp.rst lists) where MLP has False
        assert defaults["early_stopping"] == "auto" and not params["early_stopping"]
        assert {k: defaults[k] for k in params if k != "early_stopping"} == {
            k: v for k, v in params.items() if k != "early_stopping"}
    X, y = make_regression(120, 4, random_state=0)
    mlp_grid = {"alpha": [1e-4, 1e-2], "learning_rate_init": [1e-3, 1e-2]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        GridSearchCV(DeepRegressor(max_iter=20), mlp_grid, cv=2).fit(X, y)


def test_cross_val_score_and_clone():
    X, y = make_regression(150, 5, noise=1, random_state=0)
    model = make_pipeline(StandardScaler(),
                          DeepRegressor(hidden_layer_sizes=(50,), max_iter=400,
                                        learning_rate_init=0.01, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(model, X, y / y.std(), cv=3)
    assert scores.min() > 0.9
    fitted = DeepRegressor(max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, y)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "coefs_")


def test_joblib_round_trip_predicts_identically(tmp_path):
    X, y = make_classification(100, 5, random_state=0)
    model = DeepClassifier(max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    # dumping changes nothing
    assert model.coefs_[0] is fitted_engine(model).network.weights[0]
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    loaded.coefs_[0][...] = 0  # views survive the round trip
    assert not fitted_engine(loaded).network.params[: loaded.coefs_[0].size].any()


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_same_random_state_is_bitwise_reproducible(solver):
    X, y = make_classification(150, 5, random_state=0)
    kwargs = dict(solver=solver, max_iter=15, random_state=3, dropout=0.2,
                  early_stopping=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = DeepClassifier(**kwargs).fit(X, y)
        second = DeepClassifier(**kwargs).fit(X, y)
        other = DeepClassifier(**{**kwargs, "random_state": 4}).fit(X, y)
    assert first.loss_curve_ == second.loss_curve_
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.loss_curve_ != other.loss_curve_


def test_writing_into_coefs_changes_predictions():
    X, y = make_regression(50, 3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(max_iter=3, random_state=0).fit(X, y)
    model.coefs_[-1][:] = 0
    model.intercepts_[-1][:] = 1.5
    np.testing.assert_array_equal(model.predict(X), np.full(50, 1.5))


@pytest.mark.parametrize("labels", [
    np.array(["miss", "make"]), np.array([3, 7]), np.array([False, True]),
    np.array(["a", "b", "c"]),
])
def test_label_types(labels):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = labels[np.arange(90) % len(labels)]
    X[:, 0] += 3 * (np.arange(90) % len(labels))
    model = DeepClassifier(max_iter=200, random_state=0, learning_rate_init=0.01)
    model.fit(X, y)
    assert model.predict(X).dtype == y.dtype
    np.testing.assert_array_equal(model.classes_, np.unique(labels))
    assert model.score(X, y) > 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (90, len(labels)) and model.out_activation_ == "softmax"
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X),
                               rtol=1e-10, atol=1e-12)


def test_binary_uses_two_softmax_units(xor):
    X, y = xor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(max_iter=2, random_state=0).fit(X, y)
    assert model.n_outputs_ == 2 and model.coefs_[-1].shape == (100, 2)
    logits = model.layer_outputs(X)[0] @ model.coefs_[1] + model.intercepts_[1]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    # the network computes in float32 at the defaults: float32 agreement
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-5)


def test_multilabel_classification():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 0]).astype(int)
    model = DeepClassifier(max_iter=300, random_state=0).fit(X, Y)
    assert model.out_activation_ == "logistic"
    assert model.predict(X).shape == (200, 3)
    assert model.score(X, Y) > 0.85
    assert model.predict_proba(X).shape == (200, 3)


def test_multi_output_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    Y = np.column_stack([X[:, 0] * X[:, 1], X[:, 2]])
    model = DeepRegressor(hidden_layer_sizes=(50,), max_iter=500,
                          learning_rate_init=0.01, random_state=0).fit(X, Y)
    assert model.predict(X).shape == (300, 2) and model.n_outputs_ == 2
    assert model.score(X, Y) > 0.9


def test_input_containers_give_the_same_model():
    X, y = make_classification(80, 4, random_state=0)
    # input_scaling=None: sparse input is scaled without centering, dense input
    # with (test_input_scaling.py compares each with its StandardScaler)
    kwargs = dict(max_iter=5, random_state=0, hidden_layer_sizes=(7,),
                  input_scaling=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = DeepClassifier(**kwargs).fit(X, y).predict_proba(X)
        for container in (X.tolist(), np.asfortranarray(X), sp.csr_matrix(X),
                          sp.csc_matrix(X)):
            model = DeepClassifier(**kwargs).fit(container, y)
            # float32 training: equal to float32 rounding (sparse and dense
            # products sum in different orders)
            np.testing.assert_allclose(model.predict_proba(container), reference,
                                       rtol=1e-5)
        frame = pd.DataFrame(X, columns=list("abcd"))
        model = DeepClassifier(**kwargs).fit(frame, y)
    assert list(model.feature_names_in_) == list("abcd")
    np.testing.assert_allclose(model.predict_proba(frame), reference, rtol=1e-5)


def test_readonly_memmap_and_integer_input(tmp_path):
    X = np.arange(60, dtype=np.int32).reshape(20, 3) % 7
    y = np.arange(20) % 2
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(max_iter=3, random_state=0).fit(X_map, y)
    assert model.coefs_[0].dtype == np.float32  # adam trains in float32
    np.testing.assert_array_equal(model.predict(X_map), model.predict(X))


def test_float32_trains_and_predicts_in_float32():
    X, y = make_regression(100, 4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        single = DeepRegressor(max_iter=20, random_state=0).fit(X.astype(np.float32),
                                                                y)
        double = DeepRegressor(max_iter=20, random_state=0).fit(X, y)
        cast = DeepRegressor(max_iter=20, random_state=0, dtype="float32").fit(X, y)
    assert single.coefs_[0].dtype == np.float32
    assert single.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.loss_curve_, double.loss_curve_, rtol=1e-3)
    # the scaling measures X before the cast, so the two differ by X's rounding
    np.testing.assert_allclose(cast.predict(X), single.predict(X), rtol=1e-5)


def test_warm_start_continues_from_fitted_weights():
    X, y = make_regression(200, 4, random_state=0)
    y = y / y.std()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(max_iter=30, warm_start=True, random_state=0).fit(X, y)
        first_curve = list(model.loss_curve_)
        model.fit(X, y)
        cold = DeepRegressor(max_iter=30, random_state=0).fit(X, y)
    assert model.n_iter_ == 30 and len(model.loss_curve_) == 60  # as MLP
    assert model.loss_curve_[:30] == first_curve
    assert model.loss_curve_[30] < cold.loss_curve_[0] / 2


@pytest.mark.parametrize("new_y", [lambda y: y % 2, lambda y: np.arange(len(y)) % 4],
                         ids=["subset", "superset"])
def test_warm_start_with_other_classes_is_refused_as_by_mlp(new_y, weights_of):
    """MLPClassifier raises when a warm-start fit sees other classes; so do we,
    speaking of warm_start (not of partial_fit's classes=) and keeping the
    fitted model."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = np.arange(60) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(max_iter=2, warm_start=True, random_state=0).fit(X, y)
        model = DeepClassifier(max_iter=2, warm_start=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="warm_start"):
        mlp.fit(X, new_y(y))
    params = weights_of(model)
    new_classes = np.unique(new_y(y)).tolist()
    with pytest.raises(ValueError, match=(
            rf"^DeepClassifier: warm_start .*\[0, 1, 2\].*{new_classes}.*"
            "warm_start=False")) as error:
        model.fit(X, new_y(y))
    assert "partial_fit" not in str(error.value)
    assert model.classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(weights_of(model), params)


def test_warm_start_with_the_same_classes_in_another_order_continues():
    X = np.random.default_rng(0).normal(size=(60, 3))
    labels = np.array(["b", "a", "c"])[np.arange(60) % 3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(max_iter=2, warm_start=True, random_state=0)
        model.fit(X, labels).fit(X[::-1], labels[::-1])
    assert model.n_iter_ == 2 and len(model.loss_curve_) == 4


def test_partial_fit_is_one_epoch_and_needs_classes():
    X, y = make_classification(120, 4, random_state=0)
    model = DeepClassifier(random_state=0)
    with pytest.raises(ValueError, match="DeepClassifier.*classes"):
        model.partial_fit(X, y)
    model.partial_fit(X, y, classes=[0, 1])
    assert model.n_iter_ == 1 and model.t_ == 120 and len(model.loss_curve_) == 1
    model.partial_fit(X, y, classes=np.array([1, 0]))
    assert model.n_iter_ == 1 and model.t_ == 240
    assert fitted_engine(model).optimizer.t == 2
    with pytest.raises(ValueError, match=r"DeepClassifier.*\[2\]"):
        model.partial_fit(X, np.where(y == 1, 2, y))


def test_convergence_warning_at_most_once_per_fit():
    X, y = make_classification(100, 4, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DeepClassifier(max_iter=3, random_state=0).fit(X, y)
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(convergence) == 1
    assert "DeepClassifier" in str(convergence[0].message)
    assert convergence[0].filename == __file__  # points at the caller's fit


def test_parameters_are_validated_at_fit_not_init():
    model = DeepClassifier(activation="softsign", alpha=-1)
    with pytest.raises(ValueError, match="'activation' parameter of DeepClassifier"):
        model.fit([[0.0], [1.0]], [0, 1])
    per_layer = DeepClassifier(hidden_layer_sizes=(3, 3), activation=["relu"])
    with pytest.raises(ValueError, match="DeepClassifier: 'activation'.*2 here"):
        per_layer.fit([[0.0], [1.0]], [0, 1])


def test_per_layer_activations():
    X, y = make_regression(60, 3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(hidden_layer_sizes=(4, 3), activation=["tanh", "relu"],
                              max_iter=2, random_state=0).fit(X, y)
    hidden_1, hidden_2, _ = model.layer_outputs(X)
    # float32 network, formulas in float64: float32 agreement
    np.testing.assert_allclose(hidden_1, np.tanh(X @ model.coefs_[0]
                                                 + model.intercepts_[0]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hidden_2, np.maximum(hidden_1 @ model.coefs_[1]
                                                    + model.intercepts_[1], 0),
                               rtol=1e-5, atol=1e-6)


def test_sample_weight_equals_repetition_with_full_batch_lbfgs():
    X, y = make_regression(40, 3, random_state=0)
    weight = np.arange(40) % 3
    repeated = np.repeat(np.arange(40), weight)
    kwargs = dict(solver="lbfgs", max_iter=50, random_state=0, hidden_layer_sizes=(5,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = DeepRegressor(**kwargs).fit(X, y, sample_weight=weight)
        copied = DeepRegressor(**kwargs).fit(X[repeated], y[repeated])
    np.testing.assert_allclose(weighted.predict(X), copied.predict(X), rtol=1e-6)


def test_poisson_loss_predicts_positive_rates():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 0.3))
    model = DeepRegressor(loss="poisson", max_iter=200, random_state=0,
                          learning_rate_init=0.01).fit(X, y)
    assert model.out_activation_ == "exp" and (model.predict(X) > 0).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dropout_trains_in_either_dtype(dtype):
    """The dropout mask is drawn in the network's dtype (float32 used to raise
    a TypeError from the random generator)."""
    X, y = make_classification(120, 4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dropped = DeepClassifier(dropout=0.5, max_iter=3, random_state=0,
                                 dtype=dtype).fit(X, y)
        plain = DeepClassifier(max_iter=3, random_state=0, dtype=dtype).fit(X, y)
    assert dropped.coefs_[0].dtype == dtype and np.isfinite(dropped.loss_curve_).all()
    assert dropped.loss_curve_ != plain.loss_curve_  # the masks did act


def test_a_warm_start_validates_on_the_first_fits_rows():
    """The held-out rows of early stopping are the same in the first fit and a
    warm start (an integer random_state), so the warm fit never validates on
    rows the first fit trained on."""
    X, y = make_regression(100, 3, random_state=0)
    seen = []

    def record(self, y, n_val, rng):
        train, held_out = split(self, y, n_val, rng)
        seen.append(sorted(held_out.tolist()))
        return train, held_out

    split = DeepRegressor._split_rows
    model = DeepRegressor(hidden_layer_sizes=(4,), early_stopping=True, max_iter=3,
                          warm_start=True, random_state=0)
    with warnings.catch_warnings(), pytest.MonkeyPatch.context() as patch:
        warnings.simplefilter("ignore", ConvergenceWarning)
        patch.setattr(DeepRegressor, "_split_rows", record)
        model.fit(X, y)
        model.fit(X, y)
    assert len(seen) == 2 and seen[0] == seen[1] and len(seen[0]) == 10


@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
@pytest.mark.parametrize("change", [{"hidden_layer_sizes": (8, 8)},
                                    {"activation": "tanh"}, {"dtype": "float64"},
                                    {"loss": "poisson"}],
                         ids=lambda change: next(iter(change)))
def test_continuing_after_an_architecture_change_is_refused(method, change):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.abs(X[:, 0])
    model = DeepRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0,
                          warm_start=method == "warm_start")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    weights = [w.copy() for w in model.coefs_]
    model.set_params(**change)
    with pytest.raises(ValueError, match=f"DeepRegressor: .*{next(iter(change))}"
                       ".*warm_start=False"):
        model.fit(X, y) if method == "warm_start" else model.partial_fit(X, y)
    assert [w.shape for w in model.coefs_] == [(3, 4), (4, 1)]
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.coefs_))


@pytest.mark.parametrize("scale", [2.0, 1e37, 1e-38, np.exp(-90)])
def test_uniform_sample_weights_only_rescale_alpha(scale):
    """The objective is sum(w * loss) / sum(w) + alpha * ||W||^2 / (2 sum(w)), as
    MLP's: uniform weights c are alpha / c with unit weights, to rounding, at
    the float32 default too (the weights train divided by their mean, so their
    float32 sums neither overflow nor vanish)."""
    X, y = make_regression(60, 3, noise=1.0, random_state=0)
    params = {"hidden_layer_sizes": (8,), "max_iter": 5, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scaled = DeepRegressor(**params).fit(X, y, sample_weight=np.full(60, scale))
        unit = DeepRegressor(**params, alpha=1e-4 / scale).fit(
            X, y, sample_weight=np.ones(60))
    # (the weighted mean and spread of y round differently in the last bit)
    for a, b in zip(scaled.coefs_ + scaled.intercepts_,
                    unit.coefs_ + unit.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(scaled.loss_curve_, unit.loss_curve_, rtol=1e-6)
    assert np.isfinite(scaled.loss_curve_).all()


def test_unit_sample_weights_train_bit_for_bit_like_none():
    X, y = make_regression(60, 3, noise=1.0, random_state=0)
    params = {"hidden_layer_sizes": (8,), "max_iter": 5, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = DeepRegressor(**params).fit(X, y, sample_weight=np.ones(60))
        plain = DeepRegressor(**params).fit(X, y, sample_weight=[1.0] * 60)
    np.testing.assert_array_equal(weighted.coefs_[0], plain.coefs_[0])
