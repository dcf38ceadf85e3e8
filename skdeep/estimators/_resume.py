"""Continuing a run: what a warm start carries over from the fitted model."""

import copy

import numpy as np

from ..optim import LearningRateSchedule
from ._params import STOCHASTIC_SOLVERS

__all__ = ["carried_optimizer"]


def _settings(optimizer):
    """The optimizer's hyper-parameters: everything but its moments, step count
    and current rate."""
    return {name: value for name, value in vars(optimizer).items()
            if name not in ("t", "learning_rate") and not name.startswith("_")
            and not isinstance(value, np.ndarray)}


def carried_optimizer(estimator, network, samples_seen):
    """A copy of the fitted optimizer to continue a warm start from, or None.

    None (a fresh optimizer) when there is none or a solver setting changed
    since (``solver``, ``beta_1``, ``momentum``, ...). The moments and step
    count carry over; the rate restarts where the ``learning_rate`` schedule
    puts it after ``samples_seen`` samples (``learning_rate_init`` unless
    'invscaling'), so a changed ``learning_rate_init`` takes effect.
    """
    fitted = getattr(estimator, "_optimizer", None)
    if fitted is None or estimator.solver not in STOCHASTIC_SOLVERS:
        return None
    fresh = estimator._make_optimizer(network)
    if type(fresh) is not type(fitted) or _settings(fresh) != _settings(fitted):
        return None
    carried = copy.deepcopy(fitted)
    carried.learning_rate = fresh.learning_rate
    if samples_seen:
        LearningRateSchedule(estimator.learning_rate, fresh.learning_rate,
                             power_t=estimator.power_t).epoch_end(carried,
                                                                  samples_seen)
    return carried
