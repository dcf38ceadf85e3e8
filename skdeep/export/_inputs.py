"""What :func:`skdeep.to_onnx` does between its arguments and skl2onnx: check the
model, name an unsupported step, and work out the ONNX inputs."""

import copy

import numpy as np
from skl2onnx._parse import sklearn_parsers_map
from skl2onnx._supported_operators import sklearn_operator_name_map
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder

from .._pipelines import describe, final_estimator
from ..estimators import DeepClassifier, DeepRegressor
from ._converters import check_exportable, register
from ._tables import TableColumns, has_table

__all__ = ["convert"]


def convert(skl2onnx, model, X_sample, *, options, target_opset):
    """The ONNX ModelProto of ``model``; see :func:`skdeep.to_onnx`."""
    register()
    network = final_estimator(model)
    if not isinstance(network, (DeepClassifier, DeepRegressor)):
        raise ValueError(
            "skdeep.to_onnx converts a DeepClassifier, a DeepRegressor or a "
            f"Pipeline ending in one (or in a Pipeline that does); got "
            f"{describe(model)}. Use skl2onnx.to_onnx for other models.")
    check_exportable(network)
    for where, step in _leaf_steps(model):
        _check_convertible(where, step)
    model = _servable(model)
    if options is None and isinstance(network, DeepClassifier):
        options = {DeepClassifier: {"zipmap": False}}
    dtype = network.coefs_[0].dtype
    if X_sample is not None and has_table(_first_step(model)) and not (
            _is_numeric_array(X_sample)):
        _check_sample_columns(_first_step(model), X_sample)
        X_sample = None  # the fitted columns give the inputs
    if X_sample is None:
        return skl2onnx.to_onnx(model, initial_types=infer_inputs(model, dtype),
                                options=options, target_opset=target_opset)
    if hasattr(X_sample, "columns") and not isinstance(_first_step(model),
                                                       ColumnTransformer):
        # a DataFrame would become one input per column, which only a
        # ColumnTransformer can take; anything else reads one matrix
        X_sample = np.asarray(X_sample)
    return skl2onnx.to_onnx(model, X_sample, options=options,
                            target_opset=target_opset)


def _is_numeric_array(X):
    """A 2-D numeric array (not a table): one matrix input."""
    if hasattr(X, "columns") or hasattr(X, "schema"):
        return False
    array = np.asarray(X)
    return array.ndim == 2 and array.dtype.kind in "biuf"


def _check_sample_columns(model, X_sample):
    """A table sample for a raw-table model must have the fitted columns."""
    columns = getattr(X_sample, "column_names", None)  # pyarrow
    columns = getattr(X_sample, "columns", None) if columns is None else columns
    if columns is None:
        width = np.shape(X_sample)[1] if np.ndim(X_sample) == 2 else None
        if width != model.n_features_in_:
            raise ValueError(
                f"skdeep.to_onnx: X_sample has shape {np.shape(X_sample)}; the "
                f"{type(model).__name__} was fitted on {model.n_features_in_} columns.")
        return
    given = [str(column) for column in columns]
    expected = TableColumns(model).names
    if len(given) != len(expected) or (
            "feature_names_in_" in vars(model) and given != expected):
        raise ValueError(
            f"skdeep.to_onnx: X_sample's columns {given} are not the columns "
            f"the {type(model).__name__} was fitted on, in order: {expected}.")


def _first_step(model):
    while isinstance(model, Pipeline):
        model = model.steps[0][1]
    return model


def _leaf_steps(model, where=""):
    """(path, estimator) for every step below the pipelines and column
    transformers that skl2onnx parses itself."""
    if isinstance(model, Pipeline):
        for name, step in model.steps:
            if step is None or isinstance(step, str):  # skl2onnx parses neither
                yield f"{where}{name}", step
            else:
                yield from _leaf_steps(step, f"{where}{name}/")
    elif isinstance(model, ColumnTransformer):
        for name, step, _ in model.transformers_:
            yield from _leaf_steps(step, f"{where}{name}/")
    elif isinstance(model, FeatureUnion):
        for name, step in model.transformer_list:
            yield from _leaf_steps(step, f"{where}{name}/")
    elif not isinstance(model, str) and model is not None:
        yield where.rstrip("/") or type(model).__name__, model


def _check_convertible(where, step):
    if step is None or isinstance(step, str):
        raise ValueError(
            f"skdeep.to_onnx: step {where!r} is {step!r}, which skl2onnx cannot "
            "convert; remove it from the Pipeline (it passes its input on "
            "unchanged) and export again.")
    kind = type(step)
    if kind in sklearn_operator_name_map or kind in sklearn_parsers_map:
        return
    raise ValueError(
        f"skdeep.to_onnx: step {where!r} ({kind.__name__}) has no ONNX converter "
        "in skl2onnx. Replace it with a step skl2onnx converts (StandardScaler, "
        "MinMaxScaler, OneHotEncoder, SimpleImputer, ColumnTransformer, ...), or "
        "register a converter for it with skl2onnx.update_registered_converter.")


def _servable(model):
    """``model``, or a copy whose OneHotEncoders skl2onnx converts to what
    predict does: an unknown category gives zeros ('infrequent_if_exist' without
    infrequent categories is 'ignore'; skl2onnx would fail the batch)."""
    encoders = [(where, step) for where, step in _leaf_steps(model)
                if isinstance(step, OneHotEncoder)
                and step.handle_unknown in ("infrequent_if_exist", "warn")]
    for where, step in encoders:
        grouped = [str(name) for name, rows in zip(
            step.feature_names_in_ if hasattr(step, "feature_names_in_")
            else range(step.n_features_in_), step._infrequent_indices or ())
            if rows is not None]
        if step._infrequent_enabled and grouped:
            raise ValueError(
                f"skdeep.to_onnx: step {where!r} (OneHotEncoder) groups the "
                f"infrequent categories of {grouped} into one column, which "
                "skl2onnx cannot convert; refit it with max_categories=None and "
                "min_frequency=None (skdeep train groups a text column's rarest "
                "values only beyond 50 distinct ones).")
    if not encoders:
        return model
    model = copy.deepcopy(model)
    for _, step in _leaf_steps(model):
        if isinstance(step, OneHotEncoder) and step.handle_unknown in (
                "infrequent_if_exist", "warn"):
            step.handle_unknown = "ignore"
    return model


def infer_inputs(model, dtype):
    """skl2onnx ``initial_types`` for ``model`` when no sample rows are given.

    A pipeline starting with a fitted ColumnTransformer gets one ``[None, 1]``
    input per training column: strings for the columns a OneHotEncoder with
    string categories reads, float32 for the others (skl2onnx converts
    SimpleImputer to an operator onnxruntime runs on float32 only). Anything
    else gets one ``X`` input of shape ``[None, n_features_in_]`` in the
    network's dtype, except a model fitted on a raw table: one ``[None, 1]``
    input per column (see ``TableColumns.input_types``).
    """
    first = _first_step(model)
    real = DoubleTensorType if np.dtype(dtype) == np.float64 else FloatTensorType
    if has_table(first):
        return TableColumns(first).input_types(real)
    if not isinstance(first, ColumnTransformer):
        return [("X", real([None, first.n_features_in_]))]
    strings = set()
    for _, step, columns in first.transformers_:
        if isinstance(step, OneHotEncoder) and any(
                category.dtype == object for category in step.categories_):
            strings.update(columns)
    return [(str(column), StringTensorType([None, 1]) if column in strings
             else FloatTensorType([None, 1])) for column in first.feature_names_in_]
