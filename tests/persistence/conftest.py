"""Helpers that build model files independently of skdeep's writer.

They unpack a file with :mod:`zipfile`, let a test edit the manifest or the
members, and pack it again with a correct whole-file digest, so a test reaches
the checks behind the digest (an attacker can always recompute a hash).
"""

import hashlib
import io
import json
import warnings
import zipfile

import numpy as np
import pytest

DIGEST_PREFIX = b"skdeep-sha256:"


def unpack(path):
    """(manifest dict, {member name: bytes}) of a model file."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(members.pop("manifest.json")), members


def pack(path, manifest, members, *, manifest_bytes=None, seal=True):
    """Write a zip of manifest.json plus ``members``, sealed like skdeep does."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on duplicate names
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.comment = DIGEST_PREFIX + b"0" * 64
            archive.writestr("manifest.json", manifest_bytes if manifest_bytes
                             is not None else json.dumps(manifest))
            for name, data in (members.items() if isinstance(members, dict)
                               else members):
                archive.writestr(name, data)
    data = reseal(buffer.getvalue()) if seal else buffer.getvalue()
    with open(path, "wb") as file:
        file.write(data)


def reseal(data):
    """The file bytes with the trailing digest recomputed."""
    return data[:-64] + hashlib.sha256(data[:-64]).hexdigest().encode()


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def index_entry(array):
    array = np.ascontiguousarray(array)
    return {"shape": list(array.shape), "dtype": array.dtype.str,
            "sha256": hashlib.sha256(array.tobytes()).hexdigest()}


@pytest.fixture
def toolkit():
    """The helpers above, as a namespace."""
    return type("Toolkit", (), {"unpack": staticmethod(unpack),
                                "pack": staticmethod(pack),
                                "reseal": staticmethod(reseal),
                                "npy_bytes": staticmethod(npy_bytes),
                                "index_entry": staticmethod(index_entry)})


@pytest.fixture
def save_refuses(tmp_path):
    """``save_refuses(model, name, value, message)``: with the model's
    attribute ``name`` set to ``value`` (deleted where ``value`` is None),
    ``skdeep.save`` raises ValueError matching ``message`` and writes no file
    (save runs load's checks first, so it refuses with load's message)."""
    from skdeep.persistence import save

    def check(model, name, value, message):
        if value is None:
            del model.__dict__[name]
        else:
            setattr(model, name, value)
        path = tmp_path / "refused.skdeep"
        with pytest.raises(ValueError, match=message):
            save(model, path)
        assert not path.exists()
    return check
