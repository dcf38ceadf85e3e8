"""``skdeep fit-csv``: train chunk by chunk on a CSV file larger than memory.

A first pass reads the file one chunk at a time and decides what ``train``
decides on the whole file: the task and the classes from the target (missing
targets and single-class files are refused before anything is trained), which
feature columns are numbers and which are text (a column of numbers with a few
text cells in any chunk is refused naming their lines; ``--categorical`` makes a
column text), which text columns look like identifiers (left out), how many
cells are missing, and each text column's categories. Then
:func:`skdeep.streaming.fit_csv` trains the estimator on the raw columns with
one progress line per chunk. The estimator scales the numeric columns with the
first chunk's statistics and fills their gaps with the first chunk's means; the
categories it learns are those of the whole file, given to it explicitly, so a
category that first appears in a later chunk still has a weight row of its own.
Memory stays near one chunk, plus the categories' counts (at most
``MAX_STREAMED_CATEGORIES`` per column).
"""

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ._columns import (
    SHOWN,
    check_classes,
    check_columns,
    counted_missing_notes,
    has_typos,
    infer_task,
    is_identifier,
    leave_out_identifiers,
    stray_text_message,
)
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

__all__ = ["MAX_STREAMED_CATEGORIES", "run_fit_csv"]

# distinct target values kept while reading: enough to tell labels from numbers
MAX_DISTINCT = 10_000
# distinct values counted per text column; a column with more is left out
MAX_STREAMED_CATEGORIES = 2**18


def run_fit_csv(args):
    """The ``skdeep fit-csv`` command; returns the exit status."""
    from .. import DeepClassifier, DeepRegressor
    from ..estimators.contract import MIN_CATEGORY_COUNT
    from ..streaming import convert_labels, fit_csv, label_kind

    check_outputs([args.output], overwrite=args.overwrite, inputs=[args.data])
    columns = read_columns(args.data)
    check_columns(columns, args)
    features = [name for name in columns if name != args.target]
    scan = _Scan(args, features)
    distinct = scan.target_values()
    task = infer_task(distinct, args.task)
    if task == "classification":
        check_classes(distinct.tolist(), scan.n_rows, args.target, args.data)
    features, categorical, notes = scan.decide()
    categories = {name: scan.categories(name, MIN_CATEGORY_COUNT)
                  for name in categorical if scan.counted_whole(name)}
    kind = DeepClassifier if task == "classification" else DeepRegressor
    network = kind(hidden_layer_sizes=args.hidden, random_state=args.random_state,
                   learning_rate_init=args.learning_rate_init,
                   categorical_features=categorical,
                   categories={name: values for name, values in categories.items()
                               if values})
    classes = None
    if task == "classification" and len(scan.labels) <= MAX_DISTINCT:
        labels = np.array(sorted(scan.labels), dtype=object)
        classes = np.unique(convert_labels(labels, label_kind(labels)))
    print(f"{kind.__name__} ({task}) predicting {args.target!r} from "
          f"{len(features) - len(categorical)} numeric (scaled) and "
          f"{len(categorical)} categorical (embedded) columns; {scan.n_rows} rows "
          f"streamed in chunks of {args.chunksize}, {args.passes} passes")
    for note in notes:
        print(f"note: {note}")
    text = [name for name in categorical if name not in scan.bools]
    try:
        fit_csv(network, args.data, target=args.target, chunksize=args.chunksize,
                n_passes=args.passes, classes=classes, columns=features,
                read_csv_kwargs={"dtype": {name: str for name in text}},
                verbose=0 if args.quiet else 1)
    except (ValueError, TypeError) as error:
        reason = str(error).strip().splitlines()[0].removeprefix("fit_csv: ")
        raise CLIError(cli_words(reason)) from None
    network.summary()
    print(f"final training loss: {network.loss_:.4f}")
    save_model(network, args.output)
    print(f"saved model to {args.output} in {model_format()}")
    return 0


class _Scan:
    """One pass over the file, a chunk at a time, counting what fit-csv decides
    from (see the module docstring). Columns are typed chunk by chunk as pandas
    types them; ``--categorical`` columns and the target are read as text."""

    def __init__(self, args, features):
        self.args, self.features = args, features
        self.n_rows, self.labels, missing_lines = 0, set(), []
        zero = dict.fromkeys(features, 0)
        self.present, self.missing, self.numbers = dict(zero), dict(zero), dict(zero)
        self.n_stray, self.stray = dict(zero), {name: [] for name in features}
        self.counts, self.first_counted = {}, {}
        self.bools, self.too_many = set(), set()
        text = {name: str for name in [args.target, *args.categorical]}
        with _reading(Path(args.data)):
            with pd.read_csv(args.data, index_col=False, dtype=text,
                             chunksize=args.chunksize) as reader:
                for number, chunk in enumerate(reader):
                    target = chunk[args.target]
                    self.n_rows += len(chunk)
                    missing_lines.extend(line_numbers(
                        target.index[target.isna()][:SHOWN]))
                    if len(self.labels) <= MAX_DISTINCT:
                        self.labels.update(target.dropna().unique().tolist())
                    for name in features:
                        self._column(chunk[name], number)
                    del chunk, target
        if self.n_rows == 0:
            raise CLIError(f"{args.data}: has a header but no data rows")
        if missing_lines:
            raise CLIError(f"{args.data}: column {args.target!r} is empty on "
                           f"line(s) {', '.join(map(str, missing_lines[:SHOWN]))}; "
                           "fit-csv needs a target in every row: drop those rows, "
                           "or use skdeep train, which leaves them out")

    def _column(self, column, number):
        name = column.name
        gaps = column.isna().to_numpy()
        self.missing[name] += int(gaps.sum())
        self.present[name] += int((~gaps).sum())
        if pd.api.types.is_bool_dtype(column):
            self.bools.add(name)
            self._count(column, number)
            return
        if pd.api.types.is_numeric_dtype(column):
            self.numbers[name] += int((~gaps).sum())
            return
        values = column[~gaps]
        if values.map(type).eq(bool).all():  # True/False with gaps
            self.bools.add(name)
            self._count(values, number)
            return
        numbers = pd.to_numeric(values, errors="coerce").notna().to_numpy()
        self.numbers[name] += int(numbers.sum())
        stray = values[~numbers]
        self.n_stray[name] += len(stray)
        room = SHOWN - len(self.stray[name])
        if room > 0:
            self.stray[name] += list(zip(stray[:room], line_numbers(
                stray.index[:room])))
        if len(stray) or name in self.args.categorical or name in self.counts:
            self._count(values, number)

    def _count(self, values, number):
        name = values.name
        if name in self.too_many:
            return
        counts = self.counts.setdefault(name, Counter())
        self.first_counted.setdefault(name, number)
        counts.update(values.dropna().value_counts().to_dict())
        if len(counts) > MAX_STREAMED_CATEGORIES:
            self.too_many.add(name)
            del self.counts[name]

    def counted_whole(self, name):
        """Whether every value of the column was counted (from the first chunk)."""
        return self.first_counted.get(name) == 0 and name not in self.too_many

    def categories(self, name, min_count):
        """The column's categories seen in at least ``min_count`` rows, sorted
        (as the estimator's 'auto' sorts them)."""
        kept = [value for value, count in self.counts[name].items()
                if count >= min_count]
        return sorted(kept)

    def target_values(self):
        """The distinct targets, as numbers when they all are."""
        values = pd.Series(sorted(self.labels), name=self.args.target, dtype=object)
        try:
            return pd.to_numeric(values)
        except (TypeError, ValueError):
            return values

    def decide(self):
        """``(features, categorical, notes)``: the columns to train on, those
        of them that are categorical, and the note lines; a column of numbers
        with a few text cells is refused naming them."""
        args, categorical = self.args, []
        for name in self.features:
            text = name in self.bools or name in args.categorical
            if not text and has_typos(self.numbers[name], self.n_stray[name],
                                      self.present[name]):
                raise CLIError(stray_text_message(args.data, name, self.n_stray[name],
                                                  self.stray[name]))
            if text or self.n_stray[name]:  # text, or too few numbers for typos
                categorical.append(name)
        identifiers = [name for name in categorical if name not in self.bools and (
            name in self.too_many or is_identifier(len(self.counts.get(name, ())),
                                                   self.present[name]))]
        features, notes = leave_out_identifiers(self.features, identifiers,
                                                args.data)
        categorical = [name for name in categorical if name not in identifiers]
        notes += counted_missing_notes(
            {name: self.missing[name] for name in features}, categorical,
            filled="the first chunk's rows")
        return features, categorical, notes
