"""A table's columns read as numbers: any 2-D table as a pandas DataFrame, its
numeric columns as float64 (infinity refused), a categorical column as the
float codes of its categories. See ``_tables``."""

from numbers import Number

import numpy as np
import pandas as pd

from ._text import _stray, row_word

__all__ = ["as_frame", "category_codes", "is_frame", "numeric_values"]


def is_frame(X):
    return (hasattr(X, "columns") and hasattr(X, "dtypes")) or hasattr(X, "schema")


def as_frame(X):
    """A pandas DataFrame of X's columns (polars and pyarrow frames converted,
    an array's text columns kept as text), or None for what is not a 2-D table
    (left to the plain path's checks)."""
    if isinstance(X, pd.DataFrame):
        return X
    if hasattr(X, "to_pandas"):  # polars, pyarrow
        return X.to_pandas()
    try:
        array = np.asarray(X)
    except (TypeError, ValueError):
        return None
    if array.ndim != 2 or array.dtype.kind not in "biufO" or 0 in array.shape:
        return None
    if array.dtype == object and not all(
            value is None or isinstance(value, (str, bool, Number))
            for value in array.ravel().tolist()):
        return None  # not category values: the plain path's checks say why
    frame = pd.DataFrame(array)
    frame.attrs["positional"] = True  # messages name columns by position
    return frame.infer_objects() if array.dtype == object else frame


def numeric_values(estimator, frame, columns):
    """The ``columns`` of ``frame`` as a Fortran-ordered float64 array (NaN for
    NA), infinity refused: a view of float64 columns (DataFrames store each
    column contiguously), or a copy of the others: copy it before writing
    into it unless it owns its data."""
    whole = len(columns) == frame.shape[1] and np.array_equal(
        columns, np.arange(frame.shape[1]))
    if whole and all(dtype == np.float64 for dtype in frame.dtypes):
        values = np.asfortranarray(frame.to_numpy())  # one block: no copy
    else:
        values = _converted(estimator, frame, columns)
    _refuse_infinity(estimator, frame, columns, values)
    return values


def _converted(estimator, frame, columns):
    """The ``columns`` of ``frame`` converted to a new float64 array."""
    name = type(estimator).__name__
    values = np.empty((frame.shape[0], len(columns)), dtype=np.float64, order="F")
    columns, dtypes = np.asarray(columns), frame.dtypes
    # NumPy's own numbers and bools convert as one block; the rest (text,
    # pandas' nullable types) column by column, where a typo is found
    block = np.array([isinstance(dtype, np.dtype) and dtype.kind in "fiub"
                      for dtype in dtypes.iloc[columns]], dtype=bool)
    if block.any():
        values[:, block] = frame.iloc[:, columns[block]].to_numpy(dtype=np.float64)
    for k in np.flatnonzero(~block):
        j = columns[k]
        column = frame.iloc[:, j]
        try:
            values[:, k] = pd.to_numeric(column).to_numpy(
                dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            stray, _ = _stray(column)
            shown = column[stray].tolist()[:5]
            raise ValueError(
                f"{name}: column {frame.columns[j]!r} was numeric at fit but holds "
                f"text {shown} in {row_word(frame)}s "
                f"{column.index[stray].tolist()[:5]}; pass numbers (NaN for a "
                "missing value), or refit naming it in categorical_features.") \
                from None
    return values


def _refuse_infinity(estimator, frame, columns, values):
    name = type(estimator).__name__
    infinite = np.isinf(values)
    if infinite.any():
        bad = [frame.columns[columns[k]] for k in np.flatnonzero(infinite.any(axis=0))]
        raise ValueError(
            f"{name}: column(s) {bad} hold infinite values (first in "
            f"{row_word(frame)} "
            f"{frame.index[np.flatnonzero(infinite.any(axis=1))[0]]!r}); replace "
            "them with finite numbers, or with NaN to have them treated as missing.")


def category_codes(column, categories):
    """Float codes of a column: positions in ``categories``, then the 'other'
    row for rare or unseen ones and the 'missing' row for NaN, None and NA."""
    missing = column.isna().to_numpy()
    lookup = pd.Index(list(categories), dtype=object)
    values = column.astype(object).to_numpy()
    codes = lookup.get_indexer(values).astype(np.float64)
    codes[codes < 0] = len(categories)
    codes[missing] = len(categories) + 1
    return codes
