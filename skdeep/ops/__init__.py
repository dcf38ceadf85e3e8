"""Pure NumPy building blocks: activations, losses on raw outputs, initializers."""

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from .initializers import glorot_uniform
from .losses import LOSSES, Loss
from .matmul import matmul

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "LOSSES",
    "Activation",
    "Loss",
    "glorot_uniform",
    "matmul",
]
