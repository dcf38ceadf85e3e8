"""Data shared by the callback tests."""

import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def data():
    """A small binary classification set: (X, y) of 120 rows, 4 columns."""
    X, y = make_classification(120, 4, random_state=0)
    return X, y
