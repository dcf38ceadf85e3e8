"""The container: a zip of ``manifest.json`` and ``.npy`` arrays, read with limits.

Layout of a model file::

    manifest.json        format, versions, array index, the encoded object
    arrays/<n>.npy       one array each, written with allow_pickle=False
    (zip comment)        "skdeep-sha256:" + SHA-256 of every byte before the digest

Reading checks, in this order and before any array data is allocated: the file
size, the whole-file digest, the zip directory (member names, count, method,
declared sizes and compression ratio), the manifest (size, JSON, format
version, array index with shapes, dtypes, element counts and total bytes), then
each array's ``.npy`` header against the index. Array data is then read and
checked against its SHA-256.
"""

import hashlib
import json
import math
import os
import re
import zipfile

import numpy as np
from numpy.lib import format as npy

from ..exceptions import ModelFileError

__all__ = ["FORMAT_VERSION", "MAX_BYTES", "MAX_ARRAY_ELEMENTS", "check_dtype",
           "read_file"]

FORMAT_NAME = "skdeep-model"
FORMAT_VERSION = 1
MAX_BYTES = 2 * 2**30  # file size, and total uncompressed size of all members
MAX_ARRAY_ELEMENTS = 2**28
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_MEMBERS = 4096
MAX_RATIO = 1100  # deflate cannot exceed ~1032:1; a larger claim is a lie
MANIFEST = "manifest.json"
_MEMBER = re.compile(r"arrays/(0|[1-9][0-9]{0,5})\.npy")
_DTYPE = re.compile(r"\|b1|[<|](i[1248]|u[1248]|f[248]|c(8|16))|<U[1-9][0-9]{0,4}"
                    r"|\|S[1-9][0-9]{0,4}")
DIGEST_PREFIX = b"skdeep-sha256:"
DIGEST_HEX = 64
_CHUNK = 2**20
_PICKLE_STARTS = (b"\x80", b"\x78", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"]\x00\x00")


def check_dtype(dtype, where, allow_object):
    """The numpy dtype for ``dtype`` (a dtype or its ``.str``) if allow-listed.

    Allowed: bool, integers, floats, complex, and fixed-width unicode or bytes,
    little-endian; ``object`` only where ``allow_object``. Raises
    ModelFileError for a string from a file, TypeError for a dtype to save.
    """
    text = dtype if isinstance(dtype, str) else np.dtype(dtype).str
    if _DTYPE.fullmatch(text) or (allow_object and text == "|O"):
        return np.dtype(text)
    message = (f"{where}: dtype {text!r} is not one of the plain numeric, "
               "string or bytes dtypes a model file may hold.")
    if isinstance(dtype, str):
        raise ModelFileError(f"model file: {message}")
    raise TypeError(message)


def _digest(file, n_bytes):
    file.seek(0)
    sha, left = hashlib.sha256(), n_bytes
    while left > 0:
        chunk = file.read(min(_CHUNK, left))
        if not chunk:
            break
        sha.update(chunk)
        left -= len(chunk)
    return sha.hexdigest()


# -- reading -------------------------------------------------------------------
def read_file(path, max_bytes=MAX_BYTES):
    """The manifest (a dict) and the verified arrays (name -> ndarray) of a file."""
    with open(path, "rb") as file:
        size = _check_container(file, max_bytes)
        with zipfile.ZipFile(file) as archive:
            infos = _check_members(archive, size, max_bytes)
            manifest = _read_manifest(archive, infos[MANIFEST])
            index = _check_index(manifest, infos, max_bytes)
            arrays = {name: _read_array(archive, infos[name], entry)
                      for name, entry in index.items()}
    return manifest, arrays


def _check_container(file, max_bytes):
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    head = file.read(4)
    if head != b"PK\x03\x04":
        if head.startswith(_PICKLE_STARTS):
            raise ModelFileError(
                "model file: this looks like a pickle or joblib file, not a file "
                "written by skdeep.save. skdeep.load never unpickles, because "
                "loading a pickle runs any code it carries; if you trust its "
                "source, use joblib.load, otherwise ask for a skdeep.save file.")
        raise ModelFileError("model file: not a skdeep model file (it is not a "
                             "zip archive); write model files with skdeep.save.")
    expect_file(size <= max_bytes, f"the file has {size} bytes, more than max_bytes="
                f"{max_bytes}; pass a larger max_bytes to load it if you trust it.")
    tail_size = len(DIGEST_PREFIX) + DIGEST_HEX
    expect_file(size > tail_size + 22, "the file is truncated.")
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    expect_file(tail.startswith(DIGEST_PREFIX), "no skdeep integrity record at the "
                "end of the file: it is truncated, or was not written by skdeep.save.")
    expect_file(_digest(file, size - DIGEST_HEX).encode() == tail[-DIGEST_HEX:],
                "the file is corrupted: its SHA-256 does not match the one recorded "
                "when it was saved.")
    file.seek(0)
    return size


def _check_members(archive, size, max_bytes):
    """Name, method and sizes of every member, checked against the real file size
    before anything is inflated (a zip's declared sizes are only claims)."""
    infos, total = {}, 0
    members = archive.infolist()
    expect_file(len(members) <= MAX_MEMBERS, f"{len(members)} members is too many.")
    for info in members:
        name = info.filename
        expect_file(name == MANIFEST or _MEMBER.fullmatch(name),
                    f"unexpected member {name!r}.")
        expect_file(name not in infos, f"member {name!r} appears twice.")
        expect_file(info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                    and not info.flag_bits & 0x1,
                    f"member {name!r} uses an unsupported compression or encryption.")
        _check_sizes(info, size, max_bytes)
        total += info.file_size
        expect_file(total <= max_bytes, f"members declare {total}+ bytes, more than "
                    f"max_bytes={max_bytes}.")
        infos[name] = info
    packed = sum(info.compress_size for info in members)
    expect_file(packed <= size, f"the members declare {packed} compressed bytes, but "
                f"the file has only {size} bytes.")
    expect_file(MANIFEST in infos, "manifest.json is missing.")
    expect_file(infos[MANIFEST].file_size <= MAX_MANIFEST_BYTES,
                f"manifest.json is larger than {MAX_MANIFEST_BYTES} bytes.")
    return infos


def _check_sizes(info, size, max_bytes):
    name = info.filename
    end = info.header_offset + 30 + len(name) + info.compress_size
    expect_file(end <= size, f"member {name!r} declares {info.compress_size} "
                f"compressed bytes, but the file has only {size} bytes.")
    expect_file(info.file_size <= max_bytes, f"member {name!r} declares "
                f"{info.file_size} bytes, more than max_bytes={max_bytes}.")
    # deflate cannot exceed ~1032:1, so a larger claim is a lie
    expect_file(info.file_size <= MAX_RATIO * max(info.compress_size, 1),
                f"member {name!r} declares an impossible compression ratio.")


def _read_manifest(archive, info):
    with archive.open(info) as stream:
        data = stream.read(MAX_MANIFEST_BYTES + 1)
    try:
        manifest = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys,
                              parse_constant=_no_constant, parse_float=_finite)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"model file: manifest.json is not valid JSON: "
                             f"{error}") from None
    expect_file(isinstance(manifest, dict) and manifest.get("format") == FORMAT_NAME,
                "manifest.json does not describe a skdeep model.")
    version = manifest.get("format_version")
    expect_file(type(version) is int and version == FORMAT_VERSION,
                f"format version {version!r} is not supported; this skdeep reads "
                f"version {FORMAT_VERSION}. Load it with the skdeep version that "
                f"saved it ({manifest.get('skdeep_version')!r}) and save it again.")
    return manifest


def _check_index(manifest, infos, max_bytes):
    index = manifest.get("arrays")
    expect_file(isinstance(index, dict), "the array index is missing.")
    expect_file(set(index) == set(infos) - {MANIFEST},
                "the array index does not match the arrays in the file: missing "
                f"{sorted(set(index) - set(infos))}, unlisted "
                f"{sorted(set(infos) - set(index) - {MANIFEST})}.")
    total = 0
    for name, entry in index.items():
        expect_file(isinstance(entry, dict) and set(entry) == {"shape", "dtype",
                                                             "sha256"},
                    f"index entry of {name!r} is malformed.")
        shape, dtype = entry["shape"], entry["dtype"]
        expect_file(isinstance(shape, list) and len(shape) <= 32
                    and all(type(n) is int and n >= 0 for n in shape),
                    f"{name!r} has an invalid shape {shape!r}.")
        expect_file(isinstance(dtype, str), f"{name!r} has an invalid dtype.")
        count = math.prod(shape)
        expect_file(count <= MAX_ARRAY_ELEMENTS, f"{name!r} claims {count} elements, "
                    f"more than the limit of {MAX_ARRAY_ELEMENTS}.")
        total += count * check_dtype(dtype, name, False).itemsize
        expect_file(total <= max_bytes, f"arrays claim {total}+ bytes, more than "
                    f"max_bytes={max_bytes}.")
        expect_file(isinstance(entry["sha256"], str)
                    and re.fullmatch("[0-9a-f]{64}", entry["sha256"]),
                    f"{name!r} has an invalid checksum.")
    return index


def _read_array(archive, info, entry):
    name = info.filename
    dtype, shape = np.dtype(entry["dtype"]), tuple(entry["shape"])
    n_bytes = math.prod(shape) * dtype.itemsize
    expect_file(n_bytes <= info.file_size <= n_bytes + 65536 + 12,
                f"{name!r} has {info.file_size} bytes, which does not fit its index.")
    with archive.open(info) as stream:
        version = npy.read_magic(stream)
        expect_file(version in ((1, 0), (2, 0)), f"{name!r} has npy version {version}.")
        header = _read_header(stream, version, name)
        expect_file(header == (shape, False, dtype), f"{name!r} has header {header}, "
                    f"but the index says shape {shape} and dtype {dtype.str}.")
        data = _read_exactly(stream, n_bytes, name)
    expect_file(hashlib.sha256(data).hexdigest() == entry["sha256"],
                f"{name!r} is corrupted: its SHA-256 does not match the index.")
    return data.view(dtype).reshape(shape)


def _read_header(stream, version, name):
    read = npy.read_array_header_1_0 if version == (1, 0) else \
        npy.read_array_header_2_0
    try:
        return read(stream)
    except ValueError:
        # numpy's own message advises allow_pickle=True, which must never be
        # the answer to a file from elsewhere
        raise ModelFileError(f"model file: {name!r} has a malformed or oversized "
                             ".npy header.") from None


def _read_exactly(stream, n_bytes, name):
    """``n_bytes`` of data in a uint8 array, grown as it really arrives: memory
    follows what the file holds, never what it claims (at most twice the bytes
    read so far), and ends at exactly ``n_bytes``, so the array that views it
    costs its own size and nothing more."""
    data, filled = np.empty(min(n_bytes, _CHUNK), np.uint8), 0
    while filled < n_bytes:
        if filled == data.size:
            data.resize(min(n_bytes, 2 * data.size), refcheck=False)
        with memoryview(data) as view:
            got = stream.readinto(view[filled:min(data.size, filled + _CHUNK)])
        expect_file(got, f"{name!r} is truncated.")
        filled += got
    expect_file(stream.read(1) == b"", f"{name!r} has bytes after its data.")
    return data


def _unique_keys(pairs):
    keys = [key for key, _ in pairs]
    expect_file(len(set(keys)) == len(keys), "manifest.json repeats a key.")
    return dict(pairs)


def _no_constant(name):
    raise ModelFileError(f"model file: manifest.json contains {name}, which is not "
                         "JSON.")


def _finite(text):
    # json reads 1e999 as inf; a manifest writes non-finite floats as explicit
    # nodes, so a literal that overflows is a forgery
    value = float(text)
    expect_file(math.isfinite(value), f"manifest.json holds the number {text[:40]}, "
                "which is not finite.")
    return value


def expect_file(condition, message):
    """Raise ModelFileError about the file as a whole unless ``condition``
    (``_codec.expect`` names a place in the manifest)."""
    if not condition:
        raise ModelFileError(f"model file: {message}")
