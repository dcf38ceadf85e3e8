"""The command line's one error type (kept free of imports so --help stays fast)."""

import contextlib

from ._words import cli_words

__all__ = ["CLIError", "as_cli_error"]


class CLIError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""


@contextlib.contextmanager
def as_cli_error(context):
    """Turn a ValueError/TypeError from sklearn or skdeep into a one-line CLIError."""
    try:
        yield
    except (ValueError, TypeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CLIError(cli_words(f"{context}: {first_line or type(error).__name__}")
                       ) from None
