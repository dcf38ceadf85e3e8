"""Every file skdeep writes goes through here: atomic, exclusive, never over an input.

``atomic_write`` creates a new temporary file in the target's directory with
``O_CREAT | O_EXCL`` (``tempfile.mkstemp``: a random name, never an existing
file and never through a symlink planted at a guessable name), lets the caller
write it, flushes and fsyncs it, then renames it over the target with
``os.replace``. Readers therefore see the old file or the complete new one,
never a partial one; concurrent writers to one path each write their own
temporary file and the last rename wins. On any failure the temporary file is
removed and the target is untouched. A process killed while writing (SIGKILL,
power loss) cannot remove its temporary file; the next successful write of the
same target removes such stale ones (see ``atomic_write``).

``open_append`` opens a log for appending lines, after the last complete one.

``check_writable`` runs the same checks before any work starts (the directory
exists, an existing file is only replaced when asked, an output is never one of
the command's own inputs), so a long training run never ends in a bad path.
"""

import contextlib
import os
import re
import stat
import tempfile

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so no stale-file cleanup
    fcntl = None

__all__ = ["atomic_write", "check_writable", "make_durable", "open_append",
           "OutputPathError"]

# the random part mkstemp puts between the prefix and the suffix
_RANDOM = "[a-z0-9_]{8}"


def _umask():
    # read once at import: os.umask can only be read by setting it, which would
    # race with files other threads create
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp makes files private (0600); a finished file gets the permissions a
# plain open() would have given it
_FILE_MODE = 0o666 & ~_umask()


class OutputPathError(ValueError):
    """An output path that cannot or must not be written; the message names the
    path as the user gave it and says what to do."""


def check_writable(path, *, overwrite=True, inputs=()):
    """Refuse an output path before any work is done.

    Parameters
    ----------
    path : str or os.PathLike
        The file to be written, as the user gave it.
    overwrite : bool, default=True
        Whether an existing file may be replaced.
    inputs : iterable of str or os.PathLike, default=()
        Files the same operation reads; writing over one of them is refused
        even with ``overwrite=True``.

    Raises
    ------
    OutputPathError
        If the directory does not exist or is not writable, the path is a
        directory, the file exists and ``overwrite`` is False, or the path is
        one of ``inputs`` (compared after resolving links).

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeep.files import check_writable, OutputPathError
    >>> folder = tempfile.mkdtemp()
    >>> data = os.path.join(folder, "train.csv")
    >>> open(data, "w").close()
    >>> try:
    ...     check_writable(data, inputs=[data])
    ... except OutputPathError as error:
    ...     print("refused:", "also an input" in str(error))
    refused: True
    """
    shown = os.fspath(path)
    target = os.path.realpath(shown)
    for source in inputs:
        if os.path.realpath(os.fspath(source)) == target:
            raise OutputPathError(f"{shown} is also an input of this command; "
                                  "write the output to another file.")
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise OutputPathError(f"{shown}: the directory {os.path.dirname(shown)!r} "
                              "does not exist; create it first or choose another "
                              "path.")
    if os.path.isdir(target):
        raise OutputPathError(f"{shown} is a directory; give a file name.")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputPathError(f"{shown}: the directory is not writable; choose "
                              "another path.")
    if not overwrite and os.path.lexists(shown):
        raise OutputPathError(f"{shown} already exists; pass --overwrite to "
                              "replace it, or choose another path.")


@contextlib.contextmanager
def atomic_write(path, mode="wb", *, durable=True):
    """Write ``path`` atomically: yield a new exclusive temporary file beside it.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace. A symlink at ``path`` is replaced by the
        new file, never written through.
    mode : {'wb', 'w'}, default='wb'
        Binary, or text (UTF-8, newline translation off).
    durable : bool, default=True
        fsync the file before the rename and the directory after it. False
        skips both: readers still see the old or the complete new file, but a
        power loss may lose the new one until the caller calls
        :func:`make_durable` (a log that appends rows and syncs at its end).

    Yields
    ------
    file : file object
        Open for writing; renamed over ``path`` when the block ends without an
        exception, removed otherwise.

    Notes
    -----
    The temporary file is ``.<name>.<8 random characters>.tmp`` beside
    ``path``, and its writer holds an exclusive ``flock`` on it until the
    rename. After a successful rename, the temporary files of the same target
    that a killed writer left behind are removed: those whose name has exactly
    that form, that are regular files, that were last modified before this
    write's own temporary file was created, and whose lock nobody holds (the
    system releases the lock of a process that died). A write in progress in
    another thread or process holds its lock, or has written since this one
    began, and is left alone. Without ``fcntl`` (Windows) nothing is removed.

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeep.files import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_write(path, "w") as file:
    ...     _ = file.write("complete or absent")
    >>> open(path).read()
    'complete or absent'
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w'; got {mode!r}.")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary, lock, created = _locked_temporary(path, directory)
    try:
        text = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(descriptor, mode, **text) as file:
            yield file
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    if durable:
        _sync_directory(directory)
    _remove_stale_temporaries(path, directory, created)


def make_durable(file, path):
    """Flush and fsync the open ``file`` of ``path``, then fsync its directory,
    so that the file and its name survive a power loss."""
    file.flush()
    os.fsync(file.fileno())
    _sync_directory(os.path.dirname(os.path.abspath(os.fspath(path))))


def _locked_temporary(path, directory):
    """A new temporary file for ``path``: (descriptor, name, lock, created).

    ``lock`` is a second descriptor holding the file's exclusive flock until
    the caller closes it (after the rename); ``created`` its creation time.
    """
    while True:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
        if fcntl is None:
            return descriptor, temporary, None, 0
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        info = os.fstat(descriptor)
        if info.st_nlink:  # a cleaner could only take it before it was locked
            return descriptor, temporary, os.dup(descriptor), info.st_mtime_ns
        os.close(descriptor)


def _remove_stale_temporaries(path, directory, created):
    """Remove the temporary files of ``path`` that killed writers left: named as
    ``atomic_write`` names them, older than ``created`` and not locked."""
    if fcntl is None:
        return
    pattern = re.compile(re.escape(f".{os.path.basename(path)}.") + _RANDOM
                         + re.escape(".tmp"))
    try:
        names = [name for name in os.listdir(directory) if pattern.fullmatch(name)]
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            _remove_if_stale(os.path.join(directory, name), created)


def _remove_if_stale(candidate, created):
    info = os.lstat(candidate)
    if not stat.S_ISREG(info.st_mode) or info.st_mtime_ns >= created:
        return
    descriptor = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a live writer holds it
        if os.path.samestat(os.fstat(descriptor), os.lstat(candidate)):
            os.unlink(candidate)
    finally:
        os.close(descriptor)


def open_append(path):
    """Open the text file ``path`` to append lines after its last complete one.

    A crash while a line was being written can leave a torn last line (no
    final newline): it is cut off, so the lines appended next start cleanly.
    The caller flushes, and fsyncs when the file must be durable.

    Parameters
    ----------
    path : str or os.PathLike
        An existing file.

    Returns
    -------
    file : text file object (UTF-8, newline translation off)

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeep.files import open_append
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = open(path, "w").write("epoch,loss\\n0,0.5\\n1,0.")  # a torn last row
    >>> with open_append(path) as file:
    ...     _ = file.write("1,0.4\\n")
    >>> open(path).read().splitlines()
    ['epoch,loss', '0,0.5', '1,0.4']
    """
    descriptor = os.open(path, os.O_RDWR)
    try:
        keep = _after_last_newline(descriptor)
        os.ftruncate(descriptor, keep)
        os.lseek(descriptor, keep, os.SEEK_SET)
        return os.fdopen(descriptor, "a", encoding="utf-8", newline="")
    except BaseException:
        os.close(descriptor)
        raise


def _after_last_newline(descriptor, block=4096):
    """The offset just after the file's last newline (0 when it has none)."""
    end = os.lseek(descriptor, 0, os.SEEK_END)
    while end > 0:
        start = max(0, end - block)
        cut = os.pread(descriptor, end - start, start).rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        end = start
    return 0


def _sync_directory(directory):
    """Make the rename itself durable (where the platform allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
