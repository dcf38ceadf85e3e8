"""The command line never destroys a file: outputs are checked before any work,
existing files are kept unless --overwrite, inputs are never overwritten, and
writes are atomic."""

import numpy as np
import pandas as pd
import pytest

TRAIN = ["--target", "shot_result", "--hidden", "4", "--max-iter", "2", "--quiet"]


@pytest.fixture
def shots_model(tmp_path, shots_csv, cli):
    path = tmp_path / "shots.skdeep"
    status, _, _ = cli("train", shots_csv, *TRAIN, "--output", path)
    assert status == 0
    return path


def test_existing_output_is_kept_unless_overwrite(tmp_path, shots_csv, cli,
                                                  one_line_error):
    output = tmp_path / "m.skdeep"
    output.write_text("precious")
    status, out, err = cli("train", shots_csv, *TRAIN, "--output", output)
    one_line_error(status, err, f"{output} already exists; pass --overwrite")
    assert output.read_text() == "precious"
    assert "Total params" not in out  # refused before training
    status, _, _ = cli("train", shots_csv, *TRAIN, "--output", output,
                       "--overwrite")
    assert status == 0
    assert output.read_bytes()[:2] == b"PK"  # now a model file (a zip)


def test_default_output_is_not_overwritten(tmp_path, shots_csv,
                                           monkeypatch, cli, one_line_error):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.skdeep").write_text("an older model")
    status, _, err = cli("train", shots_csv, *TRAIN)
    one_line_error(status, err, "model.skdeep already exists")
    assert (tmp_path / "model.skdeep").read_text() == "an older model"


@pytest.mark.parametrize("which", ["train data", "train plot", "predict data",
                                   "predict model"])
def test_an_input_is_never_an_output(tmp_path, shots_csv, shots_model,
                                     which, cli, one_line_error):
    argv = {
        "train data": ["train", shots_csv, *TRAIN, "--output", shots_csv],
        "train plot": ["train", shots_csv, *TRAIN, "--output",
                       tmp_path / "new.skdeep", "--plot", shots_csv],
        "predict data": ["predict", shots_model, shots_csv, "--output", shots_csv],
        "predict model": ["predict", shots_model, shots_csv, "--output",
                          shots_model],
    }[which]
    before = {path: path.read_bytes() for path in (shots_csv, shots_model)}
    status, _, err = cli(*argv, "--overwrite")
    one_line_error(status, err, "is also an input of this command")
    assert {path: path.read_bytes() for path in before} == before


def test_missing_output_directory_fails_before_reading(tmp_path, cli, one_line_error):
    """The output is checked first: the data file does not even exist here, and
    the message names the path as typed, not a temporary file."""
    output = tmp_path / "no" / "such" / "dir" / "m.skdeep"
    status, out, err = cli("train", tmp_path / "missing.csv", "--target",
                           "y", "--output", output)
    one_line_error(status, err, f"{output}: the directory")
    assert ".tmp" not in err and "missing.csv" not in err
    assert out == ""


def test_missing_plot_directory_fails_before_training(tmp_path, shots_csv, cli,
                                                      one_line_error):
    plot = tmp_path / "nowhere" / "h.png"
    status, out, err = cli("train", shots_csv, *TRAIN, "--output",
                           tmp_path / "m.skdeep", "--plot", plot)
    one_line_error(status, err, f"{plot}: the directory")
    assert out == "" and not (tmp_path / "m.skdeep").exists()


def test_predict_output_checked_before_loading(tmp_path, shots_csv, cli,
                                               one_line_error):
    output = tmp_path / "gone" / "p.csv"
    status, _, err = cli("predict", tmp_path / "nope.skdeep", shots_csv,
                         "--output", output)
    one_line_error(status, err, f"{output}: the directory")


def test_failed_prediction_write_keeps_the_old_file(tmp_path, shots_csv,
                                                    shots_model,
                                                    monkeypatch, cli):
    output = tmp_path / "p.csv"
    output.write_text("old predictions\n")

    def write_half_then_fail(frame, file, **kwargs):
        file.write("prediction\n1\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_half_then_fail)
    status, _, err = cli("predict", shots_model, shots_csv, "--output",
                         output, "--overwrite")
    assert status == 2 and "Traceback" not in err
    assert err.splitlines()[-1] == f"skdeep: error: {output}: No space left on device"
    assert output.read_text() == "old predictions\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["p.csv", "shots.csv", "shots.skdeep"])  # no temporary file left


def test_predict_overwrite_replaces_the_file(tmp_path, shots_csv, shots_model, cli,
                                             one_line_error):
    output = tmp_path / "p.csv"
    output.write_text("old predictions\n")
    status, _, err = cli("predict", shots_model, shots_csv, "--output",
                         output)
    one_line_error(status, err, "already exists")
    status, _, _ = cli("predict", shots_model, shots_csv, "--output",
                       output, "--overwrite")
    assert status == 0
    assert len(pd.read_csv(output)) == len(pd.read_csv(shots_csv))  # one per row


def test_datasets_write_keeps_existing_files(tmp_path, cli, one_line_error):
    (tmp_path / "shot_log.csv").write_text("mine\n")
    status, _, err = cli("datasets", "--write", tmp_path)
    one_line_error(status, err, "shot_log.csv already exists")
    assert (tmp_path / "shot_log.csv").read_text() == "mine\n"
    assert not (tmp_path / "transactions.csv").exists()  # checked before writing
    status, _, _ = cli("datasets", "--write", tmp_path, "--overwrite")
    assert status == 0
    assert len(pd.read_csv(tmp_path / "shot_log.csv")) == 3000
    np.testing.assert_array_equal(pd.read_csv(tmp_path / "transactions.csv").shape,
                                  (2000, 6))


@pytest.mark.slow
def test_a_model_that_cannot_be_written_names_its_file(tmp_path, shots_csv):
    """A file-size limit (as a full disk) stops the write with EFBIG, which
    names no file: the error names the model file, and nothing is left."""
    import resource
    import signal
    import subprocess
    import sys

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    output = tmp_path / "model.skdeep"
    result = subprocess.run(
        [sys.executable, "-m", "skdeep", "train", str(shots_csv), *TRAIN,
         "--output", str(output)], capture_output=True, text=True, timeout=300,
        preexec_fn=limit_file_size)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"skdeep: error: {output}: File too large"), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shots.csv"]
