"""Shared fixtures: seeded generators and small datasets; how pytest-xdist
shares the tests out."""

import ast
import functools
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier


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


@pytest.fixture
def data():
    """200 training rows of a 5-feature binary task and 40 validation rows:
    ``(X, y, X_val, y_val)`` (a test module with its own ``data`` fixture
    uses that one instead)."""
    X, y = make_classification(240, 5, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture
def fit_quietly():
    """``fit_quietly(model, *args, **kwargs)``: ``model.fit(*args, **kwargs)``
    with scikit-learn's ConvergenceWarning silenced, for runs that stop at
    ``max_iter`` on purpose; returns the fitted model."""
    def fit(model, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(*args, **kwargs)
    return fit


@pytest.fixture
def every_epoch_model():
    """``every_epoch_model(**params)``: a seeded DeepClassifier with 8 hidden
    units that trains every epoch it is given (``tol=0`` and
    ``n_iter_no_change=1000``: no early stop); ``params`` override those."""
    def build(**params):
        return DeepClassifier(**{"hidden_layer_sizes": (8,), "random_state": 0,
                                 "tol": 0, "n_iter_no_change": 1000, **params})
    return build


@pytest.fixture
def repo_env():
    """The environment for a subprocess that must import this checkout's
    skdeep: ``os.environ`` with the repository first on ``PYTHONPATH``."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture
def plt():
    """matplotlib.pyplot on the Agg backend (the test is skipped without
    matplotlib); every figure is closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")
