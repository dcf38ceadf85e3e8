"""The ``skdeep`` command line (also ``python -m skdeep``).

Commands: ``train`` a model on a CSV file, ``fit-csv`` to train chunk by chunk
on a file larger than memory, ``predict`` with a model, show its ``summary``,
``export`` it to ONNX, list or write the bundled ``datasets``, and ``demo``
(the default) which trains on the bundled data. Bad input ends with a one-line
``skdeep: error: ...`` message and exit status 2.

Parsing the arguments imports neither pandas nor scikit-learn: each command's
module is imported only when that command runs, so ``--help``, ``--version``
and usage errors answer at once.

The top of the package: it may import the package face, the estimators and
every edge package (never the engine's layers directly), and scikit-learn,
pandas and matplotlib for its commands.

Examples
--------
>>> from skdeep.cli import main
>>> main(["datasets"])  # doctest: +ELLIPSIS
shot_log ... rows ...
0
"""

import argparse
import importlib
import os
import sys

from .._version import __version__
from ..files import OutputPathError
from ._args import add_fit_csv, add_train, model_format
from ._errors import CLIError

__all__ = ["CLIError", "main"]

EXIT_USAGE = 2


def _add_predict(parser):
    parser.add_argument("model", metavar="MODEL", help="model file from train")
    parser.add_argument("data", metavar="DATA.csv", help="rows to predict")
    parser.add_argument("--proba", action="store_true",
                        help="class probabilities, one proba_<class> column each")
    parser.add_argument("--output", metavar="FILE",
                        help="CSV file to write (default: standard output)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace FILE if it exists")


def _add_summary(parser):
    parser.add_argument("model", metavar="MODEL")


def _add_export(parser):
    parser.add_argument("model", metavar="MODEL", help="model file from train")
    parser.add_argument("--onnx", required=True, metavar="FILE.onnx",
                        help="the ONNX file to write")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace FILE.onnx if it exists")


def _add_datasets(parser):
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="shot_log and/or transactions (default: both)")
    parser.add_argument("--write", metavar="DIR",
                        help="write NAME.csv files into this directory")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace NAME.csv files that exist")


# One row per subcommand: name, "module:function" run lazily, one-line help, the
# function adding its arguments (None: no arguments), extra add_parser options.
COMMANDS = [
    ("train", "._train:run_train", "train a model on a CSV file", add_train,
     {"description": "Train a DeepClassifier or DeepRegressor on the raw "
      "columns (it scales the numeric ones, learns text, category and bool "
      "columns as categories, and fills empty cells) with Keras-style epoch "
      "lines, print its summary and held-out scores, and save the model in "
      f"{model_format()}."}),
    ("fit-csv", "._stream:run_fit_csv", "train chunk by chunk on a CSV file "
     "larger than memory", add_fit_csv, {}),
    ("predict", "._predict:run_predict", "predict with a saved model",
     _add_predict, {}),
    ("summary", "._predict:run_summary", "describe a saved model", _add_summary,
     {}),
    ("export", "._export:run_export", "convert a saved model to ONNX for "
     "onnxruntime", _add_export,
     {"description": "Convert a model saved by 'skdeep train' or skdeep.save (a "
      "DeepClassifier, a DeepRegressor, or a pipeline ending in one) to an ONNX "
      "file that onnxruntime serves from Python, C++, C#, Java or JavaScript. "
      "Needs: pip install 'scikit-deep[onnx]'."}),
    ("datasets", "._demo:run_datasets", "list the bundled datasets or write "
     "them out as CSV", _add_datasets, {}),
    ("demo", "._demo:run_demo", "train on the bundled datasets and print "
     "progress, summaries and scores (the default)", None, {}),
]


def main(argv=None):
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 for bad input (usage, files, columns, model files).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help and usage errors
        return exit_.code
    try:
        return _command(getattr(args, "run", "._demo:run_demo"))(args)
    except BrokenPipeError:  # e.g. ``skdeep predict ... | head``: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        return _fail("not enough memory; use fewer or smaller hidden layers "
                     "(--hidden), fewer rows (--max-rows), or skdeep fit-csv")
    except (CLIError, OutputPathError, OSError) as error:
        return _fail(_os_message(error) if isinstance(error, OSError)
                     else str(error))


def _fail(message):
    print(f"skdeep: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _command(spec):
    module, function = spec.split(":")
    return getattr(importlib.import_module(module, __name__), function)


def _os_message(error):
    target = f"{error.filename}: " if error.filename else ""
    return f"{target}{error.strerror or error}"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line, like every other skdeep error."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} "
                  "--help)\n")


def build_parser():
    """The argparse parser with one subcommand per row of ``COMMANDS``."""
    parser = _Parser(
        prog="skdeep", description="Train, use and inspect skdeep networks from "
        "CSV files. With no command, runs the demo.")
    parser.add_argument("--version", action="version",
                        version=f"skdeep {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, run, help_, add_arguments, options in COMMANDS:
        command = commands.add_parser(name, help=help_, **options)
        if add_arguments is not None:
            add_arguments(command)
        command.set_defaults(run=run)
    return parser
