"""Keras' words lead to skdeep's: each Keras spelling fails with the exception
class it always raised, and a message naming the skdeep equivalent.
Parameter introspection stays scikit-learn's."""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils._param_validation import InvalidParameterError

import skdeep
from skdeep import DeepClassifier, DeepRegressor

# the full course-to-skdeep table (the README keeps a short one)
GETTING_STARTED = (Path(__file__).resolve().parents[2] / "docs" / "user_guide"
                   / "getting_started.rst")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return DeepClassifier(hidden_layer_sizes=(4,), max_iter=300,
                          random_state=0).fit(X, y)


# (call, exception class raised before and after, text the message must hold)
CONSTRUCTOR_CASES = {
    "epochs": (lambda: DeepClassifier(epochs=10), TypeError,
               "DeepClassifier has no parameter 'epochs'; Keras' epochs is "
               "max_iter here: DeepClassifier(max_iter=10)"),
    "optimizer": (lambda: DeepClassifier(optimizer="adam"), TypeError,
                  "DeepClassifier(solver='adam')"),
    "optimizer Adam": (lambda: DeepRegressor(optimizer="Adam"), TypeError,
                       "DeepRegressor(solver='adam')"),
    "classifier loss": (lambda: DeepClassifier(loss="categorical_crossentropy"),
                        TypeError, "cross-entropy"),
    "metrics": (lambda: DeepClassifier(metrics=["accuracy"]), TypeError,
                "score()"),
    "input_shape": (lambda: DeepRegressor(input_shape=(5,)), TypeError,
                    "n_features_in_"),
    "validation_split": (lambda: DeepClassifier(validation_split=0.3), TypeError,
                         "early_stopping=True, validation_fraction=0.3"),
    "patience": (lambda: DeepClassifier(patience=5), TypeError,
                 "n_iter_no_change=5"),
}


@pytest.mark.parametrize("case", CONSTRUCTOR_CASES)
def test_constructor_keywords(case):
    call, kind, text = CONSTRUCTOR_CASES[case]
    with pytest.raises(kind) as caught:
        call()
    assert type(caught.value) is kind
    assert text in str(caught.value)


PARAMETER_CASES = {
    "learning_rate number": (DeepClassifier, dict(learning_rate=0.01),
                             "learning_rate_init=0.01"),
    "solver Adam": (DeepClassifier, dict(solver="Adam"), "solver='adam'"),
    "activation ReLU": (DeepRegressor, dict(activation="ReLU"),
                        "activation='relu'"),
    "activation softmax": (DeepClassifier, dict(activation="softmax"),
                           "output layer"),
    "loss mse": (DeepRegressor, dict(loss="mse"), "loss='squared_error'"),
    "loss mean_squared_error": (DeepRegressor, dict(loss="mean_squared_error"),
                                "loss='squared_error'"),
    "regressor crossentropy": (DeepRegressor,
                               dict(loss="categorical_crossentropy"),
                               "DeepClassifier"),
    "positional sizes": (DeepRegressor, dict(loss=(100, 100)),
                         "DeepRegressor(hidden_layer_sizes=(100, 100))"),
}


@pytest.mark.parametrize("case", PARAMETER_CASES)
def test_parameter_values(case, data):
    cls, params, text = PARAMETER_CASES[case]
    with pytest.raises(InvalidParameterError) as caught:
        cls(**params).fit(*data)
    assert type(caught.value) is InvalidParameterError
    message = str(caught.value)
    # scikit-learn's own words stay first, so its checks still match them
    assert re.search(r"The '\w+' parameter of \w+ must be .* Got .* instead\.",
                     message)
    assert text in message


def test_positional_tuple_lands_in_loss():
    model = DeepRegressor((100, 100))
    assert model.loss == (100, 100)  # __init__ only stores, as scikit-learn's rule
    with pytest.raises(InvalidParameterError, match="first positional"):
        model.fit(np.zeros((4, 2)), np.zeros(4))


def test_softmax_in_a_list_of_activations(data):
    with pytest.raises(ValueError, match="output layer"):
        DeepClassifier(hidden_layer_sizes=(4, 4),
                       activation=["relu", "softmax"]).fit(*data)


FIT_CASES = {
    "epochs": (dict(epochs=10), "DeepClassifier(max_iter=10)"),
    "batch_size": (dict(batch_size=32), "set_params(batch_size=32)"),
    "validation_split": (dict(validation_split=0.3),
                         "early_stopping=True, validation_fraction=0.3"),
    "validation_data": (dict(validation_data=(0, 1)), "X_val=..., y_val=..."),
    "verbose": (dict(verbose=1), "set_params(verbose=1)"),
    "callbacks": (dict(callbacks=[]), "set_callbacks("),
    "initial_epoch": (dict(initial_epoch=6), "warm_start=True"),
    "max_iter": (dict(max_iter=3), "set_params(max_iter=3)"),
}


@pytest.mark.parametrize("case", FIT_CASES)
def test_fit_keywords(case, data):
    kwargs, text = FIT_CASES[case]
    model = DeepClassifier(max_iter=1)
    with pytest.raises(TypeError) as caught:
        model.fit(*data, **kwargs)
    assert type(caught.value) is TypeError
    assert "DeepClassifier.fit() has no parameter" in str(caught.value)
    assert text in str(caught.value)
    assert not hasattr(model, "n_iter_")


def test_unknown_keyword_keeps_pythons_message(data):
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        DeepClassifier(colour="red")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        DeepClassifier(max_iter=1).fit(*data, colour="red")


def test_a_type_error_inside_fit_is_not_reworded(data, monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("raised inside fit")

    model = DeepClassifier(max_iter=1)
    monkeypatch.setattr(type(model), "_fit", broken)
    with pytest.raises(TypeError, match="^raised inside fit$"):
        model.fit(*data)


METHOD_CASES = {
    "compile": ("compile", "solver="),
    "evaluate": ("evaluate", "score(X, y)"),
    "save": ("save", "skdeep.save(model, 'model.skdeep')"),
    "history": ("history", "history_"),
    "get_weights": ("get_weights", "coefs_"),
}


@pytest.mark.parametrize("case", METHOD_CASES)
def test_keras_methods_and_attributes(case, fitted):
    name, text = METHOD_CASES[case]
    with pytest.raises(AttributeError) as caught:
        getattr(fitted, name)
    assert type(caught.value) is AttributeError
    assert text in str(caught.value)
    assert not hasattr(fitted, name)
    assert not hasattr(DeepRegressor(), name)


def test_other_missing_attributes_keep_pythons_message():
    with pytest.raises(AttributeError, match="^'DeepRegressor' object has no "
                                             "attribute 'colour'$"):
        DeepRegressor().colour  # noqa: B018


def test_load_model():
    with pytest.raises(AttributeError, match=r"skdeep\.load\('model\.skdeep'\)"):
        skdeep.load_model  # noqa: B018


def test_set_params_with_a_keras_word():
    with pytest.raises(ValueError, match=r"max_iter=10"):
        DeepClassifier().set_params(epochs=10)


@pytest.mark.parametrize("cls, mlp", [(DeepClassifier, MLPClassifier),
                                      (DeepRegressor, MLPRegressor)])
def test_introspection_is_unchanged(cls, mlp):
    params = cls().get_params()
    assert list(params) == sorted(inspect.signature(cls).parameters)
    assert set(mlp().get_params()) <= set(params)
    assert not {"epochs", "optimizer", "metrics", "kwargs"} & set(params)
    model = cls(max_iter=7, hidden_layer_sizes=(3,))
    assert clone(model).get_params() == model.get_params()
    # _repr_html_ is what Jupyter calls to display the estimator
    assert "max_iter=7" in repr(model) and "max_iter" in model._repr_html_()


def test_course_table_has_the_training_words():
    # a list-table: "   * - " starts a row with its Keras cell
    keras_side = " ".join(line for line in GETTING_STARTED.read_text().splitlines()
                          if line.startswith("   * - `"))
    for word in ["validation_split", "validation_data", "EarlyStopping(", "patience=",
                 "batch_size", "Adam(learning_rate", "initial_epoch",
                 "epochs="]:
        assert word in keras_side, word


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_fit_warnings_still_point_at_the_caller(cls, data):
    X, y = data
    with pytest.warns(ConvergenceWarning) as caught:
        cls(hidden_layer_sizes=(2,), max_iter=1).fit(X, y)
    assert {Path(w.filename).name for w in caught} == {Path(__file__).name}


def test_unstratified_split_warning_points_at_the_caller(data):
    X, y = data
    y = np.r_[y[:-1], 2]  # class 2 has one sample
    with pytest.warns(UserWarning, match="single sample") as caught:
        DeepClassifier(hidden_layer_sizes=(2,), max_iter=1,
                       early_stopping=True).fit(X, y)
    assert Path(__file__).name in {Path(w.filename).name for w in caught
                                   if "single sample" in str(w.message)}


def test_the_hint_is_about_the_parameter_that_failed(data):
    with pytest.raises(InvalidParameterError) as caught:
        DeepClassifier(solver="Adam", alpha=-1.0).fit(*data)
    message = str(caught.value)
    assert ("'alpha'" in message) == ("solver='adam'" not in message)
