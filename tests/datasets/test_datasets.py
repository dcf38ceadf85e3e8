"""Tests for the bundled toy datasets in ``skdeep.datasets``."""

import doctest
import io
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch

import skdeep.datasets
from skdeep.datasets import _base, _generate, load_shot_log, load_transactions

TRANSACTIONS_FEATURES = [
    "age",
    "bank_balance",
    "retirement_status",
    "number_of_children",
    "number_of_existing_accounts",
]
SHOT_LOG_FEATURES = [
    "shot_clock",
    "dribbles",
    "touch_time",
    "shot_dist",
    "close_def_dist",
]

# One entry per loader: expected size, columns, file names and integer columns.
SPECS = {
    "transactions": {
        "loader": load_transactions,
        "n_samples": 2000,
        "features": TRANSACTIONS_FEATURES,
        "target": "number_of_transactions",
        "filename": "transactions.csv",
        "descr": "transactions.rst",
        "int_features": {
            "age",
            "retirement_status",
            "number_of_children",
            "number_of_existing_accounts",
        },
    },
    "shot_log": {
        "loader": load_shot_log,
        "n_samples": 3000,
        "features": SHOT_LOG_FEATURES,
        "target": "shot_result",
        "filename": "shot_log.csv",
        "descr": "shot_log.rst",
        "int_features": {"dribbles"},
    },
}


@pytest.fixture(params=sorted(SPECS))
def spec(request):
    return SPECS[request.param]


def _has_decimals(values, decimals):
    """True if every value is already rounded to ``decimals`` places."""
    return np.allclose(np.round(values, decimals), values, rtol=0, atol=1e-9)


def test_public_api():
    assert sorted(skdeep.datasets.__all__) == ["load_shot_log", "load_transactions",
                                               "shot_probability"]


def test_default_bunch(spec):
    bunch = spec["loader"]()
    n_samples, n_features = spec["n_samples"], len(spec["features"])
    assert isinstance(bunch, Bunch)
    assert set(bunch) == {
        "data",
        "target",
        "frame",
        "feature_names",
        "target_names",
        "DESCR",
        "filename",
    }
    assert isinstance(bunch.data, np.ndarray) and bunch.data.dtype == np.float64
    assert bunch.data.shape == (n_samples, n_features)
    assert isinstance(bunch.target, np.ndarray) and bunch.target.dtype == np.int64
    assert bunch.target.shape == (n_samples,)
    assert bunch.frame is None
    assert bunch.feature_names == spec["features"]
    assert all(type(name) is str for name in bunch.feature_names)
    assert bunch.target_names == [spec["target"]]
    assert bunch.filename == spec["filename"]


def test_descr_is_shipped_rst_and_says_synthetic(spec):
    descr = spec["loader"]().DESCR
    shipped = resources.files("skdeep.datasets") / "descr" / spec["descr"]
    assert descr == shipped.read_text(encoding="utf-8")
    assert "synthetic" in descr.lower()
    assert f":Number of Instances: {spec['n_samples']}" in descr
    for column in [*spec["features"], spec["target"]]:
        assert column in descr


def test_as_frame(spec):
    bunch = spec["loader"](as_frame=True)
    features, target = spec["features"], spec["target"]
    assert isinstance(bunch.data, pd.DataFrame)
    assert list(bunch.data.columns) == features
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == target
    assert isinstance(bunch.frame, pd.DataFrame)
    assert list(bunch.frame.columns) == [*features, target]
    assert bunch.frame.shape == (spec["n_samples"], len(features) + 1)
    for column in features:
        expected = "int64" if column in spec["int_features"] else "float64"
        assert bunch.frame[column].dtype == expected, column
    assert bunch.target.dtype == "int64"
    pd.testing.assert_frame_equal(bunch.data, bunch.frame[features])
    pd.testing.assert_series_equal(bunch.target, bunch.frame[target])


def test_frame_and_array_outputs_agree(spec):
    arrays = spec["loader"]()
    frames = spec["loader"](as_frame=True)
    np.testing.assert_array_equal(frames.data.to_numpy(np.float64), arrays.data)
    np.testing.assert_array_equal(frames.target.to_numpy(), arrays.target)
    assert frames.feature_names == arrays.feature_names
    assert frames.target_names == arrays.target_names
    assert frames.DESCR == arrays.DESCR and frames.filename == arrays.filename


@pytest.mark.parametrize("as_frame", [False, True])
def test_return_X_y_matches_bunch(spec, as_frame):
    result = spec["loader"](return_X_y=True, as_frame=as_frame)
    bunch = spec["loader"](as_frame=as_frame)
    assert isinstance(result, tuple) and len(result) == 2
    X, y = result
    assert type(X) is type(bunch.data) and type(y) is type(bunch.target)
    if as_frame:
        pd.testing.assert_frame_equal(X, bunch.data)
        pd.testing.assert_series_equal(y, bunch.target)
    else:
        np.testing.assert_array_equal(X, bunch.data)
        np.testing.assert_array_equal(y, bunch.target)


def test_arguments_are_keyword_only(spec):
    with pytest.raises(TypeError):
        spec["loader"](True)


def test_loaded_values_match_shipped_csv(spec):
    shipped = resources.files("skdeep.datasets") / "data" / spec["filename"]
    raw = pd.read_csv(io.StringIO(shipped.read_text(encoding="utf-8")))
    X, y = spec["loader"](return_X_y=True)
    np.testing.assert_array_equal(X, raw[spec["features"]].to_numpy(np.float64))
    np.testing.assert_array_equal(y, raw[spec["target"]].to_numpy())


def test_transactions_value_ranges():
    frame = load_transactions(as_frame=True).frame
    assert frame["age"].between(18, 90).all()
    assert frame["age"].nunique() > 60  # spread over the whole range
    assert (frame["bank_balance"] > 0).all()
    assert _has_decimals(frame["bank_balance"], 2)
    assert set(frame["retirement_status"].unique()) == {0, 1}
    retired_age = frame.loc[frame["retirement_status"] == 1, "age"]
    assert (retired_age > 62).mean() > 0.9
    # Early retirement exists but is rare.
    assert frame.loc[frame["age"] < 55, "retirement_status"].mean() < 0.01
    assert frame["number_of_children"].between(0, 5).all()
    assert frame["number_of_existing_accounts"].between(1, 8).all()
    assert (frame["number_of_transactions"] >= 0).all()
    assert frame["number_of_transactions"].std() > 10


def test_shot_log_value_ranges():
    frame = load_shot_log(as_frame=True).frame
    assert frame["shot_clock"].between(0, 24).all()
    assert frame["dribbles"].between(0, 20).all()
    assert (frame["touch_time"] >= 0).all()
    assert frame["shot_dist"].between(0, 40).all()
    assert (frame["close_def_dist"] >= 0).all()
    for column in ["shot_clock", "touch_time", "shot_dist", "close_def_dist"]:
        assert _has_decimals(frame[column], 1), column
    assert set(frame["shot_result"].unique()) == {0, 1}
    assert frame["dribbles"].corr(frame["touch_time"]) > 0.8


def test_shot_log_make_rate_and_distance_effect():
    X, y = load_shot_log(return_X_y=True, as_frame=True)
    assert 0.40 <= y.mean() <= 0.50
    assert y.corr(X["shot_dist"]) < -0.1
    # Open shots (defender further away) are made more often.
    assert y.corr(X["close_def_dist"]) > 0


def test_transactions_balance_effect_reverses_for_retirees():
    frame = load_transactions(as_frame=True).frame
    log_balance = np.log(frame["bank_balance"])
    target = frame["number_of_transactions"]
    working = frame["retirement_status"] == 0
    assert log_balance[working].corr(target[working]) > 0.5
    assert log_balance[~working].corr(target[~working]) < -0.5


@pytest.mark.slow
def test_transactions_interactions_defeat_linear_model():
    # Measured: linear R^2 ~0.26, gradient boosting ~0.87 with this CV split.
    X, y = load_transactions(return_X_y=True)
    cv = KFold(n_splits=5, shuffle=True, random_state=0)
    linear = make_pipeline(StandardScaler(), LinearRegression())
    boosting = HistGradientBoostingRegressor(random_state=0)
    linear_r2 = cross_val_score(linear, X, y, cv=cv).mean()
    boosting_r2 = cross_val_score(boosting, X, y, cv=cv).mean()
    assert linear_r2 < 0.4
    assert boosting_r2 > 0.8
    assert boosting_r2 - linear_r2 > 0.5


@pytest.mark.parametrize("filename", ["transactions.csv", "shot_log.csv"])
def test_generator_reproduces_shipped_csv(tmp_path, filename):
    written = {path.name: path for path in _generate.write_datasets(tmp_path)}
    shipped = resources.files("skdeep.datasets") / "data" / filename
    content = written[filename].read_bytes()
    assert content == shipped.read_bytes()
    assert b"\r" not in content and b"-0." not in content
    assert len(content) < 300_000


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1
    ),
    decimals=st.integers(min_value=1, max_value=3),
)
def test_csv_writer_round_trips_rounded_floats(values, decimals):
    column = np.round(np.array(values), decimals)
    content = _generate.to_csv_bytes({"x": column}, {"x": decimals})
    parsed = pd.read_csv(io.BytesIO(content))["x"].to_numpy()
    np.testing.assert_allclose(parsed, column, rtol=0, atol=10.0**-decimals / 2)
    # Every cell carries exactly ``decimals`` digits after the point.
    cells = content.decode("ascii").splitlines()[1:]
    assert all(len(cell.rpartition(".")[2]) == decimals for cell in cells)


@pytest.mark.parametrize("module", [_base, _generate], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
