"""Conformance: scikit-learn's own estimator checks on both estimators."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from skdeep import DeepClassifier, DeepRegressor

# No expected failures: scikit-learn marks the sample-weight equivalence checks
# as xfail for its minibatch SGD estimators, but on these checks' small data a
# batch holds every sample, so skdeep passes them too.
ESTIMATORS = [
    DeepClassifier(max_iter=100, random_state=0),
    DeepRegressor(max_iter=100, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_dataframe_column_names_consistency(estimator):
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)
