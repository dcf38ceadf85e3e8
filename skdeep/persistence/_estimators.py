"""DeepClassifier / DeepRegressor state <-> manifest nodes.

Saving records the parameters and the trained engine (network, optimizer,
training state, random generator) plus the attributes fit sets before the
engine exists; loading rebuilds the engine and hands it to ``install_engine``
(skdeep.estimators.contract, the only part of the estimators used here), so every
other fitted attribute is derived exactly as after ``fit``.
"""

import dataclasses
import inspect
import math

import numpy as np
from sklearn.utils._param_validation import validate_parameter_constraints

from ..estimators import DeepClassifier, DeepRegressor
from ..estimators.contract import (
    PARAMETER_CONSTRAINTS,
    RUNTIME_ATTRIBUTES,
    check_parameters,
    fitted_engine,
    install_engine,
    is_fitted,
    is_multilabel,
    trained_params,
    warm_start_mismatch,
)
from ..network import MLP
from ..ops import HIDDEN_ACTIVATIONS, LOSSES
from ..optim import SGD, Adam, AdamW
from ..training import Engine, TrainingState
from ._codec import expect, field

__all__ = ["DEEP_ESTIMATORS", "encode_deep", "decode_deep"]

DEEP_ESTIMATORS = {"DeepClassifier": DeepClassifier, "DeepRegressor": DeepRegressor}
# fit sets these before the engine exists; _commit derives the rest
_TABLE_ATTRIBUTES = ("is_categorical_", "categories_", "fill_values_",
                     "missing_indicator_features_")
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_", "classes_", "_multilabel",
                     "_one_hot", "target_offset_", "target_scale_", "input_offset_",
                     "input_scale_", "do_early_stopping_", *_TABLE_ATTRIBUTES)
_ENGINE = ("_network", "_optimizer", "_state", "_rng", "_trained_params")
_DERIVED = ("coefs_", "intercepts_", "n_layers_", "n_outputs_", "out_activation_",
            "activations_",
            "n_iter_", "t_", "history_", "loss_curve_", "loss_", "best_loss_",
            "validation_scores_", "validation_loss_curve_", "best_validation_score_")
_OPTIMIZERS = {"adam": Adam, "adamw": AdamW, "sgd": SGD}
_OPTIMIZER_KINDS = {cls: kind for kind, cls in _OPTIMIZERS.items()}
# the estimator parameter that bounds each optimizer setting
_HYPER_PARAMETERS = {"beta_1": "beta_1", "beta_2": "beta_2", "epsilon": "epsilon",
                     "weight_decay": "weight_decay", "momentum": "momentum",
                     "nesterov": "nesterovs_momentum"}
# step and sample counts: int64's range, so arithmetic on them never overflows
MAX_COUNT = 2**63 - 1


# -- saving --------------------------------------------------------------------
def encode_deep(estimator, encoder, where):
    """The node of a skdeep estimator: class, parameters and, if fitted, state."""
    params = estimator.get_params(deep=False)
    node = {"type": "estimator", "class": type(estimator).__name__,
            "params": encoder.encode_fields(params, f"{where}.params"), "fitted": None}
    if not is_fitted(estimator):
        return node
    known = set(params) | set(_INPUT_ATTRIBUTES) | set(_ENGINE) | set(_DERIVED)
    # callbacks are run-time hooks, not part of a model: never saved
    unknown = sorted(set(vars(estimator)) - known - {"_sklearn_output_config"}
                     - RUNTIME_ATTRIBUTES)
    if unknown:
        raise TypeError(f"{where}: {type(estimator).__name__} has attributes "
                        f"{unknown} that skdeep.save does not know how to save.")
    engine = fitted_engine(estimator)
    problem = warm_start_mismatch(estimator, engine.network, engine.optimizer)
    if problem:
        raise ValueError(f"{where}: {type(estimator).__name__}: {problem} Set the "
                         "parameter back or refit before saving.")
    inputs = {name: vars(estimator)[name] for name in _INPUT_ATTRIBUTES
              if name in vars(estimator)}
    trained = trained_params(estimator)
    node["fitted"] = {
        "inputs": encoder.encode_fields(inputs, where),
        "network": _encode_network(engine.network, encoder),
        "trained_params": None if trained is None else encoder.array(trained),
        "optimizer": _encode_optimizer(engine.optimizer, encoder, where),
        "state": encoder.encode_fields(vars(engine.state), where),
        "rng": engine.rng.bit_generator.state,
        "n_iter": int(estimator.n_iter_),
        "output_config": encoder.encode(
            getattr(estimator, "_sklearn_output_config", None), where),
    }
    return node


def _encode_network(network, encoder):
    node = {"layer_sizes": list(network.layer_sizes),
            "activations": list(network.activations), "loss": network.loss,
            "params": encoder.array(network.params)}
    if network.categorical_sizes:
        node["categorical_sizes"] = list(network.categorical_sizes)
    return node


def _encode_optimizer(optimizer, encoder, where):
    if optimizer is None:
        return None
    kind = _OPTIMIZER_KINDS.get(type(optimizer))
    if kind is None:
        raise TypeError(f"{where}: optimizer {type(optimizer).__name__} cannot be "
                        "saved.")
    node = {"kind": kind, "t": int(optimizer.t),
            "learning_rate": encoder.encode(optimizer.learning_rate, where)}
    node.update({name: encoder.encode(getattr(optimizer, name), where)
                 for name in optimizer.SETTINGS})
    node.update({name: encoder.array(getattr(optimizer, name))
                 for name in optimizer.STATE})
    return node


def _check_finite_params(params, where):
    """Float parameters are finite (only n_iter_no_change may be infinite)."""
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        finite = all(math.isfinite(v) for v in values
                     if isinstance(v, (float, np.floating)))
        expect(finite or (name == "n_iter_no_change" and value == math.inf),
               where, f"{name}={value!r} must be a finite number.")


# -- loading -------------------------------------------------------------------
def decode_deep(node, decoder, where):
    """Rebuild a skdeep estimator from its node (``node['class']`` is allow-listed)."""
    cls = DEEP_ESTIMATORS[node["class"]]
    params = decoder.decode_fields(node.get("params"), f"{where}.params")
    _check_finite_params(params, f"{where}.params")
    if node.get("fitted") is not None:
        # a model saved before input scaling existed trained on raw X
        params.setdefault("input_scaling", None)
    estimator = construct(cls, params, where)
    fitted = node.get("fitted")
    if fitted is None:
        return estimator
    expect(isinstance(fitted, dict), where, "'fitted' must be an object.")
    for name, value in _decode_inputs(fitted, decoder, cls, where).items():
        setattr(estimator, name, value)
    network = _decode_network(field(fitted, "network", dict, where), decoder, where)
    _check_inputs(estimator, network, where)
    optimizer = _decode_optimizer(fitted.get("optimizer"), decoder, network, where)
    problem = warm_start_mismatch(estimator, network, optimizer)
    expect(problem is None, where, problem)
    state = _decode_state(fitted, decoder, network, where)
    trained = _decode_trained(fitted.get("trained_params"), decoder, network, where)
    rng = _decode_rng(fitted.get("rng"), f"{where}.rng")
    n_iter = field(fitted, "n_iter", int, where)
    expect(0 <= n_iter <= state.n_iter, where, f"n_iter {n_iter} is out of range.")
    config = decoder.decode(fitted.get("output_config"), where)
    if config is not None:
        expect(isinstance(config, dict) and all(
            isinstance(v, str) for v in config.values()), where, "bad output config.")
        estimator._sklearn_output_config = config
    install_engine(estimator, Engine(network, optimizer, state, rng), n_iter, trained)
    return estimator


def _decode_trained(node, decoder, network, where):
    """The parameters as trained (before the scalings were folded in), or None
    (a file from before they were saved: a resume unfolds the public ones)."""
    if node is None:
        return None
    params = decoder.array(node, where) if isinstance(node, dict) else None
    expect(isinstance(params, np.ndarray) and params.shape == network.params.shape
           and params.dtype == network.params.dtype, where,
           "trained_params must match the network's parameters.")
    expect(np.isfinite(params).all(), where, "trained_params must be finite.")
    return params.copy()


def construct(cls, params, where):
    """``cls(**params)`` after checking the names, then sklearn's own validation."""
    accepted = set(inspect.signature(cls).parameters)
    expect(set(params) <= accepted, where,
           f"{cls.__name__} has no parameters {sorted(set(params) - accepted)}.")
    estimator = cls(**params)
    try:
        check_parameters(estimator)
    except (ValueError, TypeError) as error:
        expect(False, where, f"invalid parameters: {error}")
    return estimator


def _decode_inputs(fitted, decoder, cls, where):
    inputs = decoder.decode_fields(fitted.get("inputs"), where)
    needed = {"n_features_in_"} | ({"classes_", "_multilabel"}
                                   if cls is DeepClassifier else set())
    allowed = needed | {"feature_names_in_", "_one_hot", "target_offset_",
                        "target_scale_", "input_offset_", "input_scale_",
                        "do_early_stopping_", *_TABLE_ATTRIBUTES}
    expect(needed <= set(inputs) <= allowed, where,
           f"fitted inputs must be {sorted(needed)} (and feature_names_in_); got "
           f"{sorted(map(str, inputs))}.")
    expect(isinstance(inputs.get("do_early_stopping_", False), bool), where,
           "do_early_stopping_ must be a bool.")
    return inputs


def _decode_network(node, decoder, where):
    sizes, activations = node.get("layer_sizes"), node.get("activations")
    expect(isinstance(sizes, list) and len(sizes) >= 2 and all(
        type(n) is int and n > 0 for n in sizes), where, "invalid layer_sizes.")
    expect(isinstance(activations, list) and len(activations) == len(sizes) - 2
           and all(a in HIDDEN_ACTIVATIONS for a in activations), where,
           "invalid hidden activations.")
    expect(node.get("loss") in LOSSES, where, f"unknown loss {node.get('loss')!r}.")
    params = decoder.array(field(node, "params", dict, where), where)
    expect(params.dtype in (np.float32, np.float64) and params.ndim == 1, where,
           "network parameters must be a float32 or float64 vector.")
    n_params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    expect(params.shape == (n_params,), where, f"layer sizes {sizes} need "
           f"{n_params} parameters; the file has {params.shape}.")
    expect(np.isfinite(params).all(), where, "network parameters must be finite.")
    categorical = node.get("categorical_sizes", [])
    expect(isinstance(categorical, list) and all(
        type(n) is int and n >= 2 for n in categorical)
        and sum(categorical) <= sizes[0], where, "invalid categorical_sizes: one "
        "count of at least 2 per categorical column, within the first layer.")
    network = MLP(sizes, activations, node["loss"], params.dtype, categorical)
    network.params[...] = params
    return network


def _check_inputs(estimator, network, where):
    n_features = estimator.n_features_in_
    n_scaled = _check_table(estimator, network, where)
    expect(type(n_features) is int and (n_scaled is not None
                                        or n_features == network.layer_sizes[0]),
           where, f"n_features_in_={n_features!r} does not match the network.")
    names = getattr(estimator, "feature_names_in_", None)
    expect(names is None or (names.dtype == object and names.shape == (n_features,)
                             and all(isinstance(n, str) for n in names)),
           where, "feature_names_in_ must be one string per feature.")
    _check_input_statistics(estimator, n_features if n_scaled is None else n_scaled,
                            where)
    if not isinstance(estimator, DeepClassifier):
        _check_target_statistics(estimator, network, where)
        return
    one_hot = estimator.__dict__.setdefault("_one_hot", False)
    multilabel = is_multilabel(estimator)
    expect(type(one_hot) is bool and not (one_hot and multilabel), where,
           "_one_hot must be a bool, and False for a multilabel model.")
    classes, n_outputs = estimator.classes_, network.layer_sizes[-1]
    expect(type(multilabel) is bool and isinstance(classes, np.ndarray)
           and classes.shape == (n_outputs,), where,
           "classes_ must be an array with one class per output.")
    if multilabel or one_hot:
        expect(np.array_equal(classes, np.arange(n_outputs)), where,
               "multilabel and one-hot classes_ must be 0..n_outputs-1.")
        return
    expect(n_outputs >= 1 and np.array_equal(np.unique(classes), classes), where,
           "classes_ must be sorted unique labels.")


def _check_table(estimator, network, where):
    """The plan of a raw table agrees with itself, n_features_in_ and the
    network (see ``estimators._tables``); returns the number of scaled inputs,
    or None for a model without a plan."""
    present = [name for name in _TABLE_ATTRIBUTES if name in estimator.__dict__]
    if not present:
        expect(network.categorical is None, where,
               "a network with categorical inputs needs is_categorical_ and "
               "categories_.")
        return None
    expect(len(present) == len(_TABLE_ATTRIBUTES), where,
           f"{sorted(_TABLE_ATTRIBUTES)} must be saved together.")
    mask, categories = estimator.is_categorical_, estimator.categories_
    fill, indicators = estimator.fill_values_, estimator.missing_indicator_features_
    n_features = estimator.n_features_in_
    expect(isinstance(mask, np.ndarray) and mask.dtype == bool
           and mask.shape == (n_features,), where,
           "is_categorical_ must be one bool per feature.")
    numeric = np.flatnonzero(~mask)
    expect(isinstance(categories, list) and len(categories) == mask.sum() and all(
        isinstance(c, np.ndarray) and c.ndim == 1 and len(set(c.tolist())) == len(c)
        for c in categories), where,
        "categories_ must hold one array of distinct categories per categorical "
        "column.")
    expect(tuple(len(c) + 2 for c in categories) == network.categorical_sizes, where,
           "categories_ does not match the network's categorical inputs.")
    expect(isinstance(fill, np.ndarray) and fill.dtype == np.float64
           and fill.shape == numeric.shape and np.isfinite(fill).all(), where,
           "fill_values_ must be one finite float64 per numeric column.")
    expect(isinstance(indicators, np.ndarray) and indicators.dtype.kind == "i"
           and indicators.ndim == 1 and np.isin(indicators, numeric).all()
           and (np.diff(indicators) > 0).all(), where,
           "missing_indicator_features_ must be increasing numeric column indices.")
    n_scaled = len(numeric) + len(indicators)
    expect(network.layer_sizes[0] == n_scaled + sum(network.categorical_sizes),
           where, "the table's columns do not match the network's first layer.")
    return n_scaled


def _check_input_statistics(estimator, n_features, where):
    """input_offset_ and input_scale_ come together, one finite float64 value
    per feature, a positive scale (absent: a model from before input scaling)."""
    offset = estimator.__dict__.get("input_offset_")
    scale = estimator.__dict__.get("input_scale_")
    expect((offset is None) == (scale is None), where,
           "input_offset_ and input_scale_ must be saved together.")
    if offset is None:
        return
    for name, value in (("input_offset_", offset), ("input_scale_", scale)):
        expect(isinstance(value, np.ndarray) and value.dtype == np.float64
               and value.shape == (n_features,) and np.isfinite(value).all(), where,
               f"{name} must be {n_features} finite float64 values, one per "
               "feature.")
    expect((scale > 0).all(), where, "input_scale_ must be positive.")


def _check_target_statistics(estimator, network, where):
    """target_offset_ and target_scale_ come together, one finite value per
    output, a positive scale; Poisson scales only (rates stay positive)."""
    offset = estimator.__dict__.get("target_offset_")
    scale = estimator.__dict__.get("target_scale_")
    expect((offset is None) == (scale is None), where,
           "target_offset_ and target_scale_ must be saved together.")
    if offset is None:  # a model from before target scaling
        return
    shape = (network.layer_sizes[-1],)
    for name, value in (("target_offset_", offset), ("target_scale_", scale)):
        expect(isinstance(value, np.ndarray) and value.dtype == np.float64
               and value.shape == shape and np.isfinite(value).all(), where,
               f"{name} must be {shape[0]} finite float64 values, one per output.")
    expect((scale > 0).all(), where, "target_scale_ must be positive.")
    expect(network.loss != "poisson" or not offset.any(), where,
           "target_offset_ must be 0 with loss='poisson'.")


def _decode_optimizer(node, decoder, network, where):
    if node is None:
        return None
    where = f"{where}.optimizer"
    expect(isinstance(node, dict) and node.get("kind") in _OPTIMIZERS, where,
           "unknown optimizer.")
    cls = _OPTIMIZERS[node["kind"]]
    expect(set(node) == {"kind", "t", "learning_rate", *cls.SETTINGS, *cls.STATE},
           where, "unexpected or missing optimizer fields.")
    values = {name: decoder.decode(node[name], where)
              for name in ("learning_rate", *cls.SETTINGS)}
    expect(all(isinstance(v, (bool, int, float, np.number)) and math.isfinite(v)
               for v in values.values()), where,
           "optimizer settings must be finite numbers.")
    expect(values["learning_rate"] > 0, where, "the learning rate must be positive.")
    _check_hyper_parameters(values, where)
    learning_rate = values.pop("learning_rate")
    n_params, dtype = network.n_params, network.params.dtype
    expect(0 <= values.get("n_decayed", 0) <= n_params, where,
           "n_decayed must lie between 0 and the number of parameters.")
    optimizer = cls(n_params, dtype, learning_rate=learning_rate, **values)
    optimizer.t = field(node, "t", int, where)
    expect(0 <= optimizer.t <= MAX_COUNT, where,
           f"the step count t={optimizer.t} must lie between 0 and {MAX_COUNT}.")
    for name in cls.STATE:
        array = decoder.array(field(node, name, dict, where), where)
        expect(array.shape == (n_params,) and array.dtype == dtype, where,
               f"{name} must match the network's parameters.")
        expect(np.isfinite(array).all(), where, f"{name} must be finite.")
        getattr(optimizer, name)[...] = array
    return optimizer


def _check_hyper_parameters(values, where):
    """Each optimizer setting within the range its estimator parameter allows
    (beta_2 in [0, 1), epsilon > 0, ...): the optimizer divides by them."""
    for name, value in values.items():
        parameter = _HYPER_PARAMETERS.get(name)
        if parameter is None:
            continue
        try:
            validate_parameter_constraints(
                {parameter: PARAMETER_CONSTRAINTS[parameter]}, {parameter: value},
                caller_name="the optimizer")
        except (ValueError, TypeError) as error:
            expect(False, where, f"{name}={value!r} is out of range: {error}")


_STATE_KINDS = {"n_iter": int, "samples_seen": int, "best_epoch": int,
                "no_improvement_count": int, "best": float, "best_loss": float,
                "stopped_early": bool, "converged": bool}


def _decode_state(fitted, decoder, network, where):
    where = f"{where}.state"
    values = decoder.decode_fields(fitted.get("state"), where)
    names = {f.name for f in dataclasses.fields(TrainingState)}
    expect(set(values) == names, where,
           f"training state must have the fields {sorted(names)}.")
    for name, kind in _STATE_KINDS.items():
        value = values[name]
        ok = (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
              and 0 <= value <= MAX_COUNT if kind is int else
              isinstance(value, (float, np.floating)) if kind is float else
              isinstance(value, bool))
        expect(ok, where, f"{name}={value!r} is not a valid {kind.__name__}.")
    history = values["history"]
    expect(isinstance(history, dict) and "loss" in history and all(
        isinstance(k, str) and isinstance(v, list)
        and all(isinstance(x, (float, int, np.number)) for x in v)
        for k, v in history.items()), where, "history must map names to numbers.")
    best_params = values["best_params"]
    expect(best_params is None or (isinstance(best_params, np.ndarray)
                                   and best_params.shape == network.params.shape
                                   and best_params.dtype == network.params.dtype),
           where, "best_params must match the network's parameters.")
    if best_params is not None:
        values["best_params"] = best_params.copy()
    return TrainingState(**values)


def _decode_rng(state, where):
    """A Generator with the saved PCG64 state, checked field by field."""
    expect(isinstance(state, dict) and state.get("bit_generator") == "PCG64"
           and set(state) == {"bit_generator", "state", "has_uint32", "uinteger"},
           where, "the random generator must be a PCG64 state.")
    inner = state["state"]
    expect(isinstance(inner, dict) and set(inner) == {"state", "inc"} and all(
        type(v) is int and 0 <= v < 2**128 for v in inner.values()), where,
        "PCG64 state and inc must be 128-bit integers.")
    expect(state["has_uint32"] in (0, 1) and type(state["has_uint32"]) is int
           and type(state["uinteger"]) is int and 0 <= state["uinteger"] < 2**32,
           where, "invalid PCG64 buffered integer.")
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    return rng
