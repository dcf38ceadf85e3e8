"""What the streaming tests share: the builders of their CSV files and
estimators (the ``kit`` fixture), and a classification and a regression task,
3000 training rows in a file and 1000 held-out rows in memory."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression

from skdeep import DeepClassifier, DeepRegressor

N_FEATURES = 8


class Kit:
    """Builders of the files and estimators the tests stream."""

    CHUNKSIZE = 500  # the 3000-row files are 6 chunks

    @staticmethod
    def frame(X):
        return pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])

    @staticmethod
    def write(path, X, y):
        Kit.frame(X).assign(y=y).to_csv(path, index=False)
        return path

    @staticmethod
    def classifier(**params):
        return DeepClassifier(hidden_layer_sizes=(32,), random_state=0, **params)

    @staticmethod
    def regressor(**params):
        return DeepRegressor(hidden_layer_sizes=(32,), random_state=0, **params)

    @staticmethod
    def lines(n_rows, label=lambda i: i % 2):
        """``n_rows`` data lines ``a,b,y`` (y = ``label(i)``), no header."""
        return "".join(f"{i * 0.01:.2f},{-i * 0.01:.2f},{label(i)}\n"
                       for i in range(n_rows))


@pytest.fixture
def kit():
    return Kit


@pytest.fixture(scope="package")
def classification(tmp_path_factory):
    """3000 training rows in a CSV and 1000 held-out rows in memory, three
    text labels."""
    X, y = make_classification(4000, N_FEATURES, n_informative=6, n_classes=3,
                               random_state=0)
    labels = np.array(["ant", "bee", "cat"])[y]
    path = Kit.write(tmp_path_factory.mktemp("csv") / "train.csv", X[:3000],
                     labels[:3000])
    return path, X[:3000], labels[:3000], X[3000:], labels[3000:]


@pytest.fixture(scope="package")
def regression(tmp_path_factory):
    X, y = make_regression(4000, N_FEATURES, noise=5.0, random_state=0)
    y = y / y.std()
    path = Kit.write(tmp_path_factory.mktemp("csv") / "train.csv", X[:3000],
                     y[:3000])
    return path, X[:3000], y[:3000], X[3000:], y[3000:]
