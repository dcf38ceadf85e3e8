"""fit_csv: streamed training equals chunked in-memory training, in bounded memory."""

import doctest
import importlib
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.streaming import fit_csv

N_FEATURES = 8
CHUNKSIZE = 500
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _frame(X):
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])


def _write(path, X, y):
    _frame(X).assign(y=y).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def classification(tmp_path_factory):
    """3000 training rows in a CSV (6 chunks) and 1000 held-out rows in memory."""
    X, y = make_classification(4000, N_FEATURES, n_informative=6, n_classes=3,
                               random_state=0)
    labels = np.array(["ant", "bee", "cat"])[y]
    path = _write(tmp_path_factory.mktemp("csv") / "train.csv", X[:3000],
                  labels[:3000])
    return path, X[:3000], labels[:3000], X[3000:], labels[3000:]


@pytest.fixture(scope="module")
def regression(tmp_path_factory):
    X, y = make_regression(4000, N_FEATURES, noise=5.0, random_state=0)
    y = y / y.std()
    path = _write(tmp_path_factory.mktemp("csv") / "train.csv", X[:3000], y[:3000])
    return path, X[:3000], y[:3000], X[3000:], y[3000:]


def _classifier(**params):
    return DeepClassifier(hidden_layer_sizes=(32,), random_state=0, **params)


def _regressor(**params):
    return DeepRegressor(hidden_layer_sizes=(32,), random_state=0, **params)


# -- behaviour: what streaming computes ----------------------------------------
@pytest.mark.slow
def test_raw_columns_need_no_scaler(regression, tmp_path):
    """Without scaler= the estimator standardizes X with the first chunk's
    statistics: the same model as partial_fit on the raw chunks in memory,
    and as good as behind a StandardScaler fitted on the whole file."""
    _, X, y, X_test, y_test = regression
    scales, offsets = np.logspace(0, 6, N_FEATURES), np.linspace(0, 1e6, N_FEATURES)
    raw, raw_test = X * scales + offsets, X_test * scales + offsets
    path = _write(tmp_path / "raw.csv", raw, y)
    streamed = fit_csv(_regressor(), path, target="y", chunksize=CHUNKSIZE,
                       n_passes=3)
    reference = _regressor()
    for _ in range(3):
        for start in range(0, len(raw), CHUNKSIZE):
            chunk = _frame(raw[start:start + CHUNKSIZE])
            reference.partial_fit(chunk, y[start:start + CHUNKSIZE])
    # the CSV's decimal text rounds the last digit of a few values
    np.testing.assert_allclose(streamed.input_scale_, reference.input_scale_,
                               rtol=1e-14)
    # measured on the first chunk's numbers as written (float64), before the
    # float32 network's rounding
    np.testing.assert_allclose(streamed.input_scale_, raw[:CHUNKSIZE].std(axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(streamed.predict(_frame(raw_test)),
                               reference.predict(_frame(raw_test)), rtol=1e-5,
                               atol=1e-5)
    scaled = fit_csv(_regressor(), path, target="y", chunksize=CHUNKSIZE,
                     n_passes=3, scaler=StandardScaler())
    assert streamed.score(_frame(raw_test), y_test) > scaled.score(
        _frame(raw_test), y_test) - 0.02


@pytest.mark.slow
def test_equals_partial_fit_on_in_memory_chunks(classification):
    path, X, y, X_test, _ = classification
    streamed = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE,
                       n_passes=3)
    reference = _classifier()
    for _ in range(3):
        for start in range(0, len(X), CHUNKSIZE):
            rows = slice(start, start + CHUNKSIZE)
            reference.partial_fit(X[rows], y[rows], classes=np.unique(y))
    np.testing.assert_array_equal(streamed.classes_, np.unique(y))
    np.testing.assert_allclose(streamed.predict_proba(_frame(X_test)),
                               reference.predict_proba(X_test), rtol=1e-9)


@pytest.mark.parametrize("n_passes", [1, 4])
def test_each_chunk_gets_exactly_n_passes_epochs(classification, n_passes):
    path, X, *_ = classification
    n_chunks = -(-len(X) // CHUNKSIZE)
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE,
                    n_passes=n_passes)
    assert len(model.loss_curve_) == n_passes * n_chunks
    assert len(model.history_["loss"]) == n_passes * n_chunks
    assert model.t_ == n_passes * len(X)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_score_close_to_in_memory_fit(classification, regression, kind):
    data, make = ((classification, _classifier) if kind == "classifier"
                  else (regression, _regressor))
    path, X, y, X_test, y_test = data
    streamed = fit_csv(make(), path, target="y", chunksize=CHUNKSIZE, n_passes=20)
    in_memory = make(max_iter=20).fit(X, y)
    reference = in_memory.score(X_test, y_test)
    assert reference > 0.75  # both models learned (3 classes: chance is 0.33)
    assert streamed.score(_frame(X_test), y_test) == pytest.approx(reference,
                                                                   abs=0.03)


def test_continues_from_a_fitted_estimator(classification):
    path, X, *_ = classification
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE)
    fit_csv(model, path, target="y", chunksize=CHUNKSIZE)
    assert len(model.loss_curve_) == 2 * (-(-len(X) // CHUNKSIZE))


def test_classes_found_anywhere_in_the_file(tmp_path, classification):
    _, X, y, *_ = classification
    y = y.copy()
    y[-1] = "dog"  # only in the last chunk
    path = _write(tmp_path / "rare.csv", X, y)
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE)
    np.testing.assert_array_equal(model.classes_, np.unique(y))


def test_scaler_is_fitted_on_the_whole_file(tmp_path, classification):
    _, X, y, X_test, _ = classification
    X, X_test = X * 100 + 7, X_test * 100 + 7
    path = _write(tmp_path / "raw.csv", X, y)
    scaler = StandardScaler()
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE,
                    scaler=scaler)
    reference_scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, reference_scaler.mean_)
    np.testing.assert_allclose(scaler.scale_, reference_scaler.scale_)
    reference = _classifier()
    for start in range(0, len(X), CHUNKSIZE):
        rows = slice(start, start + CHUNKSIZE)
        reference.partial_fit(reference_scaler.transform(X[rows]), y[rows],
                              classes=np.unique(y))
    np.testing.assert_allclose(
        make_pipeline(scaler, model).predict_proba(_frame(X_test)),
        reference.predict_proba(reference_scaler.transform(X_test)), rtol=1e-6)


@pytest.mark.parametrize("kind", ["regressor", "classifier with classes"])
def test_scaler_pass_without_a_classes_pass(tmp_path, regression, classification,
                                            kind):
    """The scaler's first pass also runs when no classes need finding."""
    if kind == "regressor":
        _, X, y, _, _ = regression
        estimator, extra = _regressor(), {}
    else:
        _, X, y, _, _ = classification
        estimator, extra = _classifier(), {"classes": np.unique(y)}
    path = _write(tmp_path / "raw.csv", X * 10 + 3, y)
    scaler = StandardScaler()
    fit_csv(estimator, path, target="y", chunksize=CHUNKSIZE, scaler=scaler,
            **extra)
    np.testing.assert_allclose(scaler.mean_, (X * 10 + 3).mean(axis=0))
    assert len(estimator.loss_curve_) == -(-len(X) // CHUNKSIZE)


def test_columns_select_features_and_keep_their_names(classification):
    path, X, y, X_test, _ = classification
    columns = ["x2", "x0"]
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE,
                    columns=columns)
    np.testing.assert_array_equal(model.feature_names_in_, columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name mismatch warning
        model.predict(pd.DataFrame(X_test[:, [2, 0]], columns=columns))
    with pytest.raises(ValueError, match="feature names"):
        model.predict(pd.DataFrame(X_test[:, [0, 2]], columns=columns[::-1]))


def test_multi_output_regression_target(tmp_path, regression):
    _, X, y, *_ = regression
    path = tmp_path / "two.csv"
    _frame(X).assign(a=y, b=-y).to_csv(path, index=False)
    model = fit_csv(_regressor(), path, target=["a", "b"], chunksize=CHUNKSIZE)
    assert model.n_outputs_ == 2 and model.n_features_in_ == N_FEATURES


# -- memory: measured with tracemalloc, against one chunk read independently ---
@pytest.mark.slow
def test_peak_memory_stays_near_one_chunk(tmp_path):
    n_features, chunksize, n_chunks = 20, 5000, 10
    X, y = make_classification(chunksize * n_chunks, n_features, random_state=0)
    path = _write(tmp_path / "big.csv", X, y)
    chunk_bytes = pd.read_csv(path, nrows=chunksize).memory_usage(deep=True).sum()
    file_bytes = pd.read_csv(path).memory_usage(deep=True).sum()
    assert file_bytes >= 9.9 * chunk_bytes
    # a first small run so imports and caches are not counted
    fit_csv(_classifier(), _write(tmp_path / "small.csv", X[:300], y[:300]),
            target="y", chunksize=100)
    tracemalloc.start()
    try:
        fit_csv(_classifier(), path, target="y", chunksize=chunksize, n_passes=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the chunk read in float64 (scaled at full precision), its float32 copy
    # the network trains on, and the parser's buffers: a few chunks, never the
    # ten-chunk file
    assert peak < 3.5 * chunk_bytes


# -- errors --------------------------------------------------------------------
def test_missing_target_lists_the_columns(classification):
    path = classification[0]
    with pytest.raises(ValueError, match=r"\['label'\].*'x0', 'x1'.*'y'"):
        fit_csv(_classifier(), path, target="label")


def test_missing_feature_column(classification):
    with pytest.raises(ValueError, match=r"\['nope'\] are not in"):
        fit_csv(_classifier(), classification[0], target="y", columns=["x0", "nope"])


def test_target_among_features(classification):
    with pytest.raises(ValueError, match="both target and feature"):
        fit_csv(_classifier(), classification[0], target="y", columns=["x0", "y"])


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match="is empty"):
        fit_csv(_classifier(), path, target="y")


def test_header_without_rows(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("x0,x1,y\n")
    with pytest.raises(ValueError, match="no data rows"):
        fit_csv(_regressor(), path, target="y")


def test_text_feature_is_named(tmp_path):
    """A text column is a categorical one since issue 23 (see
    tests/test_streaming_tables.py); with numbers only asked for, it is
    refused by name as before."""
    path = tmp_path / "text.csv"
    path.write_text("x0,colour,y\n1.0,red,0\n2.0,blue,1\n")
    with pytest.raises(ValueError, match=r"\['colour'\] hold text"):
        fit_csv(_classifier(categorical_features=None), path, target="y")


def test_infinity_names_its_line(tmp_path):
    """An empty feature cell is a missing value since issue 23 (filled, see
    tests/test_streaming_tables.py); an infinite one is refused by its line."""
    path = tmp_path / "inf.csv"
    path.write_text("x0,y\n" + "1.0,0\n2.0,1\n" * 3 + "inf,1\n")
    with pytest.raises(ValueError, match=r"lines 6-8 of .*\['x0'\] hold "
                       r"infinite values \(first in line 8\)"):
        fit_csv(_classifier(), path, target="y", chunksize=4)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_error_while_training_names_the_chunk_lines(tmp_path):
    path = tmp_path / "big.csv"
    # near float32's largest value (the training dtype): training on it overflows
    path.write_text("x0,y\n" + "1.0,0\n2.0,1\n" * 3 + "1e38,1\n")
    with pytest.raises(ValueError, match=r"lines 8-8 of .*big.csv.*diverged"):
        fit_csv(_regressor(), path, target="y", chunksize=3)


def test_estimator_without_partial_fit(classification):
    with pytest.raises(TypeError, match="solver='lbfgs'.*'adam' or 'sgd'"):
        fit_csv(_classifier(solver="lbfgs"), classification[0], target="y")


def test_read_csv_kwargs_cannot_override_chunking(classification):
    with pytest.raises(ValueError, match=r"\['usecols'\].*columns arguments"):
        fit_csv(_classifier(), classification[0], target="y",
                read_csv_kwargs={"usecols": ["x0", "y"]})


def test_read_csv_kwargs_reach_the_reader(tmp_path, classification):
    _, X, y, *_ = classification
    path = tmp_path / "semicolons.csv"
    _frame(X).assign(y=y).to_csv(path, sep=";", index=False)
    model = fit_csv(_classifier(), path, target="y", chunksize=CHUNKSIZE,
                    read_csv_kwargs={"sep": ";"})
    assert model.n_features_in_ == N_FEATURES


@pytest.mark.parametrize("setting", [{"chunksize": 0}, {"n_passes": 0},
                                     {"n_passes": 1.5}])
def test_counts_must_be_positive_integers(classification, setting):
    with pytest.raises(ValueError, match="must be a positive integer"):
        fit_csv(_classifier(), classification[0], target="y", **setting)


def test_docstring_example_runs():
    module = importlib.import_module(fit_csv.__module__)  # where it is defined
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# -- malformed rows, atomicity, one label type ----------------------------------
def _lines(n_rows, label=lambda i: i % 2):
    return "".join(f"{i * 0.01:.2f},{-i * 0.01:.2f},{label(i)}\n"
                   for i in range(n_rows))


def test_a_row_with_an_extra_field_raises_with_its_line(tmp_path):
    rows = _lines(600).splitlines(keepends=True)
    rows[499] = "0.5,0.5,1,7\n"  # line 501: the header is line 1
    path = tmp_path / "extra.csv"
    path.write_text("a,b,y\n" + "".join(rows))
    model = _classifier()
    with pytest.raises(ValueError, match="Expected 3 fields in line 501, saw 4"):
        fit_csv(model, path, target="y", chunksize=200, columns=["a"])
    assert not hasattr(model, "n_iter_")  # nothing was trained


def test_a_short_row_raises_with_its_line(tmp_path):
    rows = _lines(600).splitlines(keepends=True)
    rows[298] = "0.5,1\n"  # line 300 lacks a field
    path = tmp_path / "short.csv"
    path.write_text("a,b,y\n" + "".join(rows))
    with pytest.raises(ValueError, match=r"line 300 of .*empty .*too few fields"):
        fit_csv(_regressor(), path, target="y", chunksize=200)


def test_a_failing_chunk_leaves_the_estimator_as_it_was(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,b,y\n" + _lines(400))
    model = fit_csv(_classifier(), good, target="y", chunksize=100)
    n_iter, t, loss, coefs = model.n_iter_, model.t_, model.loss_, [
        w.copy() for w in model.coefs_]
    history = list(model.history_["loss"])
    bad = tmp_path / "bad.csv"  # chunk 4 (lines 302-401) holds an unknown class
    bad.write_text("a,b,y\n" + _lines(400, lambda i: 5 if i == 350 else i % 2))
    with pytest.raises(ValueError, match=r"lines 302-401 of .*bad.csv"):
        fit_csv(model, bad, target="y", chunksize=100, classes=[0, 1])
    assert (model.n_iter_, model.t_, model.loss_) == (n_iter, t, loss)
    assert model.history_["loss"] == history
    for before, after in zip(coefs, model.coefs_):
        np.testing.assert_array_equal(before, after)
    # the views into the flat parameter vector survive the copy-and-commit
    model2 = fit_csv(model, good, target="y", chunksize=100)
    assert model2 is model and len(model.loss_curve_) == len(history) + 4
    assert np.shares_memory(model.coefs_[0], model._network.params)


def test_an_interrupt_leaves_estimator_and_scaler_as_they_were(tmp_path,
                                                               monkeypatch):
    path = tmp_path / "data.csv"
    path.write_text("a,b,y\n" + _lines(400))
    model, scaler = _classifier(), StandardScaler()
    calls = []
    original = DeepClassifier.partial_fit

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DeepClassifier, "partial_fit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fit_csv(model, path, target="y", chunksize=100, scaler=scaler)
    assert not hasattr(model, "n_iter_") and not hasattr(scaler, "mean_")


def test_labels_get_one_type_for_the_whole_file(tmp_path):
    """Text labels first, integer-looking ones only in a later chunk."""
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n" + _lines(300, lambda i: "xy"[i % 2] if i < 200
                                         else str(i % 2 + 1)))
    model = fit_csv(_classifier(), path, target="y", chunksize=100)
    assert list(model.classes_) == ["1", "2", "x", "y"]


def test_integer_labels_stay_integers(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n" + _lines(300, lambda i: i % 3 * 10))
    model = fit_csv(_classifier(), path, target="y", chunksize=100)
    np.testing.assert_array_equal(model.classes_, [0, 10, 20])
    assert model.classes_.dtype.kind == "i"


def test_a_missing_label_raises_with_its_line(tmp_path):
    path = tmp_path / "nolabel.csv"
    path.write_text("a,b,y\n" + _lines(300, lambda i: "" if i == 250 else i % 2))
    model = _classifier()
    with pytest.raises(ValueError, match=r"line 252 of .*label column 'y' is empty"):
        fit_csv(model, path, target="y", chunksize=100)
    assert not hasattr(model, "n_iter_")


def test_progress_line_per_chunk(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("a,b,y\n" + _lines(250))
    fit_csv(_classifier(), path, target="y", chunksize=100, n_passes=2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "pass 1/2, lines 2-101", "pass 1/2, lines 102-201", "pass 1/2, lines 202-251",
        "pass 2/2, lines 2-101", "pass 2/2, lines 102-201", "pass 2/2, lines 202-251"]


# -- rows longer than the header; float64 until scaled -------------------------
def _shifted_file(path, long_rows):
    """y = 3a exactly; the rows in ``long_rows`` carry one field too many
    (pandas would read the first field of every such file as a row index)."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=300).tolist(), rng.normal(size=300).tolist()
    lines = ["a,b,y"] + [f"{a[i]!r},{b[i]!r},{3 * a[i]!r}"
                         + (f",{i}" if i in long_rows else "") for i in range(300)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("long_rows", [range(300), {0}],
                         ids=["every row", "the first row"])
def test_a_first_row_longer_than_the_header_is_refused_with_its_line(tmp_path,
                                                                     long_rows):
    path = _shifted_file(tmp_path / "long.csv", set(long_rows))
    model = _regressor()
    with pytest.raises(ValueError, match=r"fit_csv: line 2 of .*long.csv' has 4 "
                       r"fields but the header has 3"):
        fit_csv(model, path, target="y", chunksize=100)
    assert not hasattr(model, "n_iter_")


@pytest.mark.slow
def test_a_well_formed_file_trains_on_its_own_columns(tmp_path):
    path = _shifted_file(tmp_path / "fine.csv", set())
    frame = pd.read_csv(path)
    model = fit_csv(_regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=100, n_passes=30)
    assert model.score(frame[["a", "b"]], frame["y"]) > 0.95


def _timestamps(tmp_path):
    """A Unix time in seconds: float32 steps of 128 s over a 300 s spread."""
    rng = np.random.default_rng(0)
    t = 1.7e9 + rng.uniform(0, 300, size=2000)
    y = (t - 1.7e9) / 150 - 1  # exactly linear in t
    path = tmp_path / "times.csv"
    pd.DataFrame({"t": t, "y": y}).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_the_estimators_scaling_sees_timestamps_at_full_precision(tmp_path):
    """Without scaler= the estimator's input_scaling measures and scales the
    float64 numbers; coefs_[0] then applies to raw timestamps, which only a
    float64 network resolves, so dtype='auto' trains in float64."""
    path = _timestamps(tmp_path)
    model = fit_csv(_regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=500, n_passes=20)
    assert model.coefs_[0].dtype == np.float64
    frame = pd.read_csv(path)
    assert model.score(frame[["t"]], frame["y"]) > 0.99


@pytest.mark.slow
def test_the_scaler_sees_timestamps_at_full_precision(tmp_path):
    """A Unix time in seconds: float32 steps of 128 s over a 300 s spread."""
    rng = np.random.default_rng(0)
    t = 1.7e9 + rng.uniform(0, 300, size=2000)
    y = (t - 1.7e9) / 150 - 1  # exactly linear in t
    path = tmp_path / "times.csv"
    pd.DataFrame({"t": t, "y": y}).to_csv(path, index=False)
    scaler = StandardScaler()
    model = fit_csv(_regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=500, n_passes=20, scaler=scaler)
    assert model._network.params.dtype == np.float32  # still trains in float32
    frame = pd.read_csv(path)
    score = make_pipeline(scaler, model).score(frame[["t"]], frame["y"])
    assert score > 0.99
