"""DeepRegressor's target scaling: scale-free training, losses in y's units."""

import re
import warnings

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import skdeep
from skdeep import DeepRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    X, y = make_regression(240, 5, noise=5.0, random_state=0)
    return X, y


@pytest.fixture
def two_outputs():
    """Two outputs on very different scales and offsets."""
    X, y = make_regression(240, 5, n_targets=2, noise=5.0, random_state=1)
    return X, np.column_stack([y[:, 0] * 1e-3 + 7.0, y[:, 1] * 50.0 - 2e4])


def small(**params):
    """float64 unless a test says otherwise, so the identities below hold to
    1e-9; the float32 case (the default for adam) is parametrized where it
    matters. X (standard normal already) goes in unscaled: these identities are
    about y, and lbfgs amplifies the rounding of an input scaling as well."""
    return DeepRegressor(**{"hidden_layer_sizes": (16,), "random_state": 0,
                            "max_iter": 60, "dtype": "float64",
                            "input_scaling": None, **params})


# -- the same model whatever y's units -------------------------------------------
# Standardizing y * a + b gives the targets of y up to rounding, the seed gives the
# same initial weights and batches, so training runs the same arithmetic up to
# rounding; folding the map back scales the outputs by a and shifts them by b.
@pytest.mark.parametrize("params", [
    {}, {"solver": "lbfgs"}, {"solver": "sgd"},
    {"early_stopping": True, "monitor": "val_loss"}, {"dtype": "float32"},
])
def test_predictions_of_scaled_y_are_scaled_predictions(data, params):
    X, y = data
    plain = small(**params).fit(X, y)
    scaled = small(**params).fit(X, y * 1000 + 5)
    float32 = params.get("dtype") == "float32"
    atol = (1e-3 if float32 else 1e-9) * 1000 * y.std()
    np.testing.assert_allclose(scaled.predict(X), 1000 * plain.predict(X) + 5,
                               rtol=0, atol=atol)
    assert scaled.n_iter_ == plain.n_iter_


def test_each_output_is_scaled_on_its_own(two_outputs):
    X, y = two_outputs
    scale, shift = np.array([1e4, 1e-2]), np.array([-3.0, 9e5])
    plain = small().fit(X, y)
    scaled = small().fit(X, y * scale + shift)
    np.testing.assert_allclose(scaled.predict(X), plain.predict(X) * scale + shift,
                               rtol=1e-9)


def test_matches_a_standard_scaled_target(data):
    """The reference: sklearn's TransformedTargetRegressor around no scaling."""
    X, y = data
    y = y * 300 + 1e4
    model = small().fit(X, y)
    reference = TransformedTargetRegressor(small(target_scaling=None),
                                           transformer=StandardScaler()).fit(X, y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-9)


# -- the stopping rule --------------------------------------------------------------
@pytest.mark.parametrize("early_stopping", [False, True])
def test_tol_stops_at_the_same_epoch_whatever_the_scale(data, early_stopping):
    X, y = data
    runs = [DeepRegressor(random_state=0, early_stopping=early_stopping)
            .fit(X, y * a + b) for a, b in [(1e-3, 0), (1, 0), (1000, 5)]]
    assert len({run.n_iter_ for run in runs}) == 1
    assert runs[0].n_iter_ < 200  # stopped by tol, not by max_iter


def test_large_targets_converge_without_warning(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = DeepRegressor(random_state=0).fit(X, y * 1000 + 5)
    assert model.score(X, y * 1000 + 5) > 0.95


# -- Poisson: scaled by the mean only ---------------------------------------------
def test_poisson_scales_by_the_mean_and_stays_positive(rng):
    X = rng.normal(size=(300, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 1.0)).astype(float)
    weight = rng.uniform(0.5, 2.0, 300)
    plain = small(loss="poisson").fit(X, y, sample_weight=weight)
    assert plain.target_offset_.tolist() == [0.0]
    np.testing.assert_allclose(plain.target_scale_, [np.sum(weight * y) / weight.sum()])
    scaled = small(loss="poisson").fit(X, y * 1000, sample_weight=weight)
    predictions = scaled.predict(X)
    assert (predictions > 0).all()
    np.testing.assert_allclose(predictions, 1000 * plain.predict(X), rtol=1e-9)


# -- the statistics ---------------------------------------------------------------
def test_statistics_are_the_weighted_mean_and_std(two_outputs, rng):
    X, y = two_outputs
    weight = rng.uniform(0.0, 3.0, len(y))
    model = small(max_iter=2).fit(X, y, sample_weight=weight)
    mean = (weight[:, None] * y).sum(axis=0) / weight.sum()
    std = np.sqrt((weight[:, None] * (y - mean) ** 2).sum(axis=0) / weight.sum())
    np.testing.assert_allclose(model.target_offset_, mean, rtol=1e-12)
    np.testing.assert_allclose(model.target_scale_, std, rtol=1e-12)


def test_constant_output_gets_unit_scale(data):
    X, y = data
    Y = np.column_stack([y, np.full(len(y), 3.5)])
    model = small(max_iter=5).fit(X, Y)
    assert model.target_scale_[1] == 1.0 and model.target_offset_[1] == 3.5
    assert np.isfinite(model.predict(X)).all()


def test_no_scaling_is_the_identity(data):
    X, y = data
    model = small(target_scaling=None, max_iter=3).fit(X, y)
    assert model.target_offset_.tolist() == [0.0]
    assert model.target_scale_.tolist() == [1.0]


def test_unknown_scaling_is_refused(data):
    with pytest.raises(InvalidParameterError,
                       match="'target_scaling' parameter of DeepRegressor"):
        small(target_scaling="minmax").fit(*data)


def test_partial_fit_keeps_the_statistics_of_its_first_call(data):
    X, y = data
    model = small().partial_fit(X[:100], y[:100])
    offset, scale = model.target_offset_.copy(), model.target_scale_.copy()
    np.testing.assert_allclose(offset, [y[:100].mean()])
    model.partial_fit(X[100:], 3 * y[100:])
    assert model.target_offset_ == offset and model.target_scale_ == scale


def test_partial_fit_continues_in_the_trained_units(data):
    """Unfolding and refolding between calls keeps the model scale-free."""
    X, y = data
    plain, scaled = small(), small()
    for _ in range(3):
        plain.partial_fit(X, y)
        scaled.partial_fit(X, y * 1000 + 5)
    np.testing.assert_allclose(scaled.predict(X), 1000 * plain.predict(X) + 5,
                               rtol=0, atol=1e-9 * 1000 * y.std())


def test_warm_start_keeps_the_statistics(data):
    X, y = data
    model = small(warm_start=True, max_iter=5).fit(X, y)
    offset = model.target_offset_.copy()
    model.fit(X, y + 100)
    assert model.target_offset_ == offset


# -- losses in y's units ------------------------------------------------------------
def half_squared_error(model, X, y):
    residual = model.predict(X).reshape(len(y), -1) - y.reshape(len(y), -1)
    return 0.5 * np.mean(np.sum(residual**2, axis=1))


def l2_term(model, n_samples):
    return 0.5 * model.alpha * sum(np.sum(w**2) for w in model.coefs_) / n_samples


def test_validation_loss_is_in_y_units(two_outputs):
    X, y = two_outputs
    model = small(alpha=0.5).fit(X[:180], y[:180], X_val=X[180:], y_val=y[180:])
    assert model.validation_loss_curve_ is model.history_["val_loss"]
    np.testing.assert_allclose(model.validation_loss_curve_[-1],
                               half_squared_error(model, X[180:], y[180:]),
                               rtol=1e-10)


def test_training_loss_is_the_mlp_objective_of_the_fitted_weights(two_outputs):
    """lbfgs records the full-batch loss at the final weights: half the squared
    error in y's units plus alpha / (2 n) times the squared fitted coefs_."""
    X, y = two_outputs
    model = small(solver="lbfgs", alpha=2.0, max_iter=40).fit(X, y)
    expected = half_squared_error(model, X, y) + l2_term(model, len(y))
    assert l2_term(model, len(y)) > 1e-3 * expected  # the L2 term counts
    np.testing.assert_allclose(model.loss_curve_[-1], expected, rtol=1e-10)
    assert model.loss_ == model.loss_curve_[-1]
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.history_["loss"] == model.loss_curve_


def test_minibatch_loss_is_in_y_units(data):
    """One full batch, one epoch, a step too small to move any weight: the
    recorded loss is the loss of the fitted (folded) weights."""
    X, y = data
    model = small(batch_size=len(y), max_iter=1, alpha=1.0, learning_rate_init=1e-300)
    model.fit(X, y * 1000 + 5)
    expected = half_squared_error(model, X, y * 1000 + 5) + l2_term(model, len(y))
    np.testing.assert_allclose(model.loss_curve_[0], expected, rtol=1e-10)


# -- persistence and documentation --------------------------------------------------
def test_statistics_survive_save_and_load(data, tmp_path):
    X, y = data
    model = small(max_iter=5).fit(X, y * 1000 + 5)
    skdeep.save(model, tmp_path / "model.skdeep")
    loaded = skdeep.load(tmp_path / "model.skdeep")
    np.testing.assert_array_equal(loaded.target_offset_, model.target_offset_)
    np.testing.assert_array_equal(loaded.target_scale_, model.target_scale_)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    model.partial_fit(X, y * 1000 + 5)
    loaded.partial_fit(X, y * 1000 + 5)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.loss_curve_ == model.loss_curve_


def test_every_parameter_and_statistic_is_documented():
    doc = DeepRegressor.__doc__
    parameters = doc[doc.index("Parameters\n"):doc.index("Attributes\n")]
    attributes = doc[doc.index("Attributes\n"):doc.index("See Also\n")]
    for name in DeepRegressor().get_params():
        assert re.search(rf"\b{name}\b", parameters), name
    for name in ("target_offset_", "target_scale_"):
        assert name in attributes


# -- float32 by default, and a y far from 0 -------------------------------------
def test_a_y_far_from_zero_keeps_float64_and_predicts_well(data, tmp_path):
    """dtype='auto' trains in float32, whose outputs carry ~7 digits: a y around
    1e8 with a spread of a few units would come out in steps of 8 (R^2 near 0,
    with a fine-looking loss_). Such a regressor keeps float64."""
    X, y = data
    y = y / y.std()
    far = DeepRegressor(hidden_layer_sizes=(16,), random_state=0).fit(X, y + 1e8)
    near = DeepRegressor(hidden_layer_sizes=(16,), random_state=0).fit(X, y + 1e2)
    assert far.coefs_[0].dtype == np.float64 and near.coefs_[0].dtype == np.float32
    assert far.score(X, y + 1e8) > 0.9 and near.score(X, y + 1e2) > 0.9
    np.testing.assert_allclose(far.predict(X) - 1e8, near.predict(X) - 1e2,
                               atol=0.05)
    path = tmp_path / "far.skdeep"
    skdeep.save(far, path)
    np.testing.assert_array_equal(skdeep.load(path).predict(X), far.predict(X))


def test_continuing_a_fit_trains_in_the_networks_dtype(data, tmp_path):
    """A warm start or partial_fit continues in the fitted network's dtype,
    whatever the solver now says: an lbfgs (float64) network continued by adam
    under dtype='auto' gets float64 data and still saves."""
    X, y = data
    model = DeepRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=20,
                          warm_start=True, random_state=0).fit(X, y)
    assert model.coefs_[0].dtype == np.float64
    model.set_params(solver="adam", max_iter=3).fit(X, y)
    assert model.coefs_[0].dtype == np.float64
    skdeep.save(model, tmp_path / "m.skdeep")
    np.testing.assert_array_equal(skdeep.load(tmp_path / "m.skdeep").predict(X),
                                  model.predict(X))
