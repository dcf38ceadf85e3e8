"""Sample weights and class weights: what is refused, and what a weight means
for training."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score

from skdeep import DeepClassifier, DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_GOOD = np.random.default_rng(0).normal(size=(40, 3))
Y_CLASSES = np.arange(40) % 3
Y_REAL = X_GOOD @ [1.0, -2.0, 0.5]


def fitted_state(model):
    params = model.get_params(deep=False)
    return pickle.dumps({k: v for k, v in vars(model).items() if k not in params})


BAD_WEIGHTS = {"negative": np.r_[-0.5, np.ones(39)], "all-zero": np.zeros(40),
               "sum-zero": np.r_[1.0, -1.0, np.zeros(38)]}


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("solver, method", [  # lbfgs has no partial_fit
    ("adam", "fit"), ("sgd", "fit"), ("lbfgs", "fit"),
    ("adam", "partial_fit"), ("sgd", "partial_fit")])
@pytest.mark.parametrize("weights", BAD_WEIGHTS)
def test_bad_sample_weight_is_refused_by_every_solver(cls, solver, method, weights):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    model = cls(hidden_layer_sizes=(5,), solver=solver, max_iter=3,
                random_state=0).fit(X_GOOD, y)
    before = fitted_state(model)
    options = {"classes": [0, 1, 2]} if method == "partial_fit" and \
        cls is DeepClassifier else {}
    with pytest.raises(ValueError, match=f"^{cls.__name__}: .*(weight|Weight)"):
        getattr(model, method)(X_GOOD, y, sample_weight=BAD_WEIGHTS[weights],
                               **options)
    assert fitted_state(model) == before


def test_class_weight_of_zero_for_every_class_is_refused():
    with pytest.raises(ValueError, match="DeepClassifier: sample_weight times "
                                         "class_weight is zero for all 40"):
        DeepClassifier(class_weight={0: 0, 1: 0, 2: 0}).fit(X_GOOD, Y_CLASSES)
    with pytest.raises(ValueError, match="class_weight must be >= 0"):
        DeepClassifier(class_weight={0: -1, 1: 1, 2: 1}).fit(X_GOOD, Y_CLASSES)


def test_zero_weight_batches_are_skipped_when_others_carry_weight(weights_of):
    """Weights zero on the first 20 rows (one whole batch without shuffling):
    the same model as training on the other 20 rows alone."""
    weights = np.r_[np.zeros(20), np.ones(20)]
    options = {"hidden_layer_sizes": (5,), "batch_size": 20, "shuffle": False,
               "max_iter": 4, "random_state": 0}
    weighted = DeepRegressor(**options).fit(X_GOOD, Y_REAL, sample_weight=weights)
    alone = DeepRegressor(**options).fit(X_GOOD[20:], Y_REAL[20:])
    # equal up to the rounding of the weighted mean that starts the output bias
    np.testing.assert_allclose(weights_of(weighted), weights_of(alone),
                               rtol=1e-12, atol=1e-15)


def test_early_stopping_split_with_no_weight_on_one_side():
    weights = np.zeros(40)
    weights[0] = 1.0  # whatever the split, one side holds no weight
    model = DeepClassifier(early_stopping=True, validation_fraction=0.5,
                           random_state=0)
    with pytest.raises(ValueError, match="DeepClassifier: every sample that "
                                         "early_stopping's random split put in "
                                         "the (training|validation) part has "
                                         "weight 0"):
        model.fit(X_GOOD, Y_CLASSES, sample_weight=weights)



def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(2000, 6, weights=[0.95], flip_y=0.05,
                               class_sep=0.5, random_state=0)
    kwargs = dict(hidden_layer_sizes=(20,), max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = DeepClassifier(**kwargs).fit(X, y)
        balanced = DeepClassifier(class_weight="balanced", **kwargs).fit(X, y)
    # measured: about 0.49 without weights and 0.64 with them
    assert recall_score(y, balanced.predict(X)) > recall_score(
        y, plain.predict(X)) + 0.1


def test_class_weight_multiplies_sample_weight():
    X, y = make_classification(60, 4, random_state=0)
    sample_weight = np.linspace(0.5, 1.5, 60)
    kwargs = dict(solver="lbfgs", max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        by_class = DeepClassifier(class_weight={0: 3.0, 1: 1.0}, **kwargs).fit(
            X, y, sample_weight=sample_weight)
        by_sample = DeepClassifier(**kwargs).fit(
            X, y, sample_weight=sample_weight * np.where(y == 0, 3.0, 1.0))
    np.testing.assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X),
                               rtol=1e-12)

