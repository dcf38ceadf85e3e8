"""Files that lie about sizes or numbers."""

import io
import json
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from skdeep import DeepClassifier
from skdeep.estimators.contract import trained_params
from skdeep.persistence import ModelFileError, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _central_entries(data):
    """Offsets of every central-directory record (signature PK\\x01\\x02)."""
    start = data.find(b"PK\x01\x02")
    while start >= 0:
        yield start
        start = data.find(b"PK\x01\x02", start + 1)


def _declare(data, member, *, file_size, compress_size):
    """Rewrite a member's declared sizes in the central directory (what zipfile
    trusts), as a hostile file would."""
    data = bytearray(data)
    for start in _central_entries(bytes(data)):
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if bytes(data[start + 46:start + 46 + name_length]) == member.encode():
            struct.pack_into("<II", data, start + 20, compress_size, file_size)
    return bytes(data)


def _bomb(tmp_path, toolkit, n_elements):
    """A tiny file whose index, npy header and zip directory all claim an array of
    ``n_elements`` float64 values; the real data is a few bytes."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (n_elements,)
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, header)
    member = stream.getvalue() + bytes(8)
    manifest = {"format": "skdeep-model", "format_version": 1, "object": None,
                "estimator": "DeepClassifier", "arrays": {"arrays/0.npy": {
                    "shape": [n_elements], "dtype": "<f8", "sha256": "0" * 64}}}
    path = tmp_path / "bomb.skdeep"
    toolkit.pack(path, manifest, {"arrays/0.npy": member})
    declared = n_elements * 8 + len(stream.getvalue())
    path.write_bytes(toolkit.reseal(_declare(
        path.read_bytes(), "arrays/0.npy", file_size=declared,
        compress_size=declared // 1000)))
    return path


@pytest.mark.parametrize("n_elements", [2**27, 2**28 - 16])
def test_small_file_declaring_gigabytes_is_refused_in_little_memory(
        n_elements, tmp_path, toolkit):
    path = _bomb(tmp_path, toolkit, n_elements)
    assert path.stat().st_size < 1000
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="file has only|truncated|declares"):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def test_members_must_fit_inside_the_real_file(tmp_path, toolkit):
    path = tmp_path / "model.skdeep"
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2
    save(DeepClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, y), path)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        real_size = archive.getinfo("arrays/0.npy").file_size
    path.write_bytes(toolkit.reseal(_declare(
        data, "arrays/0.npy", file_size=real_size, compress_size=len(data) + 10)))
    with pytest.raises(ModelFileError, match="file has only"):
        load(path)


# -- item 13: non-finite numbers and numpy's header advice ----------------------
def _fitted_file(tmp_path, **params):
    path = tmp_path / "model.skdeep"
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2
    save(DeepClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0,
                        **params).fit(X, y), path)
    return path


@pytest.mark.parametrize("location", [
    ("fitted", "optimizer", "learning_rate"), ("fitted", "optimizer", "beta_1"),
    ("params", "alpha"), ("params", "learning_rate_init"), ("params", "tol")])
@pytest.mark.parametrize("literal", ["1e999", "-1e999", '{"type": "float", '
                                     '"value": "inf"}', '{"type": "float", '
                                     '"value": "nan"}'])
def test_non_finite_numbers_are_refused(location, literal, tmp_path, toolkit):
    path = _fitted_file(tmp_path)
    manifest, members = toolkit.unpack(path)
    node = manifest["object"]
    for key in location[:-1]:
        node = node[key]
    node[location[-1]] = "SENTINEL"
    text = json.dumps(manifest).replace('"SENTINEL"', literal)
    toolkit.pack(path, None, members, manifest_bytes=text.encode())
    with pytest.raises(ModelFileError, match="finite"):
        load(path)


def test_infinite_n_iter_no_change_is_still_allowed(tmp_path):
    assert load(_fitted_file(tmp_path, n_iter_no_change=np.inf)).n_iter_no_change \
        == np.inf


@pytest.mark.parametrize("array", ["arrays/1.npy", "arrays/2.npy"])
def test_non_finite_weights_or_moments_are_refused(array, tmp_path, toolkit):
    path = _fitted_file(tmp_path)
    manifest, members = toolkit.unpack(path)
    values = np.load(io.BytesIO(members[array]))
    values[0] = np.inf
    members[array] = toolkit.npy_bytes(values)
    manifest["arrays"][array] = toolkit.index_entry(values)
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match="finite"):
        load(path)


def test_oversized_npy_header_error_never_suggests_allow_pickle(tmp_path, toolkit):
    path = _fitted_file(tmp_path)
    manifest, members = toolkit.unpack(path)
    values = np.load(io.BytesIO(members["arrays/1.npy"]))
    header = repr({"descr": "<f8", "fortran_order": False, "shape": values.shape})
    header = header.ljust(20000) + "\n"
    members["arrays/1.npy"] = (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header))
                               + header.encode() + values.tobytes())
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match="header") as error:
        load(path)
    assert "allow_pickle" not in str(error.value)


@pytest.mark.slow
def test_load_peaks_at_twice_the_largest_array(tmp_path):
    """A network of 2**22 float32 inputs (16 MiB, zeros compress ~1000:1): on top
    of what the loaded model keeps, load holds at most twice its largest array
    (the data as read and the model's copy of it; its example row is zeros in
    the network's dtype, not a Python list of 2**22 floats)."""
    from skdeep import DeepRegressor

    n_inputs = 2**22
    X = np.zeros((2, n_inputs), dtype=np.float32)
    X[1, 0] = 1.0
    model = DeepRegressor(hidden_layer_sizes=(1,), solver="lbfgs", max_iter=1,
                          dtype="float32").fit(X, [0.0, 1.0])
    del X
    path = tmp_path / "wide.skdeep"
    save(model, path)
    # the per-feature input statistics (float64) outweigh the float32 weights
    arrays = (model.coefs_[0], model.input_offset_, model.input_scale_,
              trained_params(model))
    largest, kept = max(a.nbytes for a in arrays), sum(a.nbytes for a in arrays)
    del model, arrays
    load(path)  # imports and caches out of the measurement
    tracemalloc.start()
    try:
        loaded = load(path)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded.coefs_[0].shape == (n_inputs, 1)
    assert current <= kept + 2**20  # the model's arrays, once each
    assert peak - current <= 2 * largest + 2**20, (peak - current) / largest
