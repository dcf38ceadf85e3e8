"""Shared fixtures: seeded generators and small datasets."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25, dtype=float)
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(int)
    return X, y
