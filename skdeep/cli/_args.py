"""The options of ``skdeep train`` and ``skdeep fit-csv``, and their checks.

Only argparse is imported here: parsing must not import pandas or scikit-learn.
"""

import argparse
import math

__all__ = ["add_fit_csv", "add_train", "model_format", "MAX_ROWS", "MAX_UNITS"]

MAX_ROWS = 1_000_000  # default of --max-rows: beyond it, use fit-csv
MAX_UNITS = 100_000  # per hidden layer; larger layers cannot fit in memory
# weights between hidden layers; with Adam's two moment vectors and the gradient
# that is 3.2 GB in float64, beyond which training would exhaust memory or time
MAX_HIDDEN_WEIGHTS = 100_000_000
MAX_SEED = 2**32 - 1  # numpy's largest seed


def model_format():
    """How ``skdeep train`` writes models, for --help and messages."""
    return "skdeep's safe model format (read back with skdeep.load)"


def _add_common(parser, outputs="--output"):
    """Options train and fit-csv share: target, task, network, output
    (``outputs``: the command's output options, for --overwrite's help)."""
    parser.add_argument("data", metavar="DATA.csv")
    parser.add_argument("--target", required=True, metavar="COLUMN",
                        help="the column to predict")
    parser.add_argument("--task", choices=["auto", "classification", "regression"],
                        default="auto", help="auto: strings, booleans and whole "
                        "numbers with at most 20 values are classes (missing "
                        "targets are ignored); other numbers are regression "
                        "(default: auto)")
    parser.add_argument("--hidden", type=_layer_sizes, default=(100, 100),
                        metavar="N,N,...", help="hidden layer sizes (default: "
                        "100,100)")
    parser.add_argument("--learning-rate", type=_positive_float, default=0.001,
                        metavar="RATE", dest="learning_rate_init",
                        help="Adam's step size (default: 0.001)")
    parser.add_argument("--random-state", type=_seed, default=0, metavar="SEED",
                        help=f"0 to {MAX_SEED} (default: 0)")
    parser.add_argument("--output", default="model.skdeep", metavar="MODEL",
                        help="where to save the model (default: model.skdeep); "
                        "an existing file is kept unless --overwrite")
    parser.add_argument("--overwrite", action="store_true",
                        help=f"replace {outputs} files that exist")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def add_train(parser):
    """The arguments of ``skdeep train``."""
    _add_common(parser, outputs="--output (and --plot)")
    parser.add_argument("--max-iter", type=_positive_int, default=200,
                        metavar="N", help="maximum epochs (default: 200)")
    parser.add_argument("--early-stopping", action=argparse.BooleanOptionalAction,
                        default=None, help="hold out 10%% of the training rows "
                        "and stop when their loss stops improving (default: on "
                        "above 500 training rows, as the estimators' "
                        "early_stopping='auto')")
    parser.add_argument("--test-size", type=_fraction, default=0.2, metavar="FRAC",
                        help="fraction of rows held out for scoring (default: 0.2)")
    _add_categorical(parser)
    parser.add_argument("--max-rows", type=_positive_int, default=MAX_ROWS,
                        metavar="N", help="refuse files with more rows (default: "
                        f"{MAX_ROWS:,}); larger files: skdeep fit-csv")
    parser.add_argument("--plot", metavar="FILE.png", help="save the loss curves "
                        "(needs matplotlib: pip install 'scikit-deep[plot]')")


def _add_categorical(parser):
    parser.add_argument("--categorical", action="append", default=[],
                        metavar="COLUMN", help="treat COLUMN as text categories "
                        "even if it looks numeric (repeat for several)")


def add_fit_csv(parser):
    """The arguments of ``skdeep fit-csv``."""
    parser.description = (
        "Train like train, but stream the file in chunks (only one chunk in "
        "memory): a first pass reads the whole file to check it and find the "
        "classes and each text column's categories, then every pass gives each "
        "chunk one epoch. Numeric columns are scaled with the first chunk's "
        "statistics and their empty cells filled with its means, so make the "
        "first --chunksize rows representative (shuffle a sorted file). There "
        "is no held-out scoring.")
    _add_common(parser)
    parser.add_argument("--passes", type=_positive_int, default=10, metavar="N",
                        help="passes over the file, i.e. epochs (default: 10)")
    parser.add_argument("--chunksize", type=_positive_int, default=10_000,
                        metavar="ROWS", help="rows per chunk (default: 10000)")
    _add_categorical(parser)


def _layer_sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, like 100,100; "
            f"got {text!r}")
    if max(sizes) > MAX_UNITS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_UNITS:,} units per layer; got {text!r}")
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    if weights > MAX_HIDDEN_WEIGHTS:
        raise argparse.ArgumentTypeError(
            f"{text!r} connects its layers with {weights:,} weights, more than "
            f"{MAX_HIDDEN_WEIGHTS:,}; use smaller layers")
    return sizes


def _checked(parse, accept, expected):
    """An argparse ``type``: the text ``parse``d (int or float), refused with
    ``expected`` unless ``accept`` takes the value."""
    def convert(text):
        try:
            value = parse(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}; got {text!r}")
        return value
    return convert


_positive_int = _checked(int, lambda value: value >= 1, "a positive integer")
_seed = _checked(int, lambda value: 0 <= value <= MAX_SEED,
                 f"an integer from 0 to {MAX_SEED}")
_positive_float = _checked(float, lambda value: math.isfinite(value) and value > 0,
                           "a positive number")
_fraction = _checked(float, lambda value: 0 < value < 1, "a number between 0 and 1")
