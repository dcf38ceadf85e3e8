"""Models fitted on raw tables save and load: the plan's attributes (category
lists, fill values, indicators) round-trip and are checked on load."""

import numpy as np
import pandas as pd
import pytest

from skdeep import DeepClassifier, DeepRegressor
from skdeep.persistence import load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"income": rng.normal(5e4, 1e4, 90),
                          "age": rng.normal(40, 12, 90),
                          "city": rng.choice(["lyon", "nice", "oslo"], 90),
                          "zone": rng.choice([3, 7], 90),
                          "flag": rng.random(90) < 0.5})
    frame.loc[::5, "age"] = np.nan
    frame.loc[::8, "city"] = None
    return frame, frame["income"].to_numpy() / 1e4 + frame["flag"]


def _fit(cls, frame, y, **params):
    if cls is DeepClassifier:
        y = y > np.median(y)
    return cls(hidden_layer_sizes=(6,), max_iter=4, random_state=0,
               categorical_features=["city", "zone", "flag"], **params).fit(frame, y)


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_a_saved_table_model_predicts_and_resumes_as_the_fitted_one(
        cls, table, tmp_path):
    frame, y = table
    model = _fit(cls, frame, y, warm_start=True)
    save(model, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    new = frame.head(4).assign(city=["paris", None, "oslo", "nice"])
    np.testing.assert_array_equal(loaded.predict(new), model.predict(new))
    for a, b in zip(loaded.categories_, model.categories_):
        np.testing.assert_array_equal(a, b)
    fit_y = y > np.median(y) if cls is DeepClassifier else y
    np.testing.assert_array_equal(loaded.fit(frame, fit_y).coefs_[0],
                                  model.fit(frame, fit_y).coefs_[0])


@pytest.mark.parametrize("name, value, message", [
    ("is_categorical_", np.array([True, False]), "one bool per feature"),
    ("categories_", [np.array(["a", "a"], dtype=object), np.array([3, 7]),
                     np.array([False, True])], "distinct categories"),
    ("categories_", [np.array(["a"], dtype=object), np.array([3, 7]),
                     np.array([False, True])], "does not match the network"),
    ("fill_values_", np.array([np.nan, 1.0]), "fill_values_ must be one finite"),
    ("missing_indicator_features_", np.array([2]), "increasing numeric column"),
    ("fill_values_", None, "must be saved together"),
])
def test_bad_table_attributes_are_refused(table, name, value, message, tmp_path):
    frame, y = table
    model = _fit(DeepRegressor, frame, y)
    if value is None:
        del model.__dict__[name]
    else:
        setattr(model, name, value)
    # save runs load's checks first, so the file load would refuse is not written
    with pytest.raises(ValueError, match="because load would refuse the file: "
                       f".*{message}"):
        save(model, tmp_path / "m.skdeep")
    assert not (tmp_path / "m.skdeep").exists()


def test_summary_shows_the_inputs(table, capsys):
    frame, y = table
    _fit(DeepRegressor, frame, y).summary()
    out = capsys.readouterr().out
    assert ("Inputs: 2 numeric, 1 missing indicator(s), 3 embedding(s): city "
            "(3 categories + other + missing), zone (2 categories + other + "
            "missing), flag (2 categories + other + missing)") in out
