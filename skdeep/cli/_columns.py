"""What the command line decides about the user's columns, said out loud.

The target: rows whose target is missing are dropped and counted, the task is
inferred from the values that are present. The features: a column that is
numeric except for a few cells is refused (naming the cells), identifier-like
text columns are left out, and missing values are counted per column with how
they are filled. Every decision becomes a ``note:`` line printed before training.
What is left goes to the estimator as it is: it scales the numeric columns,
learns the categorical ones (text, category and bool columns, as its
``categorical_features='from_dtype'`` decides, plus ``--categorical``) as
embeddings and fills the gaps itself.
"""

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ._errors import CLIError
from ._io import line_numbers

__all__ = ["MAX_INTEGER_CLASSES", "MIN_IDENTIFIER_CLASSES", "check_classes",
           "check_columns", "clean_target", "counted_missing_notes", "has_typos",
           "infer_task", "is_identifier", "leave_out_identifiers", "missing_notes",
           "prepare_features", "refuse_text_in_numbers", "split_columns",
           "stray_text_message"]

# whole-number targets with at most this many distinct values are class labels
MAX_INTEGER_CLASSES = 20
# a classification target is an identifier only beyond this many classes (and
# more than one per two rows)
MIN_IDENTIFIER_CLASSES = 50
# a text column with more distinct values than this share of its rows (and more
# than MIN_IDENTIFIER_VALUES) names rows rather than groups them
IDENTIFIER_SHARE = 0.5
MIN_IDENTIFIER_VALUES = 20
SHOWN = 5  # offending cells named in a message


def _whole_numbers(values):
    """True if every value of a numeric Series is a whole number."""
    return bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))


def infer_task(target, task="auto"):
    """'classification' or 'regression' for a target Series without missing values.

    Strings and booleans are labels; whole numbers with at most
    ``MAX_INTEGER_CLASSES`` distinct values are labels (also when missing cells
    made pandas read them as floats); other numbers are regression targets.
    """
    numeric = is_numeric_dtype(target) and not is_bool_dtype(target)
    if task == "regression" and not numeric:
        raise CLIError(f"--task regression needs a numeric target; column "
                       f"{target.name!r} holds {target.dtype} values")
    if task != "auto":
        return task
    if not numeric:
        return "classification"
    if _whole_numbers(target) and target.nunique() <= MAX_INTEGER_CLASSES:
        return "classification"
    return "regression"


def check_classes(labels, n_rows, name, path):
    """Refuse a classification target a classifier cannot learn: train's and
    fit-csv's check of its distinct ``labels`` over its ``n_rows`` rows with a
    value.

    A target with about one row per value is an ID column (an order number, a
    name) given as the target, whose every value would be a class of its own;
    a target of one class leaves nothing to tell apart.
    """
    n_classes = len(labels)
    if n_classes > max(MIN_IDENTIFIER_CLASSES, n_rows // 2):
        raise CLIError(
            f"{path}: column {name!r} has {n_classes} distinct values in {n_rows} "
            "rows, so it looks like an identifier, not a target: a classifier "
            f"would learn {n_classes} classes of about one row each. Choose "
            "another --target (or --task regression for a numeric one)")
    if n_classes < 2:
        label = labels[0]
        label = label.item() if isinstance(label, np.generic) else label
        raise CLIError(f"{path}: column {name!r} has one class ({label!r}) in all "
                       f"{n_rows} rows with a value; a classifier needs at least "
                       "two")


def clean_target(column, task, path):
    """The non-missing targets, the task, and notes on what was dropped.

    Needs only the target column, so it runs before the features are read.
    """
    missing = column.isna()
    if missing.all():
        raise CLIError(f"{path}: column {column.name!r} has no values")
    # without its gaps an object column of True/False is a bool column (labels a
    # classifier takes; an object array of bools is an "unknown" target type)
    target = column[~missing].infer_objects()
    task = infer_task(target, task)
    notes = []
    if missing.any():
        notes.append(f"dropped {int(missing.sum())} rows whose target is missing "
                     f"({_lines(column.index[missing])})")
    if task == "classification":
        if is_numeric_dtype(target) and not is_bool_dtype(target) and _whole_numbers(
                target):
            target = target.astype(np.int64)  # labels 0, 1 rather than 0.0, 1.0
        check_classes(target.unique(), len(target), column.name, path)
    return target, task, notes


def _lines(index):
    numbers = line_numbers(index[:SHOWN])
    more = f" and {len(index) - SHOWN} more" if len(index) > SHOWN else ""
    return f"line{'s' if len(index) > 1 else ''} " + ", ".join(map(str, numbers)) + more


def split_columns(features):
    """Names of the numeric columns and of the categorical ones (text,
    category and bool columns: what the estimator's 'from_dtype' takes)."""
    from ..estimators.contract import is_categorical_dtype

    categorical = [name for name in features
                   if is_categorical_dtype(features[name].dtype)]
    return [name for name in features if name not in categorical], categorical


def prepare_features(X, categorical, path):
    """The features for the estimator, their categorical columns, and notes on
    what was done to them.

    ``categorical`` columns (``--categorical``) were read as text; another
    text column that is mostly numbers is refused; identifier-like text
    columns are left out.
    """
    numeric, text = split_columns(X)
    for name in text:
        if name not in categorical and not is_bool_dtype(X[name]):
            _refuse_stray_text(X[name], path)
    identifiers = [name for name in text if not is_bool_dtype(X[name])
                   and is_identifier(X[name].nunique(), X[name].notna().sum())]
    kept, notes = leave_out_identifiers(list(X.columns), identifiers, path)
    X = X[kept]
    _, text = split_columns(X)
    return X, text, notes + missing_notes(X, text)


def leave_out_identifiers(columns, identifiers, path):
    """The ``columns`` kept once the ``identifiers`` among them are left out,
    and the note saying so: train's and fit-csv's. Refuses a file with no
    column left."""
    kept = [name for name in columns if name not in identifiers]
    notes = []
    if identifiers:
        notes.append(f"left out {_names(identifiers)}: text with a different value "
                     "in most rows, like an identifier, predicts nothing for new "
                     "rows")
    if not kept:
        raise CLIError(f"{path}: no columns left to learn from after leaving out "
                       "identifier-like columns")
    return kept, notes


def _refuse_stray_text(column, path):
    """Refuse a column of numbers with a few text cells, naming those cells."""
    present = column.notna()
    numbers = pd.to_numeric(column, errors="coerce").notna()
    stray = present & ~numbers
    if not has_typos(int(numbers.sum()), int(stray.sum()), int(present.sum())):
        return
    raise CLIError(stray_text_message(
        path, column.name, int(stray.sum()),
        zip(column[stray][:SHOWN], line_numbers(column.index[stray][:SHOWN]))))


def has_typos(n_numbers, n_stray, n_present):
    """Whether a text column of ``n_present`` cells, ``n_numbers`` of them
    numbers and ``n_stray`` not, is numbers with typos (refused) rather than
    text: the estimators' rule (``NUMERIC_SHARE``), which train and fit-csv
    apply before training to name the cells."""
    from ..estimators.contract import NUMERIC_SHARE

    return n_stray > 0 and n_numbers >= NUMERIC_SHARE * n_present


def stray_text_message(path, name, n_stray, cells):
    """train's refusal of a numeric column with ``n_stray`` text cells, the
    first ``cells`` given as (value, line) pairs."""
    shown = ", ".join(f"{value!r} (line {line})" for value, line in cells)
    more = f" and {n_stray - SHOWN} more" if n_stray > SHOWN else ""
    return (f"{path}: column {name!r} is numeric except for {n_stray} value(s): "
            f"{shown}{more}; correct them or leave the cells empty (empty, NA "
            f"and n/a count as missing), or pass --categorical {name!r} if the "
            "column is text")


def _stray_cells(column, stray):
    """``2 value(s): '4o' (line 6), ...``: the cells of ``column`` in ``stray``."""
    cells = ", ".join(f"{value!r} (line {line})" for value, line in zip(
        column[stray][:SHOWN], line_numbers(column.index[stray][:SHOWN])))
    more = f" and {int(stray.sum()) - SHOWN} more" if stray.sum() > SHOWN else ""
    return f"{int(stray.sum())} value(s): {cells}{more}"


def refuse_text_in_numbers(X, numeric, path):
    """At predict: refuse text in a column the model was trained on as numbers,
    naming the cells and their lines as ``train`` does."""
    for name in numeric:
        column = X[name]
        if is_numeric_dtype(column):
            continue
        stray = column.notna() & pd.to_numeric(column, errors="coerce").isna()
        if stray.any():
            raise CLIError(
                f"{path}: column {name!r} held numbers in training but has "
                f"{_stray_cells(column, stray)} that are not numbers; correct "
                "them or leave the cells empty (empty, NA and n/a count as "
                "missing)")


def missing_notes(X, categorical, filled="the training rows"):
    """``missing values: 'a' 3; filled with ...`` notes for the numeric and the
    ``categorical`` columns of ``X``, as train prints them (``filled``: whose
    mean fills a numeric gap)."""
    return counted_missing_notes(X.isna().sum().to_dict(), categorical, filled)


def counted_missing_notes(counts, categorical, filled="the training rows"):
    """``missing_notes`` from ``{column: number of missing cells}``."""
    numeric = [name for name in counts if name not in set(categorical)]
    notes = []
    for names, how in ((numeric, f"filled with the column's mean over {filled}"),
                       (categorical, "encoded as a category of their own")):
        found = [f"{name!r} {int(counts[name])}" for name in names if counts[name]]
        if found:
            notes.append(f"missing values: {', '.join(found)}; {how}")
    return notes


def is_identifier(distinct, present):
    """Whether a text column with ``distinct`` values in ``present`` non-empty
    cells has a different value in most rows, as an identifier does."""
    return distinct > max(MIN_IDENTIFIER_VALUES, IDENTIFIER_SHARE * present)


def _names(names):
    return ", ".join(map(repr, names))


def check_columns(columns, args):
    """The target and --categorical columns exist among ``columns`` (of
    ``args.data``), and something besides the target is left: train's and
    fit-csv's check of the command line against the file's header."""
    for name in [args.target, *args.categorical]:
        if name not in columns:
            raise CLIError(f"{args.data}: no column {name!r}; available columns: "
                           f"{_names(columns)}")
    if args.target in args.categorical:
        raise CLIError(f"--categorical {args.target!r}: that is the target; "
                       "--task classification makes the target labels")
    if len(columns) == 1:
        raise CLIError(f"{args.data}: no columns besides the target "
                       f"{args.target!r} to learn from")
