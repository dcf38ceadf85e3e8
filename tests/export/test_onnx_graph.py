"""Each activation's ONNX nodes, run in onnxruntime against the formula written
out with NumPy/SciPy, in float32 and float64: one builder for each activation
name a fitted network can record, and none for a name it cannot."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import erf, expit

from skdeep.ops import ACTIVATION_ALIASES, HIDDEN_ACTIVATIONS
from skdeep.ops import activations as engine

ort = pytest.importorskip("onnxruntime", reason='needs pip install "scikit-deep[onnx]"')
onnx = pytest.importorskip("onnx", reason='needs pip install "scikit-deep[onnx]"')
pytest.importorskip("skl2onnx", reason='needs pip install "scikit-deep[onnx]"')

from skdeep import DeepRegressor  # noqa: E402
from skdeep.export._graph import (  # noqa: E402
    ACTIVATION_BUILDERS,
    GraphBuilder,
    _erf_float64,
)

# the slope the engine uses when it names one, as the exporter reads it
LEAKY = getattr(engine, "LEAKY_SLOPE", 0.01)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848, 1.0507009873554804934

REFERENCES = {
    "identity": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "logistic": expit,
    "leaky_relu": lambda x: np.where(x < 0, LEAKY * x, x),
    "elu": lambda x: np.where(x < 0, np.expm1(x), x),
    "selu": lambda x: SELU_SCALE * np.where(x < 0, SELU_ALPHA * np.expm1(x), x),
    "gelu": lambda x: x * 0.5 * (1 + erf(x / math.sqrt(2))),
    "silu": lambda x: x * expit(x),
    "softplus": lambda x: np.logaddexp(0, x),
}
TOLERANCE = {"float32": 2e-6, "float64": 1e-14}


class _Scope:
    """The two naming methods of a skl2onnx Scope that GraphBuilder calls."""

    def __init__(self):
        self.count = 0

    def get_unique_variable_name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    get_unique_operator_name = get_unique_variable_name


class _Container:
    """The two methods of a skl2onnx container that GraphBuilder calls."""

    def __init__(self):
        self.nodes, self.initializers = [], []

    def add_node(self, op_type, inputs, output, name=None, **attributes):
        self.nodes.append(onnx.helper.make_node(op_type, inputs, [output],
                                                name=name, **attributes))

    def add_initializer(self, name, proto, shape, content):
        self.initializers.append(onnx.helper.make_tensor(name, proto, shape,
                                                         content))


def _run_builder(name, x):
    """ACTIVATION_BUILDERS[name] (or a builder function) applied to the 1-D
    array x by onnxruntime."""
    scope, container = _Scope(), _Container()
    builder = GraphBuilder(scope, container, x.dtype)
    build = ACTIVATION_BUILDERS[name] if isinstance(name, str) else name
    output = build(builder, "x")
    if output == "x":  # identity adds no node
        output = builder.node("Identity", "x")
    graph = onnx.helper.make_graph(
        container.nodes, "activation", [onnx.helper.make_tensor_value_info(
            "x", builder.proto, [None])],
        [onnx.helper.make_tensor_value_info(output, builder.proto, [None])],
        initializer=container.initializers)
    model = onnx.helper.make_model(graph, opset_imports=[
        onnx.helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def _grid(dtype):
    """-40..40 densely, both signs of tiny values, and zero."""
    tiny = [1e-30, 1e-12, 1e-7, 1e-3] if dtype == "float32" else [1e-300, 1e-12,
                                                                   1e-7, 1e-3]
    x = np.concatenate([np.linspace(-40, 40, 40_001), tiny, np.negative(tiny), [0]])
    return x.astype(dtype)


def test_the_builders_are_exactly_the_activations_a_network_records():
    """A fitted network records only HIDDEN_ACTIVATIONS' names (the estimators
    translate Keras' aliases first): each has a builder, and a builder under
    any other name could never be called."""
    assert set(ACTIVATION_BUILDERS) == set(HIDDEN_ACTIVATIONS)
    assert not set(ACTIVATION_ALIASES) & set(ACTIVATION_BUILDERS)
    assert set(REFERENCES) == set(ACTIVATION_BUILDERS)


@pytest.mark.parametrize("alias, name", sorted(ACTIVATION_ALIASES.items()))
def test_an_alias_reaches_the_exporter_as_its_own_name(alias, name):
    X = np.random.default_rng(0).normal(size=(20, 2))
    model = DeepRegressor(hidden_layer_sizes=(3,), activation=alias, max_iter=2,
                          solver="lbfgs").fit(X, X[:, 0])
    assert tuple(model.activations_) == (name,)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ACTIVATION_BUILDERS))
def test_builder_matches_formula(name, dtype):
    x = _grid(dtype)
    expected = REFERENCES[name](x.astype(np.float64))
    actual = _run_builder(name, x)
    assert actual.dtype == dtype
    tolerance = TOLERANCE[dtype]
    # relative, with an absolute floor of the same size: 1 - tiny cancels
    assert_allclose(actual, expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_builder_matches_the_engine(name):
    """Against the engine's own in-place forward, where it exists."""
    x = _grid("float64")
    expected = x.copy()
    HIDDEN_ACTIVATIONS[name].forward(expected)
    assert_allclose(_run_builder(name, x), expected, rtol=1e-14, atol=1e-14)


def test_float64_erf_is_exact_to_rounding():
    """onnxruntime has no double Erf; the tabulated-plus-quadrature erf is
    within two units in the last place of SciPy's on a dense grid (and GELU
    built on it within a few)."""
    x = np.concatenate([np.linspace(-8, 8, 400_001), [-1e300, -7, 6.5, 1e300]])
    eps = np.finfo(np.float64).eps
    assert np.abs(_run_builder(_erf_float64, x) - erf(x)).max() <= 2 * eps
    gelu = x * 0.5 * (1 + erf(x / math.sqrt(2)))
    assert_allclose(_run_builder("gelu", x[:-4]), gelu[:-4], rtol=4 * eps,
                    atol=4 * eps)


@pytest.mark.parametrize("name, x, reference", [
    # log(1 + exp(x)) rounds to 0 below x = -37; log1p keeps the value
    ("softplus", -np.geomspace(20, 700, 50), lambda x: np.logaddexp(0, x)),
    # exp(x) - 1 keeps about 8 digits at 1e-8; expm1 keeps all
    ("elu", -np.geomspace(1e-12, 1e-3, 50), np.expm1),
])
def test_float64_tails_keep_their_relative_precision(name, x, reference):
    assert_allclose(_run_builder(name, x), reference(x), rtol=1e-14, atol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ACTIVATION_BUILDERS))
def test_nan_in_nan_out_and_the_other_values_unharmed(name, dtype):
    """One NaN in a batch gives NaN there and the formula's values elsewhere:
    no builder lets it fail the batch (float64 erf once cast it to an index)."""
    x = np.array([np.nan, -2.0, 0.0, 0.5, np.nan, 3.0], dtype=dtype)
    actual = _run_builder(name, x)
    assert np.isnan(actual[[0, 4]]).all()
    finite = [1, 2, 3, 5]
    assert_allclose(actual[finite], REFERENCES[name](x[finite].astype(np.float64)),
                    rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])
