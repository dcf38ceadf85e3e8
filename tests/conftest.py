"""Shared fixtures: seeded generators and small datasets; how pytest-xdist
shares the tests out."""

import ast
import functools
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def global_random_state():
    """Every test starts from the same global NumPy random state (the one an
    estimator with ``random_state=None`` draws from), so what it does not
    depend on the tests before it in its process: under pytest-xdist that
    order changes from run to run."""
    np.random.seed(0)


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


def _shares_a_fixture(path):
    """True when the test file at ``path`` defines a class-, module- or
    package-scoped fixture (its tests then share one instance)."""
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.keyword) and node.arg == "scope"
               and isinstance(node.value, ast.Constant)
               and node.value.value in ("class", "module", "package")
               for node in ast.walk(tree))


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist (``-n``, pyproject's addopts) hands the workers single
    tests, except that a file defining a shared fixture (the documentation
    build, a Dask cluster) goes to one worker whole, so the fixture is built
    once; the biggest such files start first."""
    from xdist.scheduler import LoadScopeScheduling

    shared = functools.cache(lambda path: _shares_a_fixture(config.rootpath / path))

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return path if shared(path) else nodeid

    return Scheduling(config, log)
