"""The first layer of a model fitted on a raw table, as ONNX nodes.

Such a model (``is_categorical_`` is set) reads the original columns and
encodes them as ``predict`` does, from public fitted attributes only:

- numeric columns: NaN becomes the column's entry of ``fill_values_``, and each
  column of ``missing_indicator_features_`` adds a 0/1 input (IsNaN); the input
  scaling is already folded into ``coefs_[0]`` and ``intercepts_[0]``;
- categorical column ``k``: its value's position in ``categories_[k]``
  (ai.onnx.ml LabelEncoder, a hash lookup), else the 'other' row
  ``len(categories_[k])`` for an unseen or rare value, or the 'missing' row
  after it; that row of ``coefs_[0]`` is gathered and added into the first
  layer's pre-activation, so the graph never builds the one-hot table.

A missing value is NaN in a float input, ``MISSING_STRING`` in a string input
and ``MISSING_INT64`` in an int64 input (see ``_feeds``). The inputs are one
``[N, 1]`` tensor per column, or one ``[N, n_features_in_]`` numeric matrix
(an array sample, or the output of earlier pipeline steps).
"""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int32TensorType,
    Int64TensorType,
    StringTensorType,
)

from ._feeds import MISSING_INT64, MISSING_STRING

__all__ = ["TableColumns", "has_table"]

ML = {"op_domain": "ai.onnx.ml", "op_version": 2}
_INTEGER_TYPES = (Int64TensorType, Int32TensorType, BooleanTensorType)
_REAL_TYPES = (FloatTensorType, DoubleTensorType)
# integral float categories are matched as int64 below this magnitude
_INT_LIMIT = 2.0**62


def has_table(model):
    """True for a model fitted on a raw table (categorical columns or gaps)."""
    return "is_categorical_" in vars(model)


class TableColumns:
    """The columns of a raw-table model, read from its fitted attributes.

    ``kinds`` says what each categorical column's values are in ONNX:
    'string', 'int64' (integer and bool categories) or 'real' (float ones).
    Raises a ValueError, naming the column, for categories no ONNX input can
    hold exactly.
    """

    def __init__(self, model):
        self.model_name = type(model).__name__
        self.is_categorical = np.asarray(model.is_categorical_, dtype=bool)
        self.numeric = np.flatnonzero(~self.is_categorical)
        self.categorical = np.flatnonzero(self.is_categorical)
        self.categories = [np.asarray(c) for c in model.categories_]
        self.fill_values = np.asarray(model.fill_values_, dtype=np.float64)
        self.indicators = np.searchsorted(self.numeric,
                                          model.missing_indicator_features_)
        names = vars(model).get("feature_names_in_")
        self.names = ([str(name) for name in names] if names is not None
                      else [f"x{j}" for j in range(len(self.is_categorical))])
        self.has_names = names is not None
        self.n_dense = len(self.numeric) + len(self.indicators)
        self.sizes = [len(categories) + 2 for categories in self.categories]
        self.kinds = [self._kind(self.names[j], categories)
                      for j, categories in zip(self.categorical, self.categories)]
        n_rows = model.coefs_[0].shape[0]
        if n_rows != self.n_dense + sum(self.sizes):
            raise ValueError(
                f"{self.model_name}: coefs_[0] has {n_rows} rows, but the fitted "
                f"table describes {self.n_dense + sum(self.sizes)} (numeric "
                "columns, missing indicators, then per categorical column its "
                "categories, 'other' and 'missing'); refit the model.")

    def _kind(self, column, categories):
        name = self.model_name
        if categories.dtype.kind in "biu":
            if categories.size and (int(categories.max()) > np.iinfo(np.int64).max
                                    or int(categories.min()) == MISSING_INT64):
                raise ValueError(
                    f"{name}: column {column!r} has integer categories an int64 "
                    "ONNX input cannot carry (above 2**63 - 1, or the smallest "
                    "int64, which stands for a missing value); refit with the "
                    f"column as text, e.g. X[{column!r}] = X[{column!r}].astype(str).")
            return "int64"
        if categories.dtype.kind == "f":
            if not _integral(categories) and len(np.unique(categories.astype(
                    np.float32))) < len(categories):
                raise ValueError(
                    f"{name}: column {column!r} has float categories that the "
                    "ONNX lookup (float32 keys) cannot tell apart "
                    f"({categories[:4].tolist()!r}, ...); refit with the column "
                    f"as text, e.g. X[{column!r}] = X[{column!r}].astype(str).")
            return "real"
        if not all(isinstance(value, str) for value in categories.tolist()):
            types = sorted({type(value).__name__ for value in categories.tolist()})
            raise ValueError(
                f"{name}: column {column!r} has categories of the types {types} "
                f"({categories[:4].tolist()!r}); an ONNX input holds text or "
                f"numbers of one type. Refit with the column as text, e.g. "
                f"X[{column!r}] = X[{column!r}].astype(str).")
        if MISSING_STRING in categories.tolist():
            raise ValueError(
                f"{name}: column {column!r} has the empty string as a category, "
                "which the ONNX graph reads as a missing value (a string tensor "
                f"has no NaN); refit with it replaced, e.g. X[{column!r}] = "
                f"X[{column!r}].replace('', '(blank)').")
        return "string"

    def input_types(self, real_type):
        """skl2onnx ``initial_types``: one ``[None, 1]`` input per column, the
        numeric ones of ``real_type``."""
        types = {"string": StringTensorType, "int64": Int64TensorType,
                 "real": DoubleTensorType}
        kinds = dict(zip(self.categorical, self.kinds))
        return [(name, (types[kinds[j]] if j in kinds else real_type)([None, 1]))
                for j, name in enumerate(self.names)]

    def check_inputs(self, inputs):
        """Refuse graph inputs this table cannot be read from, saying which fit."""
        n_columns = len(self.names)
        if _Columns.is_matrix(inputs, n_columns):
            if not isinstance(inputs[0].type, _REAL_TYPES + _INTEGER_TYPES) or any(
                    kind == "string" for kind in self.kinds):
                raise ValueError(
                    f"{self.model_name}: one {type(inputs[0].type).__name__} matrix "
                    "input cannot carry this model's columns (text categories "
                    "need their own string input); export it with one input per "
                    "column: skdeep.to_onnx(model) or a DataFrame sample.")
            return
        if len(inputs) != n_columns:
            raise ValueError(
                f"{self.model_name}: the graph has {len(inputs)} input(s); a model "
                f"fitted on a raw table reads one per column ({n_columns}: "
                f"{self.names}), or one numeric matrix of them.")
        given = [variable.raw_name for variable in inputs]
        if self.has_names and n_columns > 1 and given != self.names:
            raise ValueError(
                f"{self.model_name}: the graph's inputs {given} are not the "
                f"columns the model was fitted on, in order: {self.names}.")
        kinds = dict(zip(self.categorical, self.kinds))
        for j, variable in enumerate(inputs):
            kind = kinds.get(j, "numeric")
            if not _accepts(kind, variable.type):
                raise ValueError(
                    f"{self.model_name}: column {self.names[j]!r} needs a "
                    f"{_NEEDS[kind]} input; got {type(variable.type).__name__}.")

    def first_layer(self, b, inputs, weights, bias):
        """The first layer's pre-activation (bias included) for the graph
        ``inputs``, built with GraphBuilder ``b``; returns its name."""
        columns = _Columns(b, inputs, len(self.names))
        layer = None
        if self.n_dense:
            dense = self._dense_inputs(b, columns)
            layer = b.node("MatMul", dense, b.constant(weights[: self.n_dense]))
        embeddings = b.constant(weights[self.n_dense:]) if self.sizes else None
        start = 0
        for j, categories, kind, size in zip(self.categorical, self.categories,
                                             self.kinds, self.sizes):
            codes = _codes(b, columns.values(j), categories, kind, columns.types[j])
            if start:
                codes = b.node("Add", codes, b.constant(np.int64(start),
                                                        TensorProto.INT64))
            rows = b.node("Gather", embeddings, codes, axis=0)
            layer = rows if layer is None else b.node("Add", layer, rows)
            start += size
        return b.node("Add", layer, b.constant(bias))

    def _dense_inputs(self, b, columns):
        """The numeric columns with gaps filled, then the missing indicators,
        as one (N, n_dense) matrix of the model's dtype."""
        values = columns.numbers(self.numeric)
        gaps = b.node("IsNaN", values)
        filled = b.node("Where", gaps, b.constant(self.fill_values[None, :]),
                        values)
        if not len(self.indicators):
            return filled
        flags = b.node("Gather", gaps, b.constant(self.indicators.astype(np.int64),
                                                  TensorProto.INT64), axis=1)
        return b.node("Concat", filled, b.cast(flags, b.proto), axis=1)


_NEEDS = {"numeric": "float, double, int64 or bool", "string": "string",
          "int64": "int64, int32, bool, float or double",
          "real": "float, double, int64, int32 or bool"}


def _accepts(kind, input_type):
    if kind == "string":
        return isinstance(input_type, StringTensorType)
    return isinstance(input_type, _REAL_TYPES + _INTEGER_TYPES)


class _Columns:
    """The model's columns in the graph: one ``[N, 1]`` input each, or the
    columns of one ``[N, n_columns]`` matrix input."""

    def __init__(self, b, inputs, n_columns):
        self.b, self.inputs = b, inputs
        self.matrix = self.is_matrix(inputs, n_columns)
        self.types = ([inputs[0].type] * n_columns if self.matrix
                      else [variable.type for variable in inputs])

    @staticmethod
    def is_matrix(inputs, n_columns):
        """Whether ``inputs`` is one matrix of several columns."""
        if len(inputs) != 1 or n_columns == 1:
            return False
        shape = inputs[0].type.shape or []
        return len(shape) == 2 and shape[1] in (n_columns, None, "None")

    def values(self, j):
        """Column ``j`` as an (N,) tensor of its input's type."""
        b = self.b
        if self.matrix:
            return b.node("Gather", self.inputs[0].full_name,
                          b.constant(np.int64(j), TensorProto.INT64), axis=1)
        return b.node("Reshape", self.inputs[j].full_name,
                      b.constant(np.array([-1]), TensorProto.INT64))

    def numbers(self, columns):
        """The ``columns`` as one (N, k) matrix in the model's dtype."""
        b = self.b
        if self.matrix:
            picked = b.node("Gather", self.inputs[0].full_name, b.constant(
                np.asarray(columns, dtype=np.int64), TensorProto.INT64), axis=1)
            return b.cast(picked, b.proto)
        parts = [b.node("Reshape", b.cast(self.inputs[j].full_name, b.proto),
                        b.constant(np.array([-1, 1]), TensorProto.INT64))
                 for j in columns]
        return parts[0] if len(parts) == 1 else b.node("Concat", *parts, axis=1)


def _codes(b, values, categories, kind, input_type):
    """Each value's row in its column's block: position in ``categories``,
    ``len(categories)`` if unseen, ``len(categories) + 1`` if missing; int64."""
    n_categories = len(categories)
    codes = list(range(n_categories))
    if kind == "string":
        return b.node("LabelEncoder", values, **ML,
                      keys_strings=[*map(str, categories.tolist()), MISSING_STRING],
                      values_int64s=[*codes, n_categories + 1],
                      default_int64=n_categories)
    if kind == "real" or isinstance(input_type, _REAL_TYPES):
        return _real_codes(b, values, categories)
    # integer categories from an integer input: exact int64 keys (bool
    # categories as 0 and 1), the smallest int64 for a missing value
    return b.node("LabelEncoder", b.node("Cast", values, to=TensorProto.INT64), **ML,
                  keys_int64s=[*map(int, categories.tolist()), MISSING_INT64],
                  values_int64s=[*codes, n_categories + 1],
                  default_int64=n_categories)


def _real_codes(b, values, categories):
    """Codes of a float or double column: NaN is missing; a value takes a
    category's row only when it equals it exactly in double precision (the
    lookup runs on int64 or float32 keys, then is confirmed)."""
    n_categories = len(categories)
    x = b.cast(values, TensorProto.DOUBLE)
    missing = b.node("IsNaN", x)
    if _integral(categories):
        zero, limit = (b.constant(np.float64(v), TensorProto.DOUBLE)
                       for v in (0.0, _INT_LIMIT))
        safe = b.node("Clip", b.node("Where", missing, zero, x),
                      b.node("Neg", limit), limit)
        as_integer = b.node("Cast", safe, to=TensorProto.INT64)
        found = b.node("LabelEncoder", as_integer, **ML,
                       keys_int64s=[int(c) for c in categories.tolist()],
                       values_int64s=list(range(n_categories)),
                       default_int64=n_categories)
        exact = b.node("Equal", b.cast(as_integer, TensorProto.DOUBLE), x)
    else:
        found = b.node("LabelEncoder", b.cast(x, TensorProto.FLOAT), **ML,
                       keys_floats=categories.astype(np.float32).tolist(),
                       values_int64s=list(range(n_categories)),
                       default_int64=n_categories)
        table = b.constant(np.append(categories.astype(np.float64), np.nan),
                           TensorProto.DOUBLE)
        exact = b.node("Equal", b.node("Gather", table, found, axis=0), x)
    unseen = b.constant(np.int64(n_categories), TensorProto.INT64)
    codes = b.node("Where", exact, found, unseen)
    return b.node("Where", missing, b.constant(np.int64(n_categories + 1),
                                               TensorProto.INT64), codes)


def _integral(categories):
    """Whether numeric ``categories`` are whole numbers an int64 holds exactly."""
    values = categories.astype(np.float64)
    return bool(np.all(np.isfinite(values) & (values == np.round(values))
                       & (np.abs(values) < _INT_LIMIT)))
