"""The ``skdeep`` command line (also ``python -m skdeep``).

Commands: ``train`` a model on a CSV file, ``predict`` with it, show its
``summary``, list or write the bundled ``datasets``, and ``demo`` (the default)
which trains on the bundled data. Bad input ends with a one-line
``skdeep: error: ...`` message and exit status 2.

Examples
--------
>>> from skdeep.cli import main
>>> main(["datasets"])  # doctest: +ELLIPSIS
shot_log ... rows ...
0
"""

import argparse
import os
import sys

from ._demo import run_datasets, run_demo
from ._export import add_export_command
from ._io import CLIError, model_format
from ._predict import run_predict, run_summary
from ._train import run_train

__all__ = ["CLIError", "main"]

EXIT_USAGE = 2


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
    command = getattr(args, "run", run_demo)
    try:
        return command(args)
    except BrokenPipeError:  # e.g. ``skdeep predict ... | head``: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (CLIError, OSError) as error:
        message = str(error) if isinstance(error, CLIError) else _os_message(error)
        print(f"skdeep: error: {message}", file=sys.stderr)
        return EXIT_USAGE


def _os_message(error):
    target = f"{error.filename}: " if error.filename else ""
    return f"{target}{error.strerror or error}"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line, like every other skdeep error."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} "
                  "--help)\n")


def build_parser():
    """The argparse parser with one subcommand per action."""
    parser = _Parser(
        prog="skdeep", description="Train, use and inspect skdeep networks from "
        "CSV files. With no command, runs the demo.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_train(commands)
    predict = commands.add_parser("predict", help="predict with a saved model")
    predict.add_argument("model", metavar="MODEL", help="model file from train")
    predict.add_argument("data", metavar="DATA.csv", help="rows to predict")
    predict.add_argument("--proba", action="store_true",
                         help="class probabilities, one proba_<class> column each")
    predict.add_argument("--output", metavar="FILE",
                         help="CSV file to write (default: standard output)")
    predict.set_defaults(run=run_predict)
    summary = commands.add_parser("summary", help="describe a saved model")
    summary.add_argument("model", metavar="MODEL")
    summary.set_defaults(run=run_summary)
    add_export_command(commands)
    datasets = commands.add_parser("datasets", help="list the bundled datasets or "
                                   "write them out as CSV")
    datasets.add_argument("names", nargs="*", metavar="NAME",
                          help="shot_log and/or transactions (default: both)")
    datasets.add_argument("--write", metavar="DIR",
                          help="write NAME.csv files into this directory")
    datasets.set_defaults(run=run_datasets)
    demo = commands.add_parser("demo", help="train on the bundled datasets and "
                               "print progress, summaries and scores (the default)")
    demo.set_defaults(run=run_demo)
    return parser


def _add_train(commands):
    train = commands.add_parser(
        "train", help="train a model on a CSV file",
        description="Scale numeric columns, one-hot encode string columns, train "
        "a DeepClassifier or DeepRegressor with Keras-style epoch lines, print its "
        "summary and held-out scores, and save the whole pipeline in "
        f"{model_format()}.")
    train.add_argument("data", metavar="DATA.csv")
    train.add_argument("--target", required=True, metavar="COLUMN",
                       help="the column to predict")
    train.add_argument("--task", choices=["auto", "classification", "regression"],
                       default="auto", help="auto: strings, booleans and integers "
                       "with at most 20 values are classes; other numbers are "
                       "regression (default: auto)")
    train.add_argument("--hidden", type=_layer_sizes, default=(100, 100),
                       metavar="N,N,...", help="hidden layer sizes (default: 100,100)")
    train.add_argument("--max-iter", type=_positive_int, default=200, metavar="N",
                       help="maximum epochs (default: 200)")
    train.add_argument("--learning-rate", type=float, default=0.001, metavar="RATE",
                       dest="learning_rate_init", help="Adam's step size "
                       "(default: 0.001)")
    train.add_argument("--early-stopping", action="store_true", help="hold out 10%% "
                       "of the training rows; stop when their loss stops improving")
    train.add_argument("--test-size", type=_fraction, default=0.2, metavar="FRAC",
                       help="fraction of rows held out for scoring (default: 0.2)")
    train.add_argument("--random-state", type=int, default=0, metavar="SEED")
    train.add_argument("--output", default="model.skdeep", metavar="MODEL",
                       help="where to save the model (default: model.skdeep)")
    train.add_argument("--plot", metavar="FILE.png", help="save the loss curves "
                       "(needs matplotlib: pip install 'skdeep[plot]')")
    train.add_argument("--quiet", action="store_true", help="no epoch lines")
    train.set_defaults(run=run_train)


def _layer_sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, like 100,100; "
            f"got {text!r}")
    return sizes


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1; "
                                         f"got {text!r}")
    return value
