"""input_scaling: raw numeric columns train as behind a StandardScaler, coefs_
keep their meaning on raw X, and resuming never perturbs the weights."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.datasets import load_transactions

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

# columns in units a million times apart, off centre: what a raw table looks like
COLUMN_SCALES = np.array([1.0, 300.0, 2e4, 1e6])
COLUMN_OFFSETS = np.array([0.0, 2000.0, -5e4, 3e7])


@pytest.fixture
def raw():
    rng = np.random.default_rng(0)
    unit = rng.normal(size=(150, 4))
    y = unit[:, 0] - 2 * unit[:, 1] + np.sin(unit[:, 2]) + unit[:, 3] ** 2
    return unit * COLUMN_SCALES + COLUMN_OFFSETS, y, unit


def small(cls, **params):
    return cls(**{"hidden_layer_sizes": (12, 8), "max_iter": 40, "random_state": 0,
                  "dtype": "float64", **params})


def labels(y):
    return np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))


def _relu_forward(X, coefs, intercepts):
    """The forward pass written out: relu hidden layers, a linear last layer."""
    a = np.asarray(X, dtype=np.float64)
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        a = a @ W + b
        if i < len(coefs) - 1:
            a = np.maximum(a, 0)
    return a


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# -- coefs_ on raw X -------------------------------------------------------------
def test_regressor_forward_pass_by_hand_on_raw_X(raw):
    X, y, _ = raw
    model = small(DeepRegressor).fit(X, y)
    assert not np.allclose(model.input_scale_, 1)
    by_hand = _relu_forward(X, model.coefs_, model.intercepts_).ravel()
    np.testing.assert_allclose(model.predict(X), by_hand, rtol=1e-9, atol=1e-9)


def test_classifier_softmax_by_hand_on_raw_X(raw):
    X, y, _ = raw
    model = small(DeepClassifier).fit(X, labels(y))
    by_hand = _softmax(_relu_forward(X, model.coefs_, model.intercepts_))
    np.testing.assert_allclose(model.predict_proba(X), by_hand, rtol=1e-9,
                               atol=1e-12)
    hidden = model.layer_outputs(X)
    np.testing.assert_allclose(hidden[0], np.maximum(
        X @ model.coefs_[0] + model.intercepts_[0], 0), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(hidden[-1], model.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_writing_into_coefs_changes_predictions_and_the_resume(raw, cls):
    X, y, _ = raw
    y = y if cls is DeepRegressor else labels(y)
    model = small(cls, warm_start=True).fit(X, y)
    model.coefs_[0][...] = 0
    model.intercepts_[0][...] = 1.0  # every hidden unit of layer 1 constant
    out = model.predict(X)
    # one value for every row (BLAS may round rows of a block differently)
    np.testing.assert_allclose(out, out[0], rtol=1e-12)
    # the resume continues from the written weights: the first layer's rows,
    # zero on raw X, stay zero on standardized X, so it moves only by its
    # gradient from there, not from the trained weights
    model.set_params(max_iter=1).fit(X, y)
    assert np.abs(model.coefs_[0]).max() < 0.05 / model.input_scale_.min()


# -- the same model as behind a StandardScaler -------------------------------------
@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_raw_X_trains_as_a_standard_scaler_pipeline(raw, cls, solver):
    X, y, _ = raw
    y = y if cls is DeepRegressor else labels(y)
    inside = small(cls, solver=solver).fit(X, y)
    behind = make_pipeline(StandardScaler(),
                           small(cls, solver=solver, input_scaling=None)).fit(X, y)
    method = "predict" if cls is DeepRegressor else "predict_proba"
    np.testing.assert_allclose(getattr(inside, method)(X),
                               getattr(behind, method)(X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(inside.loss_curve_, behind[-1].loss_curve_,
                               rtol=1e-6)
    scaler = behind[0]
    np.testing.assert_allclose(inside.input_offset_, scaler.mean_, rtol=1e-12)
    np.testing.assert_allclose(inside.input_scale_, scaler.scale_, rtol=1e-12)


def test_a_standard_scaler_in_front_changes_nothing_beyond_rounding(raw):
    _, y, unit = raw
    X = StandardScaler().fit_transform(unit)
    both = make_pipeline(StandardScaler(), small(DeepRegressor)).fit(X, y)
    scaler_only = make_pipeline(StandardScaler(),
                                small(DeepRegressor, input_scaling=None)).fit(X, y)
    np.testing.assert_allclose(both.predict(X), scaler_only.predict(X), rtol=1e-7,
                               atol=1e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_predictions_are_invariant_to_rescaling_a_feature(raw, dtype):
    X, y, _ = raw
    scaled = X.copy()
    scaled[:, 2] *= 1000
    plain = small(DeepRegressor, dtype=dtype).fit(X, y)
    rescaled = small(DeepRegressor, dtype=dtype).fit(scaled, y)
    tolerance = 1e-3 if dtype == "float32" else 1e-7
    np.testing.assert_allclose(rescaled.predict(scaled), plain.predict(X),
                               rtol=tolerance, atol=tolerance * y.std())


def test_sample_weighted_statistics_of_the_first_fit_are_kept(raw):
    X, y, _ = raw
    weight = np.random.default_rng(1).uniform(0, 3, len(y))
    model = small(DeepRegressor, warm_start=True).fit(X, y, sample_weight=weight)
    mean = (weight[:, None] * X).sum(axis=0) / weight.sum()
    std = np.sqrt((weight[:, None] * (X - mean) ** 2).sum(axis=0) / weight.sum())
    np.testing.assert_allclose(model.input_offset_, mean, rtol=1e-10)
    np.testing.assert_allclose(model.input_scale_, std, rtol=1e-10)
    model.fit(X[:20] * 3, y[:20])
    np.testing.assert_allclose(model.input_offset_, mean, rtol=1e-10)
    streamed = DeepRegressor(random_state=0)
    streamed.partial_fit(X[:50], y[:50]).partial_fit(X[50:] * 10, y[50:])
    # the default float32 network measures X as it trains on it, in float32
    np.testing.assert_allclose(streamed.input_scale_, X[:50].std(axis=0),
                               rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_constant_columns_stay_finite(raw, dtype):
    X, y, _ = raw
    constants = [0.0, 0.1, 7e9, 1e38]
    wide = np.column_stack([X] + [np.full(len(X), c) for c in constants])
    model = small(DeepRegressor, dtype=dtype).fit(wide, y)
    # a constant trains as zeros, as behind StandardScaler, with its magnitude
    # as scale (so the folded row and bias do not cancel at 1e38)
    np.testing.assert_allclose(model.input_scale_[-4:], [1.0, 0.1, 7e9, 1e38],
                               rtol=1e-7)  # float32 training measures float32 X
    # StandardScaler maps constants to zeros too (all but 1e38, whose mean it
    # rounds: there the reference gets the zeros directly)
    zeros = wide.copy()
    zeros[:, -1] = 0
    reference = make_pipeline(StandardScaler(), small(
        DeepRegressor, dtype=dtype, input_scaling=None)).fit(zeros, y)
    tolerance = 1e-4 if dtype == "float32" else 1e-7
    np.testing.assert_allclose(model.predict(wide), reference.predict(zeros),
                               rtol=tolerance, atol=tolerance * y.std())


def test_sparse_input_is_scaled_without_centering(raw):
    X, y, _ = raw
    X = np.where(np.abs(X - COLUMN_OFFSETS) < COLUMN_SCALES, 0, X - COLUMN_OFFSETS)
    matrix = sparse.csr_matrix(X)
    inside = small(DeepRegressor).fit(matrix, y)
    behind = make_pipeline(StandardScaler(with_mean=False),
                           small(DeepRegressor, input_scaling=None)).fit(matrix, y)
    np.testing.assert_array_equal(inside.input_offset_, 0)
    np.testing.assert_allclose(inside.input_scale_, behind[0].scale_, rtol=1e-12)
    np.testing.assert_allclose(inside.predict(matrix), behind.predict(matrix),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(inside.predict(matrix), inside.predict(X),
                               rtol=1e-12, atol=1e-9)


def test_bundled_transactions_train_on_raw_columns():
    data = load_transactions(as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target,
                                                        random_state=0)
    params = {"hidden_layer_sizes": (100, 100), "random_state": 0}
    raw_score = DeepRegressor(**params).fit(X_train, y_train).score(X_test, y_test)
    pipeline = make_pipeline(StandardScaler(), DeepRegressor(**params))
    scaled_score = pipeline.fit(X_train, y_train).score(X_test, y_test)
    assert scaled_score > 0.85
    assert abs(raw_score - scaled_score) < 0.01


def test_input_scaling_none_warns_naming_the_columns(raw):
    X, y, _ = raw
    frame = pd.DataFrame(X, columns=["rate", "year", "balance", "price"])
    with pytest.warns(UserWarning, match=r"input_scaling=None.*'price'.*'rate'"):
        small(DeepRegressor, input_scaling=None, max_iter=2).fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        small(DeepRegressor, input_scaling=None, max_iter=2).fit(frame / X.std(0), y)
        small(DeepRegressor, max_iter=2).fit(frame, y)


# -- resuming never perturbs the weights -----------------------------------------
def _twice(cls, X, y, dtype, **params):
    """(6 epochs at once, 4 epochs then a warm start of 2)."""
    once = cls(max_iter=6, random_state=0, dtype=dtype, **params).fit(X, y)
    resumed = cls(max_iter=4, random_state=0, dtype=dtype, warm_start=True,
                  **params).fit(X, y)
    return once, resumed.set_params(max_iter=2).fit(X, y)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
@pytest.mark.parametrize("params", [{}, {"input_scaling": None},
                                    {"solver": "sgd", "target_scaling": None}])
def test_warm_start_4_plus_2_is_bitwise_6_epochs(raw, cls, dtype, params):
    X, y, _ = raw
    y = y * 1e3 + 5e4 if cls is DeepRegressor else labels(y)
    if cls is DeepClassifier:
        params = {k: v for k, v in params.items() if k != "target_scaling"}
    once, resumed = _twice(cls, X, y, dtype, **params)
    for a, b in zip(once.coefs_ + once.intercepts_,
                    resumed.coefs_ + resumed.intercepts_):
        np.testing.assert_array_equal(a, b)
    method = "predict" if cls is DeepRegressor else "predict_proba"
    np.testing.assert_array_equal(getattr(once, method)(X),
                                  getattr(resumed, method)(X))
    assert once.loss_curve_ == resumed.loss_curve_


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_default_regressor_warm_start_matches_one_run(dtype):
    """The target-scaling drift: a default DeepRegressor resumed refolded its
    last layer (7.5e-9 in float32 after one resume)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 4))
    y = X @ [3.0, -1.0, 2.0, 0.5] * 100 + 1000
    once, resumed = _twice(DeepRegressor, X, y, dtype)
    np.testing.assert_array_equal(once.predict(X), resumed.predict(X))


@pytest.mark.slow
@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_300_one_epoch_resumes_are_one_300_epoch_run(raw, cls, how):
    X, y, _ = raw
    X, y = X[:60], (y[:60] * 50 + 300 if cls is DeepRegressor else labels(y)[:60])
    params = {"hidden_layer_sizes": (8,), "random_state": 0, "tol": 0.0,
              "n_iter_no_change": np.inf}
    once = cls(max_iter=300, **params).fit(X, y)
    stepped = cls(max_iter=1, warm_start=True, **params)
    extra = {"classes": np.unique(y)} if cls is DeepClassifier else {}
    for _ in range(300):
        if how == "partial_fit":
            stepped.partial_fit(X, y, **extra)
        else:
            stepped.fit(X, y)
    for a, b in zip(once.coefs_ + once.intercepts_,
                    stepped.coefs_ + stepped.intercepts_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("Estimator", [DeepRegressor, DeepClassifier])
def test_a_column_far_from_zero_keeps_float64(Estimator):
    """A Unix time in seconds spread over 300 s: float32 steps are 128 s there,
    and coefs_[0] applies to the raw column, so dtype='auto' keeps float64 and
    the model scores as well as one behind a float64 StandardScaler."""
    rng = np.random.default_rng(0)
    t = 1.7e9 + rng.uniform(0, 300, size=(400, 1))
    y = (t.ravel() - 1.7e9) / 150 - 1
    if Estimator is DeepClassifier:
        y = y > 0
    params = {"hidden_layer_sizes": (16,), "max_iter": 300, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Estimator(**params).fit(t, y)
        reference = make_pipeline(StandardScaler(), Estimator(
            input_scaling=None, **params)).fit(t, y)
    assert model.coefs_[0].dtype == np.float64
    assert model.score(t, y) >= reference.score(t, y) - 0.01
    # the reference trained in float32: the rule is about the raw column alone
    assert reference[-1].coefs_[0].dtype == np.float32


@pytest.mark.parametrize("value", [1e39, 1e-35])
def test_columns_float32_cannot_hold_keep_float64_or_are_refused(value):
    """A column of values past float32's largest (1e39), or of a scale whose
    inverse is (1e-35, which coefs_[0] divides by): dtype='auto' trains in
    float64 and predicts finite values; an explicit float32 is refused."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    X[:, 1] = value * (1 + rng.uniform(size=80))
    y = X[:, 0] + X[:, 1] / value
    unit = X.copy()
    unit[:, 1] /= value
    params = {"hidden_layer_sizes": (8,), "max_iter": 50, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(**params).fit(X, y)
        # the same column on a unit scale, in float64: the model to match
        reference = DeepRegressor(dtype="float64", **params).fit(unit, y)
    assert model.coefs_[0].dtype == np.float64
    np.testing.assert_allclose(model.predict(X), reference.predict(unit),
                               rtol=1e-7)
    with pytest.raises(ValueError, match="dtype='float32'.*cannot hold"):
        DeepRegressor(dtype="float32").fit(X, y)
