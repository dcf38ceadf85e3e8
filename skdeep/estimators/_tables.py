"""Raw tables in: which columns are categories, their codes, and numeric gaps.

At the first fit a table (a pandas, polars or pyarrow frame, or an array) gets a
plan, stored as fitted attributes: ``is_categorical_``, ``categories_``,
``fill_values_`` and ``missing_indicator_features_``. Every later call encodes
its rows with that plan into the network's input: the numeric columns (gaps
filled with the training mean), one 0/1 missing indicator per numeric column
that had gaps in training, then one code column per categorical column.

A categorical column's codes are the positions in its ``categories_`` entry;
after them come two more weight rows of its block: row ``len(categories)``
for a category seen in fewer than ``MIN_CATEGORY_COUNT`` training rows or
never seen, row ``len(categories) + 1`` for a missing value (NaN, None, NA).
"""

from numbers import Number

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.validation import _check_feature_names, _check_n_features

from ._text import NUMERIC_SHARE, _stray, describe_text_columns

__all__ = ["MIN_CATEGORY_COUNT", "TablePlan", "describe_inputs", "encode_table",
           "has_table"]

# a category seen in fewer training rows shares its column's 'other' row with
# the unseen ones: a row that a single sample trains only memorises it
MIN_CATEGORY_COUNT = 5
# codes are stored in float input columns: exact below 2**24 even in float32
MAX_CATEGORIES = 2**24 - 2


def has_table(estimator):
    """True when the fitted estimator encodes raw tables (it has a plan)."""
    return "is_categorical_" in estimator.__dict__


def encode_table(estimator, X, *, reset):
    """X encoded as the network's float64 input, or None when X takes the plain
    numeric path: sparse X, a model fitted that way, or a first fit whose X has
    no categorical column and no missing value."""
    if reset:
        for name in TablePlan.ATTRIBUTES:
            estimator.__dict__.pop(name, None)
    elif not has_table(estimator):
        return None
    frame = None if sparse.issparse(X) else _as_frame(X)
    if frame is None:
        if reset:
            return None
        raise ValueError(f"{type(estimator).__name__}: X is sparse, but the model "
                         "was fitted on a table with categorical columns or gaps; "
                         "pass a dense table with the columns seen in fit.")
    if reset:
        mask = categorical_mask(estimator, frame)
        if not mask.any() and not frame.iloc[:, ~mask].isna().to_numpy().any():
            return None
    _check_feature_names(estimator, frame if _is_frame(X) else X, reset=reset)
    _check_n_features(estimator, frame, reset=reset)
    if reset:
        TablePlan.learn(estimator, frame, mask).store(estimator)
    return TablePlan.of(estimator).encode(estimator, frame)


def describe_inputs(estimator):
    """Lines saying what the first layer reads: numeric columns, missing
    indicators and embeddings (one per categorical column, with its rows)."""
    if not has_table(estimator):
        return []
    plan = TablePlan.of(estimator)
    names = getattr(estimator, "feature_names_in_", None)

    def label(j):
        return str(names[j]) if names is not None else f"x{j}"

    embeddings = ", ".join(
        f"{label(j)} ({len(categories)} categories + other + missing)"
        for j, categories in zip(plan.categorical, plan.categories))
    return [f"Inputs: {len(plan.numeric)} numeric, {len(plan.indicators)} missing "
            f"indicator(s), {len(plan.categories)} embedding(s)"
            + (f": {embeddings}" if embeddings else "")]


def _is_frame(X):
    return (hasattr(X, "columns") and hasattr(X, "dtypes")) or hasattr(X, "schema")


def _as_frame(X):
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


class TablePlan:
    """The fitted description of a table's columns (see the module docstring)."""

    ATTRIBUTES = ("is_categorical_", "categories_", "fill_values_",
                  "missing_indicator_features_")

    def __init__(self, is_categorical, categories, fill_values, indicators):
        self.is_categorical = np.asarray(is_categorical, dtype=bool)
        self.categories = list(categories)
        self.fill_values = np.asarray(fill_values, dtype=np.float64)
        self.indicators = np.asarray(indicators, dtype=np.intp)
        self.numeric = np.flatnonzero(~self.is_categorical)
        self.categorical = np.flatnonzero(self.is_categorical)

    @classmethod
    def of(cls, estimator):
        return cls(*(estimator.__dict__[name] for name in cls.ATTRIBUTES))

    def store(self, estimator):
        for name, value in zip(self.ATTRIBUTES, (
                self.is_categorical, self.categories, self.fill_values,
                self.indicators)):
            setattr(estimator, name, value)

    @property
    def n_dense(self):
        """Numeric network inputs: the numeric columns, then the indicators."""
        return len(self.numeric) + len(self.indicators)

    @property
    def sizes(self):
        """Weight rows per categorical column: its categories, other, missing."""
        return tuple(len(categories) + 2 for categories in self.categories)

    @classmethod
    def learn(cls, estimator, frame, mask):
        """The plan of a first fit's ``frame`` with categorical columns ``mask``."""
        numeric = np.flatnonzero(~mask)
        _refuse_text(estimator, frame, numeric)
        values = numeric_values(estimator, frame, numeric)
        gaps = np.isnan(values)
        with np.errstate(invalid="ignore"):
            counts = (~gaps).sum(axis=0)
            fill = np.where(counts > 0, np.nansum(values, axis=0) / np.maximum(
                counts, 1), 0.0)
        indicators = numeric[gaps.any(axis=0)]
        categories = [_categories(estimator, frame.iloc[:, j])
                      for j in np.flatnonzero(mask)]
        return cls(mask, categories, fill, indicators)

    def encode(self, estimator, frame):
        """The network input of ``frame``'s rows, float64 of shape
        (n_rows, n_dense + n_categorical)."""
        values = numeric_values(estimator, frame, self.numeric)
        gaps = np.isnan(values)
        position = np.searchsorted(self.numeric, self.indicators)
        indicators = gaps[:, position].astype(np.float64)
        np.copyto(values, self.fill_values, where=gaps)
        codes = [_codes(frame.iloc[:, j], categories)
                 for j, categories in zip(self.categorical, self.categories)]
        return np.column_stack([values, indicators, *codes]).astype(
            np.float64, copy=False) if codes or len(indicators) else values

    def observed_statistics(self, X, sample_weight, scaling, statistics):
        """``(offset, scale)`` of the numeric inputs of encoded ``X``, measured
        on the observed values only (as StandardScaler ignores NaN); the
        indicators get 0 and 1, the codes none."""
        n_numeric = len(self.numeric)
        offset, scale = np.zeros(self.n_dense), np.ones(self.n_dense)
        position = np.searchsorted(self.numeric, self.indicators)
        observed = np.ones((X.shape[0], n_numeric), dtype=bool)
        observed[:, position] = X[:, n_numeric: self.n_dense] == 0
        for j in range(n_numeric):
            rows = observed[:, j]
            if rows.any():
                weight = None if sample_weight is None else sample_weight[rows]
                offset[j], scale[j] = (value[0] for value in statistics(
                    X[rows, j: j + 1], weight, scaling))
        return offset, scale


def categorical_mask(estimator, frame):
    """Boolean mask of the categorical columns of ``frame`` (a first fit)."""
    name, spec = type(estimator).__name__, estimator.categorical_features
    n_columns = frame.shape[1]
    if spec is None:
        return np.zeros(n_columns, dtype=bool)
    if isinstance(spec, str):  # 'from_dtype'
        mask = np.array([_is_categorical_dtype(dtype) for dtype in frame.dtypes])
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


def _refuse_text(estimator, frame, numeric):
    """Columns to be read as numbers that hold text, refused as the plain path
    refuses them (a first fit)."""
    bad = [frame.columns[j] for j in numeric
           if not (pd.api.types.is_numeric_dtype(frame.dtypes.iloc[j])
                   or pd.api.types.is_bool_dtype(frame.dtypes.iloc[j]))
           and _stray(frame.iloc[:, j])[0].any()]
    if bad:
        raise ValueError(
            f"{type(estimator).__name__}: {describe_text_columns(frame, bad)} "
            "Or name categorical columns in categorical_features (the default "
            "'from_dtype' takes text, category and bool columns).")


def numeric_values(estimator, frame, columns):
    """The ``columns`` of ``frame`` as float64 (NaN for NA), infinity refused."""
    name = type(estimator).__name__
    values = np.empty((frame.shape[0], len(columns)), dtype=np.float64)
    for k, j in enumerate(columns):
        column = frame.iloc[:, j]
        try:
            values[:, k] = pd.to_numeric(column).to_numpy(
                dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            stray, _ = _stray(column)
            shown = column[stray].tolist()[:5]
            raise ValueError(
                f"{name}: column {frame.columns[j]!r} was numeric at fit but holds "
                f"text {shown} in rows {column.index[stray].tolist()[:5]}; pass "
                "numbers (NaN for a missing value), or refit naming it in "
                "categorical_features.") from None
    infinite = np.isinf(values)
    if infinite.any():
        bad = [frame.columns[columns[k]] for k in np.flatnonzero(infinite.any(axis=0))]
        raise ValueError(
            f"{name}: column(s) {bad} hold infinite values (first in row "
            f"{frame.index[np.flatnonzero(infinite.any(axis=1))[0]]!r}); replace "
            "them with finite numbers, or with NaN to have them treated as missing.")
    return values


def _categories(estimator, column):
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


def _codes(column, categories):
    """Float codes of a column: positions in ``categories``, then the 'other'
    row for rare or unseen ones and the 'missing' row for NaN, None and NA."""
    missing = column.isna().to_numpy()
    lookup = pd.Index(list(categories), dtype=object)
    values = column.astype(object).to_numpy()
    codes = lookup.get_indexer(values).astype(np.float64)
    codes[codes < 0] = len(categories)
    codes[missing] = len(categories) + 1
    return codes
