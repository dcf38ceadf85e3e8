"""The allow-listed scikit-learn objects, and dispatch of every estimator node.

Each allow-listed class names the fitted attributes it may carry. Saving refuses
an attribute outside the list (so a new scikit-learn attribute is noticed rather
than silently dropped); loading refuses one too, and never sets anything else.
"""

from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
)

from .._pipelines import describe, final_step
from ..estimators.contract import RUNTIME_ATTRIBUTES
from ._codec import expect, field
from ._decode_deep import construct, decode_deep
from ._encode_deep import DEEP_ESTIMATORS, encode_deep
from ._schema import COMMON_SCHEMA, SCHEMAS, check_fitted, check_params

__all__ = ["ALLOWED_TYPES", "encode_estimator", "decode_estimator", "check_root"]

# the allow-listed classes; the attributes each may carry are its schema's keys
_CLASSES = (StandardScaler, MinMaxScaler, OneHotEncoder, SimpleImputer,
            MissingIndicator, FunctionTransformer, ColumnTransformer, Pipeline)
_COMMON = set(COMMON_SCHEMA)
_FITTED = {cls: set(SCHEMAS[cls.__name__]) for cls in _CLASSES}
SKLEARN_TYPES = {cls.__name__: cls for cls in _FITTED}
ALLOWED_TYPES = {**SKLEARN_TYPES, **DEEP_ESTIMATORS}
def _unsupported(value, where, last_step=""):
    kind = type(value)
    return TypeError(
        f"{where}: skdeep.save cannot save a {kind.__module__}.{kind.__qualname__}"
        f"{f' ({last_step})' if last_step else ''}. It saves DeepClassifier, "
        "DeepRegressor, and Pipelines ending in one of them (or in a Pipeline "
        f"that does) built from {sorted(SKLEARN_TYPES)}. For anything else use "
        "skops.io.dump, or joblib.dump -- but only ever load a joblib or pickle "
        "file you trust, because loading one runs any code it contains.")


def check_root(obj):
    """Refuse a top-level object that is not a skdeep model (or a Pipeline
    ending in one, through nested Pipelines)."""
    path, final = final_step(obj)
    if type(final) not in DEEP_ESTIMATORS.values():
        raise _unsupported(obj, "object", path and describe(obj))


def encode_estimator(value, encoder, where):
    """The node of an allow-listed estimator (the codec's estimator hook)."""
    kind = type(value)
    if kind in DEEP_ESTIMATORS.values():
        return encode_deep(value, encoder, where)
    if kind not in _FITTED:
        raise _unsupported(value, where)
    params = value.get_params(deep=False)
    _check_saveable(value, params, where)
    fitted = {name: v for name, v in vars(value).items()
              if name not in params and name not in RUNTIME_ATTRIBUTES}
    unknown = sorted(set(fitted) - _COMMON - _FITTED[kind])
    if unknown:
        raise TypeError(f"{where}: {kind.__name__} has attributes {unknown} that "
                        "skdeep.save does not know; use skops.io.dump instead.")
    return {"type": "estimator", "class": kind.__name__,
            "params": encoder.encode_fields(params, f"{where}.params"),
            "fitted": encoder.encode_fields(fitted, where)}


def _check_saveable(value, params, where):
    if params.get("memory") is not None:
        raise TypeError(f"{where}: a Pipeline with memory= cannot be saved; set "
                        "memory=None first.")
    if type(value) is FunctionTransformer and (
            params["func"] is not None or params["inverse_func"] is not None):
        raise _unsupported(value, where)


def decode_estimator(node, decoder, where):
    """Build the allow-listed estimator a node names (the decoder's hook)."""
    expect(node.get("type") == "estimator", where,
           f"unknown node type {node.get('type')!r}.")
    name = node.get("class")
    expect(isinstance(name, str) and name in ALLOWED_TYPES, where,
           f"type {name!r} is not in the allow-list {sorted(ALLOWED_TYPES)}; "
           "skdeep.load builds nothing else.")
    if name in DEEP_ESTIMATORS:
        return decode_deep(node, decoder, f"{where}<{name}>")
    where = f"{where}<{name}>"
    cls = SKLEARN_TYPES[name]
    params = decoder.decode_fields(node.get("params"), f"{where}.params")
    expect(params.get("memory") is None, where, "Pipeline memory must be None.")
    expect(cls is not FunctionTransformer or (
        params.get("func") is None and params.get("inverse_func") is None),
        where, "only the identity FunctionTransformer (func=None) is allowed.")
    estimator = construct(cls, params, where)
    check_params(name, params, where)
    fitted = field(node, "fitted", dict, where)
    unknown = sorted(set(fitted) - _COMMON - _FITTED[cls])
    expect(not unknown, where, f"{name} has no fitted attributes {unknown}.")
    for attribute, value in fitted.items():
        setattr(estimator, attribute, decoder.decode(value, f"{where}.{attribute}"))
    check_fitted(estimator, fitted, where)
    return estimator
