"""Optimizers that update one flat parameter vector in place.

A bottom layer beside ``ops``: imports no other skdeep layer, only NumPy and,
for L-BFGS, ``scipy.optimize``.
"""

from .adam import Adam
from .adamw import AdamW
from .lbfgs import minimize_lbfgs
from .schedules import LearningRateSchedule
from .sgd import SGD

__all__ = ["Adam", "AdamW", "SGD", "LearningRateSchedule", "minimize_lbfgs"]
