"""Every file skdeep writes goes through here: atomic, exclusive, never over an input.

``atomic_write`` creates a new temporary file in the target's directory with
``O_CREAT | O_EXCL`` (``tempfile.mkstemp``: a random name, never an existing
file and never through a symlink planted at a guessable name), lets the caller
write it, flushes and fsyncs it, then renames it over the target with
``os.replace``. Readers therefore see the old file or the complete new one,
never a partial one; concurrent writers to one path each write their own
temporary file and the last rename wins. On any failure the temporary file is
removed and the target is untouched.

``check_writable`` runs the same checks before any work starts (the directory
exists, an existing file is only replaced when asked, an output is never one of
the command's own inputs), so a long training run never ends in a bad path.
"""

import contextlib
import os
import tempfile

__all__ = ["atomic_write", "check_writable", "OutputPathError"]


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
def atomic_write(path, mode="wb"):
    """Write ``path`` atomically: yield a new exclusive temporary file beside it.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace. A symlink at ``path`` is replaced by the
        new file, never written through.
    mode : {'wb', 'w'}, default='wb'
        Binary, or text (UTF-8, newline translation off).

    Yields
    ------
    file : file object
        Open for writing; renamed over ``path`` when the block ends without an
        exception, removed otherwise.

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
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        text = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(descriptor, mode, **text) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def _sync_directory(directory):
    """Make the rename itself durable (where the platform allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
