"""The last step of a Pipeline, as the three edges that need it find it:
``skdeep.save`` (and ``load``), ``skdeep.to_onnx`` and
``HistoryDisplay.from_estimator``, on a bare estimator, a Pipeline ending in
one, a Pipeline whose last step is a Pipeline, a Pipeline ending in another
library's estimator or in 'passthrough', 'passthrough' and None steps on the
way, and unfitted models. Each round trip is compared with the original
model's own predictions."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skdeep import DeepClassifier, DeepRegressor, load, save, to_onnx
from skdeep.plotting import HistoryDisplay

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(80, 3)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


def _network():
    return DeepClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0)


# name -> (unfitted model, whether it ends in a skdeep estimator)
MODELS = {
    "bare": lambda: _network(),
    "scaler, model": lambda: Pipeline([("scale", StandardScaler()),
                                       ("model", _network())]),
    "nested": lambda: Pipeline([("scale", StandardScaler()), ("inner", Pipeline([
        ("minmax", MinMaxScaler()), ("model", _network())]))]),
    "passthrough on the way": lambda: Pipeline([("skip", "passthrough"),
                                                ("model", _network())]),
    "None on the way": lambda: Pipeline([("skip", None), ("model", _network())]),
}
OTHERS = {  # Pipelines whose last step is not a skdeep estimator
    "ends in LogisticRegression": lambda: Pipeline([
        ("scale", StandardScaler()), ("lr", LogisticRegression())]),
    "ends in passthrough": lambda: Pipeline([("scale", StandardScaler()),
                                             ("end", "passthrough")]),
}
LAST_STEP = {"ends in LogisticRegression": ("lr", "LogisticRegression"),
             "ends in passthrough": ("end", "'passthrough'")}


def _fitted(name):
    return {**MODELS, **OTHERS}[name]().fit(X, Y)


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def ort():
    pytest.importorskip("skl2onnx", reason='needs pip install "scikit-deep[onnx]"')
    return pytest.importorskip("onnxruntime",
                               reason='needs pip install "scikit-deep[onnx]"')


# -- save and load -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["bare", "scaler, model", "passthrough on the way",
                                  "None on the way"])
def test_save_and_load_round_trip(name, tmp_path):
    model = _fitted(name)
    save(model, tmp_path / "model.skdeep")
    loaded = load(tmp_path / "model.skdeep")
    assert type(loaded) is type(model)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X), strict=True)
    assert_array_equal(loaded.predict(X), model.predict(X))


def test_save_refuses_a_pipeline_whose_last_step_is_a_pipeline(tmp_path):
    with pytest.raises(TypeError, match="cannot save a sklearn.pipeline.Pipeline"):
        save(_fitted("nested"), tmp_path / "model.skdeep")
    assert not (tmp_path / "model.skdeep").exists()


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_save_refuses_a_pipeline_ending_in_something_else(name, tmp_path):
    with pytest.raises(TypeError, match=r"skops\.io\.dump.*joblib\.dump"):
        save(_fitted(name), tmp_path / "model.skdeep")
    assert not (tmp_path / "model.skdeep").exists()


@pytest.mark.parametrize("name", ["bare", "scaler, model"])
def test_save_keeps_an_unfitted_model_unfitted(name, tmp_path):
    model = MODELS[name]()
    save(model, tmp_path / "model.skdeep")
    loaded = load(tmp_path / "model.skdeep")
    assert loaded.get_params(deep=True).keys() == model.get_params(deep=True).keys()
    final = loaded[-1] if isinstance(loaded, Pipeline) else loaded
    assert not hasattr(final, "coefs_")
    assert_array_equal(loaded.fit(X, Y).predict_proba(X),
                       model.fit(X, Y).predict_proba(X))


# -- to_onnx -------------------------------------------------------------------------
def _onnx_outputs(ort, onnx_model):
    session = ort.InferenceSession(onnx_model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


@pytest.mark.parametrize("name", ["bare", "scaler, model"])
def test_to_onnx_round_trip(name, ort):
    model = _fitted(name)
    labels, probabilities = _onnx_outputs(ort, to_onnx(model, X[:1]))
    assert_array_equal(labels, model.predict(X))
    assert_allclose(probabilities, model.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_to_onnx_refuses_a_pipeline_whose_last_step_is_a_pipeline(ort):
    with pytest.raises(ValueError, match="Pipeline ending in one; got Pipeline"):
        to_onnx(_fitted("nested"), X[:1])


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_to_onnx_refuses_a_pipeline_ending_in_something_else(name, ort):
    with pytest.raises(ValueError, match="skl2onnx.to_onnx for other models"):
        to_onnx(_fitted(name), X[:1])


@pytest.mark.xfail(strict=True, raises=TypeError,
                   reason="today: a TypeError from vars() on the 'passthrough' string")
@pytest.mark.parametrize("name", ["passthrough on the way", "None on the way"])
def test_to_onnx_names_a_passthrough_step_and_the_fix(name, ort):
    with pytest.raises(ValueError, match=r"step 'skip' .*remove it"):
        to_onnx(_fitted(name), X[:1])


@pytest.mark.parametrize("name", ["bare", "scaler, model"])
def test_to_onnx_refuses_an_unfitted_model(name, ort):
    with pytest.raises(ValueError, match="DeepClassifier is not fitted; call fit"):
        to_onnx(MODELS[name](), X[:1])


# -- HistoryDisplay ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(MODELS))
def test_history_display_draws_the_final_estimators_history(name, plt):
    model = _fitted(name)
    final = model
    while isinstance(final, Pipeline):
        final = final.steps[-1][1]
    display = HistoryDisplay.from_estimator(model)
    assert display.estimator_name == "DeepClassifier"
    assert_array_equal(display.lines_["loss"].get_ydata(), final.history_["loss"])


@pytest.mark.parametrize("name, shown", [("ends in LogisticRegression",
                                          "LogisticRegression"),
                                         ("ends in passthrough", "str")])
def test_history_display_refuses_a_pipeline_ending_in_something_else(
        name, shown, plt):
    with pytest.raises(NotFittedError, match=f"unsupported {shown}. Call fit"):
        HistoryDisplay.from_estimator(_fitted(name))


@pytest.mark.parametrize("name", ["bare", "scaler, model"])
def test_history_display_refuses_an_unfitted_model(name, plt):
    with pytest.raises(NotFittedError, match="unsupported DeepClassifier. Call fit"):
        HistoryDisplay.from_estimator(MODELS[name]())


def test_a_regressor_at_the_end_of_a_nested_pipeline_is_found(plt):
    model = Pipeline([("outer", Pipeline([("scale", StandardScaler()), (
        "model", DeepRegressor(hidden_layer_sizes=(4,), max_iter=3,
                               random_state=0))]))]).fit(X, X[:, 0])
    assert HistoryDisplay.from_estimator(model).estimator_name == "DeepRegressor"
