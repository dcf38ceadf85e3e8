"""predict's small-input paths: a single row of plain input goes through the
network as a 1-D array, a few rows skip validate_data. Both must give the
general path's results bit for bit, its errors word for word, follow writes
into coefs_, and share nothing between threads."""

# the tests read the private _row_output on purpose: it is the fast path under
# test (None where predict must take the general path)

import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.exceptions import NotFittedError

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators._predict import ROW_CHECK_LIMIT
from skdeep.estimators.contract import fitted_engine
from skdeep.ops import HIDDEN_ACTIVATIONS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_FEATURES = 6


class _General(np.ndarray):
    """An ndarray subclass: the fast paths take exact ndarrays only, so a view
    as this sends the same values through validate_data (the general path)."""


def general(X):
    return X.view(_General)


def _data(n_samples=80):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, N_FEATURES))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1), X @ rng.normal(
        size=N_FEATURES)


def _fit(estimator, X, y):
    return estimator.set_params(max_iter=5, random_state=0).fit(X, y)


MODELS = {
    "clf auto": lambda X, y, v: _fit(DeepClassifier(hidden_layer_sizes=(9, 7)), X, y),
    "clf float64": lambda X, y, v: _fit(DeepClassifier(dtype="float64"), X, y),
    "clf float32 X": lambda X, y, v: _fit(DeepClassifier(), X.astype(np.float32), y),
    "clf unscaled": lambda X, y, v: _fit(DeepClassifier(input_scaling=None), X, y),
    "binary": lambda X, y, v: _fit(DeepClassifier(), X, y > 0),
    "string labels": lambda X, y, v: _fit(DeepClassifier(), X,
                                          np.array(["a", "b", "c"])[y]),
    "multilabel": lambda X, y, v: _fit(DeepClassifier(), X,
                                       np.c_[y > 0, X[:, 3] > 0].astype(int)),
    "one-hot": lambda X, y, v: _fit(DeepClassifier(), X, np.eye(3)[y]),
    "reg": lambda X, y, v: _fit(DeepRegressor(hidden_layer_sizes=(9, 7)), X, v),
    "reg float64": lambda X, y, v: _fit(DeepRegressor(dtype="float64"), X, v),
    "reg 2 outputs": lambda X, y, v: _fit(DeepRegressor(), X, np.c_[v, -v]),
    "poisson": lambda X, y, v: _fit(DeepRegressor(loss="poisson"), X, np.abs(v)),
    **{f"activation {name}": (
        lambda X, y, v, name=name: _fit(DeepClassifier(
            hidden_layer_sizes=(5, 4), activation=name), X, y))
       for name in HIDDEN_ACTIVATIONS},
}


@pytest.fixture(scope="module")
def fitted():
    X, y, values = _data()
    return X, {name: make(X, y, values) for name, make in MODELS.items()}


def _methods(model):
    names = ("predict", "predict_proba", "predict_log_proba")
    return [getattr(model, name) for name in names if hasattr(model, name)]


def assert_bitwise(got, expected):
    got, expected = np.asarray(got), np.asarray(expected)
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    assert got.tobytes() == expected.tobytes()


def _rows(X, dtype):
    """Single rows in the layouts a caller hands over: a slice, a row of a
    Fortran array, a strided view, a read-only copy."""
    X = X.astype(dtype)
    wide = np.repeat(X, 2, axis=1)[:, ::2]
    frozen = X[3:4].copy()
    frozen.flags.writeable = False
    return [X[:1], X[1:2], np.asfortranarray(X)[2:3], wide[4:5], frozen]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_row_is_the_general_paths_result_bit_for_bit(fitted, name, dtype):
    X, models = fitted
    model = models[name]
    for row in _rows(X, dtype):
        assert model._row_output(row) is not None  # the fast path is taken
        assert model._row_output(general(row)) is None
        for method in _methods(model):
            assert_bitwise(method(row), method(general(row)))


@pytest.mark.parametrize("name", ["clf auto", "clf float64", "multilabel", "reg",
                                  "reg 2 outputs", "poisson"])
@pytest.mark.parametrize("n_rows", [2, 10, 1000])
def test_a_few_rows_are_the_general_paths_result_bit_for_bit(fitted, name, n_rows):
    X, models = fitted
    X = np.random.default_rng(1).normal(size=(n_rows, N_FEATURES))
    for dtype in (np.float64, np.float32):
        for method in _methods(models[name]):
            assert_bitwise(method(X.astype(dtype)), method(general(X.astype(dtype))))


def _forward_by_hand(model, X, activation=lambda z: np.maximum(z, 0)):
    """The network written out: raw X through each layer, in its dtype (X as
    laid out, cast only if need be: BLAS may round a strided row's products
    otherwise than a contiguous copy's)."""
    dtype = model.coefs_[0].dtype
    z = X if X.dtype == dtype else X.astype(dtype)
    for i, (weights, bias) in enumerate(zip(model.coefs_, model.intercepts_)):
        z = np.dot(z, weights) + bias
        if i < len(model.coefs_) - 1:
            z = activation(z)
    return z.astype(X.dtype)


def _softmax(raw):
    shifted = np.exp(raw - raw.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", ["clf auto", "clf float64", "clf unscaled",
                                  "string labels"])
def test_one_row_is_the_forward_pass_written_out(fitted, name):
    X, models = fitted
    model = models[name]
    for row in _rows(X, np.float64):
        raw = _forward_by_hand(model, row)
        assert model.predict(row)[0] == model.classes_[raw.argmax()]
        np.testing.assert_allclose(model.predict_proba(row), _softmax(raw),
                                   rtol=1e-6)
        np.testing.assert_array_equal(model._row_output(row), raw[0])


@pytest.mark.parametrize("name", ["reg", "reg float64", "reg 2 outputs"])
def test_one_regressor_row_is_the_forward_pass_written_out(fitted, name):
    X, models = fitted
    model = models[name]
    for row in _rows(X, np.float32):
        expected = _forward_by_hand(model, row)
        np.testing.assert_array_equal(
            model.predict(row), expected.ravel() if model.n_outputs_ == 1 else expected)


def test_tanh_row_is_the_forward_pass_written_out(fitted):
    X, models = fitted
    model = models["activation tanh"]
    row = X[5:6]
    np.testing.assert_array_equal(model._row_output(row),
                                  _forward_by_hand(model, row, np.tanh)[0])


@pytest.mark.parametrize("estimator", [DeepClassifier(), DeepRegressor()])
def test_writing_into_coefs_changes_the_next_prediction(estimator):
    X, y, values = _data()
    model = _fit(estimator, X, y if isinstance(estimator, DeepClassifier)
                 else values)
    row = X[:1]
    before = model._row_output(row).copy()
    model.coefs_[0][...] *= -3.0
    model.intercepts_[-1][...] += 2.0
    after = model._row_output(row)
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, _forward_by_hand(model, row)[0])
    for method in _methods(model):
        assert_bitwise(method(row), method(general(row)))


@pytest.mark.parametrize("name", ["clf auto", "reg", "multilabel"])
def test_concurrent_predicts_agree_with_serial_ones(fitted, name):
    X, models = fitted
    model = models[name]
    inputs = [X[i : i + 1] for i in range(40)] + [X[:7], X[10:30], X]
    inputs += [row.astype(np.float32) for row in inputs[:10]]
    serial = [[method(part) for method in _methods(model)] for part in inputs]

    def run(k):  # each thread starts at another input, so the calls interleave
        order = (list(range(k, len(inputs))) + list(range(k))) * 5
        return [(i, [method(inputs[i]) for method in _methods(model)])
                for i in order]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    for result in results:
        for i, outputs in result:
            for got, expected in zip(outputs, serial[i]):
                assert_bitwise(got, expected)


# -- errors and warnings: the general path's, word for word ----------------------
@pytest.fixture(scope="module")
def refusing():
    """Models whose predict refuses inputs: plain, fitted with feature names,
    fitted on a table with a categorical column."""
    X, y, _ = _data()
    frame = pd.DataFrame(X, columns=list("abcdef"))
    table = frame.assign(f=pd.Categorical(np.where(X[:, 5] > 0, "u", "v")))
    return (X, _fit(DeepClassifier(), X, y), _fit(DeepClassifier(), frame, y),
            _fit(DeepClassifier(), table, y), frame, table)


def _with(X, column, value):
    X = X.copy()
    X[0, column] = value
    return X


ARRAY_ERRORS = {
    "n_features": (lambda X: X[:1, :4], "DeepClassifier: X has 4 features, but "
                   "DeepClassifier is expecting 6 features as input. Pass the same "
                   "columns as in fit, or refit on the new ones."),
    "NaN": (lambda X: _with(X[:1], 2, np.nan), "DeepClassifier: Input X contains "
            "NaN.\n"),
    "inf": (lambda X: _with(X[:1], 1, np.inf), "DeepClassifier: Input X contains "
            "infinity or a value too large for dtype('float64'). Remove or replace "
            "the infinite values, and scale very large ones (e.g. StandardScaler)."),
    "-inf": (lambda X: _with(X[:1], 0, -np.inf), "DeepClassifier: Input X contains "
             "infinity"),
    "float32 NaN": (lambda X: _with(X[:1], 2, np.nan).astype(np.float32),
                    "DeepClassifier: Input X contains NaN."),
    "1-D": (lambda X: X[0], "DeepClassifier: Expected 2D array, got 1D array"),
    "3-D": (lambda X: X[None, :1], "DeepClassifier: Found array with dim 3, while "
            "dim <= 2 is required by DeepClassifier. Pass a 2-D array of shape "
            "(n_samples, n_features), e.g. X.reshape(len(X), -1)."),
    "no rows": (lambda X: X[:0], "DeepClassifier: Found array with 0 sample(s)"),
    "outputs overflow": (lambda X: X[:1] * 1e200, "DeepClassifier: the network's "
                         "outputs overflowed to infinity for some rows of X, whose "
                         "values are far larger than the training data's; scale X as "
                         "at fit, e.g. with StandardScaler in a Pipeline."),
    "text": (lambda X: np.array([["1", "2", "x", "4", "5", "6"]]), "DeepClassifier: "
             "column 2 (0-based) holds text (e.g. 'x' in row 0); encode it, e.g. "
             "with OneHotEncoder, or pass a DataFrame to have its columns named."),
}


def _outcome(call):
    """(error type and message, warnings) of a call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            error = None
        except Exception as raised:  # noqa: BLE001 - compared as a whole
            error = (type(raised), str(raised))
    return error, [(w.category, str(w.message)) for w in caught]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # an overflow's own
@pytest.mark.parametrize("case", ARRAY_ERRORS)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_refused_arrays_get_the_general_paths_error_and_warnings(refusing, case,
                                                                 method):
    X, model = refusing[:2]
    make, message = ARRAY_ERRORS[case]
    bad = make(X)
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(model, method)(bad)
    if isinstance(bad, np.ndarray) and bad.ndim:
        general_outcome = _outcome(lambda: getattr(model, method)(general(bad)))
        assert _outcome(lambda: getattr(model, method)(bad)) == general_outcome


def test_huge_finite_values_warn_of_nothing_the_general_path_does_not(refusing):
    X, model = refusing[:2]
    row = (X[:1] * 1e19).astype(np.float32)  # squares would overflow float32
    assert _outcome(lambda: model.predict(row)) == _outcome(
        lambda: model.predict(general(row)))


def test_poisson_exp_overflow_after_a_write_into_the_bias():
    X, _, values = _data()
    X = X.astype(np.float32)  # float32 outputs: exp(100) is inf
    model = _fit(DeepRegressor(loss="poisson"), X, np.abs(values))
    row = X[:1]
    assert np.isfinite(model.predict(row)).all()
    model.intercepts_[-1][...] += 100.0
    assert model._row_output(row) is not None  # the raw output is finite
    with pytest.raises(ValueError, match="DeepRegressor: the network's outputs "
                                         "overflowed"):
        model.predict(row)


def test_feature_names_and_tables_keep_their_checks(refusing):
    X, plain, named, tabled, frame, table = refusing
    assert named._row_output(X[:1]) is None and tabled._row_output(X[:1]) is None
    with pytest.warns(UserWarning, match="X does not have valid feature names, "
                                         "but DeepClassifier was fitted with "
                                         "feature names"):
        assert_bitwise(named.predict(X[:1]), named.predict(frame.iloc[:1]))
    for row, kind in ((X[:1], "ndarray"), (table.iloc[:1].to_numpy(), "ndarray"),
                      (sparse.csr_matrix(X[:1]), "csr_matrix")):
        with pytest.raises(ValueError, match=re.escape(
                "DeepClassifier was fitted on a DataFrame with categorical "
                "column(s) ['f'], so X must be a DataFrame with the columns ['a', "
                f"'b', 'c', 'd', 'e', 'f']; got a {kind}, which has no column "
                "names. Build one with pandas.DataFrame(X, "
                "columns=model.feature_names_in_), or read the rows with "
                "pandas.read_csv.")):
            tabled.predict(row)
    reordered = frame.iloc[:1, [1, 0, 2, 3, 4, 5]]
    for model, given in ((named, reordered), (tabled, table.iloc[:1, [1, 0, 2, 3,
                                                                      4, 5]])):
        with pytest.raises(ValueError, match=re.escape(
                "DeepClassifier: The feature names should match those that were "
                "passed during fit.\nFeature names must be in the same order as "
                "they were in fit. Pass the columns named as in fit, in the same "
                "order, or refit.")):
            model.predict(given)
    with pytest.warns(UserWarning, match="X has feature names, but DeepClassifier "
                                         "was fitted without feature names"):
        assert_bitwise(plain.predict(frame.iloc[:1]), plain.predict(X[:1]))


def test_an_unfitted_model_says_so():
    with pytest.raises(NotFittedError, match="This DeepClassifier instance is not "
                                             "fitted yet"):
        DeepClassifier().predict(np.zeros((1, 3)))


@pytest.mark.parametrize("make", [
    lambda X: sparse.csr_matrix(X[:1]), lambda X: X[:1].astype(np.float16),
    lambda X: X[:1].astype(">f8"), lambda X: X[:1].astype(np.int64),
    lambda X: X[:1].tolist()])
def test_other_single_rows_take_the_general_path(refusing, make):
    X, model = refusing[:2]
    given = make(X)
    assert model._row_output(given) is None
    np.testing.assert_allclose(model.predict_proba(given),
                               model.predict_proba(np.asarray(
                                   X[:1] if sparse.issparse(given) else given,
                                   dtype=np.float64)), rtol=1e-6)


def test_a_row_wider_than_the_check_limit_takes_the_two_d_path():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, ROW_CHECK_LIMIT + 1))
    model = _fit(DeepRegressor(hidden_layer_sizes=(4,)), X, X[:, 0])
    assert model._row_output(X[:1]) is None
    assert_bitwise(model.predict(X[:1]), model.predict(general(X[:1])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_network_takes_one_row_as_a_1d_array(fitted, dtype):
    """MLP.forward without a workspace: a 1-D row gives the (1, n) row's
    outputs bit for bit, and so does the training pass through a workspace."""
    from skdeep.network import Workspace

    X, models = fitted
    network = fitted_engine(models["clf float64"]).network
    row = X[:1].astype(network.params.dtype)
    one_d = network.forward(row[0])
    assert_bitwise(one_d, network.forward(row)[0])
    assert_bitwise(one_d, network.forward(row, Workspace(network, 3))[0])
