"""What every fitted attribute of an allow-listed scikit-learn type must look like.

``SCHEMAS`` maps each type to its attributes and a rule per attribute (type,
dtype, shape, agreement with ``n_features_in_`` and the parameters). Loading
checks every attribute of every object against it, bottom up, so a parent can
rely on its children; neighbouring steps are then checked by passing an input
row through them (``_smoke``), which also backs up the table.
"""

import math
from numbers import Integral, Real

import numpy as np

from ._codec import expect

__all__ = ["COMMON_SCHEMA", "SCHEMAS", "check_fitted", "check_params"]

_OUTPUTS = {"default", "pandas"}
MAX_JOBS = 64  # a file's n_jobs; load itself never starts a worker


# -- rules: each takes (value, estimator) and says whether the value fits --------
def _n(est):
    return est.n_features_in_


def _is_int(value, low=0):
    return isinstance(value, (Integral, np.integer)) and not isinstance(
        value, (bool, np.bool_)) and value >= low


def _vector(value, length, kinds="f"):
    return (isinstance(value, np.ndarray) and value.ndim == 1
            and value.dtype.kind in kinds and value.shape == (length,))


def _features(value, est):
    return _vector(value, _n(est), "f") and not np.isinf(value).any()


def _optional_features(value, est):
    return value is None or _features(value, est)


def _positive_scale(value, est):
    return value is None or (_features(value, est) and bool((value > 0).all()))


def _samples_seen(value, est):
    return (_is_int(value) or (isinstance(value, (float, np.floating))
                               and math.isfinite(value) and value >= 0)
            or (_vector(value, _n(est), "iuf") and bool(
                (np.isfinite(value) & (value >= 0)).all())))


def _names(value, est):
    return _vector(value, _n(est), "O") and all(isinstance(v, str) for v in value)


def _output_config(value, est):
    return (isinstance(value, dict) and set(value) <= {"transform"}
            and all(v in _OUTPUTS for v in value.values()))


def _categories(value, est):
    return (isinstance(value, list) and len(value) == _n(est) and all(
        isinstance(c, np.ndarray) and c.ndim == 1 and c.size >= 1
        and c.dtype.kind in "OUiuf" for c in value))


def _per_feature(value, est, item):
    return (isinstance(value, list) and len(value) == _n(est)
            and all(item(v, len(c)) for v, c in zip(value, est.categories_)))


def _index_or_none(value, size):
    return value is None or (_is_int(value) and value < size)


def _drop_indices(value, est):
    return value is None or (
        isinstance(value, np.ndarray) and value.shape == (_n(est),)
        and value.dtype.kind in "Oiu"
        and _per_feature(list(value), est, _index_or_none))


def _infrequent(value, est):
    return _per_feature(value, est, lambda v, size: v is None or (
        _vector(v, v.size, "iu") and 1 <= v.size <= size and bool(
            (v >= 0).all() and (v < size).all())))


def _mappings(value, est):
    return _per_feature(value, est, lambda v, size: v is None or (
        _vector(v, size, "iu") and bool((v >= 0).all() and (v < size).all())))


def _n_outs(value, est):
    return (isinstance(value, list) and all(_is_int(v, 1) for v in value)
            and value == est._compute_n_features_outs())


def _statistics(value, est):
    return _vector(value, _n(est), "fOU") and not (
        value.dtype.kind == "f" and np.isinf(value).any())


def _fit_dtype(value, est):
    return isinstance(value, np.dtype) and value.kind in "biufOU"


def _indicator(value, est):
    kind = type(value).__name__
    return (value is None and not est.add_indicator) or (
        kind == "MissingIndicator" and est.add_indicator
        and value.n_features_in_ == _n(est))


def _features_list(value, est):
    return (_vector(value, value.size, "iu") and bool((value >= 0).all())
            and bool((value < _n(est)).all())
            and np.array_equal(np.unique(value), value))


def _boolean(value, est):
    return isinstance(value, (bool, np.bool_))


def _equals_n(value, est):
    return _is_int(value) and value == _n(est)


def _anything_checked_by_column_transformer(value, est):
    return True  # the ColumnTransformer's own check reads these together


COMMON_SCHEMA = {"n_features_in_": lambda v, est: _is_int(v),
           "feature_names_in_": _names, "_sklearn_output_config": _output_config}

SCHEMAS = {
    "StandardScaler": {"mean_": _optional_features, "var_": _optional_features,
                       "scale_": _positive_scale, "n_samples_seen_": _samples_seen},
    "MinMaxScaler": {"min_": _features, "scale_": _features, "data_min_": _features,
                     "data_max_": _features, "data_range_": _features,
                     "n_samples_seen_": _samples_seen},
    # order matters: later rules read earlier attributes (categories_ first)
    "OneHotEncoder": {"categories_": _categories, "drop_idx_": _drop_indices,
                      "_drop_idx_after_grouping": _drop_indices,
                      "_infrequent_enabled": _boolean,
                      "_infrequent_indices": _infrequent,
                      "_default_to_infrequent_mappings": _mappings,
                      "_n_features_outs": _n_outs},
    "SimpleImputer": {"statistics_": _statistics, "indicator_": _indicator,
                      "_fit_dtype": _fit_dtype, "_fill_dtype": _fit_dtype},
    "MissingIndicator": {"features_": _features_list, "_n_features": _equals_n,
                         "_precomputed": _boolean},
    "FunctionTransformer": {},
    "ColumnTransformer": dict.fromkeys(
        ["_columns", "_transformer_to_input_indices", "_remainder",
         "sparse_output_", "transformers_", "output_indices_",
         "_name_to_fitted_passthrough", "_transformers_feature_names_out"],
        _anything_checked_by_column_transformer),
    "Pipeline": {},
}
# attributes every fitted object of a type has (the others are optional)
_REQUIRED = {"StandardScaler": set(SCHEMAS["StandardScaler"]),
             "MinMaxScaler": set(SCHEMAS["MinMaxScaler"]),
             "OneHotEncoder": {"categories_", "drop_idx_", "_drop_idx_after_grouping",
                               "_infrequent_enabled", "_n_features_outs"},
             "SimpleImputer": {"statistics_", "indicator_", "_fit_dtype"},
             "MissingIndicator": set(SCHEMAS["MissingIndicator"]),
             "ColumnTransformer": {"transformers_", "_transformer_to_input_indices",
                                   "output_indices_", "sparse_output_"}}


def check_params(name, params, where):
    """Parameters scikit-learn's own validation lets through but predict trips on."""
    jobs = params.get("n_jobs")
    expect(jobs is None or (_is_int(abs(jobs), 1) and abs(jobs) <= MAX_JOBS), where,
           f"n_jobs={jobs!r} must be None or a non-zero integer between "
           f"-{MAX_JOBS} and {MAX_JOBS}.")
    weights = params.get("transformer_weights")
    expect(weights is None or all(isinstance(w, Real) and math.isfinite(w)
                                  for w in weights.values()), where,
           "transformer_weights must be finite numbers.")
    expect(isinstance(params.get("verbose_feature_names_out", True), bool), where,
           "verbose_feature_names_out must be True or False.")


def check_fitted(est, fitted, where):
    """Every fitted attribute of ``est`` (already set) against its schema."""
    name = type(est).__name__
    config = getattr(est, "_sklearn_output_config", None)
    expect(config is None or _output_config(config, est), where,
           f"the output configuration {config!r} is not one of {sorted(_OUTPUTS)}.")
    if not set(fitted) - {"_sklearn_output_config"}:
        return  # an unfitted object (a ColumnTransformer's template, say)
    expect(_REQUIRED.get(name, set()) | {"n_features_in_"} <= set(fitted)
           or name == "Pipeline", where,
           f"a fitted {name} needs {sorted(_REQUIRED.get(name, set()))}.")
    rules = {**COMMON_SCHEMA, **SCHEMAS[name]}
    for attribute in sorted(fitted, key=list(rules).index):
        ok = rules[attribute](getattr(est, attribute), est)
        expect(ok, where, f"{attribute} does not fit a {name} with "
               f"n_features_in_={getattr(est, 'n_features_in_', None)!r} and "
               f"its parameters.")
    if name == "StandardScaler":
        expect((est.mean_ is not None or not est.with_mean)
               and (est.scale_ is not None or not est.with_std), where,
               "with_mean/with_std need mean_/scale_.")
    if name == "OneHotEncoder":
        expect(not est._infrequent_enabled or {
            "_infrequent_indices", "_default_to_infrequent_mappings"} <= set(fitted),
            where, "infrequent categories need their indices and mappings.")
    if name == "ColumnTransformer":
        _check_column_transformer(est, where)


def _check_column_transformer(est, where):
    """transformers_, their input indices and output slices agree with each other,
    with the parameters and with n_features_in_."""
    fitted = est.transformers_
    expect(isinstance(fitted, list) and all(
        isinstance(t, tuple) and len(t) == 3 and isinstance(t[0], str)
        for t in fitted), where, "transformers_ must be (name, transformer, "
        "columns) triples.")
    names = [name for name, _, _ in fitted]
    declared = [t[0] for t in est.transformers]
    expect(names in (declared, [*declared, "remainder"]), where,
           f"transformers_ {names} do not match the transformers {declared}.")
    indices, slices = est._transformer_to_input_indices, est.output_indices_
    expect(isinstance(indices, dict) and isinstance(slices, dict)
           and set(indices) >= set(names) and set(slices) >= set(names)
           and set(slices) <= {*declared, "remainder"}, where,
           "input indices and output slices must name every transformer.")
    stop = 0
    for name, transformer, _ in fitted:
        rows, out = indices[name], slices[name]
        expect(isinstance(rows, list) and all(
            _is_int(i) and i < est.n_features_in_ for i in rows), where,
            f"input indices of {name!r} must be column numbers below "
            f"n_features_in_={est.n_features_in_}.")
        expect(isinstance(transformer, str) and transformer in ("drop",
                                                                "passthrough")
               or getattr(transformer, "n_features_in_", None) == len(rows),
               where, f"{name!r} takes {len(rows)} columns, which its fitted "
               "transformer was not fitted on.")
        dropped = isinstance(transformer, str) and transformer == "drop"
        start = 0 if dropped else stop
        expect(isinstance(out, slice) and out.start == start and _is_int(out.stop)
               and out.stop >= start and out.step is None
               and (out.stop == 0 or not dropped), where,
               f"the output slice of {name!r} must start at column {start}.")
        stop = stop if dropped else out.stop
    expect(isinstance(est.sparse_output_, bool), where,
           "sparse_output_ must be True or False.")
