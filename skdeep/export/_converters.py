"""skl2onnx shape calculators and converters for DeepClassifier and DeepRegressor.

The graph reads only fitted attributes: ``coefs_``, ``intercepts_``, the hidden
activation of each layer, ``out_activation_`` and ``classes_`` (and, for a model
fitted on a raw table, the attributes ``_tables`` reads). It computes in the
model's dtype (its parameters' dtype) whatever the input's float type, and
casts the probabilities or values to the input's float type at the end, as
skl2onnx's own converters type their outputs; a raw-table model, whose inputs
are columns of several types, returns the model's dtype.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
    guess_proto_type,
)
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.common.utils import check_input_and_output_numbers
from skl2onnx.common.utils_classifier import get_label_classes

from ..estimators import DeepClassifier, DeepRegressor
from ..estimators.contract import is_fitted
from ._graph import ACTIVATION_BUILDERS, GraphBuilder
from ._tables import TableColumns, has_table

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
    return tuple(model.activations_)


def check_exportable(model):
    """Raise a ValueError naming the model when it cannot be converted."""
    name = type(model).__name__
    if not is_fitted(model):
        raise ValueError(f"{name} is not fitted; call fit before exporting it to "
                         "ONNX.")
    if has_table(model):
        TableColumns(model)  # refuses categories no ONNX input holds
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


def _output_type(operator):
    """The tensor type of real outputs: skl2onnx's for this input type, or the
    model's dtype for a raw-table model."""
    model = operator.raw_operator
    if has_table(model):
        return (DoubleTensorType if model.coefs_[0].dtype == np.float64
                else FloatTensorType)
    return (DoubleTensorType if isinstance(operator.inputs[0].type, DoubleTensorType)
            else FloatTensorType)


def _check_inputs(operator):
    model = operator.raw_operator
    if has_table(model):
        TableColumns(model).check_inputs(operator.inputs)
    else:
        check_input_and_output_numbers(operator, input_count_range=1)


def _checked_rows(operator):
    """(model, the row dimension) of an operator whose model and inputs a
    graph can be built for."""
    model = operator.raw_operator
    check_exportable(model)
    _check_inputs(operator)
    return model, operator.inputs[0].get_first_dimension()


def _classifier_shape(operator):
    model, n_rows = _checked_rows(operator)
    if has_table(model):  # skl2onnx's calculator takes a single numeric input
        classes = get_label_classes(operator.scope_inst, model)
        label = (StringTensorType if all(isinstance(c, str) for c in classes)
                 else Int64TensorType)
        operator.outputs[0].type = label([n_rows])
        operator.outputs[1].type = _output_type(operator)(
            [n_rows, len(model.classes_)])
    else:
        calculate_linear_classifier_output_shapes(operator)
    if model.out_activation_ == "logistic":  # multilabel: one 0/1 per label
        operator.outputs[0].type = Int64TensorType([n_rows, len(model.classes_)])
    _check_zipmap(operator)


def _check_zipmap(operator):
    """Refuse zipmap=True around double probabilities: onnxruntime's ZipMap
    takes float32 only, so the graph would not load."""
    model = operator.raw_operator
    zipmap = operator.scope_inst.get_options(model, dict(zipmap=True))["zipmap"]
    if zipmap is True and any(isinstance(variable.type, DoubleTensorType) for variable
                              in (operator.outputs[1], operator.inputs[0])):
        raise ValueError(
            f"{type(model).__name__}: zipmap=True wraps the probabilities in a "
            "ZipMap, which onnxruntime runs on float32 only, and this graph's "
            "are float64; pass zipmap=False (the default of skdeep.to_onnx) or "
            "'columns'" + ("." if has_table(model) else ", or a float32 X_sample."))


def _regressor_shape(operator):
    check_input_and_output_numbers(operator, output_count_range=1)
    model, n_rows = _checked_rows(operator)
    operator.outputs[0].type = _output_type(operator)([n_rows, model.n_outputs_])


def _forward(builder, model, inputs):
    """Read the inputs into the model's dtype, run every layer; return the raw
    outputs' name (before the output activation)."""
    activations = hidden_activations(model)
    layers = list(zip(model.coefs_, model.intercepts_))
    if has_table(model):
        layer = TableColumns(model).first_layer(builder, inputs, *layers[0])
    else:
        weights, bias = layers[0]
        layer = builder.node("Gemm", builder.cast(inputs[0].full_name, builder.proto),
                             builder.constant(weights), builder.constant(bias))
    for i, (weights, bias) in enumerate(layers):
        if i:
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
    raw = _forward(builder, model, operator.inputs)
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
    values = _forward(builder, model, operator.inputs)
    if model.out_activation_ == "exp":
        values = builder.node("Exp", values)
    _finish(builder, values, operator.outputs[0])
