"""skdeep.save writes race-free: concurrent savers, planted links."""

import os
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from skdeep import DeepClassifier
from skdeep.persistence import load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X = np.random.default_rng(0).normal(size=(40, 3))
Y = np.arange(40) % 3


def _model(seed):
    return DeepClassifier(hidden_layer_sizes=(16, 8), max_iter=2,
                          random_state=seed).fit(X, Y)


def _save_many(path, seed, times=5, started=None):
    model = _model(seed)
    if started is not None:
        started.wait()
    for _ in range(times):
        save(model, path)
    return model.predict_proba(X)


def _assert_one_complete_file(path, candidates):
    loaded = load(path)  # raises if the file is torn or its digest fails
    # the last writer wins: the file is exactly one of the saved models
    assert any(np.array_equal(loaded.predict_proba(X), p) for p in candidates)
    assert os.listdir(path.parent) == [path.name]  # no temporary left behind


def test_eight_threads_saving_to_one_path(tmp_path):
    path, started = tmp_path / "model.skdeep", threading.Barrier(8)
    results, errors = [None] * 8, []

    def run(i):
        try:
            results[i] = _save_many(path, i, started=started)
        except BaseException as error:  # noqa: BLE001 - collected for the assert
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_one_complete_file(path, results)


def test_several_processes_saving_to_one_path(tmp_path):
    path = tmp_path / "model.skdeep"
    with ProcessPoolExecutor(4) as pool:
        results = list(pool.map(_save_many, [path] * 4, range(4)))
    _assert_one_complete_file(path, results)


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    path = tmp_path / "model.skdeep"
    for name in [f"model.skdeep.{os.getpid()}.tmp", "model.skdeep.tmp"]:
        (tmp_path / name).symlink_to(victim)
    save(_model(0), path)
    assert victim.read_bytes() == b"precious"
    assert not path.is_symlink() and load(path).n_features_in_ == 3


def test_a_link_planted_at_the_next_random_name_is_not_followed(tmp_path,
                                                                monkeypatch):
    """Even an attacker who guesses the next temporary name gains nothing: the
    name is created exclusively, so a link there makes save pick another."""
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    guessed = iter(["guessed", "fresh"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: guessed)
    (tmp_path / ".model.skdeep.guessed.tmp").symlink_to(victim)
    path = tmp_path / "model.skdeep"
    save(_model(0), path)
    assert victim.read_bytes() == b"precious"
    assert load(path).n_features_in_ == 3
    assert sorted(os.listdir(tmp_path)) == [".model.skdeep.guessed.tmp",
                                            "model.skdeep", "victim.txt"]


def test_a_save_failing_midway_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.skdeep"
    save(_model(0), path)
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", disk_full)
    with pytest.raises(OSError, match="No space"):
        save(_model(1), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]
