"""The data the callback tests fit on (besides tests/conftest.py's ``data``)."""

import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def small_data():
    """120 rows of a 4-feature binary task: ``(X, y)``."""
    return make_classification(120, 4, random_state=0)


@pytest.fixture
def callback_model():
    """``callback_model(*callbacks, **params)``: a seeded 4-unit
    DeepClassifier of 3 epochs with those callbacks set; ``params`` override
    its settings."""
    from skdeep import DeepClassifier

    def build(*callbacks, **params):
        return DeepClassifier(**{"hidden_layer_sizes": (4,), "max_iter": 3,
                                 "random_state": 0, **params}).set_callbacks(*callbacks)
    return build
