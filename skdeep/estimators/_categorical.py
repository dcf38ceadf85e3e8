"""A table's categorical columns, decided at the first fit: which columns are
categorical (``categorical_features``), and each one's categories, learned
from the training rows or given (``categories``). See ``_tables``."""

import numpy as np
import pandas as pd

from ._text import NUMERIC_SHARE, _stray, describe_text_columns

__all__ = ["MAX_CATEGORIES", "MIN_CATEGORY_COUNT", "categorical_mask",
           "column_categories", "explicit_categories", "is_categorical_dtype",
           "refuse_text"]

# a category seen in fewer training rows shares its column's 'other' row with
# the unseen ones: a row that a single sample trains only memorises it
MIN_CATEGORY_COUNT = 5
# codes are stored in float input columns: exact below 2**24 even in float32
MAX_CATEGORIES = 2**24 - 2


def categorical_mask(estimator, frame):
    """Boolean mask of the categorical columns of ``frame`` (a first fit)."""
    name, spec = type(estimator).__name__, estimator.categorical_features
    n_columns = frame.shape[1]
    if spec is None:
        return np.zeros(n_columns, dtype=bool)
    if isinstance(spec, str):  # 'from_dtype'
        dtypes = list(frame.dtypes)  # each distinct dtype asked once
        verdicts = {dtype: _is_categorical_dtype(dtype) for dtype in set(dtypes)}
        mask = np.array([verdicts[dtype] for dtype in dtypes], dtype=bool)
        _refuse_typos(estimator, frame, mask)
        return mask
    spec = np.asarray(spec)
    if spec.dtype == bool:
        if spec.shape != (n_columns,):
            raise ValueError(
                f"{name}: categorical_features as a boolean mask needs one entry "
                f"per column of X ({n_columns}); got {spec.shape[0]}.")
        return spec.copy()
    mask = np.zeros(n_columns, dtype=bool)
    columns = list(frame.columns)
    for item in spec.tolist():
        if isinstance(item, str):
            if item not in columns:
                raise ValueError(
                    f"{name}: categorical_features names {item!r}, which is not a "
                    f"column of X; its columns are {columns}.")
            mask[columns.index(item)] = True
        elif isinstance(item, int) and -n_columns <= item < n_columns:
            mask[item] = True
        else:
            raise ValueError(
                f"{name}: categorical_features entry {item!r} is neither a column "
                f"name nor an index below {n_columns}; pass names or indices of "
                "X's columns, or a boolean mask.")
    return mask


def is_categorical_dtype(dtype):
    """Whether ``categorical_features='from_dtype'`` takes a column of
    ``dtype`` as categorical: text (object or string), category and bool
    columns are, numbers are not.

    Parameters
    ----------
    dtype : numpy or pandas dtype

    Returns
    -------
    bool
    """
    return _is_categorical_dtype(dtype)


def _is_categorical_dtype(dtype):
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype))


def _refuse_typos(estimator, frame, mask):
    """Text columns of numbers (all, or all but a few stray cells: typos) are
    not categories: refuse them unless named in categorical_features."""
    bad = []
    for j in np.flatnonzero(mask):
        column = frame.iloc[:, j]
        if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(
                column.dtype):
            continue
        stray, numbers = _stray(column)
        if numbers.any() and numbers.sum() >= NUMERIC_SHARE * (stray.sum()
                                                               + numbers.sum()):
            bad.append(frame.columns[j])
    if bad:
        message = describe_text_columns(frame, bad)
        if frame.attrs.get("positional"):
            message = message.replace(f"column {bad[0]!r}",
                                      f"column {bad[0]} (0-based)")
        raise ValueError(
            f"{type(estimator).__name__}: {message} If a column really holds "
            "categories, name it in categorical_features.")


def refuse_text(estimator, frame, numeric):
    """Columns to be read as numbers that hold text, refused as the plain path
    refuses them (a first fit)."""
    dtypes = frame.dtypes  # a new Series at each access: read it once
    bad = [frame.columns[j] for j in numeric
           if not (pd.api.types.is_numeric_dtype(dtypes.iloc[j])
                   or pd.api.types.is_bool_dtype(dtypes.iloc[j]))
           and _stray(frame.iloc[:, j])[0].any()]
    if bad:
        raise ValueError(
            f"{type(estimator).__name__}: {describe_text_columns(frame, bad)} "
            "Or name categorical columns in categorical_features (the default "
            "'from_dtype' takes text, category and bool columns).")


def column_categories(estimator, column):
    """The categories of a training column with a weight row of their own:
    seen in at least MIN_CATEGORY_COUNT rows, in sorted (or dtype) order."""
    counts = column.value_counts(dropna=True, sort=False)
    kept = counts.index[counts.to_numpy() >= MIN_CATEGORY_COUNT]
    if isinstance(column.dtype, pd.CategoricalDtype):
        kept = set(kept)
        kept = [value for value in column.dtype.categories if value in kept]
    else:
        try:
            kept = sorted(kept)
        except TypeError:  # mixed types: sorted by their text
            kept = sorted(kept, key=lambda value: (type(value).__name__, str(value)))
    if len(kept) > MAX_CATEGORIES:
        raise ValueError(
            f"{type(estimator).__name__}: column {column.name!r} has {len(kept)} "
            f"categories, more than the {MAX_CATEGORIES} supported; group them.")
    array = np.array(kept)
    return array if kept and array.dtype.kind in "biuf" else np.array(kept,
                                                                      dtype=object)


def explicit_categories(estimator, frame, mask):
    """``{column index: categories array}`` from the ``categories`` parameter
    (empty for 'auto'), each list checked against its column of ``frame``."""
    spec, name = getattr(estimator, "categories", "auto"), type(estimator).__name__
    if isinstance(spec, str):  # 'auto'
        return {}
    categorical = np.flatnonzero(mask)
    columns = list(frame.columns)
    positional = frame.attrs.get("positional", False)

    def label(j):
        return f"{j} (0-based)" if positional else repr(columns[j])

    if isinstance(spec, dict):
        given = {}
        for key, values in spec.items():
            if isinstance(key, str) and key in columns:
                j = columns.index(key)
            elif (isinstance(key, (int, np.integer)) and not isinstance(key, bool)
                  and -len(columns) <= key < len(columns)):
                j = int(key) % len(columns)
            else:
                raise ValueError(
                    f"{name}: categories names {key!r}, which is not a column of "
                    f"X; its columns are {columns}.")
            if not mask[j]:
                raise ValueError(
                    f"{name}: categories lists categories for column {label(j)}, "
                    "which is not categorical (categorical columns: "
                    f"{[columns[k] for k in categorical]}); name it in "
                    "categorical_features too, or remove it from categories.")
            if j in given:
                raise ValueError(f"{name}: categories names column {label(j)} "
                                 "twice (by name and by index).")
            given[j] = values
    else:
        if len(spec) != len(categorical):
            raise ValueError(
                f"{name}: categories as a list needs one list of categories per "
                f"categorical column of X ({len(categorical)}: "
                f"{[columns[k] for k in categorical]}); got {len(spec)}. Or pass "
                "a dict {column: categories} for some of them.")
        given = dict(zip(categorical.tolist(), spec))
    return {j: _checked_categories(estimator, label(j), values, frame.iloc[:, j])
            for j, values in given.items()}


def _checked_categories(estimator, label, values, column):
    """The array of a user's category list for one column, refused when it is
    not a list of distinct, present values the column's values can match."""
    name = type(estimator).__name__
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise ValueError(
            f"{name}: categories for column {label} must be a list of its "
            f"categories, e.g. ['a', 'b']; got {values!r}.")
    values = list(np.asarray(values, dtype=object).ravel().tolist()
                  if isinstance(values, np.ndarray) else values)
    if not values:
        raise ValueError(f"{name}: categories for column {label} is empty; list "
                         "at least one category, or leave the column to 'auto'.")
    missing = [value for value in values
               if pd.api.types.is_scalar(value) and pd.isna(value)]
    if missing:
        raise ValueError(
            f"{name}: categories for column {label} hold a missing value "
            f"({missing[0]!r}); leave it out: a missing value has a row of its "
            "own in every categorical column.")
    index = pd.Index(values, dtype=object)
    if index.has_duplicates:
        duplicated = index[index.duplicated()].unique().tolist()
        raise ValueError(
            f"{name}: categories for column {label} list {duplicated} more than "
            "once (1, 1.0 and True count as the same value); list each category "
            "once.")
    if len(values) > MAX_CATEGORIES:
        raise ValueError(f"{name}: categories for column {label} list "
                         f"{len(values)} categories, more than the "
                         f"{MAX_CATEGORIES} supported; group them.")
    present = column.dropna()
    if len(present) and index.get_indexer(present.astype(object).to_numpy()).max() < 0 \
            and not _kinds(values) & _kinds(present.drop_duplicates().tolist()):
        example = present.iloc[0]
        example = example.item() if isinstance(example, np.generic) else example
        raise ValueError(
            f"{name}: none of the values of column {label} (e.g. "
            f"{example!r}) is among its categories {values[:5]}"
            f"{' ...' if len(values) > 5 else ''}; check their type ('1' is not "
            "1) and spelling.")
    array = np.array(values)
    return array if array.dtype.kind in "biuf" else np.array(values, dtype=object)


def _kinds(values):
    """{'text'} and/or {'number'}: what kinds of values a list holds (a
    category list must share one with its column, or nothing could match)."""
    return {"text" if isinstance(value, str) else "number" for value in values}
