"""DeepClassifier / DeepRegressor -> manifest node: what a skdeep estimator's
node holds, and the encoding of a fitted one.

Saving records the parameters and the trained engine (network, optimizer,
training state, random generator, handed out by
``skdeep.estimators.contract.fitted_engine``) plus the attributes fit sets
before the engine exists (``INPUT_ATTRIBUTES``); ``_decode_deep`` reads the
node back.
"""

from ..estimators import DeepClassifier, DeepRegressor
from ..estimators.contract import (
    fitted_engine,
    is_fitted,
    is_multilabel,
    is_one_hot,
    trained_params,
    unsaved_attributes,
    warm_start_mismatch,
)
from ..optim import SGD, Adam, AdamW

__all__ = ["DEEP_ESTIMATORS", "INPUT_ATTRIBUTES", "LABEL_KEYS", "OPTIMIZERS",
           "TABLE_ATTRIBUTES", "encode_deep"]

DEEP_ESTIMATORS = {"DeepClassifier": DeepClassifier, "DeepRegressor": DeepRegressor}
# fit sets these before the engine exists; _commit derives the rest
TABLE_ATTRIBUTES = ("is_categorical_", "categories_", "fill_values_",
                    "missing_indicator_features_")
# a classifier's label encoding (contract.is_multilabel, is_one_hot), under the
# keys model files have always stored it under
LABEL_KEYS = ("_multilabel", "_one_hot")
INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_", "classes_", *LABEL_KEYS,
                    "target_offset_", "target_scale_", "input_offset_",
                    "input_scale_", "do_early_stopping_", *TABLE_ATTRIBUTES)
_DERIVED = ("coefs_", "intercepts_", "n_layers_", "n_outputs_", "out_activation_",
            "activations_",
            "n_iter_", "t_", "history_", "loss_curve_", "loss_", "best_loss_",
            "validation_scores_", "validation_loss_curve_", "best_validation_score_")
OPTIMIZERS = {"adam": Adam, "adamw": AdamW, "sgd": SGD}
_OPTIMIZER_KINDS = {cls: kind for kind, cls in OPTIMIZERS.items()}


# -- saving --------------------------------------------------------------------
def encode_deep(estimator, encoder, where):
    """The node of a skdeep estimator: class, parameters and, if fitted, state."""
    params = estimator.get_params(deep=False)
    node = {"type": "estimator", "class": type(estimator).__name__,
            "params": encoder.encode_fields(params, f"{where}.params"), "fitted": None}
    if not is_fitted(estimator):
        return node
    # callbacks are run-time hooks, not part of a model: never saved
    unknown = unsaved_attributes(estimator, {*INPUT_ATTRIBUTES, *_DERIVED,
                                             "_sklearn_output_config"})
    if unknown:
        raise TypeError(f"{where}: {type(estimator).__name__} has attributes "
                        f"{unknown} that skdeep.save does not know how to save.")
    engine = fitted_engine(estimator)
    problem = warm_start_mismatch(estimator, engine.network, engine.optimizer)
    if problem:
        raise ValueError(f"{where}: {type(estimator).__name__}: {problem} Set the "
                         "parameter back or refit before saving.")
    labels = dict(zip(LABEL_KEYS, (is_multilabel(estimator), is_one_hot(estimator))))
    inputs = {name: vars(estimator)[name] for name in INPUT_ATTRIBUTES
              if name in vars(estimator) and name not in LABEL_KEYS}
    inputs.update({key: value for key, value in labels.items() if value is not None})
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
