"""skdeep.save / skdeep.load: round trips, refusals and malicious files."""

import pickle
import sys
import tracemalloc
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
)

from skdeep import DeepClassifier, DeepRegressor
from skdeep.persistence import ModelFileError, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def small(cls=DeepClassifier, **params):
    return cls(**{"hidden_layer_sizes": (6, 5), "max_iter": 4, "random_state": 0,
                  **params})


def frame(rng, n=80):
    return pd.DataFrame({
        "age": rng.normal(40, 10, n), "income": rng.lognormal(3, 1, n),
        "city": rng.choice(["Oslo", "Lima", "Pune", None], n),
        "plan": rng.choice(["a", "b", "c", "d", "e"], n, p=[.4, .3, .2, .05, .05]),
    }).assign(age=lambda d: d.age.mask(rng.random(n) < 0.1))


def roundtrip(obj, tmp_path):
    path = tmp_path / "model.skdeep"
    save(obj, path)
    return load(path)


def assert_same_outputs(original, loaded, X):
    for method in ("predict", "predict_proba", "predict_log_proba", "transform"):
        if hasattr(original, method):
            expected, got = getattr(original, method)(X), getattr(loaded, method)(X)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected, strict=True)


# -- round trips ---------------------------------------------------------------
LABELS = {
    "int": lambda y: y, "negative-int8": lambda y: (y - 5).astype(np.int8),
    "uint": lambda y: y.astype(np.uint16), "float": lambda y: y * 2.0 - 1,
    "unicode": lambda y: np.array(["cat", "dog", "émû"])[y],
    "object-str": lambda y: np.array(["x", "yy", "z"], dtype=object)[y],
    "bool": lambda y: y > 0,
}


@pytest.mark.parametrize("kind", LABELS)
def test_classifier_labels_of_any_dtype(kind, rng, tmp_path):
    X = rng.normal(size=(60, 4))
    base = rng.integers(0, 2 if kind == "bool" else 3, 60)
    y = LABELS[kind](base)
    model = small().fit(X, y)
    loaded = roundtrip(model, tmp_path)
    assert loaded.classes_.dtype == model.classes_.dtype
    np.testing.assert_array_equal(loaded.classes_, model.classes_, strict=True)
    assert_same_outputs(model, loaded, X)


@pytest.mark.parametrize("params", [
    {"solver": "adam"}, {"solver": "sgd", "learning_rate": "invscaling"},
    {"solver": "adamw", "weight_decay": 0.1}, {"activation": "gelu"},
    {"weight_init": "he"}, {"solver": "lbfgs"}, {"dtype": "float32"}, {"dropout": 0.2},
    {"early_stopping": True, "max_iter": 8}, {"class_weight": {0: 1.0, 2: 3.0}},
    {"activation": ["tanh", "logistic"], "random_state": np.random.RandomState(3)},
])
def test_classifier_settings(params, rng, tmp_path):
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, 60)
    model = small(**params).fit(X, y)
    loaded = roundtrip(model, tmp_path)
    assert_same_outputs(model, loaded, X)
    assert loaded.history_ == model.history_ and loaded.n_iter_ == model.n_iter_
    expected, got = model.get_params(), loaded.get_params()
    if isinstance(expected["random_state"], np.random.RandomState):
        assert repr(got.pop("random_state").get_state()) == repr(
            expected.pop("random_state").get_state())
    assert repr(got) == repr(expected)


@pytest.mark.parametrize("params", [{}, {"loss": "poisson"}, {"dtype": "float32"},
                                    {"solver": "lbfgs"}])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regressor_roundtrip(params, n_outputs, rng, tmp_path):
    X = rng.normal(size=(50, 3)).astype(np.float32)
    y = np.abs(rng.normal(size=(50, n_outputs))).squeeze()
    model = small(DeepRegressor, **params).fit(X, y)
    assert_same_outputs(model, roundtrip(model, tmp_path), X)


def test_multilabel_roundtrip(rng, tmp_path):
    X, Y = rng.normal(size=(40, 3)), rng.integers(0, 2, (40, 4))
    model = small().fit(X, Y)
    assert_same_outputs(model, roundtrip(model, tmp_path), X)


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_unfitted_estimator_keeps_parameters(cls, tmp_path):
    model = cls(hidden_layer_sizes=[7, 3], alpha=np.float32(0.5), dropout=[0.1, 0.0])
    loaded = roundtrip(model, tmp_path)
    assert type(loaded) is cls and not hasattr(loaded, "coefs_")
    assert repr(loaded.get_params()) == repr(model.get_params())
    assert type(loaded.alpha) is np.float32


@pytest.mark.parametrize("solver", ["adam", "adamw", "sgd"])
def test_training_continues_identically(solver, rng, tmp_path, weights_of):
    """Optimizer moments, schedule, history and the rng are all restored."""
    X, y = rng.normal(size=(64, 4)), rng.integers(0, 3, 64)
    model = small(solver=solver, learning_rate="adaptive").fit(X, y)
    loaded = roundtrip(model, tmp_path)
    for _ in range(3):
        model.partial_fit(X, y)
        loaded.partial_fit(X, y)
    np.testing.assert_array_equal(weights_of(loaded), weights_of(model))
    assert loaded.loss_curve_ == model.loss_curve_


def test_pipeline_with_column_transformer(rng, tmp_path):
    X, y = frame(rng), rng.integers(0, 2, 80)
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5,
                      drop="first"))
    model = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(add_indicator=True),
                                  StandardScaler()), ["age"]),
            ("city", categorical, ["city"]),
            ("plan", OneHotEncoder(handle_unknown="ignore", sparse_output=False,
                                   dtype=np.float32), ["plan"])],
            remainder=MinMaxScaler()),
        small()).fit(X, y)
    loaded = roundtrip(model, tmp_path)
    X_new = frame(np.random.default_rng(1), 30)
    X_new.loc[0, "plan"] = "never seen"
    assert_same_outputs(model, loaded, X_new)
    assert_same_outputs(model[0], loaded[0], X_new)
    np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    assert list(loaded[0].get_feature_names_out()) == list(
        model[0].get_feature_names_out())


@pytest.mark.parametrize("remainder", ["drop", "passthrough"])
def test_column_transformer_remainder_and_int_columns(remainder, rng, tmp_path):
    X, y = rng.normal(size=(50, 4)), rng.normal(size=50)
    X[:, 3] = rng.integers(0, 3, 50)
    model = Pipeline([
        ("prep", ColumnTransformer([("cat", OneHotEncoder(sparse_output=False),
                                     [3]),
                                    ("scale", StandardScaler(), slice(0, 2))],
                                   remainder=remainder)),
        ("net", small(DeepRegressor))]).set_output(transform="pandas").fit(X, y)
    assert_same_outputs(model, roundtrip(model, tmp_path), X)


def test_feature_names_are_kept(rng, tmp_path):
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["height", "weight"])
    y = rng.integers(0, 2, 40)
    for model in (small().fit(X, y),
                  make_pipeline(StandardScaler(), small()).fit(X, y)):
        loaded = roundtrip(model, tmp_path)
        np.testing.assert_array_equal(loaded.feature_names_in_,
                                      np.array(["height", "weight"], dtype=object),
                                      strict=True)
        assert_same_outputs(model, loaded, X)
        with pytest.raises(ValueError, match="feature names"):
            loaded.predict(X.rename(columns={"height": "age"}))


def test_saving_is_deterministic(rng, tmp_path):
    model = small().fit(rng.normal(size=(30, 3)), rng.integers(0, 2, 30))
    save(model, tmp_path / "a")
    save(model, tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


# -- objects save refuses -------------------------------------------------------
@pytest.mark.parametrize("obj", [
    LogisticRegression(), StandardScaler(),
    make_pipeline(StandardScaler(), LogisticRegression()),
    make_pipeline(FunctionTransformer(np.log1p), DeepClassifier()),
    make_pipeline(ColumnTransformer([("s", StandardScaler(), lambda X: [0])]),
                  DeepClassifier()),
    make_pipeline(StandardScaler(), DeepClassifier(), memory="/tmp"),
])
def test_unsupported_objects_point_to_skops_and_joblib(obj, tmp_path):
    with pytest.raises(TypeError, match="skops.io.dump.*joblib|memory=None"):
        save(obj, tmp_path / "model.skdeep")
    assert not (tmp_path / "model.skdeep").exists()


# -- files load refuses ---------------------------------------------------------
class _Payload:
    """Unpickling this writes a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("writer", ["pickle", "joblib", "joblib-zlib", "joblib-gz"])
def test_pickle_and_joblib_files_are_refused_without_running(writer, tmp_path):
    marker, path = tmp_path / "pwned", tmp_path / "model.bin"
    payload = [_Payload(marker), DeepClassifier()]
    if writer == "pickle":
        path.write_bytes(pickle.dumps(payload))
    else:
        compress = {"joblib": 0, "joblib-zlib": ("zlib", 3), "joblib-gz": 3}[writer]
        joblib.dump(payload, path, compress=compress)
    with pytest.raises(ModelFileError, match="pickle or joblib"):
        load(path)
    assert not marker.exists()


def _fitted_file(tmp_path, rng):
    model = small().fit(rng.normal(size=(30, 3)), rng.integers(0, 2, 30))
    path = tmp_path / "model.skdeep"
    save(model, path)
    return path


@pytest.fixture
def evil_module(tmp_path, monkeypatch):
    """An importable module whose import writes a marker file."""
    marker = tmp_path / "imported"
    (tmp_path / "skdeep_evil_probe.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef system(cmd):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield marker
    sys.modules.pop("skdeep_evil_probe", None)


EVIL_NODES = [
    {"type": "estimator", "class": "os.system"},
    {"type": "estimator", "class": "skdeep_evil_probe.system"},
    {"type": "skdeep_evil_probe.system", "args": ["touch /tmp/x"]},
    {"type": "estimator", "class": "skdeep_evil_probe", "params": {}},
    {"type": "estimator", "class": "__builtins__.eval", "params": {}, "fitted": {}},
]


@pytest.mark.parametrize("where", ["root", "param", "fitted"])
@pytest.mark.parametrize("node", EVIL_NODES)
def test_names_from_the_file_are_never_imported(node, where, evil_module, rng,
                                               tmp_path, toolkit):
    path = _fitted_file(tmp_path, rng)
    manifest, members = toolkit.unpack(path)
    if where == "root":
        manifest["object"] = node
    elif where == "param":
        manifest["object"]["params"]["activation"] = node
    else:
        manifest["object"]["fitted"]["inputs"]["classes_"] = node
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match="allow-list|unknown node"):
        load(path)
    assert not evil_module.exists() and "skdeep_evil_probe" not in sys.modules


@pytest.mark.parametrize("shape", [[2**40], [2**20, 2**20], [2**31, 2, 2]])
@pytest.mark.parametrize("lie_in", ["index", "npy header"])
def test_enormous_array_is_refused_before_allocation(shape, lie_in, rng, tmp_path,
                                                     toolkit):
    path = _fitted_file(tmp_path, rng)
    manifest, members = toolkit.unpack(path)
    name = "arrays/1.npy"
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = tuple(shape)
    if lie_in == "index":
        manifest["arrays"][name]["shape"] = shape
    else:
        stream = __import__("io").BytesIO()
        np.lib.format.write_array_header_1_0(stream, header)
        members[name] = stream.getvalue() + members[name][128:]
    toolkit.pack(path, manifest, members)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="elements|header|does not fit"):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def _patch_declared_size(data, member, size):
    """Rewrite a member's uncompressed size in its local and central headers."""
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data = (data[:start + offset] + size.to_bytes(4, "little")
                        + data[start + offset + 4:])
            start = data.find(signature, start + 1)
    return data


@pytest.mark.parametrize("size", [3 * 2**30, 200 * 2**20])
def test_compression_bomb_declarations_are_refused(size, rng, tmp_path, toolkit):
    path = _fitted_file(tmp_path, rng)
    path.write_bytes(toolkit.reseal(_patch_declared_size(
        path.read_bytes(), "arrays/1.npy", size)))
    with pytest.raises(ModelFileError, match="max_bytes|compression ratio"):
        load(path)


def test_max_bytes_limits_small_files_too(rng, tmp_path):
    with pytest.raises(ModelFileError, match="max_bytes"):
        load(_fitted_file(tmp_path, rng), max_bytes=1000)


@pytest.mark.parametrize("member", ["../evil.npy", "/etc/passwd", "arrays/../x.npy",
                                    "arrays/1.npy", "arrays/01.npy", "extra.txt"])
def test_unexpected_or_duplicate_members_are_refused(member, rng, tmp_path, toolkit):
    path = _fitted_file(tmp_path, rng)
    manifest, members = toolkit.unpack(path)
    toolkit.pack(path, manifest, [*members.items(), (member, members["arrays/1.npy"])])
    with pytest.raises(ModelFileError, match="unexpected member|appears twice"):
        load(path)


def _edit(manifest, members, edit):
    kind, *rest = edit
    if kind == "version":
        manifest["format_version"] = rest[0]
    elif kind == "drop-member":
        del members[rest[0]]
    elif kind == "drop-index":
        del manifest["arrays"][rest[0]]
    elif kind == "data":
        members[rest[0]] = members[rest[0]][:-8] + bytes(8)
    elif kind == "dtype":
        manifest["arrays"]["arrays/1.npy"]["dtype"] = rest[0]
    elif kind == "object":
        target = manifest["object"]
        for key in rest[0][:-1]:
            target = target[key]
        target[rest[0][-1]] = rest[1]


@pytest.mark.parametrize("edit, message", [
    (("version", 2), "format version 2 is not supported"),
    (("version", "1"), "format version '1'"),
    (("version", None), "format version None"),
    (("drop-member", "arrays/2.npy"), "missing \\['arrays/2.npy'\\]"),
    (("drop-index", "arrays/2.npy"), "unlisted \\['arrays/2.npy'\\]"),
    (("data", "arrays/1.npy"), "SHA-256 does not match the index"),
    (("dtype", "|O"), "dtype '\\|O'"),
    (("dtype", "<M8[ns]"), "dtype"),
    (("object", ["class"], "LogisticRegression"), "allow-list"),
    (("object", ["params", "max_iter"], -3), "invalid parameters"),
    (("object", ["params", "not_a_parameter"], 1), "no parameters"),
    (("object", ["fitted", "network", "layer_sizes"], [3, 6, 9, 2]), "need"),
    (("object", ["fitted", "network", "loss"], "__import__"), "unknown loss"),
    (("object", ["fitted", "rng", "bit_generator"], "MT19937"), "PCG64"),
    (("object", ["fitted", "optimizer", "kind"], "rmsprop"), "unknown optimizer"),
    (("object", ["fitted", "inputs", "n_features_in_"], 5), "n_features_in_"),
    (("object", ["fitted", "state", "n_iter"], -1), "n_iter"),
])
def test_damaged_manifests_are_refused(edit, message, rng, tmp_path, toolkit):
    path = _fitted_file(tmp_path, rng)
    manifest, members = toolkit.unpack(path)
    _edit(manifest, members, edit)
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match=message):
        load(path)


@pytest.mark.parametrize("cut", [0, 1, 10, 100, 0.5, -1, -64, -70])
def test_truncated_files_are_refused(cut, rng, tmp_path):
    path = _fitted_file(tmp_path, rng)
    data = path.read_bytes()
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    path.write_bytes(data[:end])
    with pytest.raises(ModelFileError):
        load(path)


@pytest.mark.parametrize("content", [b"", b"PK\x05\x06" + bytes(18), b"{}", b"\x00"])
def test_other_files_are_refused(content, tmp_path):
    (tmp_path / "f").write_bytes(content)
    with pytest.raises(ModelFileError, match="not a skdeep model file|truncated"):
        load(tmp_path / "f")


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nothing")


# -- skops ---------------------------------------------------------------------
@pytest.mark.slow
def test_skops_roundtrip_with_skdeep_types_trusted(rng, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make_pipeline(StandardScaler(), small(solver="sgd")).fit(X, y)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("skdeep.") for name in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    assert_same_outputs(model, loaded, X)


@pytest.mark.parametrize("name, value, message", [
    ("target_scale_", np.array([0.0]), "target_scale_ must be positive"),
    ("target_scale_", np.array([-2.0]), "target_scale_ must be positive"),
    ("target_offset_", np.array([np.nan]), "target_offset_ must be 1 finite"),
    ("target_scale_", np.array([1.0, 2.0]), "target_scale_ must be 1 finite"),
    ("target_offset_", np.array([3]), "target_offset_ must be 1 finite"),
    ("target_offset_", None, "saved together"),
])
def test_bad_target_statistics_are_refused(name, value, message, rng, save_refuses):
    X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    save_refuses(small(DeepRegressor).fit(X, y), name, value, message)


def test_poisson_target_statistics_have_no_offset(rng, tmp_path):
    X, y = rng.normal(size=(40, 3)), rng.poisson(3.0, 40)
    model = small(DeepRegressor, loss="poisson").fit(X, y)
    assert roundtrip(model, tmp_path).target_scale_ == pytest.approx(y.mean())
    model.target_offset_ = np.array([0.5])
    with pytest.raises(ValueError, match="target_offset_ must be 0"):
        save(model, tmp_path / "m.skdeep")


def test_load_errors_name_the_path(tmp_path):
    path = tmp_path / "m.joblib"
    joblib.dump([1, 2], path)
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "model file:" not in str(info.value)


def test_save_refuses_attributes_it_cannot_save_and_writes_nothing(tmp_path):
    from skdeep import LambdaCallback

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.arange(60) % 2
    model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    model.fit(X, y)
    model.note_, model._mine = "by hand", 1
    path = tmp_path / "refused.skdeep"
    with pytest.raises(TypeError, match=r"DeepClassifier has attributes "
                       r"\['_mine', 'note_'\] that skdeep\.save does not know how "
                       r"to save"):
        save(model, path)
    assert not path.exists()
    # callbacks are run-time hooks: never saved, never in the way
    del model.note_, model._mine
    model.set_callbacks(LambdaCallback(on_epoch_end=lambda estimator, epoch,
                                       logs: None))
    save(model, path)
    np.testing.assert_array_equal(load(path).predict_proba(X),
                                  model.predict_proba(X))
