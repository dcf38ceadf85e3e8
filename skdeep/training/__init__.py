"""The fit loop: epochs, minibatches, validation, early stopping, progress.

Imports ``network``, ``optim`` and ``ops``, and knows arrays, not labels: never
the estimators, scikit-learn or pandas. The compiled training step uses Numba
and SciPy's BLAS when they are there.
"""

from .data import Dataset
from .engine import Engine
from .hooks import NO_HOOKS, Hooks, TrainingControls
from .lbfgs import fit_lbfgs
from .loop import fit_stochastic
from .progress import Progress
from .settings import TrainingSettings, TrainingState

__all__ = [
    "Dataset",
    "Engine",
    "Hooks",
    "NO_HOOKS",
    "Progress",
    "TrainingControls",
    "TrainingSettings",
    "TrainingState",
    "fit_lbfgs",
    "fit_stochastic",
]
