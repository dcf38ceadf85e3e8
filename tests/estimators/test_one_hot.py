"""One-hot targets (Keras' to_categorical, pd.get_dummies) train one softmax;
other indicator matrices stay multilabel."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skdeep import DeepClassifier

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    labels = np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.5, 0.5])  # 0, 1, 2
    return X, labels, np.eye(3, dtype=int)[labels]


def small(**params):
    return DeepClassifier(**{"hidden_layer_sizes": (10,), "max_iter": 30,
                             "learning_rate_init": 0.03,
                             "random_state": 0, "dtype": "float64", **params})


def _softmax_by_hand(X, model):
    a = np.maximum(X @ model.coefs_[0] + model.intercepts_[0], 0)
    z = a @ model.coefs_[1] + model.intercepts_[1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_one_hot_trains_one_softmax_over_the_columns(data):
    X, _, one_hot = data
    model = small().fit(X, one_hot)
    proba = model.predict_proba(X)
    assert model.out_activation_ == "softmax"
    np.testing.assert_allclose(proba, _softmax_by_hand(X, model), rtol=1e-10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    predicted = model.predict(X)
    assert predicted.shape == one_hot.shape
    np.testing.assert_array_equal(predicted.sum(axis=1), 1)
    np.testing.assert_array_equal(predicted.argmax(axis=1), proba.argmax(axis=1))
    assert model.score(X, one_hot) > 0.8


@pytest.mark.parametrize("container", ["int", "bool", "float", "dummies",
                                       "sparse"])
def test_one_hot_fit_equals_the_fit_on_integer_labels(data, container):
    X, labels, one_hot = data
    y = {"int": one_hot, "bool": one_hot.astype(bool),
         "float": one_hot.astype(float),
         "dummies": pd.get_dummies(pd.Series(labels)).to_numpy(),
         "sparse": sparse.csr_matrix(one_hot)}[container]
    from_one_hot = small().fit(X, y)
    from_labels = small().fit(X, labels)
    np.testing.assert_allclose(from_one_hot.predict_proba(X),
                               from_labels.predict_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(from_one_hot.classes_, [0, 1, 2])
    np.testing.assert_array_equal(from_one_hot.predict(X),
                                  np.eye(3, dtype=int)[from_labels.predict(X)])


def test_partial_fit_and_warm_start_keep_the_one_hot_model(data):
    X, labels, one_hot = data
    streamed = small()
    for rows in np.array_split(np.arange(len(X)), 3):
        streamed.partial_fit(X[rows], one_hot[rows])
    reference = small()
    for rows in np.array_split(np.arange(len(X)), 3):
        reference.partial_fit(X[rows], labels[rows], classes=[0, 1, 2])
    np.testing.assert_allclose(streamed.predict_proba(X),
                               reference.predict_proba(X), rtol=1e-12)
    warm = small(warm_start=True).fit(X, one_hot)
    with pytest.raises(ValueError, match="y has 4 one-hot columns.*fitted on 3"):
        warm.fit(X, np.eye(4, dtype=int)[labels])
    with pytest.raises(ValueError, match="one-hot.*fitted on class labels"):
        small(warm_start=True).fit(X, labels).fit(X, one_hot)


@pytest.mark.parametrize("rows", ["a row of zeros", "a row of two ones"])
def test_other_indicator_matrices_stay_multilabel(data, rows):
    X, _, one_hot = data
    y = one_hot.copy()
    y[0] = [0, 0, 0] if rows == "a row of zeros" else [1, 1, 0]
    model = small().fit(X, y)
    assert model.out_activation_ == "logistic"
    assert not np.allclose(model.predict_proba(X).sum(axis=1), 1)


def test_validation_set_in_one_hot(data):
    X, labels, one_hot = data
    model = small(early_stopping=True).fit(X[:90], one_hot[:90], X_val=X[90:],
                                           y_val=one_hot[90:])
    reference = small(early_stopping=True).fit(X[:90], labels[:90], X_val=X[90:],
                                               y_val=labels[90:])
    assert model.validation_scores_ == reference.validation_scores_
