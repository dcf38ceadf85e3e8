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
The ``categories`` parameter may list a column's categories instead (as
OneHotEncoder's does): each listed one then has a row, however rare, in the
order given, and everything else is 'other'.

X is read as a table when its first fit has a categorical column or a missing
value, and also, whatever its content, when ``categorical_features`` names the
columns explicitly (a list or a mask, even empty), when ``categories`` is
given, or at the first ``partial_fit`` call on a DataFrame: the plan then
exists from the start, so a later call's or predict's gaps are filled too (a
stream's first chunk may have none). Otherwise X is read as numbers, as MLP
reads it.
"""

from numbers import Number

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.validation import _check_feature_names, _check_n_features

from ._text import NUMERIC_SHARE, _stray, describe_text_columns, row_word

__all__ = ["MIN_CATEGORY_COUNT", "TablePlan", "categorical_mask", "describe_inputs",
           "encode_table", "has_table", "is_categorical_dtype"]

# a category seen in fewer training rows shares its column's 'other' row with
# the unseen ones: a row that a single sample trains only memorises it
MIN_CATEGORY_COUNT = 5
# codes are stored in float input columns: exact below 2**24 even in float32
MAX_CATEGORIES = 2**24 - 2


def has_table(estimator):
    """True when the fitted estimator encodes raw tables (it has a plan)."""
    return "is_categorical_" in estimator.__dict__


def encode_table(estimator, X, *, reset, incremental=False):
    """X encoded as the network's float64 input, or None when X takes the plain
    numeric path: sparse X, a model fitted that way, or a first fit whose X has
    no categorical column and no missing value and is not declared a table
    (see the module docstring; ``incremental``: a ``partial_fit`` call)."""
    if reset:
        for name in TablePlan.ATTRIBUTES:
            estimator.__dict__.pop(name, None)
    elif not has_table(estimator):
        return None
    else:
        _require_frame(estimator, X)
    frame = None if sparse.issparse(X) else _as_frame(X)
    if frame is None:
        if reset:
            return None
        raise ValueError(f"{type(estimator).__name__}: X is "
                         f"{'sparse' if sparse.issparse(X) else 'not a 2-D table'}"
                         ", but the model was fitted on a table with categorical "
                         "columns or gaps; pass a dense table with the columns "
                         "seen in fit.")
    if reset:
        mask = categorical_mask(estimator, frame)
        declared = _declared_table(estimator, X, incremental)
        if not (declared or mask.any()
                or frame.iloc[:, ~mask].isna().to_numpy().any()):
            return None
    _check_feature_names(estimator, frame if _is_frame(X) else X, reset=reset)
    _check_n_features(estimator, frame, reset=reset)
    if reset:
        TablePlan.learn(estimator, frame, mask).store(estimator)
    return TablePlan.of(estimator).encode(estimator, frame)


def _declared_table(estimator, X, incremental):
    """Whether a first fit reads X as a table whatever its content: named
    categorical columns, explicit categories, or a first partial_fit on a
    DataFrame (a stream's later chunks may hold gaps the first one lacks)."""
    spec = estimator.categorical_features
    return (not (spec is None or isinstance(spec, str))
            or getattr(estimator, "categories", "auto") != "auto"
            or (incremental and _is_frame(X)))


def _require_frame(estimator, X):
    """A model fitted on a DataFrame with categorical columns or gaps reads its
    columns by name and their text as categories: a NumPy array (or a list)
    has neither, and read by position would put text categories in 'other'."""
    names = estimator.__dict__.get("feature_names_in_")
    if names is None or _is_frame(X):
        return
    plan = TablePlan.of(estimator)
    if not (len(plan.categorical) or len(plan.indicators)):
        return  # numbers only: scikit-learn's warning, and read by position
    what = []
    if len(plan.categorical):
        categorical = [str(names[j]) for j in plan.categorical]
        what.append(f"categorical column(s) {categorical}")
    if len(plan.indicators):
        what.append("missing-value indicators for "
                    f"{[str(names[j]) for j in plan.indicators]}")
    raise ValueError(
        f"{type(estimator).__name__} was fitted on a DataFrame with "
        f"{' and '.join(what)}, so X must be a DataFrame with the columns "
        f"{[str(name) for name in names]}; got a {type(X).__name__}, which has no "
        "column names. Build one with pandas.DataFrame(X, "
        "columns=model.feature_names_in_), or read the rows with "
        "pandas.read_csv.")


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
        given = explicit_categories(estimator, frame, mask)
        categories = [given[j] if j in given else _categories(estimator,
                                                              frame.iloc[:, j])
                      for j in np.flatnonzero(mask)]
        return cls(mask, categories, fill, indicators)

    def encode(self, estimator, frame):
        """The network input of ``frame``'s rows, float64 of shape
        (n_rows, n_dense + n_categorical)."""
        values = numeric_values(estimator, frame, self.numeric)
        gaps = np.isnan(values)
        position = np.searchsorted(self.numeric, self.indicators)
        indicators = gaps[:, position].astype(np.float64)
        if gaps.any():
            if not values.flags.owndata:  # the caller's memory
                values = values.copy(order="F")
            np.copyto(values, self.fill_values, where=gaps)
        codes = [_codes(frame.iloc[:, j], categories)
                 for j, categories in zip(self.categorical, self.categories)]
        if not (codes or len(self.indicators)):
            return values  # numbers only: no copy
        return np.column_stack([values, indicators, *codes]).astype(
            np.float64, copy=False)

    def observed_statistics(self, X, sample_weight, scaling, statistics):
        """``(offset, scale)`` of the numeric inputs of encoded ``X``, measured
        on the observed values only (as StandardScaler ignores NaN); the
        indicators get 0 and 1, the codes none."""
        n_numeric = len(self.numeric)
        offset, scale = np.zeros(self.n_dense), np.ones(self.n_dense)
        position = np.searchsorted(self.numeric, self.indicators)
        observed = np.ones((X.shape[0], n_numeric), dtype=bool)
        observed[:, position] = X[:, n_numeric: self.n_dense] == 0
        # the columns observed in every row in one block, as the plain path
        # measures them (a sum over one column rounds differently from one
        # over a block's columns), so a table of complete numbers is scaled
        # bit for bit as the same numbers as an array
        complete = np.flatnonzero(observed.all(axis=0))
        if len(complete):
            offset[complete], scale[complete] = statistics(
                X[:, :n_numeric] if len(complete) == n_numeric
                else X[:, complete], sample_weight, scaling)
        for j in np.setdiff1d(np.arange(n_numeric), complete):
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


def is_categorical_dtype(dtype):
    """Whether 'from_dtype' takes a column of ``dtype`` as categorical."""
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
