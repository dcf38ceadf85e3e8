"""Manifest node -> DeepClassifier / DeepRegressor: every part of a saved
skdeep estimator decoded and checked before anything is built from it.

Loading rebuilds the engine (network, optimizer, training state, random
generator) and hands it to ``install_engine`` (skdeep.estimators.contract,
the only part of the estimators used here), so every other fitted attribute is
derived exactly as after ``fit``. ``_encode_deep`` says what the node holds;
``_fitted_inputs`` checks the attributes fit sets before the engine exists.
"""

import dataclasses
import inspect
import math

import numpy as np
from sklearn.utils._param_validation import validate_parameter_constraints

from ..estimators.contract import (
    PARAMETER_CONSTRAINTS,
    check_parameters,
    install_engine,
    set_label_encoding,
    warm_start_mismatch,
)
from ..network import MLP
from ..ops import HIDDEN_ACTIVATIONS, LOSSES
from ..training import Engine, TrainingState
from ._codec import expect, field
from ._encode_deep import DEEP_ESTIMATORS, LABEL_KEYS, OPTIMIZERS
from ._fitted_inputs import check_inputs, decode_inputs

__all__ = ["construct", "decode_deep"]

# the estimator parameter that bounds each optimizer setting
_HYPER_PARAMETERS = {"beta_1": "beta_1", "beta_2": "beta_2", "epsilon": "epsilon",
                     "weight_decay": "weight_decay", "momentum": "momentum",
                     "nesterov": "nesterovs_momentum"}
# step and sample counts: int64's range, so arithmetic on them never overflows
MAX_COUNT = 2**63 - 1


def _check_finite_params(params, where):
    """Float parameters are finite (only n_iter_no_change may be infinite)."""
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        finite = all(math.isfinite(v) for v in values
                     if isinstance(v, (float, np.floating)))
        expect(finite or (name == "n_iter_no_change" and value == math.inf),
               where, f"{name}={value!r} must be a finite number.")


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
    inputs = decode_inputs(fitted, decoder, cls, where)
    multilabel, one_hot = (inputs.pop(key, None) for key in LABEL_KEYS)
    for name, value in inputs.items():  # public fitted attributes
        setattr(estimator, name, value)
    set_label_encoding(estimator, multilabel=multilabel, one_hot=one_hot)
    network = _decode_network(field(fitted, "network", dict, where), decoder, where)
    check_inputs(estimator, network, where)
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


def _decode_optimizer(node, decoder, network, where):
    if node is None:
        return None
    where = f"{where}.optimizer"
    expect(isinstance(node, dict) and node.get("kind") in OPTIMIZERS, where,
           "unknown optimizer.")
    cls = OPTIMIZERS[node["kind"]]
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
