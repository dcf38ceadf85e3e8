"""The data the callback tests fit on."""

import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def data():
    """200 training rows of a 5-feature binary task and 40 validation rows:
    ``(X, y, X_val, y_val)``."""
    X, y = make_classification(240, 5, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture
def small_data():
    """120 rows of a 4-feature binary task: ``(X, y)``."""
    return make_classification(120, 4, random_state=0)
