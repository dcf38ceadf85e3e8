"""DeepClassifier's labels: what it refuses as labels or classes, the
stratified validation split, and multilabel targets."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_GOOD = np.random.default_rng(0).normal(size=(40, 3))
Y_CLASSES = np.arange(40) % 3


@pytest.mark.parametrize("y, match", [
    (np.array([0, "a", 1] * 2, dtype=object), "mixes labels"),
    (pd.Series(["a", "b", None] * 2), "missing"),
    (np.array([1.0, 2.0, np.nan] * 2, dtype=object),
     "missing label|Input contains NaN"),
], ids=["mixed", "none", "object-nan"])
@pytest.mark.parametrize("method", ["fit", "partial_fit", "partial_fit-classes"])
def test_bad_labels_on_a_new_classifier(y, match, method):
    model = DeepClassifier(max_iter=2)
    options = {"classes": [0, 1]} if method.endswith("classes") else {}
    with pytest.raises(ValueError, match=f"^DeepClassifier: .*({match})"):
        getattr(model, method.split("-")[0])(X_GOOD[:6], y, **options)


@pytest.mark.parametrize("classes", [[0, 1, np.nan], [0, 1, None], [0, 1, np.inf]])
def test_first_partial_fit_refuses_missing_classes(classes):
    with pytest.raises(ValueError, match="DeepClassifier: classes contains .*; "
                                         "pass only real class labels"):
        DeepClassifier().partial_fit(X_GOOD, Y_CLASSES % 2, classes=classes)


def test_early_stopping_with_a_lone_class_warns_and_names_it():
    y = np.r_[np.zeros(20), np.ones(19), 2].astype(int)
    model = DeepClassifier(hidden_layer_sizes=(5,), max_iter=3, early_stopping=True,
                           random_state=0)
    with pytest.warns(UserWarning, match="DeepClassifier: class 2 has a single "
                                         "sample, so the early-stopping validation "
                                         "split is not stratified") as caught:
        model.fit(X_GOOD, y)
    assert [w.filename for w in caught if w.category is UserWarning] == [__file__]
    assert model.validation_scores_  # and it trained with a validation set


def test_auto_early_stopping_says_it_chose_the_split_and_how_to_turn_it_off():
    # 601 rows: early_stopping='auto' holds out a validation set (above 500),
    # which the user never asked for, so the warning says where it came from
    rng = np.random.default_rng(0)
    X = rng.normal(size=(601, 3))
    y = np.r_[np.zeros(300), np.ones(300), 2].astype(int)
    model = DeepClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0)
    with pytest.warns(UserWarning) as caught:
        model.fit(X, y)
    [message] = [str(w.message) for w in caught if "stratified" in str(w.message)]
    assert message == (
        "DeepClassifier: class 2 has a single sample, so the early-stopping "
        "validation split (early_stopping='auto' holds one out above 500 training "
        "rows) is not stratified and a class may be missing from one side; pass "
        "X_val and y_val to fit, collect more samples of that class, or set "
        "early_stopping=False.")
    assert model.do_early_stopping_
    with warnings.catch_warnings():  # the fix it names: no split, no warning
        warnings.filterwarnings("error", message=".*stratified")
        DeepClassifier(hidden_layer_sizes=(5,), max_iter=2, early_stopping=False,
                       random_state=0).fit(X, y)


def test_early_stopping_warns_when_validation_cannot_hold_every_class():
    model = DeepClassifier(hidden_layer_sizes=(5,), max_iter=3, early_stopping=True,
                           validation_fraction=0.05, random_state=0)
    with pytest.warns(UserWarning, match="the 2 validation samples cannot hold all "
                                         "3 classes.*raise validation_fraction"):
        model.fit(X_GOOD, Y_CLASSES)


def test_stratified_split_does_not_warn():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DeepClassifier(hidden_layer_sizes=(5,), max_iter=3, early_stopping=True,
                       validation_fraction=0.2, random_state=0).fit(X_GOOD, Y_CLASSES)
    assert not [w for w in caught if "stratified" in str(w.message)]



def test_held_out_split_is_stratified_and_shuffled():
    y = np.array([0] * 90 + [1] * 10)
    model = DeepClassifier(validation_fraction=0.2)
    # a test of the private held-out split itself, on an unfitted model
    model._multilabel = False
    train, val = model._split_rows(y, 20, np.random.default_rng(0))
    assert np.bincount(y[val]).tolist() == [18, 2]
    assert np.bincount(y[train]).tolist() == [72, 8]
    regressor_rows = DeepRegressor()._split_rows(np.zeros(100), 10,
                                                 np.random.default_rng(0))[1]
    assert sorted(regressor_rows) != list(range(90, 100))  # never "the last rows"


def test_partial_fit_multilabel():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    Y = (X[:, :2] > 0).astype(int)
    model = DeepClassifier(random_state=0)
    for _ in range(3):
        model.partial_fit(X, Y)
    assert model.predict(X).shape == (100, 2) and len(model.loss_curve_) == 3

