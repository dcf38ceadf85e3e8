"""The contract's label encoding (skdeep.estimators.contract, its persistence
block): how a fitted classifier reads its outputs back into y's form, handed
out and taken back without touching the estimator's private attributes."""

import copy

import numpy as np
import pytest

from skdeep.estimators import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import (
    fitted_engine,
    install_engine,
    is_multilabel,
    is_one_hot,
    set_label_encoding,
    trained_params,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")
PARAMS = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
# the public attributes fit sets before the engine exists
INPUTS = ("n_features_in_", "classes_", "input_offset_", "input_scale_",
          "do_early_stopping_")


def _targets(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    labels = np.digitize(X[:, 0], [-0.5, 0.5])  # 0, 1, 2
    y = {"labels": labels, "one-hot": np.eye(3, dtype=int)[labels],
         "indicator": (X[:, :3] > 0).astype(int)}[kind]
    return X, y


@pytest.mark.parametrize("kind, multilabel, one_hot", [
    ("labels", False, False), ("one-hot", False, True), ("indicator", True, False)])
def test_a_classifier_rebuilt_with_its_label_encoding_predicts_as_the_original(
        kind, multilabel, one_hot):
    X, y = _targets(kind)
    original = DeepClassifier(**PARAMS).fit(X, y)
    assert (is_multilabel(original), is_one_hot(original)) == (multilabel, one_hot)
    rebuilt = DeepClassifier(**PARAMS)
    for name in INPUTS:
        setattr(rebuilt, name, copy.deepcopy(getattr(original, name)))
    set_label_encoding(rebuilt, multilabel=multilabel, one_hot=one_hot)
    install_engine(rebuilt, copy.deepcopy(fitted_engine(original)), original.n_iter_,
                   copy.deepcopy(trained_params(original)))
    predicted = rebuilt.predict(X)
    # predict answers in y's own form: labels, a one-hot or an indicator matrix
    assert predicted.shape == y.shape
    np.testing.assert_array_equal(predicted, original.predict(X))
    assert (is_multilabel(rebuilt), is_one_hot(rebuilt)) == (multilabel, one_hot)


def test_one_hot_is_what_turns_predictions_back_into_columns():
    """The encoding is not decoration: the same engine without ``one_hot``
    predicts the labels 0..2, not one-hot rows."""
    X, y = _targets("one-hot")
    original = DeepClassifier(**PARAMS).fit(X, y)
    labels = DeepClassifier(**PARAMS)
    for name in INPUTS:
        setattr(labels, name, getattr(original, name))
    set_label_encoding(labels, multilabel=False, one_hot=False)
    install_engine(labels, copy.deepcopy(fitted_engine(original)), original.n_iter_,
                   copy.deepcopy(trained_params(original)))
    np.testing.assert_array_equal(labels.predict(X),
                                  original.predict(X).argmax(axis=1))


def test_a_regressor_and_an_unfitted_classifier_have_no_label_encoding():
    X, y = _targets("labels")
    assert is_one_hot(DeepRegressor(**PARAMS).fit(X, X[:, 0])) is None
    assert is_multilabel(DeepRegressor(**PARAMS).fit(X, X[:, 0])) is None
    assert (is_multilabel(DeepClassifier()), is_one_hot(DeepClassifier())) == (
        None, None)


def test_a_value_left_as_none_stays_unset():
    model = DeepClassifier()
    set_label_encoding(model, multilabel=True)
    assert (is_multilabel(model), is_one_hot(model)) == (True, None)
