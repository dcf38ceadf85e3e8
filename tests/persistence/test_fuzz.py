"""Seeded mutation fuzz of model files: damage never escapes as another error.

Raw byte damage (flips, overwrites, truncation, insertion, deletion) must always
raise ModelFileError. Damage made behind the whole-file digest (the manifest's
values rewritten and the file resealed, as an attacker would) must raise
ModelFileError or load a model; never another exception, never a hang.
"""

import contextlib
import json
import signal
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import DeepClassifier
from skdeep.persistence import ModelFileError, load, save

# hundreds of damaged files
pytestmark = pytest.mark.slow

N_RAW, N_RESEALED, SECONDS_PER_LOAD = 1200, 600, 10


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=50), "b": rng.choice(["u", "v"], 50)})
    model = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), ["a"]),
                           ("cat", OneHotEncoder(), ["b"])]),
        DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, rng.choice(["no", "yes"], 50))
    path = tmp_path_factory.mktemp("fuzz") / "model.skdeep"
    save(model, path)
    return path


@contextlib.contextmanager
def deadline(seconds):
    def expire(signum, frame):
        raise TimeoutError(f"load did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def mutate_bytes(data, rng):
    data = bytearray(data)
    kind = rng.integers(6)
    at = int(rng.integers(len(data)))
    if kind == 0:  # flip one bit
        data[at] ^= 1 << int(rng.integers(8))
    elif kind == 1:  # overwrite a run with random bytes
        run = int(rng.integers(1, 16))
        data[at:at + run] = rng.integers(0, 256, run, dtype=np.uint8).tobytes()
    elif kind == 2:  # truncate
        del data[at:]
    elif kind == 3:  # insert
        data[at:at] = rng.integers(0, 256, int(rng.integers(1, 8)),
                                   dtype=np.uint8).tobytes()
    elif kind == 4:  # delete a run
        del data[at:at + int(rng.integers(1, 32))]
    else:  # set a byte to 0x00 or 0xff (length fields, counts)
        data[at] = int(rng.choice([0, 255]))
    return bytes(data)


RANDOM_VALUES = [None, True, 0, -1, 1, 2**70, 1e308, -0.5, "", "relu", "arrays/0.npy",
                 [], [1, 2], {}, {"type": "array", "name": "arrays/0.npy"},
                 {"type": "estimator", "class": "os.system"},
                 {"type": "float", "value": "nan"}, {"type": "tuple", "items": [3]},
                 {"type": "object_array", "shape": [2], "items": ["a", 1]},
                 {"type": "scalar", "dtype": "<i8", "value": 2**80},
                 {"type": "slice", "items": [0, None, -1]}, [[[[[[[[[[]]]]]]]]]]]


def leaves(node, path=()):
    """Every (container path, key) pair of a JSON tree."""
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, value in items:
        yield path + (key,)
        yield from leaves(value, path + (key,))


def mutate_manifest(manifest, rng):
    paths = list(leaves(manifest))
    path = paths[int(rng.integers(len(paths)))]
    parent = manifest
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = RANDOM_VALUES[int(rng.integers(len(RANDOM_VALUES)))]
    return manifest


def load_expecting(path, allow_success):
    with deadline(SECONDS_PER_LOAD):
        try:
            load(path)
        except ModelFileError:
            return "refused"
    assert allow_success, "a damaged file loaded without a ModelFileError"
    return "loaded"


def test_raw_byte_damage_always_raises_model_file_error(model_file, tmp_path):
    rng, data = np.random.default_rng(20240601), model_file.read_bytes()
    path = tmp_path / "damaged.skdeep"
    outcomes = []
    for _ in range(N_RAW):
        damaged = mutate_bytes(data, rng)
        if damaged == data:
            continue
        path.write_bytes(damaged)
        outcomes.append(load_expecting(path, allow_success=False))
    assert len(outcomes) >= 1000 and set(outcomes) == {"refused"}


def test_damage_behind_the_digest_is_refused_or_harmless(model_file, tmp_path,
                                                         toolkit):
    rng = np.random.default_rng(7)
    manifest, members = toolkit.unpack(model_file)
    path, outcomes = tmp_path / "resealed.skdeep", []
    for i in range(N_RESEALED):
        edited = mutate_manifest(json.loads(json.dumps(manifest)), rng)
        edited_members = dict(members)
        if i % 5 == 0:  # damage an array member too, keeping the zip valid
            name = sorted(members)[int(rng.integers(len(members)))]
            edited_members[name] = mutate_bytes(members[name], rng)
        toolkit.pack(path, edited, edited_members)
        outcomes.append(load_expecting(path, allow_success=True))
    assert outcomes.count("refused") > 0.5 * N_RESEALED
