"""The scikit-learn estimators: DeepClassifier and DeepRegressor.

The top of the engine: imports ``training``, ``network``, ``optim`` and ``ops``,
and scikit-learn, SciPy, pandas and threadpoolctl. It is the only layer of the
engine that imports scikit-learn (``training``, ``network``, ``optim`` and
``ops`` never do); the edge packages around it (``persistence``, ``export``,
``streaming``, ``plotting``, ``datasets``, ``cli``) use scikit-learn too.
They use the estimators through ``skdeep.estimators.contract`` and the
public fitted attributes only.
"""

from .classifier import DeepClassifier
from .regressor import DeepRegressor

__all__ = ["DeepClassifier", "DeepRegressor"]
