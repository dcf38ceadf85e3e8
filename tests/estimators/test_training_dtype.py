"""The training dtype is decided once, from the data as given, before X is cast:
a network that trains in float64 never trains on an X rounded to float32."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import skdeep.estimators._params as params
from skdeep import DeepClassifier, DeepRegressor


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * 1.2345678901
    return X, X @ [1.0, -0.5, 0.25]


@pytest.mark.parametrize("input_scaling", [None, "standard"])
def test_a_y_far_from_zero_trains_float64_on_x_as_given(data, input_scaling):
    """dtype='auto' keeps float64 for a y near 1e8; the network then trains on
    X itself, as under an explicit dtype='float64' (bitwise), not on X rounded
    to float32 during validation."""
    X, y = data
    params = {"hidden_layer_sizes": (8,), "max_iter": 3, "random_state": 0,
              "input_scaling": input_scaling}
    auto = DeepRegressor(**params).fit(X, y + 1e8)
    explicit = DeepRegressor(dtype="float64", **params).fit(X, y + 1e8)
    assert auto.coefs_[0].dtype == np.float64
    for a, b in zip(auto.coefs_ + auto.intercepts_,
                    explicit.coefs_ + explicit.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_unscaled_values_beyond_float32_train_in_float64_or_are_refused(data):
    """input_scaling=None and a column past float32's largest value: 'auto'
    trains in float64 (validation no longer casts to float32 first), and an
    explicit float32 is refused with the dtype's message."""
    X, y = data
    X = X.copy()
    X[:, 0] *= 1e39
    model = DeepRegressor(input_scaling=None, hidden_layer_sizes=(4,), max_iter=2,
                          random_state=0).fit(X, y)
    assert model.coefs_[0].dtype == np.float64
    with pytest.raises(ValueError, match=r"dtype='float32' trains in float32 here, "
                       "which cannot hold input values of magnitude"):
        DeepRegressor(input_scaling=None, dtype="float32", max_iter=2).fit(X, y)


@pytest.mark.parametrize("Estimator", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("input_scaling", [None, "standard"])
def test_the_dtype_is_decided_once_per_fit(Estimator, input_scaling, data,
                                           monkeypatch):
    X, y = data
    y = y > 0 if Estimator is DeepClassifier else y
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    original = params.compute_dtype
    # wherever the estimators' modules hold it (validation used to, too)
    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "").startswith("skdeep.")
                and getattr(module, "compute_dtype", None) is original):
            monkeypatch.setattr(module, "compute_dtype", counted)
    Estimator(input_scaling=input_scaling, max_iter=2, early_stopping=True,
              random_state=0).fit(X, y, X_val=X, y_val=y)
    assert len(calls) == 1


def test_a_float32_network_continues_on_x_cast_once(data):
    """partial_fit of a float32 network (no input scaling): X goes straight to
    float32 in validation, as before."""
    X, y = data
    model = DeepRegressor(input_scaling=None, hidden_layer_sizes=(4,),
                          random_state=0).partial_fit(X, y)
    assert model.coefs_[0].dtype == np.float32
    model.partial_fit(X, y)
    assert model.coefs_[0].dtype == np.float32
