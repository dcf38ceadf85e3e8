"""Reading CSV files and model files for the command line, with one-line errors."""

import contextlib
from pathlib import Path

import pandas as pd

from ..plotting import final_estimator

__all__ = ["CLIError", "as_cli_error", "load_model", "model_format",
           "read_csv", "save_model"]


class CLIError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""


@contextlib.contextmanager
def as_cli_error(context):
    """Turn a ValueError/TypeError from sklearn or skdeep into a one-line CLIError."""
    try:
        yield
    except (ValueError, TypeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CLIError(f"{context}: {first_line or type(error).__name__}") from None


def read_csv(path):
    """The CSV at ``path`` as a DataFrame with at least one row, or a CLIError."""
    path = Path(path)
    if not path.exists():
        raise CLIError(f"{path}: no such file")
    if path.is_dir():
        raise CLIError(f"{path}: is a directory, not a CSV file")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path}: the file is empty (expected a CSV with a header "
                       "row)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0]
        raise CLIError(f"{path}: not a readable CSV file ({reason})") from None
    if frame.empty:
        raise CLIError(f"{path}: has a header but no data rows")
    return frame


def model_format():
    """How ``skdeep train`` writes models, for --help and messages."""
    return "skdeep's safe model format (read back with skdeep.load)"


def save_model(model, path):
    """Write ``model`` to ``path`` in skdeep's safe model format."""
    from ..persistence import save

    save(model, path)


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
        reason = str(error).removeprefix("model file: ")
        raise CLIError(f"{path}: {reason}") from None
    if not hasattr(final_estimator(model), "history_"):
        raise CLIError(f"{path}: holds an unfitted {type(model).__name__}; train "
                       "it before saving")
    return model
