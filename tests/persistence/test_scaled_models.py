"""Model files of input-scaled and one-hot models: the statistics and the trained
parameters are saved and checked, a loaded model resumes bit for bit, and files
written before input scaling existed still load."""

from pathlib import Path

import numpy as np
import pytest

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import trained_params
from skdeep.persistence import load, save

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

DATA = Path(__file__).parent / "data"


@pytest.fixture
def raw():
    rng = np.random.default_rng(0)
    unit = rng.normal(size=(80, 3))
    X = unit * [1.0, 500.0, 1e5] + [0.0, 3000.0, 2e6]
    return X, unit @ [1.0, -2.0, 0.5] * 40 + 900


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_a_loaded_model_resumes_bit_for_bit(raw, cls, tmp_path, weights_of):
    X, y = raw
    y = y if cls is DeepRegressor else (y > np.median(y)).astype(int)
    params = {"hidden_layer_sizes": (8,), "random_state": 0}
    once = cls(max_iter=6, **params).fit(X, y)
    first = cls(max_iter=4, warm_start=True, **params).fit(X, y)
    save(first, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    np.testing.assert_array_equal(loaded.input_offset_, first.input_offset_)
    np.testing.assert_array_equal(loaded.input_scale_, first.input_scale_)
    np.testing.assert_array_equal(trained_params(loaded), trained_params(first))
    loaded.set_params(max_iter=2).fit(X, y)
    np.testing.assert_array_equal(weights_of(loaded), weights_of(once))


@pytest.mark.parametrize("name, value, message", [
    ("input_scale_", np.array([1.0, 0.0, 2.0]), "input_scale_ must be positive"),
    ("input_offset_", np.array([1.0, np.nan, 2.0]), "input_offset_ must be 3 finite"),
    ("input_scale_", np.array([1.0, 2.0]), "input_scale_ must be 3 finite"),
    ("input_offset_", None, "saved together"),
    ("_trained_params", np.zeros(3), "trained_params must match"),
])
def test_bad_input_statistics_are_refused(raw, name, value, message, save_refuses):
    X, y = raw
    model = DeepRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)
    save_refuses(model, name, value, message)


def test_one_hot_models_keep_their_representation(raw, tmp_path, save_refuses):
    X, y = raw
    one_hot = np.eye(3, dtype=int)[np.digitize(y, np.quantile(y, [0.3, 0.7]))]
    model = DeepClassifier(hidden_layer_sizes=(6,), max_iter=5).fit(X, one_hot)
    save(model, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.predict(X).shape == one_hot.shape
    # the file's one-hot flag is checked: a test of that stored field itself
    save_refuses(model, "_one_hot", "yes", "_one_hot must be a bool")


@pytest.mark.parametrize("name, column", [("regressor", 0), ("classifier", 2)])
def test_files_from_before_input_scaling_load_and_train_on(name, column):
    """Written by the main branch before input scaling: columns of the .npy are
    the regressor's predictions and the classifier's two probabilities."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    expected = np.load(DATA / "before_input_scaling_predictions.npy")
    model = load(DATA / f"{name}_before_input_scaling.skdeep")
    # it trained on raw X: it says so, and keeps doing so
    assert model.input_scaling is None and "input_offset_" not in vars(model)
    outputs = (model.predict(X) if name == "regressor"
               else model.predict_proba(X)[:, 1])
    np.testing.assert_array_equal(outputs, expected[:, column])
    y = X @ [1.0, -2.0, 0.5] + 10 if name == "regressor" else (X[:, 0] > 0) * 1
    model.set_params(warm_start=True, max_iter=2).fit(X, y)
    assert np.isfinite(model.predict(X)).all()
