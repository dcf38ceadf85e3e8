"""The scikit-learn estimators: the only layer that imports scikit-learn."""

from .classifier import DeepClassifier
from .regressor import DeepRegressor

__all__ = ["DeepClassifier", "DeepRegressor"]
