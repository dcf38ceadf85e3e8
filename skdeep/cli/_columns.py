"""What the command line decides about the user's columns, said out loud.

The target: rows whose target is missing are dropped and counted, the task is
inferred from the values that are present. The features: a column that is
numeric except for a few cells is refused (naming the cells), identifier-like
text columns are left out, and missing values are counted per column with how
they are filled. Every decision becomes a ``note:`` line printed before training.
"""

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ._errors import CLIError
from ._io import line_numbers

__all__ = ["MAX_CATEGORIES", "MAX_INTEGER_CLASSES", "clean_target", "infer_task",
           "missing_notes", "prepare_features", "refuse_text_in_numbers",
           "split_columns"]

# whole-number targets with at most this many distinct values are class labels
MAX_INTEGER_CLASSES = 20
# one-hot columns per text column; rarer categories share one "infrequent" column
MAX_CATEGORIES = 50
# a text column with more distinct values than this share of its rows (and more
# than MIN_IDENTIFIER_VALUES) names rows rather than groups them
IDENTIFIER_SHARE = 0.5
MIN_IDENTIFIER_VALUES = 20
# a column at least this share numeric is numbers with typos, not text
NUMERIC_SHARE = 0.9
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
        if target.nunique() < 2:
            label = target.iloc[0]
            label = label.item() if isinstance(label, np.generic) else label
            raise CLIError(f"{path}: column {column.name!r} has one class "
                           f"({label!r}) in all {len(target)} rows with a "
                           "value; a classifier needs at least two")
    return target, task, notes


def _lines(index):
    numbers = line_numbers(index[:SHOWN])
    more = f" and {len(index) - SHOWN} more" if len(index) > SHOWN else ""
    return f"line{'s' if len(index) > 1 else ''} " + ", ".join(map(str, numbers)) + more


def split_columns(features):
    """Names of the numeric (incl. boolean) columns and of the other columns."""
    numeric = [name for name in features if is_numeric_dtype(features[name])]
    return numeric, [name for name in features if name not in numeric]


def prepare_features(X, categorical, path):
    """Features ready for the pipeline, and notes on what was done to them.

    ``categorical`` columns become text; a text column that is mostly numbers
    is refused; identifier-like text columns are left out.
    """
    X = X.copy()
    for name in categorical:
        X[name] = X[name].astype("str")
    numeric, text = split_columns(X)
    for name in text:
        if name not in categorical:
            _refuse_stray_text(X[name], path)
    identifiers = [name for name in text if _is_identifier(X[name])]
    notes = []
    if identifiers:
        X = X.drop(columns=identifiers)
        notes.append(f"left out {_names(identifiers)}: text with a different value "
                     "in most rows, like an identifier, predicts nothing for new "
                     "rows")
    if X.shape[1] == 0:
        raise CLIError(f"{path}: no columns left to learn from after leaving out "
                       "identifier-like columns")
    return X, notes + _missing_notes(X)


def _refuse_stray_text(column, path):
    """Refuse a column of numbers with a few text cells, naming those cells."""
    present = column.notna()
    numbers = pd.to_numeric(column, errors="coerce").notna()
    stray = present & ~numbers
    if not stray.any() or numbers.sum() < NUMERIC_SHARE * present.sum():
        return
    raise CLIError(
        f"{path}: column {column.name!r} is numeric except for "
        f"{_stray_cells(column, stray)}; correct them or leave the cells empty "
        f"(empty, NA and n/a count as missing), or pass --categorical "
        f"{column.name!r} if the column is text")


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


def missing_notes(X):
    """``missing values: 'a' 3; filled with ...`` notes, as train prints them."""
    return _missing_notes(X)


def _is_identifier(column):
    distinct = column.nunique()
    return distinct > max(MIN_IDENTIFIER_VALUES,
                          IDENTIFIER_SHARE * column.notna().sum())


def _missing_notes(X):
    counts = X.isna().sum()
    numeric, text = split_columns(X)
    notes = []
    for names, how in ((numeric, "filled with the column's mean over the "
                        "training rows"),
                       (text, "encoded as a category of their own")):
        found = [f"{name!r} {int(counts[name])}" for name in names if counts[name]]
        if found:
            notes.append(f"missing values: {', '.join(found)}; {how}")
    return notes


def _names(names):
    return ", ".join(map(repr, names))
