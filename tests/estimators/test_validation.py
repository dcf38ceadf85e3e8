"""What the estimators refuse, and how: every bad input raises an error that
names the estimator and says how to fix it, and leaves the model and the
caller's arrays as they were; odd data (read-only memmaps, constant columns,
extreme magnitudes) trains or predicts without a silent NaN."""

import copy
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from skdeep import DeepClassifier, DeepRegressor

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
    # NaN in X at fit is a missing value (tests/estimators/test_tables.py); at
    # predict, a model fitted without gaps still refuses it
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
    # a text column at fit is categorical; at predict, a model fitted on
    # numbers refuses it
    ("string-column", DeepClassifier, "frame", "predict",
     (FRAME.assign(a=["Oslo"] * 40),), ValueError,
     r"\['a'\].*ColumnTransformer.*OneHotEncoder"),
    ("continuous-y", DeepClassifier, "fitted", "fit", (X_GOOD, Y_REAL), ValueError,
     "continuous.*DeepRegressor"),
    ("unseen-label", DeepClassifier, "fitted", "partial_fit",
     (X_GOOD, np.arange(40) % 4), ValueError, "not among classes_"),
    ("weight-length", DeepRegressor, "fitted", "fit",
     (X_GOOD, Y_REAL, np.ones(3)), ValueError, "sample_weight"),
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
def test_awkward_data_trains_without_nan(cls, data):
    """Constant columns, repeated rows and magnitudes from 1e-300 to 1e300 all
    train (the default input scaling standardizes each column) to finite losses
    and outputs."""
    X = AWKWARD[data]()
    y = Y_CLASSES if cls is DeepClassifier else Y_REAL
    model = cls(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    assert np.isfinite(model.loss_curve_).all()
    outputs = (model.predict_proba(X) if cls is DeepClassifier
               else model.predict(X))
    assert np.isfinite(outputs).all()


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
@pytest.mark.parametrize("value, overflows", [
    (1e300, True), (-1e300, True), (np.finfo(float).max, True), (1e-300, False)])
def test_extreme_inputs_at_predict_never_give_nan(cls, value, overflows):
    """Finite outputs, or an error that says the inputs overflowed the network
    (huge inputs overflow the logits to inf: inf - inf would be NaN)."""
    model = fitted(cls)
    X = np.full((4, 3), value)
    X[1, 1] = -value
    predict = model.predict_proba if cls is DeepClassifier else model.predict
    if overflows:
        with pytest.raises(ValueError, match=f"^{cls.__name__}: .*overflowed.*"
                                             "StandardScaler"):
            predict(X)
    else:
        assert np.isfinite(predict(X)).all()


# the messages skdeep writes whole (the others extend scikit-learn's own)
ONE_SENTENCE = ["zero-units", "string-column", "negative-weight",
                "warm-start-fewer-classes", "warm-start-more-classes",
                "mixed-type-labels", "none-labels", "nan-in-classes",
                "no-training-rows"]


@pytest.mark.parametrize("row", [row for row in BAD_INPUTS
                                 if row[0] in ONE_SENTENCE], ids=ONE_SENTENCE)
def test_message_is_one_sentence_naming_the_estimator(row):
    _, action, _ = call(row)
    with pytest.raises(ValueError) as error:
        action()
    message = str(error.value)
    assert message.startswith(f"{row[1].__name__}: ") and message.endswith(".")
    assert not re.search(r"[.;:!?]\s+[A-Z]", message[len(row[1].__name__) + 2:])


