"""skl2onnx shape calculators and converters for DeepClassifier and DeepRegressor.

The graph reads only fitted attributes: ``coefs_``, ``intercepts_``, the hidden
activation of each layer, ``out_activation_`` and ``classes_``. It computes in
the model's dtype (its parameters' dtype) whatever the input's float type, and
casts the probabilities or values to the input's float type at the end, as
skl2onnx's own converters type their outputs.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    guess_proto_type,
)
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.common.utils import check_input_and_output_numbers
from skl2onnx.common.utils_classifier import get_label_classes

from ..estimators import DeepClassifier, DeepRegressor
from ._graph import ACTIVATION_BUILDERS, GraphBuilder

__all__ = ["register"]

CLASSIFIER_ALIAS = "SkdeepDeepClassifier"
REGRESSOR_ALIAS = "SkdeepDeepRegressor"
CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [True, False]}


def register():
    """Register both converters with skl2onnx (idempotent)."""
    update_registered_converter(DeepClassifier, CLASSIFIER_ALIAS, _classifier_shape,
                                _convert_classifier, options=CLASSIFIER_OPTIONS)
    update_registered_converter(DeepRegressor, REGRESSOR_ALIAS, _regressor_shape,
                                _convert_regressor)


def hidden_activations(model):
    """The activation name of each hidden layer, as the fitted network runs it."""
    return tuple(model._network.activations)


def check_exportable(model):
    """Raise a ValueError naming the model when it cannot be converted."""
    name = type(model).__name__
    if "_network" not in vars(model):
        raise ValueError(f"{name} is not fitted; call fit before exporting it to "
                         "ONNX.")
    if "is_categorical_" in vars(model):
        raise ValueError(
            f"{name}: no ONNX export yet for a model fitted on a raw table "
            "(categorical columns or missing values: is_categorical_ is set); "
            "export one fitted behind a ColumnTransformer (OneHotEncoder, "
            "SimpleImputer) in a Pipeline, or serve it with skdeep.save/load.")
    unknown = sorted(set(hidden_activations(model)) - set(ACTIVATION_BUILDERS))
    if unknown:
        raise ValueError(f"{name}: no ONNX export for the activation(s) {unknown}; "
                         f"exportable: {sorted(ACTIVATION_BUILDERS)}.")
    if model.out_activation_ not in ("softmax", "logistic", "identity", "exp"):
        raise ValueError(f"{name}: no ONNX export for the output activation "
                         f"{model.out_activation_!r}.")
    classes = getattr(model, "classes_", None)
    if (classes is not None and classes.dtype.kind == "f"
            and not np.array_equal(classes, np.round(classes))):
        raise ValueError(f"{name}: ONNX class labels are int64 or strings, and "
                         f"classes_ holds fractional floats {classes.tolist()!r}; "
                         "refit with integer or string labels.")
    if classes is not None and classes.dtype.kind in "uif" and classes.size and (
            classes.max() > np.iinfo(np.int64).max
            or classes.min() < np.iinfo(np.int64).min):
        # the graph's labels are int64: a larger label would wrap around
        extreme = classes.max() if classes.max() > 0 else classes.min()
        raise ValueError(f"{name}: ONNX class labels are int64, and classes_ "
                         f"holds {extreme}, outside int64's range; refit with "
                         "smaller integer labels or with string labels (e.g. "
                         "y.astype(str)).")


def _output_type(input_type):
    """The tensor type skl2onnx gives real outputs for this input type."""
    return (DoubleTensorType if isinstance(input_type, DoubleTensorType)
            else FloatTensorType)


def _classifier_shape(operator):
    check_exportable(operator.raw_operator)
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if model.out_activation_ == "logistic":  # multilabel: one 0/1 per label
        n_rows = operator.inputs[0].get_first_dimension()
        operator.outputs[0].type = Int64TensorType([n_rows, len(model.classes_)])


def _regressor_shape(operator):
    check_input_and_output_numbers(operator, input_count_range=1,
                                   output_count_range=1)
    model = operator.raw_operator
    check_exportable(model)
    n_rows = operator.inputs[0].get_first_dimension()
    output_type = _output_type(operator.inputs[0].type)
    operator.outputs[0].type = output_type([n_rows, model.n_outputs_])


def _forward(builder, model, input_name):
    """Cast the input to the model's dtype, run every layer; return the raw
    outputs' name (before the output activation)."""
    layer = builder.cast(input_name, builder.proto)
    activations = hidden_activations(model)
    for i, (weights, bias) in enumerate(zip(model.coefs_, model.intercepts_)):
        layer = builder.node("Gemm", layer, builder.constant(weights),
                             builder.constant(bias))
        if i < len(activations):
            layer = ACTIVATION_BUILDERS[activations[i]](builder, layer)
    return layer


def _finish(builder, values, output):
    """Write ``values`` to the output variable, cast to its type if needed."""
    proto = guess_proto_type(output.type)
    if proto == builder.proto:
        builder.node("Identity", values, output=output.full_name)
    else:
        builder.node("Cast", values, output=output.full_name, to=proto)


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    builder = GraphBuilder(scope, container, model.coefs_[0].dtype)
    raw = _forward(builder, model, operator.inputs[0].full_name)
    labels, probabilities = operator.outputs[:2]
    if model.out_activation_ == "logistic":
        # predict is raw > 0, which is sigmoid(raw) > 1/2 without its rounding
        positive = builder.node("Greater", raw, builder.constant(0.0))
        builder.node("Cast", positive, output=labels.full_name,
                     to=TensorProto.INT64)
        _finish(builder, builder.node("Sigmoid", raw), probabilities)
        return
    # the label is the argmax of the logits, as predict takes it
    best = builder.node("ArgMax", raw, axis=1, keepdims=0)
    classes = np.asarray(get_label_classes(scope, model))  # class indices if nocl
    if classes.dtype.kind in "biuf":
        table = builder.constant(classes.astype(np.int64), TensorProto.INT64)
    else:
        table = builder.constant(np.array([str(c).encode() for c in classes]),
                                 TensorProto.STRING)
    builder.node("Gather", table, best, output=labels.full_name)
    _finish(builder, builder.node("Softmax", raw, axis=1), probabilities)


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    builder = GraphBuilder(scope, container, model.coefs_[0].dtype)
    values = _forward(builder, model, operator.inputs[0].full_name)
    if model.out_activation_ == "exp":
        values = builder.node("Exp", values)
    _finish(builder, values, operator.outputs[0])
