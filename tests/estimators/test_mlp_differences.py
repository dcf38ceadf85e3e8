"""Differences from MLPClassifier / MLPRegressor that the README lists, pinned
against scikit-learn's own behaviour."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.neural_network import MLPClassifier

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 4))
PARAMS = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)


def test_a_class_too_rare_to_stratify_gets_a_random_hold_out():
    y = np.r_[np.zeros(199), 1]
    with pytest.raises(ValueError, match="least populated class"):
        MLPClassifier(early_stopping=True, **PARAMS).fit(X, y)
    model = DeepClassifier(early_stopping=True, **PARAMS).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_partial_fit_with_early_stopping_trains_one_epoch(cls):
    y = (X[:, 0] > 0).astype(int)
    model = cls(early_stopping=True, **PARAMS).fit(X, y)
    before = [w.copy() for w in model.coefs_]
    n_losses = len(model.loss_curve_)
    model.partial_fit(X, y)
    assert len(model.loss_curve_) == n_losses + 1
    assert not np.array_equal(before[0], model.coefs_[0])
    # this epoch has no validation score; the fit's validated epochs still do
    assert model.best_validation_score_ in model.validation_scores_


def test_coefs_are_set_in_place_not_by_assignment():
    model = DeepRegressor(**PARAMS).fit(X, X[:, 0])
    before = model.predict(X)
    model.coefs_ = [np.zeros_like(w) for w in model.coefs_]  # a new list: ignored
    assert_array_equal(model.predict(X), before)
    model = DeepRegressor(**PARAMS).fit(X, X[:, 0])
    for weights in model.coefs_:  # views of the weights predict uses
        weights[...] = 0
    # every weight zero: each prediction is the output bias
    assert_array_equal(model.predict(X), np.full(len(X), model.intercepts_[-1][0]))
