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

The plan is built from ``_categorical`` (which columns are categorical, and
their categories) and ``_frames`` (a table's columns read as numbers and
codes); ``summary`` describes it (``_summary.describe_inputs``).
"""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import _check_feature_names, _check_n_features

from ._categorical import (
    categorical_mask,
    column_categories,
    explicit_categories,
    refuse_text,
)
from ._frames import as_frame, category_codes, is_frame, numeric_values

__all__ = ["TablePlan", "encode_table", "has_table"]


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
    frame = None if sparse.issparse(X) else as_frame(X)
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
    _check_feature_names(estimator, frame if is_frame(X) else X, reset=reset)
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
            or (incremental and is_frame(X)))


def _require_frame(estimator, X):
    """A model fitted on a DataFrame with categorical columns or gaps reads its
    columns by name and their text as categories: a NumPy array (or a list)
    has neither, and read by position would put text categories in 'other'."""
    names = estimator.__dict__.get("feature_names_in_")
    if names is None or is_frame(X):
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
        refuse_text(estimator, frame, numeric)
        values = numeric_values(estimator, frame, numeric)
        gaps = np.isnan(values)
        with np.errstate(invalid="ignore"):
            counts = (~gaps).sum(axis=0)
            fill = np.where(counts > 0, np.nansum(values, axis=0) / np.maximum(
                counts, 1), 0.0)
        indicators = numeric[gaps.any(axis=0)]
        given = explicit_categories(estimator, frame, mask)
        categories = [given[j] if j in given
                      else column_categories(estimator, frame.iloc[:, j])
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
        codes = [category_codes(frame.iloc[:, j], categories)
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
