"""ONNX export: onnxruntime reproduces predict / predict_proba.

Every comparison runs a few hundred rows, a quarter of them extreme (inputs up to
50 times the training scale, which saturates tanh and logistic units and gives
logits in the hundreds). Labels must equal ``predict`` exactly. Probabilities and
values must agree within ``TOLERANCE[dtype]`` relative to each element, with an
absolute floor of the same fraction of the largest magnitude in the output: two
correct implementations whose matrix products sum in different orders agree on
a value to that relative precision only when it is not the result of
cancellation (a regression output that crosses zero, a probability of 1e-30).
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    SplineTransformer,
    StandardScaler,
)

from skdeep import DeepClassifier, DeepRegressor, to_onnx
from skdeep.ops import HIDDEN_ACTIVATIONS

ort = pytest.importorskip("onnxruntime", reason='needs pip install "scikit-deep[onnx]"')
skl2onnx = pytest.importorskip("skl2onnx",
                               reason='needs pip install "scikit-deep[onnx]"')
onnx = pytest.importorskip("onnx", reason='needs pip install "scikit-deep[onnx]"')

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

TOLERANCE = {"float32": 1e-5, "float64": 1e-9}
N_FEATURES = 5
# every activation a network can run
ACTIVATIONS = sorted(HIDDEN_ACTIVATIONS)


def _rows(dtype, n_rows=300, seed=1):
    """Standard-normal rows, the last quarter scaled by up to 50."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, N_FEATURES))
    X[-n_rows // 4:] *= rng.uniform(5, 50, size=(n_rows // 4, 1))
    return X.astype(dtype)


def _training_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, N_FEATURES))
    return X, rng


def _run(onnx_model, feeds):
    session = ort.InferenceSession(onnx_model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    if not isinstance(feeds, dict):
        feeds = {session.get_inputs()[0].name: feeds}
    return session.run(None, feeds)


def _assert_close(actual, expected, dtype):
    tolerance = TOLERANCE[str(dtype)]
    assert actual.shape == expected.shape
    assert np.isfinite(actual).all()
    assert_allclose(actual, expected, rtol=tolerance,
                    atol=tolerance * np.abs(expected).max())


def _classifier_targets(kind, X, rng):
    """Labels of one kind for the rows of X."""
    score = X[:, 0] + 0.5 * X[:, 1]
    if kind == "string":
        return np.array(["cat", "dog", "emu"])[np.digitize(score, [-0.5, 0.5])]
    if kind == "integer":
        return np.array([-3, 5, 7, 11])[np.digitize(score, [-1, 0, 1])]
    if kind == "boolean":
        return score > 0
    if kind == "float":
        return np.digitize(score, [-0.5, 0.5]).astype(float)
    return np.column_stack([score > 0, X[:, 2] > 0, X[:, 3] > 0.5]).astype(int)


def _fit(kind, activation, dtype, **params):
    # the rows are standard normal already; test_raw_columns_match covers the
    # input scaling (with it, these seeds give an elu and a selu float32
    # multilabel model whose one extreme row onnxruntime's float32 Exp/Log
    # reproduce to 2.7e-5 only, where predict is within 1e-6 of float64)
    X, rng = _training_data()
    params = {"hidden_layer_sizes": (12, 7), "activation": activation,
              "max_iter": 30, "random_state": 0, "dtype": dtype,
              "input_scaling": None, **params}
    if kind == "poisson":
        y = rng.poisson(np.exp(0.5 * X[:, 0]))
        return DeepRegressor("poisson", **params).fit(X, y)
    if kind == "regression":
        y = np.column_stack([X[:, 0] * X[:, 1], np.sin(X[:, 2])])
        return DeepRegressor(**params).fit(X, y)
    return DeepClassifier(**params).fit(X, _classifier_targets(kind, X, rng))


def _check_matches(model, onnx_model, X, dtype):
    outputs = _run(onnx_model, X)
    if isinstance(model, DeepRegressor):
        expected = model.predict(X)
        _assert_close(outputs[0], expected.reshape(len(X), -1), dtype)
        return
    labels, probabilities = outputs
    assert_array_equal(labels, model.predict(X))
    _assert_close(probabilities, model.predict_proba(X), dtype)


@pytest.mark.slow  # a sweep; one model with every activation stays in the fast loop
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["string", "multilabel", "regression", "poisson"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_and_output_matches(activation, kind, dtype):
    model = _fit(kind, activation, dtype)
    X = _rows(dtype)
    if kind == "poisson":  # keep exp(raw) finite: predict refuses infinity
        X = X / 10
    assert model.coefs_[0].dtype == dtype
    _check_matches(model, to_onnx(model, X[:1]), X, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["string", "multilabel", "regression", "poisson"])
def test_raw_columns_match(kind, dtype):
    """Columns in units a million apart, fitted with input scaling: the graph
    reads raw X through the folded first layer, as predict does."""
    scales = np.array([1.0, 300.0, 2e4, 1e6, 5.0])
    offsets = np.array([0.0, 2000.0, -5e4, 3e6, 1.0])
    X, rng = _training_data()
    params = {"hidden_layer_sizes": (12, 7), "activation": "tanh", "max_iter": 30,
              "random_state": 0, "dtype": dtype}
    if kind == "poisson":
        model = DeepRegressor("poisson", **params)
        y = rng.poisson(np.exp(0.5 * X[:, 0]))
    elif kind == "regression":
        model = DeepRegressor(**params)
        y = np.column_stack([X[:, 0] * X[:, 1], np.sin(X[:, 2])])
    else:
        model, y = DeepClassifier(**params), _classifier_targets(kind, X, rng)
    model.fit(X * scales + offsets, y)
    np.testing.assert_allclose(model.input_scale_, scales, rtol=0.2)
    rows = _rows(dtype) / (10 if kind == "poisson" else 1)
    raw = (rows * scales + offsets).astype(dtype)
    _check_matches(model, to_onnx(model, raw[:1]), raw, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_one_activation_per_layer(dtype):
    model = _fit("string", ACTIVATIONS, dtype,
                 hidden_layer_sizes=(9,) * len(ACTIVATIONS))
    X = _rows(dtype)
    _check_matches(model, to_onnx(model, X[:1]), X, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["string", "integer", "boolean", "float"])
def test_class_labels(kind, dtype):
    model = _fit(kind, "relu", dtype)
    X = _rows(dtype)
    labels, _ = _run(to_onnx(model, X[:1]), X)
    expected = model.predict(X)
    assert labels.dtype == (object if kind == "string" else np.int64)
    # booleans and integral floats come out as int64, as skl2onnx types them
    assert_array_equal(labels, expected.astype(labels.dtype))
    assert len(np.unique(labels)) >= 2


@pytest.mark.parametrize("model_dtype, input_dtype",
                         [("float32", "float64"), ("float64", "float32")])
def test_input_dtype_other_than_the_models(model_dtype, input_dtype):
    """The graph computes in the model's dtype and returns the input's."""
    model = _fit("string", "tanh", model_dtype)
    X = _rows(input_dtype)
    labels, probabilities = _run(to_onnx(model, X[:1]), X)
    assert probabilities.dtype == input_dtype
    assert_array_equal(labels, model.predict(X))
    # the float32 side bounds the precision either way
    _assert_close(probabilities, model.predict_proba(X), "float32")


def test_zipmap_and_nocl_options():
    model = _fit("string", "relu", "float32")
    X = _rows("float32", n_rows=40)
    proba = model.predict_proba(X)
    labels, dicts = _run(to_onnx(model, X[:1], options={
        DeepClassifier: {"zipmap": True}}), X)
    assert [sorted(row) for row in dicts] == [["cat", "dog", "emu"]] * len(X)
    assert_allclose([[row[c] for c in model.classes_] for row in dicts], proba,
                    rtol=1e-5, atol=1e-5)
    columns = _run(to_onnx(model, X[:1], options={
        id(model): {"zipmap": "columns"}}), X)
    assert_allclose(np.column_stack(columns[1:]), proba, rtol=1e-5, atol=1e-5)
    indices, _ = _run(to_onnx(model, X[:1], options={
        DeepClassifier: {"zipmap": False, "nocl": True}}), X)
    assert_array_equal(model.classes_[indices], model.predict(X))


def test_skl2onnx_converts_a_pipeline_of_its_preprocessors():
    """skl2onnx.to_onnx itself, after register_converters: StandardScaler,
    MinMaxScaler, OneHotEncoder, SimpleImputer and ColumnTransformer (all of
    which skl2onnx 1.20 converts with scikit-learn 1.9)."""
    from skdeep.export import register_converters

    X, rng = _training_data()
    frame = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    frame.loc[::7, "b"] = np.nan
    frame["city"] = rng.choice(["Oslo", "Lima", "Pune"], len(frame))
    y = np.where(X[:, 0] + (frame["city"] == "Lima") > 0.3, "high", "low")
    numeric = make_pipeline(SimpleImputer(), StandardScaler(), MinMaxScaler())
    columns = ColumnTransformer([
        ("numeric", numeric, ["a", "b", "c"]),
        ("city", OneHotEncoder(handle_unknown="ignore"), ["city"])])
    pipeline = make_pipeline(columns, DeepClassifier((10,), max_iter=50,
                                                     random_state=0))
    pipeline.fit(frame, y)
    register_converters()
    feeds = {name: frame[[name]].to_numpy(np.float32) for name in "abc"}
    feeds["city"] = frame[["city"]].to_numpy(object)
    # float32 columns: skl2onnx turns SimpleImputer into an ai.onnx.ml Imputer,
    # which onnxruntime implements for float32 only
    sample = frame[:1].astype({name: np.float32 for name in "abc"})
    onnx_model = skl2onnx.to_onnx(pipeline, sample,
                                  options={DeepClassifier: {"zipmap": False}})
    labels, probabilities = _run(onnx_model, feeds)
    assert_array_equal(labels, pipeline.predict(frame))
    _assert_close(probabilities, pipeline.predict_proba(frame), "float32")
    # skdeep.to_onnx infers the same inputs without a sample
    labels, _ = _run(to_onnx(pipeline), feeds)
    assert_array_equal(labels, pipeline.predict(frame))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_scaled_regressor_pipeline_matches_in_its_dtype(dtype):
    """A pipeline ending in a DeepRegressor (target scaling folded in, y far
    from 0) exports in the network's dtype and matches predict to 1e-9 in
    float64."""
    X, rng = _training_data()
    y = 5e3 + 300 * np.c_[X[:, 0] - X[:, 1], X[:, 2] ** 2]
    pipeline = make_pipeline(StandardScaler(), MinMaxScaler(), DeepRegressor(
        hidden_layer_sizes=(12, 7), activation=["gelu", "tanh"], max_iter=30,
        random_state=0, dtype=dtype)).fit(X.astype(dtype), y)
    rows = _rows(dtype)
    (values,) = _run(to_onnx(pipeline, rows[:1]), rows)
    _assert_close(values, pipeline.predict(rows), dtype)


def test_unsupported_step_is_named():
    X, _ = _training_data()
    pipeline = make_pipeline(SplineTransformer(),
                             DeepRegressor(hidden_layer_sizes=(4,), max_iter=5))
    pipeline.fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"step 'splinetransformer' "
                       r"\(SplineTransformer\) has no ONNX converter"):
        to_onnx(pipeline, X[:1])
    with pytest.raises(RuntimeError, match="shape calculator.*SplineTransformer"):
        skl2onnx.to_onnx(pipeline, X[:1].astype(np.float32))


def test_not_a_skdeep_model_or_not_fitted():
    X, _ = _training_data()
    with pytest.raises(ValueError, match="DeepClassifier is not fitted"):
        to_onnx(DeepClassifier(), X[:1])
    with pytest.raises(ValueError, match="got StandardScaler"):
        to_onnx(StandardScaler().fit(X), X[:1])


def test_missing_packages_name_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)  # import now fails
    model = _fit("regression", "relu", "float64")
    with pytest.raises(ImportError, match=r'pip install "scikit-deep\[onnx\]"'):
        to_onnx(model, np.zeros((1, N_FEATURES)))


def test_import_skdeep_does_not_import_skl2onnx():
    code = "import sys, skdeep; print('skl2onnx' in sys.modules, 'onnx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_path_writes_the_returned_model(tmp_path):
    model = _fit("regression", "relu", "float32")
    path = tmp_path / "model.onnx"
    returned = to_onnx(model, _rows("float32")[:1], path=path)
    assert path.read_bytes() == returned.SerializeToString()
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]  # no temporaries
    with pytest.raises(ValueError, match="is a directory"):
        to_onnx(model, path=tmp_path)


def test_export_does_not_change_the_model():
    model = _fit("string", "relu", "float64")
    X = _rows("float64")
    before = [w.copy() for w in model.coefs_], model.predict_proba(X)
    to_onnx(model, X[:1])
    assert all(np.array_equal(a, b) for a, b in zip(before[0], model.coefs_))
    assert_array_equal(model.predict_proba(X), before[1])


# -- skdeep export ------------------------------------------------------------
def _cli(capsys, *argv):
    from skdeep.cli import main

    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def trained_csv_model(tmp_path, capsys):
    """`skdeep train` on numbers (one with gaps) and a string column."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.uniform(20, 70, 300),
                          "income": rng.normal(50, 15, 300),
                          "plan": rng.choice(["basic", "plus", "pro"], 300)})
    frame.loc[::9, "income"] = np.nan
    frame["churn"] = np.where(frame["age"] + 20 * (frame["plan"] == "pro") > 50,
                              "yes", "no")
    data, model = tmp_path / "customers.csv", tmp_path / "model.skdeep"
    frame.to_csv(data, index=False)
    status, _, _ = _cli(capsys, "train", data, "--target", "churn", "--hidden",
                        "8", "--max-iter", "20", "--quiet", "--output", model)
    assert status == 0
    return frame.drop(columns="churn"), model


def test_cli_export_runs_in_onnxruntime(tmp_path, trained_csv_model, capsys):
    from skdeep import load

    frame, model_path = trained_csv_model
    out_path = tmp_path / "model.onnx"
    status, out, err = _cli(capsys, "export", model_path, "--onnx", out_path)
    assert (status, err) == (0, "")
    assert out.startswith(f"wrote {out_path}: inputs age, income, plan; outputs "
                          "label, probabilities")
    feeds = {"age": frame[["age"]].to_numpy(np.float32),
             "income": frame[["income"]].to_numpy(np.float32),
             "plan": frame[["plan"]].to_numpy(object)}
    model = load(model_path)
    labels, probabilities = _run(onnx.load(out_path), feeds)
    assert_array_equal(labels, model.predict(frame))
    # float32 inputs (what skl2onnx's imputer takes) into a float64 network
    _assert_close(probabilities, model.predict_proba(frame), "float32")


@pytest.mark.parametrize("case", ["no model", "output is the model", "no directory",
                                  "missing packages"])
def test_cli_export_errors_are_one_line(tmp_path, trained_csv_model, capsys,
                                        monkeypatch, case):
    _, model_path = trained_csv_model
    target = tmp_path / "model.onnx"
    if case == "no model":
        model_path, expected = tmp_path / "nope.skdeep", "no such model file"
    elif case == "output is the model":
        target, expected = model_path, "is also an input"
    elif case == "no directory":
        target, expected = tmp_path / "missing" / "m.onnx", "does not exist"
    else:
        monkeypatch.setitem(sys.modules, "skl2onnx", None)
        expected = 'pip install "scikit-deep[onnx]"'
    status, out, err = _cli(capsys, "export", model_path, "--onnx", target)
    assert status == 2
    assert err.startswith("skdeep: error: ") and err.count("\n") == 1
    assert expected in err
    assert not (tmp_path / "model.onnx").exists()


def test_cli_export_refuses_an_existing_file_unless_overwrite(
        tmp_path, trained_csv_model, capsys):
    _, model_path = trained_csv_model
    target = tmp_path / "model.onnx"
    target.write_bytes(b"keep me")
    status, _, err = _cli(capsys, "export", model_path, "--onnx", target)
    assert status == 2 and "--overwrite" in err
    assert target.read_bytes() == b"keep me"
    status, _, err = _cli(capsys, "export", model_path, "--onnx", target,
                          "--overwrite")
    assert (status, err) == (0, "")
    assert onnx.load(target).graph.output[0].name == "label"


def test_export_never_imports_training():
    """The exporter sits at the edge: it reads fitted attributes and never
    imports the training layer."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "skdeep"
    for path in [*(package / "export").glob("*.py"), package / "cli" / "_export.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                assert "training" not in module.split("."), f"{path}: {module}"


def test_same_model_same_bytes():
    model = _fit("string", "tanh", "float32")
    X = _rows("float32")[:1]
    assert to_onnx(model, X).SerializeToString() == \
        to_onnx(model, X).SerializeToString()


def test_uint64_labels_export_or_are_refused():
    """Labels in int64's range come out as predict gives them; a uint64 label
    of 2**63 or more would wrap: refused."""
    X, rng = _training_data()
    score = X[:, 0] > 0
    small = np.where(score, 2**62, 7).astype(np.uint64)
    model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=20,
                           random_state=0).fit(X, small)
    labels, _ = _run(to_onnx(model, X[:1].astype(np.float32)),
                     X.astype(np.float32))
    assert_array_equal(labels.astype(np.uint64), model.predict(X.astype(np.float32)))
    big = np.where(score, 2**63 + 5, 7).astype(np.uint64)
    model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=2,
                           random_state=0).fit(X, big)
    with pytest.raises(ValueError, match="DeepClassifier: ONNX class labels "
                       "are int64.*outside int64's range"):
        to_onnx(model, X[:1])


def _train_pipeline(n_values):
    """The pipeline ``skdeep train`` built before it passed raw columns to the
    estimator (issue 23; its saved files still load), on a text column of
    n_values."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=400),
                          "city": rng.choice([f"c{i}" for i in range(n_values)],
                                             400)})
    encoder = OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=50,
                            sparse_output=True)
    pipeline = Pipeline([
        ("columns", ColumnTransformer([("numeric", StandardScaler(), ["x"]),
                                       ("categorical", encoder, ["city"])],
                                      sparse_threshold=0)),
        ("impute", SimpleImputer(strategy="constant", fill_value=0.0,
                                 keep_empty_features=True)),
        ("model", DeepClassifier(hidden_layer_sizes=(4,), max_iter=5,
                                 random_state=0))])
    return pipeline.fit(frame, (frame.x > 0).astype(int)), frame


def test_unseen_category_in_a_train_pipeline_gives_predicts_answer():
    """train's OneHotEncoder maps an unseen text value to zeros; so does the
    exported graph, row by row, instead of failing the batch."""
    pipeline, frame = _train_pipeline(5)
    rows = frame.head(4).copy()
    rows.loc[rows.index[1], "city"] = "never seen"
    feeds = {"x": rows[["x"]].to_numpy(np.float32),
             "city": rows[["city"]].to_numpy(object)}
    labels, probabilities = _run(to_onnx(pipeline), feeds)
    assert_array_equal(labels, pipeline.predict(rows))
    _assert_close(probabilities, pipeline.predict_proba(rows), "float32")
    assert pipeline[0].transformers_[1][1].handle_unknown == "infrequent_if_exist"


def test_infrequent_categories_are_refused_with_a_value_error():
    pipeline, _ = _train_pipeline(60)
    with pytest.raises(ValueError, match="OneHotEncoder.*infrequent categories "
                       "of \\['city'\\].*max_categories=None"):
        to_onnx(pipeline)


def test_a_raw_table_model_exports_its_gaps():
    """Issue 23: the graph fills gaps and adds their indicators as predict does
    (tests/export/test_onnx_tables.py covers categories and the inputs)."""
    X = np.random.default_rng(0).normal(size=(40, 3))
    X[::4, 1] = np.nan
    model = DeepRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(X, X[:, 0] * 0)
    (values,) = _run(to_onnx(model, X[:1]), X)
    _assert_close(values.ravel(), model.predict(X), "float32")
