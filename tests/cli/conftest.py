"""What the command-line tests share: running ``skdeep`` in-process, a CSV of
the shot log, and the shape of its data errors."""

import pytest

from skdeep.cli import main
from skdeep.datasets import load_shot_log


@pytest.fixture
def cli(capsys):
    """``cli(*argv)``: run ``skdeep ARGV`` in-process; its exit status, stdout
    and stderr."""
    def run(*argv):
        status = main([str(arg) for arg in argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run


@pytest.fixture
def shots_csv(tmp_path):
    """The first 400 rows of the bundled shot log, as a CSV file."""
    path = tmp_path / "shots.csv"
    load_shot_log(as_frame=True).frame.head(400).to_csv(path, index=False)
    return path


@pytest.fixture
def one_line_error():
    """``one_line_error(status, err, *texts)``: the command failed as a data
    error does, with exit status 2 and one ``skdeep: error: `` line holding
    every text (no traceback)."""
    def check(status, err, *texts):
        assert status == 2 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("skdeep: error: "), err
        for text in texts:
            assert text in err, err
    return check
