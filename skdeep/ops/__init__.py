"""Pure NumPy building blocks: activations, losses on raw outputs, initializers.

The bottom layer: imports no other skdeep layer, only NumPy and SciPy's special
functions (``scipy.special.erf`` for GELU).
"""

from .activations import (
    ACTIVATION_ALIASES,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    Activation,
    log_logistic,
    log_softmax,
)
from .initializers import (
    INITIALIZERS,
    glorot_uniform,
    he_uniform,
    initializer_for,
    lecun_uniform,
)
from .losses import LOSSES, Loss, total_weight
from .matmul import matmul

__all__ = [
    "ACTIVATION_ALIASES",
    "HIDDEN_ACTIVATIONS",
    "INITIALIZERS",
    "OUTPUT_ACTIVATIONS",
    "LOSSES",
    "Activation",
    "Loss",
    "glorot_uniform",
    "he_uniform",
    "initializer_for",
    "lecun_uniform",
    "log_logistic",
    "log_softmax",
    "matmul",
    "total_weight",
]
