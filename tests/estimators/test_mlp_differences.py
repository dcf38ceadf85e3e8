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


# early_stopping='auto' (the default) is early_stopping=True above
# AUTO_EARLY_STOPPING_ROWS rows and False at or below, as coming_from_mlp.rst says
def _rows(n):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, 3))
    return X, X[:, 0] + 0.5 * rng.normal(size=n)


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("offset, explicit", [(1, True), (0, False)])
def test_early_stopping_auto_switches_at_the_documented_rows(cls, offset, explicit):
    from skdeep.estimators._validation_split import AUTO_EARLY_STOPPING_ROWS

    assert AUTO_EARLY_STOPPING_ROWS == 500  # the number the docstrings give
    assert cls().early_stopping == "auto"
    X, y = _rows(AUTO_EARLY_STOPPING_ROWS + offset)
    if cls is DeepClassifier:
        y = (y > 0).astype(int)
    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    auto = cls(**params).fit(X, y)
    forced = cls(early_stopping=explicit, **params).fit(X, y)
    other = cls(early_stopping=not explicit, **params).fit(X, y)
    assert auto.do_early_stopping_ is forced.do_early_stopping_ is explicit
    for a, b in zip(auto.coefs_ + auto.intercepts_,
                    forced.coefs_ + forced.intercepts_):
        assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(auto.coefs_, other.coefs_))
    assert auto.history_ == forced.history_
    assert auto.best_loss_ == forced.best_loss_
    assert auto.best_validation_score_ == forced.best_validation_score_


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_early_stopping_explicit_values_keep_mlps_meaning(cls):
    X, y = _rows(60)  # far below the 'auto' threshold
    if cls is DeepClassifier:
        y = (y > 0).astype(int)
    on = cls(early_stopping=True, **PARAMS).fit(X, y)
    assert on.do_early_stopping_ and len(on.validation_scores_) == on.n_iter_
    X, y = _rows(1500)
    if cls is DeepClassifier:
        y = (y > 0).astype(int)
    off = cls(early_stopping=False, **PARAMS).fit(X, y)
    assert not off.do_early_stopping_ and off.validation_scores_ is None


def test_early_stopping_auto_is_never_on_in_partial_fit():
    X, y = _rows(1500)
    a = DeepRegressor(**PARAMS).partial_fit(X, y)
    b = DeepRegressor(early_stopping=False, **PARAMS).partial_fit(X, y)
    assert a.validation_scores_ is None
    for u, v in zip(a.coefs_, b.coefs_):
        assert_array_equal(u, v)


def test_early_stopping_auto_survives_save_and_load(tmp_path):
    import skdeep

    X, y = _rows(1500)
    model = DeepRegressor(**PARAMS).fit(X, y)
    skdeep.save(model, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert loaded.do_early_stopping_ is True and loaded.best_loss_ is None
    assert loaded.best_validation_score_ == model.best_validation_score_
