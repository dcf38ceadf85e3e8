"""skdeep: fast NumPy multilayer perceptrons that behave like scikit-learn estimators.

>>> from skdeep import DeepClassifier, DeepRegressor
"""

from .estimators import DeepClassifier, DeepRegressor
from .exceptions import DivergenceError

__version__ = "0.1.0"

__all__ = ["DeepClassifier", "DeepRegressor", "DivergenceError", "__version__"]
