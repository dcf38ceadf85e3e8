"""Robustness beyond the scikit-learn checks: bad inputs, shared and odd data."""

import copy
import pickle
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV

from skdeep import DeepClassifier, DeepRegressor
from skdeep.persistence import load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X_GOOD = RNG.normal(size=(40, 3))
Y_CLASSES = np.arange(40) % 3
Y_REAL = X_GOOD @ [1.0, -2.0, 0.5]
FRAME = pd.DataFrame(X_GOOD, columns=["a", "b", "c"])


def with_value(value, where=(0, 0), X=X_GOOD):
    X = X.copy()
    X[where] = value
    return X


def fitted(cls, X=X_GOOD):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    return cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)


# (id, estimator, how it is prepared, method, arguments, error, message fragment)
BAD_INPUTS = [
    ("unknown-param", DeepClassifier, "fitted", "set_params", {"foo": 1},
     ValueError, "Invalid parameter 'foo'"),
    ("alpha<0", DeepClassifier, "fitted", "fit", {"alpha": -1}, ValueError, "'alpha'"),
    ("zero-units", DeepRegressor, "fitted", "fit", {"hidden_layer_sizes": (0,)},
     ValueError, "'hidden_layer_sizes'"),
    ("bad-activation", DeepClassifier, "fitted", "fit", {"activation": "softsign"},
     ValueError, "'activation'"),
    ("dropout=1", DeepClassifier, "fitted", "fit", {"dropout": 1.0}, ValueError,
     "'dropout'"),
    ("bad-solver", DeepRegressor, "fitted", "fit", {"solver": "rmsprop"},
     ValueError, "'solver'"),
    # NaN in X at fit is a missing value since issue 23 (tests/estimators/
    # test_tables.py); at predict, a model fitted without gaps still refuses it
    ("inf-X-fit", DeepRegressor, "fitted", "fit", (with_value(np.inf), Y_REAL),
     ValueError, "infinity"),
    ("nan-X-predict", DeepClassifier, "fitted", "predict", (with_value(np.nan),),
     ValueError, "NaN"),
    ("nan-y", DeepRegressor, "fitted", "fit", (X_GOOD, np.r_[np.nan, Y_REAL[1:]]),
     ValueError, "NaN"),
    ("inf-y", DeepRegressor, "fitted", "fit", (X_GOOD, np.r_[np.inf, Y_REAL[1:]]),
     ValueError, "infinity"),
    ("empty-X-fit", DeepClassifier, "fitted", "fit", (X_GOOD[:0], Y_CLASSES[:0]),
     ValueError, "0 sample"),
    ("empty-X-predict", DeepRegressor, "fitted", "predict", (X_GOOD[:0],),
     ValueError, "0 sample"),
    ("1d-X-fit", DeepClassifier, "fitted", "fit", (X_GOOD[:, 0], Y_CLASSES),
     ValueError, "1D array"),
    ("1d-X-predict", DeepRegressor, "fitted", "predict", (X_GOOD[:, 0],),
     ValueError, "1D array"),
    ("3d-X-fit", DeepClassifier, "fitted", "fit", (X_GOOD[:, :, None], Y_CLASSES),
     ValueError, "dim 3"),
    ("3d-X-predict", DeepClassifier, "fitted", "predict", (X_GOOD[:, :, None],),
     ValueError, "dim 3"),
    ("length-mismatch", DeepRegressor, "fitted", "fit", (X_GOOD, Y_REAL[:-1]),
     ValueError, "inconsistent numbers of samples"),
    ("n-features", DeepClassifier, "fitted", "predict", (X_GOOD[:, :2],),
     ValueError, "2 features"),
    ("feature-names", DeepClassifier, "frame", "predict",
     (FRAME.rename(columns={"a": "z"}),), ValueError, "feature names"),
    # a text column at fit is categorical since issue 23; at predict, a
    # model fitted on numbers refuses it
    ("string-column", DeepClassifier, "frame", "predict",
     (FRAME.assign(a=["Oslo"] * 40),), ValueError,
     r"\['a'\].*ColumnTransformer.*OneHotEncoder"),
    ("continuous-y", DeepClassifier, "fitted", "fit", (X_GOOD, Y_REAL), ValueError,
     "continuous.*DeepRegressor"),
    ("unseen-label", DeepClassifier, "fitted", "partial_fit",
     (X_GOOD, np.arange(40) % 4), ValueError, "not among classes_"),
    ("weight-length", DeepRegressor, "fitted", "fit",
     (X_GOOD, Y_REAL, np.ones(3)), ValueError, "sample_weight"),
    # issue 10: items 5, 7, 17
    ("negative-weight", DeepRegressor, "fitted", "fit",
     (X_GOOD, Y_REAL, np.r_[-1.0, np.ones(39)]), ValueError,
     "sample_weight must be >= 0.*1 of 40.*negative"),
    ("zero-weights", DeepClassifier, "fitted", "partial_fit",
     (X_GOOD, Y_CLASSES, np.zeros(40)), ValueError, "(?i)non-zero|positive"),
    ("warm-start-fewer-classes", DeepClassifier, "warm", "fit",
     (X_GOOD, Y_CLASSES % 2), ValueError,
     r"warm_start.*\[0, 1, 2\].*\[0, 1\].*warm_start=False"),
    ("warm-start-more-classes", DeepClassifier, "warm", "fit",
     (X_GOOD, np.arange(40) % 4), ValueError,
     r"warm_start.*\[0, 1, 2\].*\[0, 1, 2, 3\]"),
    ("mixed-type-labels", DeepClassifier, "fitted", "fit",
     (X_GOOD, np.array([0, "a"] * 20, dtype=object)), ValueError,
     r"mixes labels of types \['number', 'string'\]"),
    ("none-labels", DeepClassifier, "fitted", "fit",
     (X_GOOD, np.array(["a", None] * 20, dtype=object)), ValueError,
     r"y contains missing labels \(None or NaN\)"),
    ("nan-in-classes", DeepClassifier, "fitted", "partial_fit",
     (X_GOOD, Y_CLASSES, None, [0, 1, 2, np.nan]), ValueError,
     "classes contains NaN"),
    ("no-training-rows", DeepRegressor, "fitted", "fit",
     {"early_stopping": True, "validation_fraction": 0.99}, ValueError,
     "leaves 40 for validation and 0 for training.*lower validation_fraction"),
]
FIX_WORDS = re.compile(r"\b(must be|pass|use|set|encode|refit|reshape|consider|"
                       r"increase|scale|remove|needs|valid parameters are)\b",
                       re.IGNORECASE)


def fitted_state(model):
    params = model.get_params(deep=False)
    return pickle.dumps({k: v for k, v in vars(model).items() if k not in params})


def call(row):
    _, cls, prepared, method, arguments, _, _ = row
    model = fitted(cls, FRAME if prepared == "frame" else X_GOOD)
    if prepared == "warm":
        model.set_params(warm_start=True)
    if isinstance(arguments, dict):
        if method == "set_params":
            return model, lambda: model.set_params(**arguments), ()
        model_params = arguments
        arguments = (X_GOOD, Y_CLASSES if cls is DeepClassifier else Y_REAL)
        return model, lambda: model.set_params(**model_params).fit(*arguments), \
            arguments
    return model, lambda: getattr(model, method)(*arguments), arguments


def same(a, b):
    if isinstance(a, pd.DataFrame):
        return a.equals(b)
    if not isinstance(a, np.ndarray):
        return a == b
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@pytest.mark.parametrize("row", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_is_refused_and_changes_nothing(row):
    model, action, arguments = call(row)
    before, originals = fitted_state(model), copy.deepcopy(arguments)
    prediction = model.predict(FRAME if row[2] == "frame" else X_GOOD)
    with pytest.raises(row[5], match=row[6]) as error:
        action()
    assert type(model).__name__ in str(error.value)
    assert fitted_state(model) == before
    np.testing.assert_array_equal(
        model.predict(FRAME if row[2] == "frame" else X_GOOD), prediction)
    assert all(same(a, b) for a, b in zip(arguments, originals))


@pytest.mark.parametrize("row", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_message_says_how_to_fix(row):
    _, action, _ = call(row)
    with pytest.raises(row[5]) as error:
        action()
    assert FIX_WORDS.search(str(error.value)), str(error.value)


# -- inputs shared with others ------------------------------------------------
@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_read_only_memmap_inputs(cls, dtype, tmp_path):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    np.save(tmp_path / "X.npy", X_GOOD.astype(dtype))
    np.save(tmp_path / "y.npy", y)
    X_map = np.load(tmp_path / "X.npy", mmap_mode="r")
    y_map = np.load(tmp_path / "y.npy", mmap_mode="r")
    model = cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    model.fit(X_map, y_map).partial_fit(X_map, y_map)
    reference = cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    reference.fit(X_GOOD.astype(dtype), y).partial_fit(X_GOOD.astype(dtype), y)
    np.testing.assert_array_equal(model.predict(X_map), reference.predict(X_map))


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_predict_from_eight_threads(cls):
    model = fitted(cls)
    X = np.random.default_rng(1).normal(size=(3000, 3))
    method = "predict_proba" if cls is DeepClassifier else "predict"
    expected = getattr(model, method)(X)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: getattr(model, method)(X), range(32)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


# -- properties -----------------------------------------------------------------
CLASSIFIER = fitted(DeepClassifier)
rows = st.integers(1, 30).flatmap(lambda n: st.lists(
    st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=n,
    max_size=n))


@settings(max_examples=60, deadline=None)
@given(rows)
def test_probabilities_are_finite_and_sum_to_one(X):
    proba = CLASSIFIER.predict_proba(np.array(X))
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_predictions_do_not_depend_on_row_order(X, random):
    X = np.array(X)
    order = list(range(len(X)))
    random.shuffle(order)
    proba = CLASSIFIER.predict_proba(X)
    np.testing.assert_allclose(CLASSIFIER.predict_proba(X[order]), proba[order],
                               rtol=1e-12, atol=1e-300)
    clear = np.abs(np.diff(np.sort(proba, axis=1)[:, -2:], axis=1))[:, 0] > 1e-9
    np.testing.assert_array_equal(CLASSIFIER.predict(X[order])[clear[order]],
                                  CLASSIFIER.predict(X)[order][clear[order]])


LABEL_KINDS = {"int8": lambda k: np.arange(k, dtype=np.int8) - 3,
               "uint64": lambda k: np.arange(k, dtype=np.uint64) * 7,
               "float32": lambda k: np.arange(k, dtype=np.float32) * 2 - 1,
               "str": lambda k: np.array([f"class {i}" for i in range(k)]),
               "object": lambda k: np.array([f"c{i}" for i in range(k)], object)}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_features=st.integers(1, 6), hidden=st.lists(st.integers(1, 8), min_size=1,
                                                      max_size=3),
       n_classes=st.integers(2, 5), labels=st.sampled_from(sorted(LABEL_KINDS)),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_save_load_roundtrip_property(tmp_path, n_features, hidden, n_classes,
                                      labels, dtype, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, n_features))
    y = LABEL_KINDS[labels](n_classes)[np.arange(30) % n_classes]
    model = DeepClassifier(hidden_layer_sizes=hidden, max_iter=2, dtype=dtype,
                           random_state=seed).fit(X, y)
    save(model, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    X_new = rng.normal(size=(7, n_features))
    np.testing.assert_array_equal(loaded.predict(X_new), model.predict(X_new),
                                  strict=True)
    np.testing.assert_array_equal(loaded.predict_proba(X_new),
                                  model.predict_proba(X_new), strict=True)


# -- parallel search ------------------------------------------------------------
@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_grid_search_parallel_equals_serial(cls):
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    grid = {"hidden_layer_sizes": [(4,), (8, 4)], "alpha": [1e-4, 1e-1]}
    results = [GridSearchCV(cls(max_iter=5, random_state=0), grid, cv=3,
                            n_jobs=n_jobs).fit(X_GOOD, y) for n_jobs in (1, 2)]
    serial, parallel = (r.cv_results_ for r in results)
    np.testing.assert_array_equal(parallel["mean_test_score"],
                                  serial["mean_test_score"])
    assert results[0].best_params_ == results[1].best_params_


# -- awkward data -----------------------------------------------------------------
def _constant_column():
    return with_value(7.0, (slice(None), 1))


def _duplicated_rows():
    return np.repeat(X_GOOD[:10], 4, axis=0)


AWKWARD = {"constant-column": _constant_column, "duplicated-rows": _duplicated_rows,
           "tiny-1e-300": lambda: with_value(1e-300, (slice(None), 0)),
           "huge-1e300": lambda: with_value(1e300, (slice(None), 0)),
           "huge-negative": lambda: with_value(-1e300, (slice(None), 2))}


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("data", AWKWARD)
def test_awkward_data_never_gives_silent_nan(cls, data):
    """Training either raises an error or gives finite losses and predictions."""
    X = AWKWARD[data]()
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    model = cls(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
    except ValueError as error:
        assert cls.__name__ in str(error)
        return
    assert np.isfinite(model.loss_curve_).all()
    outputs = (model.predict_proba(X) if cls is DeepClassifier
               else model.predict(X))
    assert not np.isnan(outputs).any()


@pytest.mark.parametrize("cls, value", [
    (cls, value) for cls in (DeepClassifier, DeepRegressor)
    for value in (1e300, -1e300, 1e-300, np.finfo(float).max)])
def test_extreme_inputs_at_predict_never_give_nan(cls, value):
    """Finite outputs, or an error that says the inputs overflowed the network
    (float64 max overflows the logits to inf: inf - inf would be NaN)."""
    model = fitted(cls)
    X = np.full((4, 3), value)
    X[1, 1] = -value
    try:
        outputs = (model.predict_proba(X) if cls is DeepClassifier
                   else model.predict(X))
    except ValueError as error:
        assert re.search(f"{cls.__name__}: .*overflowed.*StandardScaler",
                         str(error))
        return
    assert np.isfinite(outputs).all()


# -- sample weights (issue 10, item 5) -------------------------------------------
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


def test_zero_weight_batches_are_skipped_when_others_carry_weight():
    """Weights zero on the first 20 rows (one whole batch without shuffling):
    the same model as training on the other 20 rows alone."""
    weights = np.r_[np.zeros(20), np.ones(20)]
    options = {"hidden_layer_sizes": (5,), "batch_size": 20, "shuffle": False,
               "max_iter": 4, "random_state": 0}
    weighted = DeepRegressor(**options).fit(X_GOOD, Y_REAL, sample_weight=weights)
    alone = DeepRegressor(**options).fit(X_GOOD[20:], Y_REAL[20:])
    # equal up to the rounding of the weighted mean that starts the output bias
    np.testing.assert_allclose(weighted._network.params, alone._network.params,
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


# -- labels and early stopping (issue 10, items 7, 8, 17) ------------------------
ISSUE_10_MESSAGES = ["warm-start-fewer-classes", "warm-start-more-classes",
                     "mixed-type-labels", "none-labels", "nan-in-classes",
                     "no-training-rows", "negative-weight"]


@pytest.mark.parametrize("row", [row for row in BAD_INPUTS
                                 if row[0] in ISSUE_10_MESSAGES],
                         ids=ISSUE_10_MESSAGES)
def test_message_is_one_sentence_naming_the_estimator(row):
    _, action, _ = call(row)
    with pytest.raises(ValueError) as error:
        action()
    message = str(error.value)
    assert message.startswith(f"{row[1].__name__}: ") and message.endswith(".")
    assert not re.search(r"[.;:!?]\s+[A-Z]", message[len(row[1].__name__) + 2:])


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
