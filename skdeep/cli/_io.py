"""Reading CSV and model files, and writing outputs, with one-line errors.

Every read goes through :func:`_reading`, which turns pandas' and the
decompressors' exceptions into a CLIError naming the file; every write goes
through :mod:`skdeep.files` (atomic, never over an input).
"""

import contextlib
import gzip
import os
import zipfile
from pathlib import Path

import pandas as pd

from ..files import atomic_write, check_writable
from ..plotting import final_estimator
from ..streaming import long_first_row
from ._args import model_format
from ._errors import CLIError, as_cli_error

__all__ = ["CLIError", "as_cli_error", "check_outputs", "line_numbers",
           "load_model", "model_format", "read_columns", "read_csv",
           "read_target", "save_model", "write_csv"]

# the decompressors' errors for a damaged .gz/.zip/.xz file (EOFError: truncated)
_UNREADABLE = (pd.errors.ParserError, UnicodeDecodeError, ValueError, EOFError,
               zipfile.BadZipFile, gzip.BadGzipFile)


@contextlib.contextmanager
def _reading(path):
    """Check ``path`` is a file, and name it in any error the reader raises."""
    if not path.exists():
        raise CLIError(f"{path}: no such file")
    if path.is_dir():
        raise CLIError(f"{path}: is a directory, not a CSV file")
    try:
        yield
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path}: the file is empty (expected a CSV with a header "
                       "row)") from None
    except _UNREADABLE as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CLIError(f"{path}: not a readable CSV file ({reason})") from None


def line_numbers(index):
    """CSV line numbers of data rows (the header is line 1; blank lines skipped)."""
    return [int(row) + 2 for row in index]


def _check_row_widths(path):
    """Refuse a first data row longer than the header: pandas would shift every
    column by taking its first field for a row index."""
    found = long_first_row(path)
    if found is not None:
        line, seen, width = found
        raise CLIError(f"{path}: line {line} has {seen} fields but the header has "
                       f"{width}; every row needs one field per column")


def read_columns(path):
    """The header's column names (after checking the first row's width)."""
    path = Path(path)
    with _reading(path):
        columns = [str(name) for name in pd.read_csv(path, nrows=0).columns]
        _check_row_widths(path)
    return columns


def read_target(path, target, max_rows):
    """The target column alone (a cheap first read), at most ``max_rows`` rows."""
    path = Path(path)
    with _reading(path):
        column = pd.read_csv(path, usecols=[target], nrows=max_rows + 1,
                             index_col=False)[target]
    if column.empty:
        raise CLIError(f"{path}: has a header but no data rows")
    if len(column) > max_rows:
        raise CLIError(f"{path}: has more than {max_rows:,} rows, the --max-rows "
                       "limit (default 1,000,000); raise --max-rows, or train "
                       "chunk by chunk with skdeep fit-csv")
    return column


def read_csv(path, max_rows=None, text_columns=()):
    """The CSV at ``path`` as a DataFrame with at least one row, or a CLIError.

    ``text_columns`` are read as the file's text (empty cells as missing), not
    as numbers: categories that look like numbers ('01', '7').
    """
    path = Path(path)
    dtype = {name: str for name in text_columns} or None
    with _reading(path):
        _check_row_widths(path)
        frame = pd.read_csv(path, nrows=max_rows, index_col=False, dtype=dtype)
    if frame.empty:
        raise CLIError(f"{path}: has a header but no data rows")
    return frame


def check_outputs(outputs, *, overwrite, inputs):
    """Refuse output paths before anything is read (OutputPathError, exit 2)."""
    outputs = [path for path in outputs if path is not None]
    for i, path in enumerate(outputs):
        # a second output on the same file would overwrite the first
        check_writable(path, overwrite=overwrite, inputs=[*inputs, *outputs[:i]])


def write_csv(frame, path):
    """Write ``frame`` (without its index) to ``path`` atomically."""
    try:
        with atomic_write(path, "w") as file:
            frame.to_csv(file, index=False)
    except OSError as error:
        raise _naming(error, path) from None


def _naming(error, path):
    """``error`` naming a file: the one the user asked for when it names none (a
    full disk or a file-size limit names no file)."""
    if error.filename:
        return error
    return OSError(error.errno, error.strerror or str(error), str(path))


def save_model(model, path):
    """Write ``model`` to ``path`` in skdeep's safe model format."""
    from ..persistence import save

    try:
        save(model, path)
    except OSError as error:
        raise _naming(error, path) from None


def load_model(path):
    """The model stored at ``path``, or a CLIError saying why it is not one."""
    from ..exceptions import ModelFileError
    from ..persistence import load

    path = Path(path)
    if not path.is_file():
        raise CLIError(f"{path}: no such model file")
    try:
        model = load(path)
    except ModelFileError as error:
        reason = str(error).removeprefix(f"{os.fspath(path)}: ")
        raise CLIError(f"{path}: {reason}") from None
    if not hasattr(final_estimator(model), "history_"):
        raise CLIError(f"{path}: holds an unfitted {type(model).__name__}; train "
                       "it before saving")
    return model
