"""ONNX export of models fitted on raw tables: onnxruntime, fed one input per
column, reproduces predict / predict_proba on text, integer, bool and pandas
category columns, unseen and rare categories and missing values; a model whose
first-layer rows are set by hand gives the output computed by hand.

Tolerances as in tests/test_onnx.py: labels equal, values within 1e-5
(float32) or 1e-9 (float64) relative to each element, with that fraction of
the largest output as the absolute floor.
"""


import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline

from skdeep import DeepClassifier, DeepRegressor, to_onnx
from skdeep.export import MISSING_INT64, MISSING_STRING, onnx_feeds

ort = pytest.importorskip("onnxruntime", reason='needs pip install "scikit-deep[onnx]"')
skl2onnx = pytest.importorskip("skl2onnx",
                               reason='needs pip install "scikit-deep[onnx]"')

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

TOLERANCE = {"float32": 1e-5, "float64": 1e-9}
CITIES = ["lyon", "nice", "oslo", "rome"]
CATEGORICAL = ["city", "rooms", "member", "kind", "zip"]


def _table(n_rows=400, seed=0):
    """Two numeric columns (one with gaps), text with gaps and a rare value,
    integers, bools, a pandas category with an unused category, and postcodes
    (numbers stored as text)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": rng.normal(5e4, 1e4, n_rows),
        "age": rng.normal(40, 12, n_rows),
        "city": rng.choice(CITIES, n_rows).astype(object),
        "rooms": rng.choice([1, 2, 3, 5], n_rows),
        "member": rng.random(n_rows) < 0.4,
        "kind": pd.Categorical(rng.choice(["p", "q", "r"], n_rows),
                               categories=["p", "q", "r", "unused"]),
        "zip": rng.choice(["75001", "69002", "06000"], n_rows).astype(object),
    })
    frame.loc[::7, "income"] = np.nan
    frame.loc[3::11, "city"] = None
    frame.loc[[5, 9], "city"] = "riga"  # rare: it shares the 'other' row
    score = (frame["income"].fillna(5e4) / 1e4 + frame["rooms"] - frame["age"] / 12
             + frame["city"].map(dict(zip(CITIES, range(4)))).fillna(2)
             + frame["member"] + (frame["zip"] == "06000"))
    return frame, score.to_numpy()


def _new_rows():
    """Rows predict takes: ordinary ones, unseen categories everywhere, every
    numeric value missing, every value missing, the rare city."""
    return pd.DataFrame({
        "income": [4e4, 6e4, np.nan, np.nan, 5e4],
        "age": [30.0, 50.0, np.nan, np.nan, 41.0],
        "city": ["oslo", "paris", "lyon", None, "riga"],
        "rooms": pd.array([2, 4, 1, None, 3], dtype=object),
        "member": pd.array([True, False, True, None, False], dtype=object),
        "kind": pd.Categorical(["q", "unused", "p", None, "r"],
                               categories=["p", "q", "r", "unused"]),
        "zip": ["69002", "99999", "75001", None, "06000"],
    })


def _rows():
    frame, _ = _table(seed=1)
    return pd.concat([frame.head(60), _new_rows()], ignore_index=True)


def _fit(kind, dtype="float32", frame=None, **params):
    if frame is None:
        frame, score = _table()
    else:
        score = np.arange(len(frame)) % 3
    params = {"hidden_layer_sizes": (12, 7), "max_iter": 30, "random_state": 0,
              "dtype": dtype, "categorical_features": CATEGORICAL, **params}
    if kind == "regression":
        y = np.column_stack([score, np.sin(score)])
        return DeepRegressor(**params).fit(frame, y)
    if kind == "poisson":
        return DeepRegressor("poisson", **params).fit(
            frame, np.random.default_rng(0).poisson(np.exp(score / score.max())))
    if kind == "multilabel":
        y = np.column_stack([score > np.median(score), frame["member"]]).astype(int)
        return DeepClassifier(**params).fit(frame, y)
    labels = np.array(["low", "mid", "high"])[np.digitize(
        score, np.quantile(score, [1 / 3, 2 / 3]))]
    return DeepClassifier(**params).fit(frame, labels)


def _session(onnx_model):
    return ort.InferenceSession(onnx_model.SerializeToString(),
                                providers=["CPUExecutionProvider"])


def _run(onnx_model, X):
    session = _session(onnx_model)
    return session.run(None, onnx_feeds(session, X))


def _assert_close(actual, expected, dtype):
    tolerance = TOLERANCE[str(dtype)]
    expected = np.asarray(expected).reshape(actual.shape)
    assert np.isfinite(actual).all()
    assert_allclose(actual, expected, rtol=tolerance,
                    atol=tolerance * np.abs(expected).max())


def _check_matches(model, onnx_model, X, dtype):
    outputs = _run(onnx_model, X)
    if isinstance(model, DeepRegressor):
        _assert_close(outputs[0], model.predict(X), dtype)
        return
    labels, probabilities = outputs
    assert_array_equal(labels, model.predict(X))
    _assert_close(probabilities, model.predict_proba(X), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["classes", "multilabel", "regression", "poisson"])
def test_onnxruntime_matches_predict(kind, dtype):
    model = _fit(kind, dtype)
    _check_matches(model, to_onnx(model), _rows(), dtype)


@pytest.mark.parametrize("dtype, real", [("float32", "tensor(float)"),
                                         ("float64", "tensor(double)")])
def test_one_input_per_column_typed_by_its_values(dtype, real):
    """Numbers in the network's dtype; text and category columns as strings,
    integer and bool categories as int64; outputs in the network's dtype."""
    session = _session(to_onnx(_fit("classes", dtype)))
    assert [(node.name, node.type, node.shape[1]) for node in session.get_inputs()] \
        == [("income", real, 1), ("age", real, 1), ("city", "tensor(string)", 1),
            ("rooms", "tensor(int64)", 1), ("member", "tensor(int64)", 1),
            ("kind", "tensor(string)", 1), ("zip", "tensor(string)", 1)]
    assert [node.type for node in session.get_outputs()] == ["tensor(string)", real]


def test_feeds_write_missing_values_as_the_graph_reads_them():
    session = _session(to_onnx(_fit("classes")))
    feeds = onnx_feeds(session, _new_rows())
    assert np.isnan(feeds["income"][2:4]).all() and np.isnan(feeds["age"][2, 0])
    assert feeds["city"][3, 0] == MISSING_STRING == ""
    assert feeds["rooms"][3, 0] == MISSING_INT64 == np.iinfo(np.int64).min
    assert feeds["member"].ravel().tolist() == [1, 0, 1, MISSING_INT64, 0]
    assert feeds["kind"].ravel().tolist() == ["q", "unused", "p", "", "r"]


def test_rare_and_unseen_categories_read_the_other_row():
    """A category seen in fewer than 5 training rows and one never seen give
    the same output; a missing one reads its own row."""
    model = _fit("regression")
    rows = pd.concat([_new_rows().iloc[[0]]] * 3, ignore_index=True)
    rows["city"] = ["riga", "paris", None]
    (values,) = _run(to_onnx(model), rows)
    assert_array_equal(values[0], values[1])
    assert not np.allclose(values[0], values[2])
    _assert_close(values, model.predict(rows), "float32")


def test_hand_set_first_layer_rows_give_the_hand_computed_output():
    """Identity network: the output is the sum of the first-layer rows a row
    selects (its number or the fill value, its indicator, its category row)
    plus the bias, times the output weights."""
    frame = pd.DataFrame({"x": [1.0, 3.0, np.nan, 2.0] * 5,
                          "city": ["a", "b", "c", "a"] * 5})
    model = DeepRegressor(hidden_layer_sizes=(2,), activation="identity",
                          max_iter=1, random_state=0).fit(frame, np.arange(20.0))
    assert model.fill_values_.tolist() == [2.0]
    # rows: x, x's missing indicator, then city a, b, c, other, missing
    model.coefs_[0][...] = [[1, 10], [100, 1000], [2, 20], [3, 30], [4, 40],
                            [5, 50], [6, 60]]
    model.intercepts_[0][...] = [0.5, -0.5]
    model.coefs_[1][...] = [[1], [0.01]]
    model.intercepts_[1][...] = [7]
    rows = pd.DataFrame({"x": [2.0, np.nan, 1.0, -1.0],
                         "city": ["b", "c", "unseen", None]})
    hidden = np.array([
        [2 * 1 + 3 + 0.5, 2 * 10 + 30 - 0.5],                # x=2, b
        [2 * 1 + 100 + 4 + 0.5, 2 * 10 + 1000 + 40 - 0.5],   # fill 2, flag, c
        [1 + 5 + 0.5, 10 + 50 - 0.5],                        # x=1, other
        [-1 + 6 + 0.5, -10 + 60 - 0.5],                      # x=-1, missing
    ])
    expected = hidden @ [1, 0.01] + 7
    (values,) = _run(to_onnx(model), rows)
    assert_allclose(values.ravel(), expected, rtol=1e-6)
    assert_allclose(model.predict(rows), expected, rtol=1e-6)


def test_a_far_from_zero_column_keeps_its_float64_model_and_inputs():
    """A Unix time makes dtype='auto' train in float64 (float32 would round it
    to 128 s); as for a plain model, the export then reads and computes in
    float64."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"time": 1.7e9 + rng.normal(0, 1e3, 300),
                          "city": rng.choice(CITIES, 300)})
    y = (frame["time"] - 1.7e9) / 1e3 + frame["city"].map(dict(zip(CITIES, range(4))))
    model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=20,
                          random_state=0).fit(frame, y)
    assert model.coefs_[0].dtype == np.float64
    onnx_model = to_onnx(model)
    assert _session(onnx_model).get_inputs()[0].type == "tensor(double)"
    rows = frame.head(50).copy()
    rows.loc[rows.index[:3], "time"] += np.array([0.25, 0.5, 64.0])
    _check_matches(model, onnx_model, rows, "float64")


def test_polars_and_pyarrow_tables():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    frame, labels = _table()
    frame = frame.drop(columns="kind")  # polars has no pandas categories
    model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0,
                           categorical_features=["city", "rooms", "member",
                                                 "zip"]).fit(frame, labels > 6)
    rows = _new_rows().drop(columns="kind").astype({"rooms": "Int64",
                                                    "member": "boolean"})
    for table in (pl.from_pandas(frame), pa.Table.from_pandas(frame)):
        onnx_model = to_onnx(model, table)
        _check_matches(model, onnx_model, table, "float32")
    _check_matches(model, onnx_model, pl.from_pandas(rows), "float32")


def _array_model():
    """A model fitted on an array: gaps in column 1, integer codes in column 2."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=200), rng.normal(size=200),
                         rng.choice([0, 1, 2], 200)])
    X[::4, 1] = np.nan
    model = DeepRegressor(hidden_layer_sizes=(6,), max_iter=10, random_state=0,
                          categorical_features=[2]).fit(X, X[:, 2] + np.nan_to_num(
                              X[:, 1]))
    rows = X[:20].copy()
    rows[0] = np.nan
    rows[1, 2] = 7  # an unseen code
    return model, rows


def test_an_array_model_gets_positional_inputs_or_one_matrix():
    """Without a sample: inputs x0, x1, ...; with an array sample: one X
    matrix of its dtype (NaN a missing code), as for a plain model."""
    model, rows = _array_model()
    by_column = to_onnx(model)
    assert [node.name for node in by_column.graph.input] == ["x0", "x1", "x2"]
    _check_matches(model, by_column, rows, "float32")
    matrix = to_onnx(model, rows[:1])
    assert [node.name for node in matrix.graph.input] == ["X"]
    (values,) = _session(matrix).run(None, {"X": rows})
    _assert_close(values, model.predict(rows), "float32")


def test_a_pipeline_step_before_a_table_model():
    """The step's output matrix is the table model's input (its codes exact in
    float32); a Pipeline of the table model alone reads the columns."""
    model, rows = _array_model()
    pipeline = make_pipeline(SimpleImputer(strategy="most_frequent"), DeepRegressor(
        hidden_layer_sizes=(6,), max_iter=5, random_state=0,
        categorical_features=[2])).fit(np.vstack([rows] * 5), np.arange(100.0))
    (values,) = _session(to_onnx(pipeline)).run(None, {"X": rows.astype(np.float32)})
    _assert_close(values, pipeline.predict(rows), "float32")
    alone = Pipeline([("model", _fit("classes"))])
    _check_matches(alone, to_onnx(alone), _rows(), "float32")


def test_skl2onnx_to_onnx_takes_a_dataframe_sample():
    """skl2onnx types the inputs from the sample's dtypes (float64, int64,
    bool, text); the converter reads each as its column."""
    from skdeep.export import register_converters

    frame, score = _table()
    frame = frame.drop(columns="kind")
    model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0,
                           categorical_features=["city", "rooms", "member",
                                                 "zip"]).fit(frame, score > 6)
    register_converters()
    onnx_model = skl2onnx.to_onnx(model, frame.head(2).fillna({"city": ""}),
                                  options={DeepClassifier: {"zipmap": False}})
    session = _session(onnx_model)
    assert [node.type for node in session.get_inputs()][3:5] == [
        "tensor(int64)", "tensor(bool)"]
    rows = frame.head(50)
    labels, probabilities = session.run(None, onnx_feeds(session, rows))
    assert_array_equal(labels, model.predict(rows))
    _assert_close(probabilities, model.predict_proba(rows), "float32")


def test_a_wrongly_typed_feed_fails_instead_of_answering():
    session = _session(to_onnx(_fit("classes")))
    feeds = onnx_feeds(session, _new_rows())
    feeds["rooms"] = feeds["rooms"].astype(np.float64)
    with pytest.raises(Exception, match="(?i)unexpected input data type"):
        session.run(None, feeds)
    feeds = onnx_feeds(session, _new_rows())
    feeds["city"] = np.zeros((5, 1), dtype=np.int64)
    with pytest.raises(Exception, match="(?i)unexpected input data type"):
        session.run(None, feeds)


@pytest.mark.parametrize("column, value, message", [
    ("zip", 75001, r"column 'zip' holds \[75001\] \(rows \[1\]\).*takes text"),
    ("city", "", r"column 'city' holds \[''\].*text other than ''"),
    ("rooms", "2", r"column 'rooms' holds \['2'\].*integers"),
    ("rooms", 2.5, r"column 'rooms' holds \[2.5\].*integers"),
    ("income", "lots", r"column 'income' holds \['lots'\].*numbers"),
])
def test_feeds_refuse_values_their_input_cannot_hold(column, value, message):
    """Postcodes stored as text take text: predict reads the number 75001 as an
    unseen category, so the helper does not turn it into '75001'."""
    session = _session(to_onnx(_fit("classes")))
    rows = _new_rows().astype({column: object})
    rows.loc[1, column] = value
    with pytest.raises(ValueError, match=message):
        onnx_feeds(session, rows)


@pytest.mark.parametrize("categories, unseen", [
    ([10001.0, 20002.0, 30003.0, 4e15], [15000.0, 10001.5, np.inf]),
    ([0.5, 1.5, 2.25, 1e-300], [0.25, 1.0, 0.5 + 1e-12]),
])
def test_float_categories(categories, unseen):
    """Float codes (a postcode column with gaps reads as float): exact matches
    only, NaN missing."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200),
                          "code": rng.choice(categories, 200)})
    frame.loc[::9, "code"] = np.nan
    model = DeepRegressor(hidden_layer_sizes=(6,), max_iter=10, random_state=0,
                          categorical_features=["code"]).fit(frame, frame["x"])
    onnx_model = to_onnx(model)
    assert _session(onnx_model).get_inputs()[1].type == "tensor(double)"
    rows = pd.DataFrame({"x": 0.5, "code": [*categories, *unseen, np.nan]})
    _check_matches(model, onnx_model, rows, "float32")


@pytest.mark.parametrize("values, message", [
    (["a", "b", 3], r"column 'c' has categories of the types \['int', 'str'\]"),
    (["a", "b", ""], "column 'c' has the empty string as a category"),
])
def test_categories_no_onnx_input_holds_are_refused(values, message):
    frame = pd.DataFrame({"x": np.arange(60.0),
                          "c": pd.array(values * 20, dtype=object)})
    model = DeepRegressor(hidden_layer_sizes=(3,), max_iter=2,
                          categorical_features=["c"]).fit(frame, frame["x"])
    with pytest.raises(ValueError, match="DeepRegressor: " + message):
        to_onnx(model)


def test_the_graph_never_builds_the_one_hot_table():
    """A column of 3,000 categories: the numeric inputs meet their own rows
    (MatMul), each code gathers one row; nothing is one-hot encoded."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=15000),
                          "user": [f"u{i}" for i in range(3000)] * 5})
    model = DeepRegressor(hidden_layer_sizes=(4,), max_iter=1,
                          random_state=0).fit(frame, frame["x"])
    graph = to_onnx(model).graph
    shapes = {init.name: tuple(init.dims) for init in graph.initializer}
    ops = [node.op_type for node in graph.node]
    assert "OneHot" not in ops and ops.count("LabelEncoder") == 1
    (matmul,) = [node for node in graph.node if node.op_type == "MatMul"]
    assert shapes[matmul.input[1]] == (1, 4)
    (gather,) = [node for node in graph.node if node.op_type == "Gather"
                 and shapes.get(node.input[0]) == (3002, 4)]
    _check_matches(model, to_onnx(model), frame.head(100), "float32")


def test_zipmap_needs_float32_probabilities():
    model = _fit("classes")
    labels, dicts = _run(to_onnx(model, options={DeepClassifier: {"zipmap": True}}),
                         _new_rows())
    assert_allclose([[row[c] for c in model.classes_] for row in dicts],
                    model.predict_proba(_new_rows()), rtol=1e-5)
    with pytest.raises(ValueError, match="zipmap=True.*float32 only"):
        to_onnx(_fit("classes", "float64"), options={
            DeepClassifier: {"zipmap": True}})


def test_a_sample_with_other_columns_is_refused():
    model = _fit("classes")
    frame, _ = _table()
    with pytest.raises(ValueError, match=r"X_sample's columns \['age', 'income'"):
        to_onnx(model, frame[["age", "income", *CATEGORICAL]])


def test_a_single_text_column_model():
    frame = pd.DataFrame({"city": CITIES * 10})
    model = DeepClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(
        frame, frame["city"] == "oslo")
    rows = pd.DataFrame({"city": ["oslo", "paris", None]})
    _check_matches(model, to_onnx(model), rows, "float32")


def test_inputs_that_cannot_carry_the_columns_are_refused():
    """A numeric matrix sample cannot hold text categories; skl2onnx inputs in
    another order than the fitted columns would mix them up."""
    from skdeep.export import register_converters

    model = _fit("classes")
    with pytest.raises(ValueError, match="DeepClassifier: one DoubleTensorType "
                                         "matrix input cannot carry"):
        to_onnx(model, np.zeros((1, 7)))
    register_converters()
    frame, _ = _table()
    reordered = frame[["age", "income", *CATEGORICAL]].head(2).fillna({"city": ""})
    with pytest.raises(ValueError, match=r"the graph's inputs \['age', 'income'"):
        skl2onnx.to_onnx(model, reordered.astype({"kind": object}))


def test_a_saved_and_loaded_model_exports_the_same_graph(tmp_path):
    from skdeep import load, save

    model = _fit("classes")
    save(model, tmp_path / "model.skdeep")
    loaded = load(tmp_path / "model.skdeep")
    assert to_onnx(loaded).SerializeToString() == to_onnx(model).SerializeToString()


def test_feeds_for_a_frame_without_column_names():
    """Integer column names are no feature names (scikit-learn's rule): the
    columns are taken in order, as for an array."""
    model, rows = _array_model()
    _check_matches(model, to_onnx(model), pd.DataFrame(rows), "float32")



def test_feeds_need_neither_scikit_learn_nor_the_estimators(tmp_path, repo_env):
    """A server runs onnx_feeds beside onnxruntime: with scikit-learn not
    importable it builds the same feeds as in this process."""
    import subprocess
    import sys

    model, rows = _array_model()
    to_onnx(model, path=tmp_path / "model.onnx")
    np.save(tmp_path / "rows.npy", rows)
    code = ("import sys\n"
            "sys.modules['sklearn'] = None  # any import of it now fails\n"
            "import numpy as np\n"
            "from skdeep.export import onnx_feeds\n"
            "feeds = onnx_feeds('model.onnx', np.load('rows.npy'))\n"
            "np.savez('feeds.npz', **feeds)\n"
            "print(any(m.startswith('skdeep.estimators') for m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, env=repo_env)
    assert result.stdout.strip() == "False", result.stderr
    expected = onnx_feeds(tmp_path / "model.onnx", rows)
    with np.load(tmp_path / "feeds.npz") as got:
        assert sorted(got) == sorted(expected) == ["x0", "x1", "x2"]
        for name, values in expected.items():
            assert_array_equal(got[name], values, strict=True)
