"""The passes of a stream: the first pass finds the classes and fits the
scaler on the whole file; each training pass gives every chunk one epoch, and
an error while training a chunk names its lines."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.slow
def test_equals_partial_fit_on_in_memory_chunks(kit, classification):
    path, X, y, X_test, _ = classification
    streamed = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE,
                       n_passes=3)
    reference = kit.classifier()
    for _ in range(3):
        for start in range(0, len(X), kit.CHUNKSIZE):
            rows = slice(start, start + kit.CHUNKSIZE)
            reference.partial_fit(X[rows], y[rows], classes=np.unique(y))
    np.testing.assert_array_equal(streamed.classes_, np.unique(y))
    np.testing.assert_allclose(streamed.predict_proba(kit.frame(X_test)),
                               reference.predict_proba(X_test), rtol=1e-9)


@pytest.mark.parametrize("n_passes", [1, 4])
def test_each_chunk_gets_exactly_n_passes_epochs(kit, classification, n_passes):
    path, X, *_ = classification
    n_chunks = -(-len(X) // kit.CHUNKSIZE)
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE,
                    n_passes=n_passes)
    assert len(model.loss_curve_) == n_passes * n_chunks
    assert len(model.history_["loss"]) == n_passes * n_chunks
    assert model.t_ == n_passes * len(X)


def test_classes_found_anywhere_in_the_file(kit, tmp_path, classification):
    _, X, y, *_ = classification
    y = y.copy()
    y[-1] = "dog"  # only in the last chunk
    path = kit.write(tmp_path / "rare.csv", X, y)
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE)
    np.testing.assert_array_equal(model.classes_, np.unique(y))


def test_scaler_is_fitted_on_the_whole_file(kit, tmp_path, classification):
    _, X, y, X_test, _ = classification
    X, X_test = X * 100 + 7, X_test * 100 + 7
    path = kit.write(tmp_path / "raw.csv", X, y)
    scaler = StandardScaler()
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE,
                    scaler=scaler)
    reference_scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, reference_scaler.mean_)
    np.testing.assert_allclose(scaler.scale_, reference_scaler.scale_)
    reference = kit.classifier()
    for start in range(0, len(X), kit.CHUNKSIZE):
        rows = slice(start, start + kit.CHUNKSIZE)
        reference.partial_fit(reference_scaler.transform(X[rows]), y[rows],
                              classes=np.unique(y))
    np.testing.assert_allclose(
        make_pipeline(scaler, model).predict_proba(kit.frame(X_test)),
        reference.predict_proba(reference_scaler.transform(X_test)), rtol=1e-6)


@pytest.mark.parametrize("kind", ["regressor", "classifier with classes"])
def test_scaler_pass_without_a_classes_pass(kit, tmp_path, regression, classification,
                                            kind):
    """The scaler's first pass also runs when no classes need finding."""
    if kind == "regressor":
        _, X, y, _, _ = regression
        estimator, extra = kit.regressor(), {}
    else:
        _, X, y, _, _ = classification
        estimator, extra = kit.classifier(), {"classes": np.unique(y)}
    path = kit.write(tmp_path / "raw.csv", X * 10 + 3, y)
    scaler = StandardScaler()
    fit_csv(estimator, path, target="y", chunksize=kit.CHUNKSIZE, scaler=scaler,
            **extra)
    np.testing.assert_allclose(scaler.mean_, (X * 10 + 3).mean(axis=0))
    assert len(estimator.loss_curve_) == -(-len(X) // kit.CHUNKSIZE)


def test_header_without_rows(kit, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("x0,x1,y\n")
    model = kit.regressor()
    with pytest.raises(ValueError, match=r"fit_csv: '.*header.csv' has a header "
                       "but no data rows"):
        fit_csv(model, path, target="y")
    assert not hasattr(model, "n_iter_")


def test_infinity_names_its_line(kit, tmp_path):
    """An empty feature cell is a missing value (filled, see
    tests/streaming/test_fit_tables.py); an infinite one is refused by its
    line."""
    path = tmp_path / "inf.csv"
    path.write_text("x0,y\n" + "1.0,0\n2.0,1\n" * 3 + "inf,1\n")
    with pytest.raises(ValueError, match=r"lines 6-8 of .*\['x0'\] hold "
                       r"infinite values \(first in line 8\)"):
        fit_csv(kit.classifier(), path, target="y", chunksize=4)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_error_while_training_names_the_chunk_lines(kit, tmp_path):
    path = tmp_path / "big.csv"
    # near float32's largest value (the training dtype): training on it overflows
    path.write_text("x0,y\n" + "1.0,0\n2.0,1\n" * 3 + "1e38,1\n")
    with pytest.raises(ValueError, match=r"lines 8-8 of .*big.csv.*diverged"):
        fit_csv(kit.regressor(), path, target="y", chunksize=3)


def test_progress_line_per_chunk(kit, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("a,b,y\n" + kit.lines(250))
    fit_csv(kit.classifier(), path, target="y", chunksize=100, n_passes=2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "pass 1/2, lines 2-101", "pass 1/2, lines 102-201", "pass 1/2, lines 202-251",
        "pass 2/2, lines 2-101", "pass 2/2, lines 102-201", "pass 2/2, lines 202-251"]
