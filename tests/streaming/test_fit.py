"""fit_csv: streamed training equals chunked in-memory training, in bounded
memory; the call is all or nothing; its settings are checked first."""

import doctest
import importlib
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier
from skdeep.estimators.contract import fitted_engine
from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.slow
def test_raw_columns_need_no_scaler(kit, regression, tmp_path):
    """Without scaler= the estimator standardizes X with the first chunk's
    statistics: the same model as partial_fit on the raw chunks in memory,
    and as good as behind a StandardScaler fitted on the whole file."""
    _, X, y, X_test, y_test = regression
    scales, offsets = np.logspace(0, 6, X.shape[1]), np.linspace(0, 1e6, X.shape[1])
    raw, raw_test = X * scales + offsets, X_test * scales + offsets
    path = kit.write(tmp_path / "raw.csv", raw, y)
    streamed = fit_csv(kit.regressor(), path, target="y", chunksize=kit.CHUNKSIZE,
                       n_passes=3)
    reference = kit.regressor()
    for _ in range(3):
        for start in range(0, len(raw), kit.CHUNKSIZE):
            chunk = kit.frame(raw[start:start + kit.CHUNKSIZE])
            reference.partial_fit(chunk, y[start:start + kit.CHUNKSIZE])
    # the CSV's decimal text rounds the last digit of a few values
    np.testing.assert_allclose(streamed.input_scale_, reference.input_scale_,
                               rtol=1e-14)
    # measured on the first chunk's numbers as written (float64), before the
    # float32 network's rounding
    np.testing.assert_allclose(streamed.input_scale_, raw[:kit.CHUNKSIZE].std(axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(streamed.predict(kit.frame(raw_test)),
                               reference.predict(kit.frame(raw_test)), rtol=1e-5,
                               atol=1e-5)
    scaled = fit_csv(kit.regressor(), path, target="y", chunksize=kit.CHUNKSIZE,
                     n_passes=3, scaler=StandardScaler())
    assert streamed.score(kit.frame(raw_test), y_test) > scaled.score(
        kit.frame(raw_test), y_test) - 0.02


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_score_close_to_in_memory_fit(kit, classification, regression, kind):
    data, make = ((classification, kit.classifier) if kind == "classifier"
                  else (regression, kit.regressor))
    path, X, y, X_test, y_test = data
    streamed = fit_csv(make(), path, target="y", chunksize=kit.CHUNKSIZE, n_passes=20)
    in_memory = make(max_iter=20).fit(X, y)
    reference = in_memory.score(X_test, y_test)
    assert reference > 0.75  # both models learned (3 classes: chance is 0.33)
    assert streamed.score(kit.frame(X_test), y_test) == pytest.approx(reference,
                                                                   abs=0.03)


def test_continues_from_a_fitted_estimator(kit, classification):
    path, X, *_ = classification
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE)
    assert fit_csv(model, path, target="y", chunksize=kit.CHUNKSIZE) is model
    assert len(model.loss_curve_) == 2 * (-(-len(X) // kit.CHUNKSIZE))
    # two calls of one pass are one call of two passes: the optimizer state and
    # the random generator carry over, bit for bit
    two_passes = fit_csv(kit.classifier(), path, target="y",
                         chunksize=kit.CHUNKSIZE, n_passes=2)
    assert model.loss_curve_ == two_passes.loss_curve_
    for a, b in zip(model.coefs_ + model.intercepts_,
                    two_passes.coefs_ + two_passes.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_multi_output_regression_target(kit, tmp_path, regression):
    _, X, y, *_ = regression
    path = tmp_path / "two.csv"
    kit.frame(X).assign(a=y, b=-y).to_csv(path, index=False)
    model = fit_csv(kit.regressor(), path, target=["a", "b"], chunksize=kit.CHUNKSIZE)
    assert model.n_outputs_ == 2 and model.n_features_in_ == X.shape[1]
    reference, targets = kit.regressor(), np.column_stack([y, -y])
    for start in range(0, len(X), kit.CHUNKSIZE):
        rows = slice(start, start + kit.CHUNKSIZE)
        reference.partial_fit(kit.frame(X[rows]), targets[rows])
    np.testing.assert_allclose(model.predict(kit.frame(X[:50])),
                               reference.predict(kit.frame(X[:50])), rtol=1e-6)


@pytest.mark.slow
def test_peak_memory_stays_near_one_chunk(kit, tmp_path):
    n_features, chunksize, n_chunks = 20, 5000, 10
    X, y = make_classification(chunksize * n_chunks, n_features, random_state=0)
    path = kit.write(tmp_path / "big.csv", X, y)
    chunk_bytes = pd.read_csv(path, nrows=chunksize).memory_usage(deep=True).sum()
    file_bytes = pd.read_csv(path).memory_usage(deep=True).sum()
    assert file_bytes >= 9.9 * chunk_bytes
    # a first small run so imports and caches are not counted
    fit_csv(kit.classifier(), kit.write(tmp_path / "small.csv", X[:300], y[:300]),
            target="y", chunksize=100)
    tracemalloc.start()
    try:
        fit_csv(kit.classifier(), path, target="y", chunksize=chunksize, n_passes=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the chunk read in float64 (scaled at full precision), its float32 copy
    # the network trains on, and the parser's buffers: a few chunks, never the
    # ten-chunk file
    assert peak < 3.5 * chunk_bytes


def test_estimator_without_partial_fit(kit, classification):
    with pytest.raises(TypeError, match="solver='lbfgs'.*'adam' or 'sgd'"):
        fit_csv(kit.classifier(solver="lbfgs"), classification[0], target="y")


def test_read_csv_kwargs_cannot_override_chunking(kit, classification):
    with pytest.raises(ValueError, match=r"\['usecols'\].*columns arguments"):
        fit_csv(kit.classifier(), classification[0], target="y",
                read_csv_kwargs={"usecols": ["x0", "y"]})


@pytest.mark.parametrize("setting", [{"chunksize": 0}, {"n_passes": 0},
                                     {"n_passes": 1.5}])
def test_counts_must_be_positive_integers(kit, classification, setting):
    with pytest.raises(ValueError, match="must be a positive integer"):
        fit_csv(kit.classifier(), classification[0], target="y", **setting)


def test_docstring_example_runs():
    module = importlib.import_module(fit_csv.__module__)  # where it is defined
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_a_failing_chunk_leaves_the_estimator_as_it_was(kit, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,b,y\n" + kit.lines(400))
    model = fit_csv(kit.classifier(), good, target="y", chunksize=100)
    n_iter, t, loss, coefs = model.n_iter_, model.t_, model.loss_, [
        w.copy() for w in model.coefs_]
    history = list(model.history_["loss"])
    bad = tmp_path / "bad.csv"  # chunk 4 (lines 302-401) holds an unknown class
    bad.write_text("a,b,y\n" + kit.lines(400, lambda i: 5 if i == 350 else i % 2))
    with pytest.raises(ValueError, match=r"lines 302-401 of .*bad.csv"):
        fit_csv(model, bad, target="y", chunksize=100, classes=[0, 1])
    assert (model.n_iter_, model.t_, model.loss_) == (n_iter, t, loss)
    assert model.history_["loss"] == history
    for before, after in zip(coefs, model.coefs_):
        np.testing.assert_array_equal(before, after)
    # the views into the flat parameter vector survive the copy-and-commit
    model2 = fit_csv(model, good, target="y", chunksize=100)
    assert model2 is model and len(model.loss_curve_) == len(history) + 4
    assert np.shares_memory(model.coefs_[0], fitted_engine(model).network.params)


def test_an_interrupt_leaves_estimator_and_scaler_as_they_were(kit, tmp_path,
                                                               monkeypatch):
    path = tmp_path / "data.csv"
    path.write_text("a,b,y\n" + kit.lines(400))
    model, scaler = kit.classifier(), StandardScaler()
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


def _timestamps(tmp_path):
    """A Unix time in seconds: float32 steps of 128 s over a 300 s spread."""
    rng = np.random.default_rng(0)
    t = 1.7e9 + rng.uniform(0, 300, size=2000)
    y = (t - 1.7e9) / 150 - 1  # exactly linear in t
    path = tmp_path / "times.csv"
    pd.DataFrame({"t": t, "y": y}).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_the_estimators_scaling_sees_timestamps_at_full_precision(kit, tmp_path):
    """Without scaler= the estimator's input_scaling measures and scales the
    float64 numbers; coefs_[0] then applies to raw timestamps, which only a
    float64 network resolves, so dtype='auto' trains in float64."""
    path = _timestamps(tmp_path)
    model = fit_csv(kit.regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=500, n_passes=20)
    assert model.coefs_[0].dtype == np.float64
    frame = pd.read_csv(path)
    assert model.score(frame[["t"]], frame["y"]) > 0.99


@pytest.mark.slow
def test_the_scaler_sees_timestamps_at_full_precision(kit, tmp_path):
    """A Unix time in seconds: float32 steps of 128 s over a 300 s spread."""
    rng = np.random.default_rng(0)
    t = 1.7e9 + rng.uniform(0, 300, size=2000)
    y = (t - 1.7e9) / 150 - 1  # exactly linear in t
    path = tmp_path / "times.csv"
    pd.DataFrame({"t": t, "y": y}).to_csv(path, index=False)
    scaler = StandardScaler()
    model = fit_csv(kit.regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=500, n_passes=20, scaler=scaler)
    # still trains in float32
    assert fitted_engine(model).network.params.dtype == np.float32
    frame = pd.read_csv(path)
    score = make_pipeline(scaler, model).score(frame[["t"]], frame["y"])
    assert score > 0.99
