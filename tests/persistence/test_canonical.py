"""A model file is canonical: save -> load -> save gives the same bytes,
for every kind of object save accepts."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.persistence import load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
FRAME = pd.DataFrame({
    "age": np.where(RNG.random(60) < 0.1, np.nan, RNG.normal(40, 10, 60)),
    "income": RNG.lognormal(3, 1, 60),
    "city": RNG.choice(["Oslo", "Lima", "Pune", None], 60),
    "plan": RNG.choice(list("abcde"), 60, p=[.4, .3, .2, .05, .05])})
Y_FRAME = RNG.integers(0, 2, 60)


def net(cls=DeepClassifier, **params):
    return cls(**{"hidden_layer_sizes": (5,), "max_iter": 3, "random_state": 0,
                  **params})


def column_pipeline():
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5,
                      drop="first"))
    return make_pipeline(ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()),
         ["age"]),
        ("city", categorical, ["city"]),
        ("plan", OneHotEncoder(handle_unknown="ignore", sparse_output=False,
                               dtype=np.float32), ["plan"])],
        remainder=MinMaxScaler()), net())


OBJECTS = {
    "classifier-adam": lambda: net().fit(X, np.arange(60) % 3),
    "classifier-sgd-early": lambda: net(solver="sgd", early_stopping=True,
                                        random_state=np.random.RandomState(1)
                                        ).fit(X, np.arange(60) % 2),
    "classifier-lbfgs-strings": lambda: net(solver="lbfgs").fit(
        X, np.array(["b", "a", "c"])[np.arange(60) % 3]),
    "classifier-class-weight": lambda: net(class_weight={0: 2.0, 1: 1.0}).fit(
        X, np.arange(60) % 2),
    "multilabel": lambda: net().fit(X, (X > 0).astype(int)),
    "regressor": lambda: net(DeepRegressor).fit(X, X[:, 0]),
    "regressor-poisson-float32": lambda: net(DeepRegressor, loss="poisson",
                                             dtype="float32").fit(X, np.abs(X)),
    "unfitted-classifier": lambda: DeepClassifier(hidden_layer_sizes=[7, 3],
                                                  dropout=[0.1, 0.0]),
    "unfitted-regressor": lambda: DeepRegressor(alpha=np.float32(0.5)),
    "unfitted-pipeline": column_pipeline,
    "pipeline-scalers": lambda: Pipeline([
        ("impute", SimpleImputer(add_indicator=True)), ("minmax", MinMaxScaler()),
        ("scale", StandardScaler()), ("net", net(DeepRegressor))]).fit(
            np.where(X > 1.5, np.nan, X), X[:, 1]),
    "pipeline-columns": lambda: column_pipeline().fit(FRAME, Y_FRAME),
    "pipeline-pandas-output": lambda: Pipeline([
        ("prep", ColumnTransformer([("onehot", OneHotEncoder(sparse_output=False),
                                     [2])], remainder="passthrough")),
        ("net", net())]).set_output(transform="pandas").fit(
            np.c_[X[:, :2], np.arange(60) % 3], np.arange(60) % 2),
}


@pytest.mark.parametrize("name", OBJECTS)
def test_save_load_save_gives_identical_bytes(name, tmp_path):
    first, second, third = (tmp_path / n for n in ("1", "2", "3"))
    save(OBJECTS[name](), first)
    save(load(first), second)
    save(load(second), third)
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
