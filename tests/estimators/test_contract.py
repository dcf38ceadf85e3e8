"""The estimators' contract with the edges (skdeep.estimators.contract): the
fitted engine handed out and taken back, and the fitted attributes export reads."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdeep import load
from skdeep.estimators import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine, install_engine, trained_params
from skdeep.training import Engine

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")
DATA = Path(__file__).resolve().parents[1] / "persistence" / "data"


def _data(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] if kind == "regressor" else (X[:, 0] > 0) * 1
    return X, y


@pytest.mark.parametrize("cls, kind", [(DeepClassifier, "classifier"),
                                       (DeepRegressor, "regressor")])
def test_an_engine_handed_out_and_taken_back_predicts_and_resumes_identically(
        cls, kind):
    X, y = _data(kind)
    params = dict(hidden_layer_sizes=(6,), max_iter=5, tol=0, random_state=0)
    original = cls(**params).fit(X, y)
    engine = fitted_engine(original)
    assert isinstance(engine, Engine)
    rebuilt = cls(**params)
    for name in ("n_features_in_", "classes_", "_multilabel", "_one_hot",
                 "target_offset_", "target_scale_", "input_offset_",
                 "input_scale_", "do_early_stopping_"):
        if name in vars(original):  # what fit sets before the engine exists
            setattr(rebuilt, name, vars(original)[name])
    install_engine(rebuilt, Engine(*(_copy(part) for part in engine)),
                   original.n_iter_, _copy(trained_params(original)))
    np.testing.assert_array_equal(rebuilt.predict(X), original.predict(X))
    assert rebuilt.n_iter_ == original.n_iter_
    for model in (original, rebuilt):
        model.set_params(warm_start=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(rebuilt.predict(X), original.predict(X))
    for a, b in zip(rebuilt.coefs_, original.coefs_):
        np.testing.assert_array_equal(a, b)
    assert rebuilt.loss_curve_ == original.loss_curve_


def _copy(part):
    import copy
    return copy.deepcopy(part)


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_an_unfitted_estimator_has_no_engine_to_hand_out(cls):
    with pytest.raises(NotFittedError, match=cls.__name__):
        fitted_engine(cls())


@pytest.mark.parametrize("activation, sizes, expected", [
    ("relu", (5,), ("relu",)),
    ("tanh", (5, 3), ("tanh", "tanh")),
    (("relu", "tanh", "relu"), (4, 3, 2), ("relu", "tanh", "relu")),
    ("sigmoid", (3,), ("logistic",)),  # the synonym, as scikit-learn names it
])
@pytest.mark.parametrize("cls, kind", [(DeepClassifier, "classifier"),
                                       (DeepRegressor, "regressor")])
def test_activations_are_the_hidden_layers_activation_names(
        cls, kind, activation, sizes, expected):
    X, y = _data(kind)
    model = cls(hidden_layer_sizes=sizes, activation=activation, max_iter=2,
                random_state=0).fit(X, y)
    assert tuple(model.activations_) == expected
    assert len(model.activations_) == len(model.coefs_) - 1


@pytest.mark.parametrize("name", ["regressor", "classifier"])
def test_a_file_saved_before_activations_existed_has_them(name):
    """Written by main before ``activations_``: both trained relu networks."""
    model = load(DATA / f"{name}_before_input_scaling.skdeep")
    assert tuple(model.activations_) == ("relu",) * (len(model.coefs_) - 1)
    assert tuple(fitted_engine(model).network.activations) == tuple(model.activations_)


def test_a_pickle_from_before_activations_existed_has_them():
    X, y = _data("classifier")
    model = DeepClassifier(hidden_layer_sizes=(4, 3), activation="tanh",
                           max_iter=2, random_state=0).fit(X, y)
    state = model.__getstate__()
    del state["activations_"]  # what a pickle written before the change holds
    old = DeepClassifier.__new__(DeepClassifier)
    old.__setstate__(state)
    assert old.activations_ == ("tanh", "tanh")
