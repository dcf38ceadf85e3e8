"""The attributes fit sets before the engine exists, as a file gives them:
checked against each other, the estimator's class and the decoded network.

A model from before a feature existed lacks its attributes (input or target
scaling, a raw table's plan, one-hot targets): absent, they take the values
such a model trained with.
"""

import numpy as np

from ..estimators import DeepClassifier
from ..estimators.contract import is_multilabel, is_one_hot
from ._codec import expect
from ._encode_deep import INPUT_ATTRIBUTES, TABLE_ATTRIBUTES

__all__ = ["decode_inputs", "check_inputs"]


def decode_inputs(fitted, decoder, cls, where):
    """The attributes fit sets before the engine exists, by name as the file
    stores them; a classifier from before one-hot targets gets ``_one_hot``
    False (it trained on labels or an indicator matrix)."""
    inputs = decoder.decode_fields(fitted.get("inputs"), where)
    classifier_only = {"classes_", "_multilabel"}
    needed = {"n_features_in_"} | (classifier_only if cls is DeepClassifier
                                   else set())
    allowed = set(INPUT_ATTRIBUTES) - (classifier_only - needed)
    expect(needed <= set(inputs) <= allowed, where,
           f"fitted inputs must be {sorted(needed)} (and feature_names_in_); got "
           f"{sorted(map(str, inputs))}.")
    expect(isinstance(inputs.get("do_early_stopping_", False), bool), where,
           "do_early_stopping_ must be a bool.")
    if cls is DeepClassifier:
        inputs.setdefault("_one_hot", False)
    return inputs


def check_inputs(estimator, network, where):
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
    one_hot, multilabel = is_one_hot(estimator), is_multilabel(estimator)
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
    present = [name for name in TABLE_ATTRIBUTES if name in estimator.__dict__]
    if not present:
        expect(network.categorical is None, where,
               "a network with categorical inputs needs is_categorical_ and "
               "categories_.")
        return None
    expect(len(present) == len(TABLE_ATTRIBUTES), where,
           f"{sorted(TABLE_ATTRIBUTES)} must be saved together.")
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
    """input_offset_ and input_scale_: one finite float64 value per feature
    (absent: a model from before input scaling)."""
    _check_statistics(estimator, "input", n_features, "feature", where)


def _check_target_statistics(estimator, network, where):
    """target_offset_ and target_scale_: one finite value per output (absent:
    a model from before target scaling); Poisson scales only (rates stay
    positive)."""
    offset = _check_statistics(estimator, "target", network.layer_sizes[-1],
                               "output", where)
    expect(network.loss != "poisson" or offset is None or not offset.any(), where,
           "target_offset_ must be 0 with loss='poisson'.")


def _check_statistics(estimator, kind, size, per, where):
    """``{kind}_offset_`` and ``{kind}_scale_`` come together, each ``size``
    finite float64 values (one per ``per``), a positive scale; returns the
    offset, or None when both are absent."""
    names = f"{kind}_offset_", f"{kind}_scale_"
    offset, scale = (estimator.__dict__.get(name) for name in names)
    expect((offset is None) == (scale is None), where,
           f"{names[0]} and {names[1]} must be saved together.")
    if offset is None:
        return None
    for name, value in zip(names, (offset, scale)):
        expect(isinstance(value, np.ndarray) and value.dtype == np.float64
               and value.shape == (size,) and np.isfinite(value).all(), where,
               f"{name} must be {size} finite float64 values, one per {per}.")
    expect((scale > 0).all(), where, f"{names[1]} must be positive.")
    return offset
