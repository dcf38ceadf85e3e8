"""Writing a model file: the zip streamed through ``files.atomic_write`` and sealed
with the SHA-256 of every byte before the digest (see ``_format`` for the layout).
"""

import hashlib
import json
import zipfile

from numpy.lib import format as npy

from ..files import atomic_write
from ._format import DIGEST_HEX, DIGEST_PREFIX, MANIFEST

__all__ = ["write_file", "array_entry"]

_PLACEHOLDER = b"0" * DIGEST_HEX


def write_file(path, manifest, arrays):
    """Write the sealed zip through ``atomic_write``: an exclusive temporary file
    beside ``path``, renamed over it only when complete."""
    with atomic_write(path, "wb") as file:
        sealer = _Sealer(file)
        # the sealer cannot seek, so zipfile streams each member once and puts
        # its sizes in a data descriptor: every byte is hashed as it is written
        with zipfile.ZipFile(sealer, "w") as archive:
            archive.comment = DIGEST_PREFIX + _PLACEHOLDER
            _write_member(archive, MANIFEST, json.dumps(
                manifest, sort_keys=True, allow_nan=False).encode())
            for name, array in arrays.items():
                with archive.open(_info(name), "w",
                                  force_zip64=array.nbytes > 2**30) as stream:
                    npy.write_array(stream, array, allow_pickle=False)
        sealer.seal()


class _Sealer:
    """A write-only stream that hashes what it forwards to ``file`` and holds back
    the last 64 bytes: the digest placeholder, replaced by ``seal``."""

    def __init__(self, file):
        self.file, self.sha, self.held, self.position = file, hashlib.sha256(), b"", 0

    def write(self, data):
        n_bytes = len(data)
        data = self.held + bytes(data)
        self.position += n_bytes
        self.held, ready = data[-DIGEST_HEX:], data[:-DIGEST_HEX]
        self.sha.update(ready)
        self.file.write(ready)
        return n_bytes

    def tell(self):
        return self.position

    def seek(self, *args):
        raise OSError("the model file is written as a stream")

    def flush(self):
        self.file.flush()

    def seal(self):
        if self.held != _PLACEHOLDER:  # zipfile wrote something after the comment
            raise RuntimeError("skdeep.save: the zip did not end with the digest "
                               "placeholder.")
        self.file.write(self.sha.hexdigest().encode())


def array_entry(array):
    """The index entry of one array: shape, dtype and SHA-256 of its data."""
    return {"shape": list(array.shape), "dtype": array.dtype.str,
            "sha256": hashlib.sha256(array.tobytes()).hexdigest()}


def _info(name):
    # a fixed timestamp: the same model always gives the same bytes
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_member(archive, name, data):
    archive.writestr(_info(name), data)
