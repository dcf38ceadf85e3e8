"""A stream's columns: which are features, which are read as text, and each
chunk's columns checked against what the model and the scaler take.

pandas types a CSV column chunk by chunk, so the types the first chunk (the
first ``partial_fit``) fixed are checked again on every later chunk, and the
columns a fitted model holds text categories for are read as text throughout.
"""

import os

import numpy as np
import pandas as pd

from ..estimators.contract import table_categories

__all__ = ["check_column_types", "check_scalable", "feature_columns",
           "text_category_columns"]


def feature_columns(path, targets, columns, options):
    """Feature column names, after checking every named column is in the file."""
    header_options = {key: value for key, value in options.items()
                      if key not in ("chunksize", "usecols", "nrows")}
    try:
        available = list(pd.read_csv(path, nrows=0, **header_options).columns)
    except pd.errors.EmptyDataError:
        raise ValueError(f"fit_csv: {os.fspath(path)!r} is empty; it needs a header "
                         "row naming the columns and at least one data row.") from None
    wanted = targets + ([] if columns is None else list(columns))
    missing = [column for column in wanted if column not in available]
    if missing:
        raise ValueError(f"fit_csv: column(s) {missing} are not in "
                         f"{os.fspath(path)!r}; its columns are {available}.")
    if columns is None:
        return [column for column in available if column not in targets]
    overlap = [column for column in columns if column in targets]
    if overlap:
        raise ValueError(f"fit_csv: column(s) {overlap} are both target and "
                         "feature; remove them from columns.")
    return list(columns)


def check_scalable(X, lines, path):
    """A scaler takes numbers: refuse a chunk with text or bool columns (and
    gaps, which the estimator fills but a scaler passes on) before it fails
    with a bare message."""
    text = [column for column in X.columns
            if not pd.api.types.is_numeric_dtype(X[column])
            or pd.api.types.is_bool_dtype(X[column])]
    if text:
        raise ValueError(
            f"fit_csv: lines {lines[0]}-{lines[1]} of {os.fspath(path)!r}: "
            f"scaler= takes numeric columns only, and column(s) {text} hold text "
            "or booleans. Drop scaler=: the estimator scales its numeric inputs "
            "itself (input_scaling='standard') and learns the text and bool "
            "columns as categories.")


def check_column_types(model, X, path):
    """Refuse a chunk whose column changed type from the first chunk's, naming
    its lines: text in a column of numbers (a typo such as '4o', or a column
    of codes that gains letters), or text in a categorical column whose
    categories are numbers. pandas types a CSV column chunk by chunk, so a
    column numeric in the first chunk can be text in a later one."""
    names = model.__dict__.get("feature_names_in_")
    categories = None if names is None else table_categories(model)
    if categories is None:
        return
    numeric_categories = {j for j, values in categories.items()
                          if values.dtype != object}
    for j, name in enumerate(names):
        if name not in X.columns or not (j in numeric_categories
                                         or j not in categories):
            continue
        column = X[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(
                column):
            continue
        present = column.notna().to_numpy()
        if j in categories:
            text = present & np.array([isinstance(value, str)
                                       for value in column.to_numpy()])
            held = "categories that are numbers"
        else:
            text = present & pd.to_numeric(column, errors="coerce").isna().to_numpy()
            held = "numbers"
        if not text.any():
            continue
        rows = np.flatnonzero(text)
        cells = ", ".join(f"{column.iloc[k]!r} (line {column.index[k]})"
                          for k in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        raise ValueError(
            f"fit_csv: column {str(name)!r} of {os.fspath(path)!r} held {held} "
            f"when the model was first fitted, but holds text on {len(rows)} "
            f"line(s) of lines {column.index[0]}-{column.index[-1]}: {cells}"
            f"{more}. If that is a typo, correct the cells or empty them (a "
            "missing value); if the column holds categories, name it in "
            "categorical_features and read it as text in every chunk, with "
            f"read_csv_kwargs={{'dtype': {{{str(name)!r}: str}}}}.")


def text_category_columns(estimator):
    """Feature columns with text categories: those of a fitted table model and
    those the ``categories`` parameter lists text for. They are read as text in
    every chunk, so a chunk whose categories look like numbers ('01', '12')
    cannot turn them into numbers."""
    names = estimator.__dict__.get("feature_names_in_")
    categories = None if names is None else table_categories(estimator)
    columns = []
    if categories is not None:
        columns += [str(names[j]) for j, values in categories.items()
                    if values.dtype == object
                    and all(isinstance(value, str) for value in values)]
    given = getattr(estimator, "categories", "auto")
    if isinstance(given, dict):
        columns += [key for key, values in given.items() if isinstance(key, str)
                    and not isinstance(values, str) and hasattr(values, "__iter__")
                    and all(isinstance(value, str) for value in values)]
    return columns
