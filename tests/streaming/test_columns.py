"""A stream's columns: the features and targets named are in the file, the
columns are read as their first chunk typed them, and a chunk whose column
changed type is refused by its lines."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdeep.streaming import fit_csv

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_missing_target_lists_the_columns(kit, classification):
    path = classification[0]
    with pytest.raises(ValueError, match=r"\['label'\].*'x0', 'x1'.*'y'"):
        fit_csv(kit.classifier(), path, target="label")


def test_missing_feature_column(kit, classification):
    with pytest.raises(ValueError, match=r"\['nope'\] are not in"):
        fit_csv(kit.classifier(), classification[0], target="y", columns=["x0", "nope"])


def test_target_among_features(kit, classification):
    with pytest.raises(ValueError, match="both target and feature"):
        fit_csv(kit.classifier(), classification[0], target="y", columns=["x0", "y"])


def test_empty_file(kit, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match=r"fit_csv: '.*empty.csv' is empty; it "
                       "needs a header row naming the columns"):
        fit_csv(kit.classifier(), path, target="y")


def test_columns_select_features_and_keep_their_names(kit, classification):
    path, X, y, X_test, _ = classification
    columns = ["x2", "x0"]
    model = fit_csv(kit.classifier(), path, target="y", chunksize=kit.CHUNKSIZE,
                    columns=columns)
    np.testing.assert_array_equal(model.feature_names_in_, columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name mismatch warning
        model.predict(pd.DataFrame(X_test[:, [2, 0]], columns=columns))
    with pytest.raises(ValueError, match="feature names"):
        model.predict(pd.DataFrame(X_test[:, [0, 2]], columns=columns[::-1]))


def test_text_feature_is_named(kit, tmp_path):
    """A text column is a categorical one (see the raw-table tests below);
    with numbers only asked for, it is refused by name and by its lines."""
    path = tmp_path / "text.csv"
    path.write_text("x0,colour,y\n1.0,red,0\n2.0,blue,1\n")
    with pytest.raises(ValueError, match=r"fit_csv: lines 2-3 of .*text.csv': "
                       r"DeepClassifier: column\(s\) \['colour'\] hold text"):
        fit_csv(kit.classifier(categorical_features=None), path, target="y")
