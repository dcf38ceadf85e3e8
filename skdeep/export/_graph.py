"""ONNX nodes for skdeep's activations: one builder per activation name.

Every builder takes a :class:`GraphBuilder` and the name of a tensor of
pre-activations and returns the name of the activated tensor. Only element-wise
ONNX operators that onnxruntime implements for both float and double are used,
with constants stored in the model's own dtype (an ONNX float *attribute* such
as ``LeakyRelu(alpha=0.01)`` would round a float64 model's slope to float32).

Imported only by the converters, after skl2onnx and onnx were found.
"""

import math

import numpy as np
from onnx import TensorProto
from scipy.special import erf as _erf

from ..ops.activations import LEAKY_SLOPE, SELU_ALPHA, SELU_SCALE

__all__ = ["ACTIVATION_BUILDERS", "GraphBuilder"]

# float64 erf: onnxruntime has no double Erf kernel, so erf(x) is the tabulated
# erf(c) at the nearest grid point c plus the integral of 2/sqrt(pi) exp(-t^2)
# from c to x by 4-point Gauss-Legendre. On |x - c| <= 1/32 its error is below
# 1e-19; beyond |x| = 6, erf is +-1 to double precision.
_ERF_STEP, _ERF_LIMIT, _ERF_NODES = 1 / 16, 6.0, 4


class GraphBuilder:
    """Adds nodes, and constants in one float dtype, to a skl2onnx container.

    Parameters
    ----------
    scope, container : skl2onnx Scope and ModelComponentContainer
    dtype : numpy dtype
        float32 or float64: the dtype of every constant made by :meth:`constant`.
    """

    def __init__(self, scope, container, dtype):
        self.scope, self.container = scope, container
        self.dtype = np.dtype(dtype)
        self.proto = (TensorProto.DOUBLE if self.dtype == np.float64
                      else TensorProto.FLOAT)

    def node(self, op_type, *inputs, output=None, **attributes):
        """Add ``op_type(*inputs)``; return its (new unique, or given) output name."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(op_type, list(inputs), output,
                                name=self.scope.get_unique_operator_name(op_type),
                                **attributes)
        return output

    def constant(self, value, proto=None):
        """A new initializer holding ``value`` (in the builder's dtype unless
        ``proto`` names another ONNX type); return its name."""
        name = self.scope.get_unique_variable_name("constant")
        if proto is None:
            proto, value = self.proto, np.asarray(value, self.dtype)
        value = np.asarray(value)
        self.container.add_initializer(name, proto, list(value.shape),
                                       value.ravel().tolist())
        return name

    def cast(self, name, proto):
        """``name`` cast to ONNX type ``proto``."""
        return self.node("Cast", name, to=proto)


def _expm1(b, x):
    """exp(x) - 1, accurate near 0 (Kahan's trick: (u - 1) * x / log(u))."""
    u = b.node("Exp", x)
    u_minus_one = b.node("Sub", u, b.constant(1.0))
    ratio = b.node("Div", b.node("Mul", u_minus_one, x), b.node("Log", u))
    # u == 1: exp(x) rounded to 1, so x itself; u == 0: exp underflowed, so -1
    ratio = b.node("Where", b.node("Equal", u, b.constant(0.0)), b.constant(-1.0),
                   ratio)
    return b.node("Where", b.node("Equal", u, b.constant(1.0)), x, ratio)


def _log1p(b, u):
    """log(1 + u), accurate for tiny u (Goldberg: log(w) * u / (w - 1), w = 1 + u)."""
    w = b.node("Add", u, b.constant(1.0))
    ratio = b.node("Div", b.node("Mul", b.node("Log", w), u),
                   b.node("Sub", w, b.constant(1.0)))
    return b.node("Where", b.node("Equal", w, b.constant(1.0)), u, ratio)


def _erf_float64(b, x):
    """erf(x) in double precision from element-wise operators (see _ERF_STEP).
    NaN stays NaN: the table lookup runs on 0 in its place (a NaN index would
    cast to INT64_MIN and fail the whole batch), then NaN is put back."""
    missing = b.node("IsNaN", x)
    x = b.node("Where", missing, b.constant(0.0), x)
    clipped = b.node("Clip", x, b.constant(-_ERF_LIMIT), b.constant(_ERF_LIMIT))
    n_half = round(_ERF_LIMIT / _ERF_STEP)
    index = b.node("Add", b.node("Round", b.node("Mul", clipped,
                                                 b.constant(1 / _ERF_STEP))),
                   b.constant(float(n_half)))
    index = b.cast(index, TensorProto.INT64)
    grid = np.arange(-n_half, n_half + 1) * _ERF_STEP
    start = b.node("Gather", b.constant(grid), index)
    total = b.node("Gather", b.constant(_erf(grid)), index)
    half_width = b.node("Mul", b.node("Sub", clipped, start), b.constant(0.5))
    middle = b.node("Add", start, half_width)
    points, weights = np.polynomial.legendre.leggauss(_ERF_NODES)
    integral = None
    for point, weight in zip(points, weights):
        t = b.node("Add", middle, b.node("Mul", half_width, b.constant(point)))
        term = b.node("Mul", b.node("Exp", b.node("Neg", b.node("Mul", t, t))),
                      b.constant(weight))
        integral = term if integral is None else b.node("Add", integral, term)
    scale = b.node("Mul", half_width, b.constant(2 / math.sqrt(math.pi)))
    value = b.node("Add", total, b.node("Mul", integral, scale))
    return b.node("Where", missing, b.constant(math.nan), value)


def _identity(b, x):
    return x


def _relu(b, x):
    return b.node("Relu", x)


def _tanh(b, x):
    return b.node("Tanh", x)


def _logistic(b, x):
    return b.node("Sigmoid", x)


def _leaky_relu(b, x):
    # for a slope in (0, 1), max(x, slope * x) is x for x >= 0, slope * x below
    return b.node("Max", x, b.node("Mul", x, b.constant(LEAKY_SLOPE)))


def _scaled_elu(b, x, alpha, scale):
    negative = b.node("Mul", _expm1(b, x), b.constant(alpha))
    value = b.node("Where", b.node("Less", x, b.constant(0.0)), negative, x)
    return value if scale == 1.0 else b.node("Mul", value, b.constant(scale))


def _elu(b, x):
    return _scaled_elu(b, x, 1.0, 1.0)


def _selu(b, x):
    return _scaled_elu(b, x, SELU_ALPHA, SELU_SCALE)


def _gelu(b, x):
    # the exact form x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2
    scaled = b.node("Mul", x, b.constant(1 / math.sqrt(2)))
    erf = (_erf_float64(b, scaled) if b.dtype == np.float64
           else b.node("Erf", scaled))
    cdf = b.node("Mul", b.node("Add", erf, b.constant(1.0)), b.constant(0.5))
    return b.node("Mul", x, cdf)


def _silu(b, x):
    return b.node("Mul", x, b.node("Sigmoid", x))


def _softplus(b, x):
    # max(x, 0) + log1p(exp(-|x|)): exp never overflows, and log1p keeps the
    # tiny values of very negative x (log(1 + exp(x)) would round them to 0)
    tail = _log1p(b, b.node("Exp", b.node("Neg", b.node("Abs", x))))
    return b.node("Add", b.node("Relu", x), tail)


# activation name (as a fitted network records it: skdeep.ops.HIDDEN_ACTIVATIONS'
# keys, never an alias) -> ONNX builder
ACTIVATION_BUILDERS = {
    "identity": _identity,
    "relu": _relu,
    "tanh": _tanh,
    "logistic": _logistic,
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "selu": _selu,
    "gelu": _gelu,
    "silu": _silu,
    "softplus": _softplus,
}
