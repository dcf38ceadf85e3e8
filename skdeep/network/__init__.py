"""The multilayer perceptron: one flat parameter vector, forward and backward.

Imports ``ops`` and NumPy only.
"""

from .mlp import MLP
from .workspace import Workspace

__all__ = ["MLP", "Workspace"]
