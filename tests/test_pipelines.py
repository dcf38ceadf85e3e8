"""The last step of a Pipeline, as the three edges that need it find it:
``skdeep.save`` (and ``load``), ``skdeep.to_onnx`` and
``HistoryDisplay.from_estimator``, on a bare estimator, a Pipeline ending in
one, a Pipeline whose last step is a Pipeline, a Pipeline ending in another
library's estimator or in 'passthrough', 'passthrough' and None steps on the
way, and unfitted models. Each round trip is compared with the original
model's own predictions.

All three find the last step through ``skdeep._pipelines.final_step``, so all
three accept a Pipeline whose last step is a Pipeline ending in a skdeep
estimator: save/load and ONNX round-trip it exactly as they do a flat one."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skdeep import DeepClassifier, DeepRegressor, load, save, to_onnx
from skdeep._pipelines import describe, final_estimator, final_step
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
def ort():
    pytest.importorskip("skl2onnx", reason='needs pip install "scikit-deep[onnx]"')
    return pytest.importorskip("onnxruntime",
                               reason='needs pip install "scikit-deep[onnx]"')


# -- save and load -----------------------------------------------------------------
# -- the rule itself ---------------------------------------------------------------
def test_final_step_walks_to_the_end_of_nested_pipelines():
    model = MODELS["nested"]()
    inner_model = model.steps[-1][1].steps[-1][1]
    assert final_step(model) == ("inner/model", inner_model)
    assert final_estimator(model) is inner_model
    bare = _network()
    assert final_step(bare) == ("", bare)
    assert final_step(OTHERS["ends in passthrough"]()) == ("end", "passthrough")
    empty = Pipeline.__new__(Pipeline)
    empty.steps = []  # not a valid Pipeline: it stands for itself
    assert final_step(empty) == ("", empty)


@pytest.mark.parametrize("model, expected", [
    (LogisticRegression(), "LogisticRegression"),
    (OTHERS["ends in LogisticRegression"](),
     "Pipeline whose last step 'lr' is LogisticRegression"),
    (OTHERS["ends in passthrough"](),
     "Pipeline whose last step 'end' is 'passthrough'"),
    (Pipeline([("outer", Pipeline([("none", None)]))]),
     "Pipeline whose last step 'outer/none' is None"),
])
def test_describe_names_the_last_step(model, expected):
    assert describe(model) == expected


@pytest.mark.parametrize("name", ["bare", "scaler, model", "nested",
                                  "passthrough on the way", "None on the way"])
def test_save_and_load_round_trip(name, tmp_path):
    model = _fitted(name)
    save(model, tmp_path / "model.skdeep")
    loaded = load(tmp_path / "model.skdeep")
    assert type(loaded) is type(model)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X), strict=True)
    assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_loaded_nested_pipeline_keeps_its_structure_and_resumes(tmp_path):
    model = _fitted("nested")
    save(model, tmp_path / "model.skdeep")
    loaded = load(tmp_path / "model.skdeep")
    assert [name for name, _ in loaded.steps] == ["scale", "inner"]
    assert [name for name, _ in loaded[-1].steps] == ["minmax", "model"]
    for pipeline in (model, loaded):
        pipeline.set_params(inner__model__warm_start=True,
                            inner__model__max_iter=3).fit(X, Y)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X), strict=True)


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_save_refuses_a_pipeline_ending_in_something_else(name, tmp_path):
    step, kind = LAST_STEP[name]
    with pytest.raises(TypeError, match=(
            rf"cannot save a sklearn\.pipeline\.Pipeline \(Pipeline whose last step "
            rf"'{step}' is {kind}\)\..*skops\.io\.dump.*joblib\.dump")):
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


@pytest.mark.parametrize("name", ["bare", "scaler, model", "nested"])
def test_to_onnx_round_trip(name, ort):
    model = _fitted(name)
    labels, probabilities = _onnx_outputs(ort, to_onnx(model, X[:1]))
    assert_array_equal(labels, model.predict(X))
    assert_allclose(probabilities, model.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_to_onnx_round_trips_a_regressor_at_the_end_of_nested_pipelines(ort):
    y = X[:, 0] - 2 * X[:, 1]
    model = Pipeline([("outer", Pipeline([("scale", StandardScaler()), (
        "model", DeepRegressor(hidden_layer_sizes=(6,), max_iter=20,
                               random_state=0))]))]).fit(X, y)
    (values,) = _onnx_outputs(ort, to_onnx(model))
    assert_allclose(values.ravel(), model.predict(X), rtol=1e-5,
                    atol=1e-5 * np.abs(model.predict(X)).max())


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_to_onnx_refuses_a_pipeline_ending_in_something_else(name, ort):
    step, kind = LAST_STEP[name]
    with pytest.raises(ValueError, match=(
            rf"got Pipeline whose last step '{step}' is {kind}\. Use "
            "skl2onnx.to_onnx for other models")):
        to_onnx(_fitted(name), X[:1])


@pytest.mark.parametrize("name, step", [("passthrough on the way", "'passthrough'"),
                                        ("None on the way", "None")])
def test_to_onnx_names_a_passthrough_step_and_the_fix(name, step, ort):
    with pytest.raises(ValueError, match=(
            rf"step 'skip' is {step}, which skl2onnx cannot convert; remove it")):
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


@pytest.mark.parametrize("name, shown", [
    ("ends in LogisticRegression",
     "Pipeline whose last step 'lr' is LogisticRegression"),
    ("ends in passthrough", "Pipeline whose last step 'end' is 'passthrough'")])
def test_history_display_refuses_a_pipeline_ending_in_something_else(
        name, shown, plt):
    with pytest.raises(NotFittedError) as error:
        HistoryDisplay.from_estimator(_fitted(name))
    assert f"unsupported {shown}. Call fit first." in str(error.value)


@pytest.mark.parametrize("name, shown", [
    ("bare", "DeepClassifier"),
    ("scaler, model", "Pipeline whose last step 'model' is DeepClassifier")])
def test_history_display_refuses_an_unfitted_model(name, shown, plt):
    with pytest.raises(NotFittedError) as error:
        HistoryDisplay.from_estimator(MODELS[name]())
    assert f"unsupported {shown}. Call fit first." in str(error.value)


def test_a_regressor_at_the_end_of_a_nested_pipeline_is_found(plt):
    model = Pipeline([("outer", Pipeline([("scale", StandardScaler()), (
        "model", DeepRegressor(hidden_layer_sizes=(4,), max_iter=3,
                               random_state=0))]))]).fit(X, X[:, 0])
    assert HistoryDisplay.from_estimator(model).estimator_name == "DeepRegressor"
