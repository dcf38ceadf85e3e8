"""The estimators' parameters beyond MLP's, as the estimators expose them: the
Keras activations (per layer, with their synonyms), weight_init,
solver='adamw' and per-layer dropout rates; MLP's own parameters still work."""

import io
import math
import re

import numpy as np
import pytest
from sklearn.datasets import make_moons, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

import skdeep
from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
WRITTEN_OUT = {
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "selu": lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1)),
    "gelu": lambda z: 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "swish": lambda z: z / (1 + np.exp(-z)),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}


@pytest.fixture
def regression():
    return make_regression(80, 3, noise=1.0, random_state=0)


@pytest.mark.parametrize("first, second", [("gelu", "selu"), ("leaky_relu", "elu"),
                                           ("silu", "softplus"), ("swish", "sigmoid")])
def test_per_layer_keras_activations(first, second, regression, fit_quietly):
    X, y = regression
    # float64, to hold each formula to 1e-10
    model = fit_quietly(DeepRegressor(hidden_layer_sizes=(4, 3), activation=[first,
                                                                             second],
                                      max_iter=3, random_state=0, dtype="float64"), X,
                        y)
    hidden_1, hidden_2, _ = model.layer_outputs(X)
    np.testing.assert_allclose(
        hidden_1, WRITTEN_OUT[first](X @ model.coefs_[0] + model.intercepts_[0]),
        rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        hidden_2, WRITTEN_OUT[second](hidden_1 @ model.coefs_[1]
                                      + model.intercepts_[1]),
        rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", sorted(WRITTEN_OUT))
def test_every_activation_learns(activation, fit_quietly):
    X, y = make_moons(200, noise=0.1, random_state=0)
    model = fit_quietly(DeepClassifier(hidden_layer_sizes=(16, 16),
                                       activation=activation,
                                       weight_init="auto", max_iter=150, batch_size=50,
                                       learning_rate_init=0.01, random_state=0), X, y)
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    assert model.score(X, y) > 0.85


@pytest.mark.parametrize("alias, name", [("sigmoid", "logistic"),
                                         ("swish", "silu")])
def test_synonym_is_bitwise_the_same_model(alias, name, regression, weights_of,
                                           fit_quietly):
    X, y = regression
    models = [fit_quietly(DeepRegressor(hidden_layer_sizes=(5, 4),
                                        activation=activation,
                                        max_iter=5, random_state=0), X, y)
              for activation in (alias, [alias, alias], name)]
    for model in models[:2]:
        np.testing.assert_array_equal(weights_of(model),
                                      weights_of(models[2]))
        assert model.loss_curve_ == models[2].loss_curve_
        np.testing.assert_array_equal(model.predict(X), models[2].predict(X))
    assert models[0].activation == alias  # get_params gives back what was set
    # the network, summary() and saved file name the function once, one way
    assert fitted_engine(models[0]).network.activations == (name, name)
    table = io.StringIO()
    models[0].summary(file=table)
    assert re.findall(r"dense_\d \(Dense\)\s+\S+ \d+\)\s+(\w+)",
                      table.getvalue()) == [name, name, "identity"]


def test_sigmoid_model_saves_and_loads(regression, tmp_path, fit_quietly):
    X, y = regression
    model = fit_quietly(DeepRegressor(hidden_layer_sizes=(4,), activation="sigmoid",
                                      max_iter=3, random_state=0), X, y)
    skdeep.save(model, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert loaded.activation == "sigmoid"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unknown_activation_lists_the_choices():
    model = DeepClassifier(hidden_layer_sizes=(3, 3), activation=["relu", "mish"])
    with pytest.raises(ValueError, match=r"DeepClassifier: 'activation' must be one "
                       r"of \[.*'gelu'.*'sigmoid'.*\].*got \['relu', 'mish'\]"):
        model.fit([[0.0], [1.0]], [0, 1])


@pytest.mark.parametrize("weight_init, hidden_bound, zero_bias", [
    ("glorot", math.sqrt(6 / (2 + 50)), False), ("he", math.sqrt(6 / 2), True),
    ("lecun", math.sqrt(3 / 2), True), ("auto", math.sqrt(6 / 2), True)])
def test_weight_init_reaches_the_network(weight_init, hidden_bound, zero_bias,
                                         fit_quietly):
    # a rate of 1e-12 leaves the initial weights as they were drawn (and
    # without input scaling none is folded into coefs_[0])
    X, y = np.random.default_rng(0).normal(size=(40, 2)), np.arange(40) % 2
    model = fit_quietly(DeepClassifier(hidden_layer_sizes=(50,), max_iter=1,
                                       learning_rate_init=1e-12,
                                       weight_init=weight_init,
                                       random_state=0, input_scaling=None), X, y)
    largest = np.abs(model.coefs_[0]).max()
    assert 0.9 * hidden_bound < largest <= hidden_bound
    assert (np.abs(model.intercepts_[0]).max() < 1e-9) == zero_bias


def test_default_weight_init_is_unchanged(regression, weights_of, fit_quietly):
    X, y = regression
    default, explicit = (fit_quietly(DeepRegressor(max_iter=3, random_state=0,
                                                   **params),
                                     X, y) for params in ({},
                                                          {"weight_init": "glorot"}))
    np.testing.assert_array_equal(weights_of(default), weights_of(explicit))


def test_adamw_without_decay_is_adam(regression, weights_of, fit_quietly):
    X, y = regression
    adam, adamw = (fit_quietly(DeepRegressor(hidden_layer_sizes=(8,), solver=solver,
                                             weight_decay=0.0, max_iter=5,
                                             random_state=0), X, y)
                   for solver in ("adam", "adamw"))
    np.testing.assert_array_equal(weights_of(adam), weights_of(adamw))
    assert adam.loss_curve_ == adamw.loss_curve_


def test_adamw_decays_weights_not_biases(regression, fit_quietly):
    X, y = regression
    settings = dict(hidden_layer_sizes=(8,), max_iter=20, alpha=0.0, random_state=0,
                    learning_rate_init=0.01)
    adam = fit_quietly(DeepRegressor(solver="adam", **settings), X, y)
    adamw = fit_quietly(DeepRegressor(solver="adamw", weight_decay=5.0, **settings), X,
                        y)
    norm = lambda model: sum(float((w**2).sum()) for w in model.coefs_)  # noqa: E731
    assert norm(adamw) < 0.5 * norm(adam)
    assert fitted_engine(adamw).optimizer.n_decayed == sum(w.size for w in adamw.coefs_)


def test_adamw_partial_fit_keeps_its_state(regression):
    X, y = regression
    model = DeepRegressor(hidden_layer_sizes=(8,), solver="adamw", random_state=0)
    model.partial_fit(X, y).partial_fit(X, y)
    optimizer = fitted_engine(model).optimizer
    assert type(optimizer).__name__ == "AdamW"
    assert optimizer.t == 2  # one minibatch of 80 rows per call
    assert len(model.loss_curve_) == 2


@pytest.mark.parametrize("params, match", [
    ({"weight_decay": -1.0}, "'weight_decay' parameter of DeepRegressor"),
    ({"weight_init": "xavier"}, "'weight_init' parameter of DeepRegressor"),
    ({"solver": "adamax"}, "'solver' parameter of DeepRegressor")])
def test_new_parameters_are_validated(params, match, regression):
    with pytest.raises(ValueError, match=match):
        DeepRegressor(**params).fit(*regression)


@pytest.mark.parametrize("ours, theirs", [(DeepClassifier, MLPClassifier),
                                          (DeepRegressor, MLPRegressor)])
def test_mlp_parameters_still_work(ours, theirs):
    params = theirs().get_params()
    assert ours(**params).get_params().items() >= params.items()


@pytest.mark.parametrize("solver", ["lbfgs", "adamw"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation", ["gelu", "silu", "selu"])
def test_new_paths_train_and_reproduce(activation, dtype, solver, regression,
                                       weights_of, fit_quietly):
    X, y = regression
    models = [fit_quietly(DeepRegressor(hidden_layer_sizes=(8, 8),
                                        activation=activation,
                                        solver=solver, dtype=dtype, weight_init="auto",
                                        max_iter=30, random_state=0), X, y)
              for _ in range(2)]
    assert models[0].coefs_[0].dtype == np.dtype(dtype)
    assert models[0].loss_curve_[-1] < models[0].loss_curve_[0]
    np.testing.assert_array_equal(weights_of(models[0]),
                                  weights_of(models[1]))
    assert models[0].loss_curve_ == models[1].loss_curve_


def test_dropout_rate_per_layer_is_validated():
    model = DeepClassifier(hidden_layer_sizes=(4, 4), dropout=[0.1, 1.2])
    with pytest.raises(ValueError, match="DeepClassifier: 'dropout'"):
        model.fit([[0.0], [1.0]], [0, 1])
