"""``skdeep fit-csv``: train chunk by chunk on a CSV file larger than memory.

A first read of the target column alone decides the task (as ``train`` does)
and refuses missing targets and single-class files before anything else is
parsed; :func:`skdeep.streaming.fit_csv` then fits a StandardScaler in one pass
and trains with one progress line per chunk. Memory stays near one chunk.
"""

from pathlib import Path

import pandas as pd

from ._columns import SHOWN, infer_task
from ._errors import CLIError
from ._io import (
    _reading,
    check_outputs,
    line_numbers,
    model_format,
    read_columns,
    save_model,
)
from ._words import cli_words

__all__ = ["run_fit_csv"]

# distinct target values kept while reading: enough to tell labels from numbers
MAX_DISTINCT = 10_000


def run_fit_csv(args):
    """The ``skdeep fit-csv`` command; returns the exit status."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from .. import DeepClassifier, DeepRegressor
    from ..streaming import fit_csv

    check_outputs([args.output], overwrite=args.overwrite, inputs=[args.data])
    columns = read_columns(args.data)
    _check_columns(columns, args)
    n_rows, distinct = _read_target(args)
    task = infer_task(distinct, args.task)
    if task == "classification" and len(distinct) < 2:
        raise CLIError(f"{args.data}: column {args.target!r} has one class "
                       f"({distinct.iloc[0]!r}) in all {n_rows} rows; a classifier "
                       "needs at least two")
    kind = DeepClassifier if task == "classification" else DeepRegressor
    network = kind(hidden_layer_sizes=args.hidden, random_state=args.random_state,
                   learning_rate_init=args.learning_rate_init)
    print(f"{kind.__name__} ({task}) predicting {args.target!r} from "
          f"{len(columns) - 1} numeric columns (scaled); {n_rows} rows streamed in "
          f"chunks of {args.chunksize}, {args.passes} passes")
    scaler = StandardScaler()
    try:
        fit_csv(network, args.data, target=args.target, chunksize=args.chunksize,
                n_passes=args.passes, scaler=scaler, verbose=0 if args.quiet else 1)
    except (ValueError, TypeError) as error:
        reason = str(error).strip().splitlines()[0].removeprefix("fit_csv: ")
        raise CLIError(cli_words(reason)) from None
    network.summary()
    print(f"final training loss: {network.loss_:.4f}")
    save_model(Pipeline([("scale", scaler), ("model", network)]), args.output)
    print(f"saved model to {args.output} in {model_format()}")
    return 0


def _check_columns(columns, args):
    if args.target not in columns:
        available = ", ".join(repr(column) for column in columns)
        raise CLIError(f"{args.data}: no column {args.target!r}; available "
                       f"columns: {available}")
    if len(columns) == 1:
        raise CLIError(f"{args.data}: no columns besides the target "
                       f"{args.target!r} to learn from")


def _read_target(args):
    """Row count and distinct values of the target, one chunk at a time.

    Rows without a target are refused here, naming their lines: streaming
    cannot drop them the way ``train`` does.
    """
    distinct, missing, n_rows = set(), [], 0
    with _reading(Path(args.data)):
        with pd.read_csv(args.data, usecols=[args.target], index_col=False,
                         chunksize=args.chunksize) as reader:
            for chunk in reader:
                column = chunk[args.target]
                n_rows += len(column)
                missing.extend(line_numbers(column.index[column.isna()][:SHOWN]))
                if len(distinct) <= MAX_DISTINCT:
                    distinct.update(column.dropna().unique().tolist())
    if n_rows == 0:
        raise CLIError(f"{args.data}: has a header but no data rows")
    if missing:
        raise CLIError(f"{args.data}: column {args.target!r} is empty on line(s) "
                       f"{', '.join(map(str, missing[:SHOWN]))}; fit-csv needs a "
                       "target in every row: drop those rows, or use skdeep train, "
                       "which leaves them out")
    return n_rows, pd.Series(sorted(distinct, key=str), name=args.target)
