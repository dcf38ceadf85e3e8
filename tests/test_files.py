"""skdeep.files: the one way skdeep writes files."""

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from skdeep.files import OutputPathError, atomic_write, check_writable


def _write(path, text, started=None):
    with atomic_write(path, "w") as file:
        if started is not None:
            started.wait()
        file.write(text * 1000)
    return text


def test_writes_the_whole_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    _write(path, "abc")
    assert path.read_text() == "abc" * 1000
    assert os.listdir(tmp_path) == ["out.txt"]


def test_failure_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path, "w") as file:
        file.write("half")
        raise RuntimeError("crash while writing")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_concurrent_threads_leave_one_complete_file(tmp_path):
    path = tmp_path / "out.txt"
    started = threading.Barrier(8)
    threads = [threading.Thread(target=_write, args=(path, f"{i:02d}", started))
               for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    content = path.read_text()
    # one writer's complete content, not a mixture
    assert len(content) == 2000 and content == content[:2] * 1000
    assert os.listdir(tmp_path) == ["out.txt"]


def test_concurrent_processes_leave_one_complete_file(tmp_path):
    path = tmp_path / "out.txt"
    with ProcessPoolExecutor(4) as pool:
        written = list(pool.map(_write, [path] * 8, [f"{i:02d}" for i in range(8)]))
    content = path.read_text()
    assert content[:2] in written and content == content[:2] * 1000
    assert os.listdir(tmp_path) == ["out.txt"]


def test_never_writes_through_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "out.txt"
    # plant links at every name a predictable scheme might use, and at the target
    for name in ["out.txt.tmp", f"out.txt.{os.getpid()}.tmp", ".out.txt.tmp"]:
        (tmp_path / name).symlink_to(victim)
    _write(target, "new")
    assert victim.read_text() == "precious"
    assert not target.is_symlink() and target.read_text() == "new" * 1000

    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    _write(link, "replaced")
    assert victim.read_text() == "precious"  # the link is replaced, not followed
    assert not link.is_symlink()


def test_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "out.txt"
    _write(path, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_binary_mode_and_bad_mode(tmp_path):
    with atomic_write(tmp_path / "b.bin") as file:
        file.write(b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    with pytest.raises(ValueError, match="mode must be"), \
            atomic_write(tmp_path / "c", "a"):
        pass


@pytest.mark.parametrize("case, expected", [
    ("missing directory", "does not exist"),
    ("existing file", "already exists; pass --overwrite"),
    ("an input", "is also an input"),
    ("input through a link", "is also an input"),
    ("a directory", "is a directory"),
])
def test_check_writable_refuses(tmp_path, case, expected):
    data = tmp_path / "train.csv"
    data.write_text("a,b\n")
    link = tmp_path / "alias.csv"
    link.symlink_to(data)
    path, kwargs = {
        "missing directory": (tmp_path / "no" / "m.skdeep", {}),
        "existing file": (data, {"overwrite": False}),
        "an input": (data, {"inputs": [data]}),
        "input through a link": (link, {"inputs": [data], "overwrite": True}),
        "a directory": (tmp_path, {}),
    }[case]
    with pytest.raises(OutputPathError, match=expected) as error:
        check_writable(path, **kwargs)
    assert str(path) in str(error.value)  # the path as the user typed it


def test_check_writable_accepts_a_new_file(tmp_path):
    target = tmp_path / "new.skdeep"
    assert check_writable(target, overwrite=False, inputs=[tmp_path / "x"]) is None
    assert list(tmp_path.iterdir()) == []  # checking writes nothing


# -- temporaries of killed writers ---------------------------------------------
_KILLED_WRITER = """
import sys, time
from skdeep.files import atomic_write
with atomic_write(sys.argv[1], "wb") as file:
    file.write(b"x" * 1_000_000)
    file.flush()
    print("writing", flush=True)
    time.sleep(600)
"""


def _writer_in_the_middle(path):
    """A child process stopped in the middle of ``atomic_write(path)``."""
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n"
    return child


def _temporaries(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock: POSIX")
def test_the_next_save_removes_what_killed_writers_left(tmp_path):
    path = tmp_path / "model.skdeep"
    for _ in range(3):
        child = _writer_in_the_middle(path)
        child.send_signal(signal.SIGKILL)
        child.wait()
    stale = _temporaries(tmp_path)
    assert len(stale) == 3 and all(name.startswith(".model.skdeep.")
                                   for name in stale)
    # what is not a temporary of this target stays
    others = [".other.skdeep.abcd1234.tmp", ".model.skdeep.notmine.tmp",
              ".model.skdeep.abcd1234.tmp.keep", "model.skdeep.abcd1234.tmp"]
    for name in others:
        (tmp_path / name).write_text("not skdeep's")
    time.sleep(0.05)  # past the coarse clock of file times
    _write(path, "new")
    assert path.read_text() == "new" * 1000
    assert sorted(os.listdir(tmp_path)) == sorted(["model.skdeep", *others])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock: POSIX")
def test_a_write_in_progress_is_left_alone(tmp_path):
    path = tmp_path / "model.skdeep"
    child = _writer_in_the_middle(path)
    try:
        in_progress = _temporaries(tmp_path)
        time.sleep(0.05)
        _write(path, "new")
        assert _temporaries(tmp_path) == in_progress  # its lock is held
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    _write(path, "newer")  # once the writer is dead, its file is stale
    assert os.listdir(tmp_path) == ["model.skdeep"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock: POSIX")
def test_a_symlink_named_like_a_temporary_is_not_followed(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    link = tmp_path / ".model.skdeep.abcd1234.tmp"
    os.utime(target, (0, 0))
    os.symlink(target, link)
    _write(tmp_path / "model.skdeep", "new")
    assert target.read_text() == "keep" and link.is_symlink()
