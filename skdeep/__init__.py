"""skdeep: fast NumPy multilayer perceptrons that behave like scikit-learn estimators.

>>> from skdeep import DeepClassifier, DeepRegressor
"""

from .callbacks import (
    CSVLogger,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
)
from .estimators import DeepClassifier, DeepRegressor
from .exceptions import DivergenceError, ModelFileError
from .export import to_onnx  # imports skl2onnx only when called
from .persistence import load, save

__version__ = "0.1.0"

__all__ = [
    "CSVLogger",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "DeepClassifier",
    "DeepRegressor",
    "DivergenceError",
    "ModelFileError",
    "load",
    "save",
    "to_onnx",
    "__version__",
]
