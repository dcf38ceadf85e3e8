"""Every warning a fit raises points at the line that called skdeep: the user's
``fit``, ``partial_fit`` or ``fit_csv``, or the ``fit`` of the Pipeline or
search around the estimator, however many wrappers lie between."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skdeep import DeepClassifier, DeepRegressor
from skdeep.callbacks import LambdaCallback
from skdeep.estimators._warnings import caller_stacklevel
from skdeep.streaming import fit_csv

SMALL = {"hidden_layer_sizes": (3,), "random_state": 0}


def _next_line():
    """The number of the line after the caller's current one."""
    return sys._getframe(1).f_lineno + 1


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.fixture
def wide(data):
    """Columns of spreads 1 and 1e5: input_scaling=None warns about them."""
    X, y = data
    return X * [1.0, 1e5, 1.0], y


def _assert_points_here(caught, category, line):
    found = [w for w in caught if issubclass(w.category, category)]
    assert found, f"no {category.__name__} raised"
    assert {(w.filename, w.lineno) for w in found} == {(__file__, line)}


@pytest.fixture
def caught():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        yield record


def test_convergence_warning_of_fit(data, caught):
    line = _next_line()
    DeepClassifier(max_iter=2, **SMALL).fit(*data)
    _assert_points_here(caught, ConvergenceWarning, line)


def test_convergence_warning_of_lbfgs_and_of_a_warm_start(data, caught):
    model = DeepRegressor(solver="lbfgs", max_iter=2, warm_start=True, **SMALL)
    model.fit(*data)
    caught.clear()
    line = _next_line()
    model.fit(*data)
    _assert_points_here(caught, ConvergenceWarning, line)


def test_convergence_warning_with_callbacks_and_a_validation_set(data, caught):
    X, y = data
    model = DeepClassifier(max_iter=2, **SMALL).set_callbacks(
        LambdaCallback(lambda estimator, epoch, logs: None))
    line = _next_line()
    model.fit(X, y, X_val=X, y_val=y)
    _assert_points_here(caught, ConvergenceWarning, line)


def test_unscaled_columns_warning_of_fit_and_partial_fit(wide, caught):
    line = _next_line()
    DeepClassifier(input_scaling=None, max_iter=2, **SMALL).fit(*wide)
    _assert_points_here(caught, UserWarning, line)
    caught.clear()
    line = _next_line()
    DeepClassifier(input_scaling=None, **SMALL).partial_fit(*wide, classes=[0, 1])
    _assert_points_here(caught, UserWarning, line)


def test_unscaled_columns_warning_of_fit_csv(wide, tmp_path, caught):
    X, y = wide
    path = tmp_path / "wide.csv"
    pd.DataFrame(np.c_[X, y], columns=["a", "b", "c", "y"]).to_csv(path, index=False)
    model = DeepRegressor(input_scaling=None, **SMALL)
    line = _next_line()
    fit_csv(model, path, target="y", chunksize=20)
    _assert_points_here(caught, UserWarning, line)


def test_unstratified_split_warning(data, caught):
    X, y = data
    y = y.copy()
    y[0] = 2  # a class of one sample cannot be on both sides of the split
    line = _next_line()
    DeepClassifier(early_stopping=True, max_iter=2, **SMALL).fit(X, y)
    _assert_points_here(caught, UserWarning, line)


def test_warnings_from_inside_a_pipeline(wide, caught):
    pipe = make_pipeline(FunctionTransformer(),
                         DeepClassifier(input_scaling=None, max_iter=2, **SMALL))
    line = _next_line()
    pipe.fit(*wide)
    _assert_points_here(caught, ConvergenceWarning, line)
    _assert_points_here(caught, UserWarning, line)


def test_warnings_from_inside_a_grid_search(data, caught):
    search = GridSearchCV(DeepClassifier(max_iter=2, **SMALL),
                          {"alpha": [1e-4, 1e-3]}, cv=2)
    line = _next_line()
    search.fit(*data)
    _assert_points_here(caught, ConvergenceWarning, line)


def test_the_level_counts_every_frame_inside_skdeep_and_sklearn():
    """Called from outside, the caller itself: level 1."""
    assert caller_stacklevel() == 1
