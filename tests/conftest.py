"""Shared fixtures: seeded generators and small datasets."""

from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def weights_of():
    """A fitted model's weights as one flat vector, read from its public
    ``coefs_`` and ``intercepts_`` (equal vectors: the same model)."""
    def flat(model):
        return np.concatenate([a.ravel() for a in (*model.coefs_,
                                                   *model.intercepts_)])
    return flat


@pytest.fixture
def xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25, dtype=float)
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(int)
    return X, y


ROOT = Path(__file__).resolve().parents[1]
# what running the suite may leave behind: caches and the CI environment
_BYPRODUCTS = {"__pycache__", ".pytest_cache", ".hypothesis", ".venv-ci", ".git",
               "build", "dask-worker-space"}


def _tree(root):
    """Every path under ``root``, except the byproducts any Python run leaves."""
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if not _BYPRODUCTS.intersection(path.relative_to(root).parts)
        and not path.relative_to(root).parts[0].endswith(".egg-info")
        and not path.relative_to(root).parts[0].startswith(".venv")
    }


@pytest.fixture(scope="session", autouse=True)
def working_tree_untouched():
    """The suite writes only into temporary directories: the repository looks
    the same after the run as before it (checked at the end of the session)."""
    before = _tree(ROOT)
    yield
    added = sorted(_tree(ROOT) - before)
    assert not added, f"the test run left files in the repository: {added[:10]}"
