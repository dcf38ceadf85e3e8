"""CSVLogger: one log per run (also a run of partial_fit calls and fit_csv),
rows appended and flushed each epoch, fsynced once at the end, and appending
that continues cleanly after a torn last row."""

import csv
import os

import numpy as np
import pandas as pd
import pytest

from skdeep import CSVLogger, LambdaCallback, ModelCheckpoint
from skdeep.streaming import fit_csv

pytest.importorskip("sklearn.callback")
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


def _rows(path):
    with open(path, newline="") as file:
        return list(csv.reader(file))


def test_a_run_of_partial_fit_calls_is_one_log(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    model = callback_model(CSVLogger(path))
    for _ in range(30):
        model.partial_fit(X, y, classes=[0, 1])
    rows = _rows(path)
    assert rows[0] == ["epoch", "loss", "learning_rate"] and len(rows) == 31
    assert [int(row[0]) for row in rows[1:]] == list(range(30))
    assert [float(row[1]) for row in rows[1:]] == model.history_["loss"]


def test_a_new_fit_starts_a_new_log(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    model = callback_model(CSVLogger(path))
    for _ in range(4):
        model.partial_fit(X, y, classes=[0, 1])
    model.fit(X, y)  # a new network: a new run
    assert [row[0] for row in _rows(path)] == ["epoch", "0", "1", "2"]
    model.set_params(warm_start=True).fit(X, y)  # a new fit call, as in Keras
    assert [row[0] for row in _rows(path)] == ["epoch", "3", "4", "5"]


def test_append_keeps_rows_across_fits(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    model = callback_model(CSVLogger(path, append=True), warm_start=True)
    model.fit(X, y)
    model.fit(X, y)
    assert [row[0] for row in _rows(path)] == ["epoch", *map(str, range(6))]


@pytest.mark.slow
def test_fit_csv_logs_every_chunk_and_reports_to_the_callers_objects(tmp_path,
                                                                    small_data,
                                                                     callback_model):
    X, y = small_data
    source = tmp_path / "data.csv"
    pd.DataFrame(X, columns=list("abcd")).assign(y=y).to_csv(source, index=False)
    log, best = tmp_path / "log.csv", tmp_path / "best.skdeep"
    logger, checkpoint = CSVLogger(log), ModelCheckpoint(best, monitor="loss")
    model = callback_model(logger, checkpoint)
    fit_csv(model, source, target="y", chunksize=40, n_passes=10)  # 30 epochs
    loss = model.history_["loss"]
    rows = _rows(log)
    assert len(rows) == 31 and [float(row[1]) for row in rows[1:]] == loss
    assert checkpoint.best_ == min(loss)
    assert checkpoint.saved_epoch_ == int(np.argmin(loss))
    # scikit-learn keeps set_callbacks' list there, with no public getter
    assert model._skl_callbacks[0] is logger and model._skl_callbacks[1] is checkpoint
    # a second stream is a new run, a new log
    fit_csv(model, source, target="y", chunksize=40)
    assert [row[0] for row in _rows(log)] == ["epoch", "30", "31", "32"]


def test_rows_are_readable_while_the_fit_runs(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    seen = []
    peek = LambdaCallback(lambda model, epoch, logs: seen.append(len(_rows(path))))
    callback_model(CSVLogger(path), peek, max_iter=5).fit(X, y)
    assert seen == [2, 3, 4, 5, 6]  # the header and every finished epoch


def test_one_fsync_when_the_fit_ends_not_per_epoch(tmp_path, small_data, monkeypatch,
                                                   callback_model):
    X, y = small_data
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd),
                                                 real_fsync(fd))[1])
    callback_model(CSVLogger(tmp_path / "log.csv"), max_iter=50).fit(X, y)
    # the file and its directory, once, when the fit ends
    assert len(synced) == 2
    assert len(_rows(tmp_path / "log.csv")) == 51


def test_appending_cuts_a_torn_last_row(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    model = callback_model(CSVLogger(path, append=True), warm_start=True)
    model.fit(X, y)
    with open(path, "a") as file:
        file.write("3,0.69")  # a crash in the middle of a row
    model.fit(X, y)
    rows = _rows(path)
    assert [row[0] for row in rows] == ["epoch", *map(str, range(6))]
    assert all(len(row) == 3 for row in rows)
    assert [float(row[1]) for row in rows[1:]] == model.history_["loss"]


def test_a_torn_header_starts_the_log_afresh(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    path.write_text("epoch,lo")
    callback_model(CSVLogger(path, append=True)).fit(X, y)
    assert [row[0] for row in _rows(path)] == ["epoch", "0", "1", "2"]


def test_append_refuses_other_columns(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss\n0,0.5\n")
    with pytest.raises(ValueError, match=r"has the columns \['epoch', 'loss'\]"):
        callback_model(CSVLogger(path, append=True)).fit(X, y)
    assert path.read_text() == "epoch,loss\n0,0.5\n"
