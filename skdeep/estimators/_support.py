"""Pieces the estimators' fit skeleton is built from: failure atomicity, the
trained model bundle, seeding, dataset conversions, availability checks."""

import functools

import numpy as np
from sklearn.utils import check_random_state

from ..exceptions import DivergenceError
from ..training import Dataset, Engine
from ._callbacks import callback_management
from ._params import STOCHASTIC_SOLVERS

__all__ = ["atomic", "stochastic_only", "validation_pair"]


def atomic(method):
    """Run a fitting method so that any failure leaves the estimator as it was.

    A divergence is the exception: the estimator keeps the restored weights of
    the run (it can predict) and the DivergenceError still propagates. Callbacks
    are torn down first, however the method ends.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = self.__dict__.copy()
        try:
            with callback_management(self):
                return method(self, *args, **kwargs)
        except DivergenceError:
            raise
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return wrapper


# the trained engine, under the name the fit skeleton knows it by
_Model = Engine


def _generator(random_state):
    """A NumPy Generator seeded once from scikit-learn's ``random_state``."""
    return np.random.default_rng(check_random_state(random_state).randint(2**31 - 1))


def _as_dtype(data, dtype):
    """The dataset in the network's dtype (the loop never converts per batch)."""
    X = data.X if data.X.dtype == dtype else data.X.astype(dtype)
    weight = data.sample_weight
    if weight is not None and weight.dtype != dtype:
        weight = weight.astype(dtype)
    return Dataset(X, data.targets.astype(dtype, copy=False), weight)


def _take(data, rows):
    weight = None if data.sample_weight is None else data.sample_weight[rows]
    return Dataset(data.X[rows], data.targets[rows], weight)


def stochastic_only(estimator):
    """``available_if`` check: partial_fit exists for the stochastic solvers."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers "
            f"{STOCHASTIC_SOLVERS}; solver={estimator.solver!r}."
        )
    return True


def validation_pair(estimator, X_val, y_val):
    """``(X_val, y_val)``, or None; both or neither must be given."""
    if (X_val is None) != (y_val is None):
        raise ValueError(f"{type(estimator).__name__}: pass both X_val and y_val, "
                         "or neither.")
    return None if X_val is None else (X_val, y_val)
