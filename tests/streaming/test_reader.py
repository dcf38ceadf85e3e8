"""Reading the CSV file chunk by chunk: malformed rows, short rows, empty
labels and rows longer than the header are refused naming their line;
read_csv options reach the reader."""

import numpy as np
import pandas as pd
import pytest

from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_read_csv_kwargs_reach_the_reader(kit, tmp_path, classification):
    _, X, y, *_ = classification
    path = tmp_path / "semicolons.csv"
    kit.frame(X).assign(y=y).to_csv(path, sep=";", index=False)
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE,
                    read_csv_kwargs={"sep": ";"})
    assert model.n_features_in_ == X.shape[1]


def test_a_row_with_an_extra_field_raises_with_its_line(kit, tmp_path):
    rows = kit.lines(600).splitlines(keepends=True)
    rows[499] = "0.5,0.5,1,7\n"  # line 501: the header is line 1
    path = tmp_path / "extra.csv"
    path.write_text("a,b,y\n" + "".join(rows))
    model = kit.classifier()
    with pytest.raises(ValueError, match="Expected 3 fields in line 501, saw 4"):
        fit_csv(model, path, target="y", chunksize=200, columns=["a"])
    assert not hasattr(model, "n_iter_")  # nothing was trained


def test_a_short_row_raises_with_its_line(kit, tmp_path):
    rows = kit.lines(600).splitlines(keepends=True)
    rows[298] = "0.5,1\n"  # line 300 lacks a field
    path = tmp_path / "short.csv"
    path.write_text("a,b,y\n" + "".join(rows))
    with pytest.raises(ValueError, match=r"line 300 of .*empty .*too few fields"):
        fit_csv(kit.regressor(), path, target="y", chunksize=200)


def test_a_missing_label_raises_with_its_line(kit, tmp_path):
    path = tmp_path / "nolabel.csv"
    path.write_text("a,b,y\n" + kit.lines(300, lambda i: "" if i == 250 else i % 2))
    model = kit.classifier()
    with pytest.raises(ValueError, match=r"line 252 of .*label column 'y' is empty"):
        fit_csv(model, path, target="y", chunksize=100)
    assert not hasattr(model, "n_iter_")


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
def test_a_first_row_longer_than_the_header_is_refused_with_its_line(kit, tmp_path,
                                                                     long_rows):
    path = _shifted_file(tmp_path / "long.csv", set(long_rows))
    model = kit.regressor()
    with pytest.raises(ValueError, match=r"fit_csv: line 2 of .*long.csv' has 4 "
                       r"fields but the header has 3"):
        fit_csv(model, path, target="y", chunksize=100)
    assert not hasattr(model, "n_iter_")


@pytest.mark.slow
def test_a_well_formed_file_trains_on_its_own_columns(kit, tmp_path):
    path = _shifted_file(tmp_path / "fine.csv", set())
    frame = pd.read_csv(path)
    model = fit_csv(kit.regressor(learning_rate_init=0.01), path, target="y",
                    chunksize=100, n_passes=30)
    assert model.score(frame[["a", "b"]], frame["y"]) > 0.95
