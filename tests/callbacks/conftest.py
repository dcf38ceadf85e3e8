"""The data the callback tests fit on (besides tests/conftest.py's ``data``)."""

import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def small_data():
    """120 rows of a 4-feature binary task: ``(X, y)``."""
    return make_classification(120, 4, random_state=0)
