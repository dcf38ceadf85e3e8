"""Edited scikit-learn attributes: refused on load, or the model predicts."""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from skdeep import DeepClassifier
from skdeep.persistence import ModelFileError, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
FRAME = pd.DataFrame({
    "age": np.where(RNG.random(60) < 0.1, np.nan, RNG.normal(40, 10, 60)),
    "income": RNG.lognormal(3, 1, 60),
    "city": RNG.choice(["Oslo", "Lima", "Pune", None], 60),
    "plan": RNG.choice(list("abcde"), 60, p=[.5, .3, .14, .03, .03])})
Y = RNG.integers(0, 2, 60)
COMPLETE = FRAME.dropna()


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5))
    model = make_pipeline(ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()),
         ["age"]),
        ("city", categorical, ["city"]),
        ("plan", OneHotEncoder(handle_unknown="infrequent_if_exist",
                               min_frequency=5, drop="first"), ["plan"])],
        remainder=MinMaxScaler(), n_jobs=None),
        DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0))
    model.fit(FRAME, Y)
    path = tmp_path_factory.mktemp("schema") / "model.skdeep"
    save(model, path)
    return path


def estimator_nodes(node, path=()):
    """(path, node) of every scikit-learn estimator node in a manifest tree."""
    if isinstance(node, dict):
        if node.get("type") == "estimator" and not node["class"].startswith("Deep"):
            yield path, node
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield from estimator_nodes(value, path + (key,))


def find(manifest, cls, attribute, which=0):
    nodes = [node for _, node in estimator_nodes(manifest["object"])
             if node["class"] == cls and attribute in node["fitted"]]
    return nodes[which]["fitted"]


def add_array(manifest, members, toolkit, array):
    name = f"arrays/{len(members)}.npy"
    members[name] = toolkit.npy_bytes(array)
    manifest["arrays"][name] = toolkit.index_entry(array)
    return {"type": "array", "name": name}


def edited(saved, tmp_path, toolkit, edit):
    manifest, members = toolkit.unpack(saved)
    edit(manifest, members)
    path = tmp_path / "edited.skdeep"
    toolkit.pack(path, manifest, members)
    return path


# -- the four edits the review made, and relatives ------------------------------
def _infrequent_on(manifest, members, toolkit):
    fitted = find(manifest, "OneHotEncoder", "_infrequent_enabled", 1)
    fitted["_infrequent_enabled"] = True
    fitted.pop("_infrequent_indices", None)


def _infrequent_out_of_range(manifest, members, toolkit):
    fitted = find(manifest, "OneHotEncoder", "_infrequent_indices", 1)
    fitted["_infrequent_indices"] = [add_array(manifest, members, toolkit,
                                               np.array([3, 40]))]


def _mapping_wrong_length(manifest, members, toolkit):
    fitted = find(manifest, "OneHotEncoder", "_default_to_infrequent_mappings", 1)
    fitted["_default_to_infrequent_mappings"] = [add_array(
        manifest, members, toolkit, np.array([0, 1]))]


def _n_jobs(value):
    def edit(manifest, members, toolkit):
        node = next(node for _, node in estimator_nodes(manifest["object"])
                    if node["class"] == "ColumnTransformer")
        node["params"]["n_jobs"] = value
    return edit


def _output_config(value):
    def edit(manifest, members, toolkit):
        find(manifest, "StandardScaler", "mean_")["_sklearn_output_config"] = value
    return edit


def _mean(length):
    def edit(manifest, members, toolkit):
        find(manifest, "StandardScaler", "mean_")["mean_"] = add_array(
            manifest, members, toolkit, np.zeros(length))
    return edit


def _attribute(cls, attribute, value):
    def edit(manifest, members, toolkit):
        find(manifest, cls, attribute)[attribute] = value
    return edit


EDITS = {
    "onehot-infrequent-enabled": _infrequent_on,
    "onehot-infrequent-out-of-range": _infrequent_out_of_range,
    "onehot-mapping-length": _mapping_wrong_length,
    "onehot-n-features-outs": _attribute("OneHotEncoder", "_n_features_outs", [9]),
    "onehot-drop-index": _attribute("OneHotEncoder", "drop_idx_", {
        "type": "object_array", "shape": [1], "items": [17]}),
    "column-transformer-n_jobs-0": _n_jobs(0),
    "column-transformer-n_jobs-huge": _n_jobs(10**12),
    "column-transformer-n_jobs-65": _n_jobs(65),
    "column-transformer-n_jobs-negative": _n_jobs(-10**20),
    "scaler-output-config": _output_config({"type": "dict", "items": [
        ["transform", "bogus"]]}),
    "scaler-output-config-key": _output_config({"type": "dict", "items": [
        ["fit_transform", "pandas"]]}),
    "scaler-mean-short": _mean(1),
    "scaler-mean-long": _mean(3),
    "scaler-scale-negative": _attribute("StandardScaler", "scale_", None),
    "minmax-n-features": _attribute("MinMaxScaler", "n_features_in_", 2),
    "imputer-statistics": _attribute("SimpleImputer", "statistics_", None),
    "imputer-indicator": _attribute("SimpleImputer", "indicator_", None),
    "indicator-features": _attribute("MissingIndicator", "features_", {
        "type": "object_array", "shape": [1], "items": [4]}),
    "column-transformer-slices": _attribute(
        "ColumnTransformer", "output_indices_", {"type": "dict", "items": []}),
    "column-transformer-indices": _attribute(
        "ColumnTransformer", "_transformer_to_input_indices", {"type": "dict",
        "items": [["num", [7]], ["city", [2]], ["plan", [3]], ["remainder", [1]]]}),
}


@pytest.mark.parametrize("name", EDITS)
def test_edited_attributes_are_refused(name, saved, tmp_path, toolkit):
    load(saved)  # the untouched file loads
    path = edited(saved, tmp_path, toolkit,
                  lambda manifest, members: EDITS[name](manifest, members, toolkit))
    with pytest.raises(ModelFileError):
        load(path)


# -- fuzz: every attribute of every scikit-learn object, several edits each ----
# one of each kind a hostile edit reaches for: wrong type, sign, size, shape
REPLACEMENTS = [None, -1, 2**40, "x", [0],
                {"type": "array", "name": "arrays/0.npy"},
                {"type": "object_array", "shape": [2], "items": ["a", None]}]


def _targets(manifest):
    for path, node in estimator_nodes(manifest["object"]):
        if not node["fitted"]:
            continue  # a ColumnTransformer's unfitted template: never predicts
        for part in ("params", "fitted"):
            for key in node[part]:
                yield path + (part, key)


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


@pytest.mark.slow  # a sweep over every fitted attribute
def test_every_attribute_edit_is_refused_or_predicts(saved, tmp_path, toolkit):
    manifest, members = toolkit.unpack(saved)
    path, outcomes = tmp_path / "fuzzed.skdeep", {"refused": 0, "loaded": 0}
    for target in _targets(manifest):
        for value in REPLACEMENTS:
            fuzzed = copy.deepcopy(manifest)
            _set(fuzzed["object"], target, copy.deepcopy(value))
            toolkit.pack(path, fuzzed, members)
            try:
                model = load(path)
            except ModelFileError:
                outcomes["refused"] += 1
                continue
            outcomes["loaded"] += 1
            # a new missing_values makes NaN an invalid input: use complete rows
            X = COMPLETE if target[-1] == "missing_values" else FRAME
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probabilities = model.predict_proba(X)
            assert probabilities.shape == (len(X), 2), (target, value)
            assert np.isfinite(probabilities).all(), (target, value)
    assert outcomes["refused"] > 0 and outcomes["loaded"] > 0, outcomes


def test_scaler_fitted_on_missing_values_loads(tmp_path):
    """StandardScaler counts samples per feature (a float vector) when X has NaN."""
    X = np.where(RNG.random((40, 3)) < 0.2, np.nan, RNG.normal(size=(40, 3)))
    model = make_pipeline(StandardScaler(), SimpleImputer(),
                          DeepClassifier(hidden_layer_sizes=(3,), max_iter=2))
    model.fit(X, np.arange(40) % 2)
    save(model, tmp_path / "model.skdeep")
    np.testing.assert_array_equal(load(tmp_path / "model.skdeep")[0].n_samples_seen_,
                                  model[0].n_samples_seen_)


def test_load_never_starts_worker_processes(saved, tmp_path, toolkit, monkeypatch):
    """A file's ColumnTransformer may say n_jobs=16; load's smoke row runs in
    this process all the same (every Parallel it builds has n_jobs None), and
    the loaded model keeps the file's n_jobs."""
    import sklearn.utils.parallel

    path = edited(saved, tmp_path, toolkit, lambda manifest, members: _n_jobs(16)(
        manifest, members, toolkit))
    asked = []
    original = sklearn.utils.parallel.Parallel.__init__

    def recording(self, *args, **kwargs):
        asked.append(kwargs.get("n_jobs", args[0] if args else None))
        original(self, *args, **kwargs)

    monkeypatch.setattr(sklearn.utils.parallel.Parallel, "__init__", recording)
    model = load(path)
    assert asked and set(asked) == {None}
    assert model[0].n_jobs == 16
