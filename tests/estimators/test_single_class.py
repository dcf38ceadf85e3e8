"""A single-class y trains, as in MLPClassifier, and predicts that class."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.neural_network import MLPClassifier

import skdeep
from skdeep import DeepClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X = np.random.default_rng(0).normal(size=(30, 3))
PARAMS = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)


@pytest.mark.parametrize("label", [7, "spam", True])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_single_class_predicts_it_like_mlp(label, early_stopping):
    y = np.full(len(X), label, dtype=object if isinstance(label, str) else None)
    params = dict(PARAMS, early_stopping=early_stopping)
    model = DeepClassifier(**params).fit(X, y)
    reference = MLPClassifier(**params).fit(X, y)
    assert_array_equal(model.classes_, reference.classes_)
    assert_array_equal(model.predict(X), reference.predict(X))
    assert model.score(X, y) == 1.0


def test_single_class_probability_is_one_column_of_ones():
    # one column per entry of classes_ (MLPClassifier returns two columns here,
    # which do not line up with its one-element classes_)
    model = DeepClassifier(**PARAMS).fit(X, np.zeros(len(X)))
    assert_array_equal(model.predict_proba(X), np.ones((len(X), 1)))
    assert_array_equal(model.predict_log_proba(X), np.zeros((len(X), 1)))


def test_single_class_partial_fit_and_save_round_trip(tmp_path):
    model = DeepClassifier(**PARAMS)
    model.partial_fit(X, np.ones(len(X)), classes=[1.0])
    model.partial_fit(X, np.ones(len(X)), classes=[1.0])
    path = tmp_path / "one.skdeep"
    skdeep.save(model, path)
    assert_array_equal(skdeep.load(path).predict(X), np.ones(len(X)))


def test_empty_classes_are_refused():
    with pytest.raises(ValueError, match="DeepClassifier: classes= is empty"):
        DeepClassifier(**PARAMS).partial_fit(X, np.ones(len(X)), classes=[])
