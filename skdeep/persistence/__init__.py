"""Safe model files: ``save`` and ``load`` without pickle.

A model file is a zip holding ``manifest.json`` (format version, skdeep
version, the object's type from a fixed allow-list, its parameters and fitted
attributes, and an index of arrays with shapes, dtypes and SHA-256 checksums)
and one ``.npy`` file per array, written with ``allow_pickle=False``. Loading
never imports or calls a name taken from the file.

Default limits, checked before any array data is read: ``MAX_BYTES`` = 2 GiB
for the file and for the total uncompressed size, ``MAX_ARRAY_ELEMENTS`` =
2**28 elements per array, 16 MiB for the manifest, 4096 zip members.

An edge package: it uses the estimators and, to rebuild a fitted model, the
engine's public modules (``training``, ``network``, ``optim``, ``ops``); it
imports scikit-learn (the types a file may hold) and pandas.
"""

import contextlib
import json
import os
import struct
import tokenize
import zipfile
import zlib

import numpy as np

from .._version import __version__
from ..exceptions import ModelFileError
from ._codec import Decoder, Encoder, expect
from ._format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_ARRAY_ELEMENTS,
    MAX_BYTES,
    read_file,
)
from ._sklearn import ALLOWED_TYPES, check_root, decode_estimator, encode_estimator
from ._smoke import smoke_predict
from ._writer import array_entry, write_file

__all__ = ["save", "load", "ModelFileError", "ALLOWED_TYPES", "FORMAT_VERSION",
           "MAX_BYTES", "MAX_ARRAY_ELEMENTS"]

# Errors a damaged file can provoke inside numpy, zipfile or scikit-learn; each
# becomes a ModelFileError so callers handle one documented type.
_DAMAGE = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError,
           RecursionError, EOFError, NotImplementedError, SyntaxError,
           tokenize.TokenError, zlib.error, zipfile.BadZipFile, struct.error)


def save(obj, path):
    """Write a skdeep model (or a Pipeline ending in one) to a safe model file.

    Parameters
    ----------
    obj : DeepClassifier, DeepRegressor or Pipeline
        Fitted or not. A Pipeline may hold ColumnTransformer, StandardScaler,
        MinMaxScaler, OneHotEncoder, SimpleImputer and nested Pipelines before
        its final skdeep estimator; its last step may itself be a Pipeline
        ending in one.
    path : str or os.PathLike
        The file to write (replaced atomically if it exists).

    Raises
    ------
    TypeError
        If ``obj`` holds anything outside the allow-list; the message names it
        and points to ``skops.io.dump`` or (for trusted use only) ``joblib.dump``.
    ValueError
        If a fitted skdeep estimator's parameters (hidden_layer_sizes,
        activation, dtype, solver, loss) were changed after fitting and no
        longer describe its network, or if :func:`load` would refuse the file
        for any other reason (save runs load's checks first and then writes
        nothing).

    Notes
    -----
    The file is written to an exclusive temporary file beside ``path`` and
    renamed over it, so concurrent saves to one path each leave a complete file
    (the last one wins). The bytes are canonical: saving a loaded model again
    gives an identical file.

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skdeep import DeepClassifier
    >>> from skdeep.persistence import save, load
    >>> X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    >>> model = DeepClassifier(hidden_layer_sizes=(8,), solver="lbfgs",
    ...                        max_iter=500, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skdeep")
    >>> save(model, path)
    >>> loaded = load(path)
    >>> bool((loaded.predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    check_root(obj)
    encoder = Encoder(encode_estimator)
    tree = encoder.encode(obj)
    arrays = {name: _little_endian(array) for name, array in encoder.arrays.items()}
    manifest = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "skdeep_version": __version__, "estimator": type(obj).__name__,
                "arrays": {name: array_entry(a) for name, a in arrays.items()},
                "object": tree}
    # the checks load runs, run before writing: save never writes a file that
    # load would refuse (a model whose outputs overflow, say)
    text = json.dumps(manifest, sort_keys=True, allow_nan=False)
    try:
        _decode(json.loads(text), dict(arrays))
    except ModelFileError as error:
        raise ValueError(f"skdeep.save: {os.fspath(path)}: nothing was written, "
                         f"because load would refuse the file: "
                         f"{_reason(error)}") from None
    write_file(path, manifest, arrays)


def load(path, *, max_bytes=MAX_BYTES):
    """Read a model file written by :func:`save`, without running any code from it.

    Parameters
    ----------
    path : str or os.PathLike
    max_bytes : int, default=2 GiB
        Largest file size and total uncompressed size accepted; raise it only
        for a file whose source you trust.

    Returns
    -------
    obj : DeepClassifier, DeepRegressor or Pipeline
        Predicts bit-for-bit as the saved object did.

    Raises
    ------
    ModelFileError
        For every problem with the file's content: not a skdeep model file
        (pickle and joblib files included), wrong format version, damaged or
        missing arrays, checksum mismatch, sizes over the limits, or types
        outside the allow-list, attributes that contradict each other or
        the parameters, non-finite numbers where finite ones belong, or a model
        that fails on a valid example row. The message says what is wrong.
    OSError
        If the file cannot be opened.

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeep.persistence import load, ModelFileError
    >>> path = os.path.join(tempfile.mkdtemp(), "not_a_model.pkl")
    >>> with open(path, "wb") as file:
    ...     _ = file.write(b"\\x80\\x04K\\x01.")
    >>> try:
    ...     load(path)
    ... except ModelFileError as error:
    ...     print("refused:", "pickle" in str(error))
    refused: True
    """
    path = os.fspath(path)
    try:
        with _damage_as_model_file_error():
            manifest, arrays = read_file(path, max_bytes)
        return _decode(manifest, arrays)
    except ModelFileError as error:
        # the checks name the file generically; the caller knows it by its path
        raise ModelFileError(f"{path}: {_reason(error)}") from None


def _decode(manifest, arrays):
    """The checked object of a read manifest (ModelFileError if it is not sound);
    empties ``arrays``, the file's buffers, once the object is built."""
    with _damage_as_model_file_error():
        obj = Decoder(arrays, decode_estimator).decode(manifest.get("object"))
        expect(type(obj).__name__ == manifest.get("estimator"), "object",
               "the object does not match the manifest's estimator type.")
        check_root(obj)
        # the decoded object holds copies of the large arrays (the network's
        # parameters): dropping the file's buffers first keeps load's peak
        # memory at twice the largest array
        arrays.clear()
        smoke_predict(obj)
    return obj


@contextlib.contextmanager
def _damage_as_model_file_error():
    """Re-raise an error of ``_DAMAGE`` as the ModelFileError it means."""
    try:
        yield
    except ModelFileError:
        raise
    except _DAMAGE as error:
        raise ModelFileError(f"model file: the file is damaged "
                             f"({type(error).__name__}: {error}).") from None


def _reason(error):
    return str(error).removeprefix("model file: ")


def _little_endian(array):
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return np.ascontiguousarray(array)
