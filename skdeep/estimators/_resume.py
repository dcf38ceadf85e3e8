"""Continuing a run: what a warm start carries over from the fitted model, and
the trained parameters it continues from."""

import copy

import numpy as np

from ..optim import LearningRateSchedule
from ._params import STOCHASTIC_SOLVERS

__all__ = ["TrainedUnits", "carried_optimizer"]


class TrainedUnits:
    """Mixin: the network as trained (on standardized X and y) against the
    public one (``coefs_`` on raw X, in y's units), for fitting and resuming.
    Needs the ``_input_units()`` and ``_output_units(loss)`` hooks."""

    def _folds(self, loss):
        """The maps from the units the network trains in to raw X and y."""
        return [units for units in (self._input_units(), self._output_units(loss))
                if units is not None]

    def _publish(self, model, n_iter):
        """Commit a model as trained: the public network (``coefs_``) is its
        fold onto raw X and y; the trained parameters stay the source a resume
        continues from, so resuming never refolds the weights."""
        folds = self._folds(model.network.loss)
        if not folds:
            self._commit(model, n_iter)
            return
        public = model.network.copy()
        for units in folds:
            units.fold(public)
        self._commit(model._replace(network=public), n_iter,
                     trained=model.network.params)

    def _resumed_network(self):
        """A copy of the network in the units it trains in. The trained
        parameters, unless ``coefs_`` / ``intercepts_`` were written into since
        (they no longer fold to the public ones): then those, unfolded."""
        network = self._network.copy()
        folds = self._folds(network.loss)
        trained = self.__dict__.get("_trained_params")
        if trained is not None:
            folded = network.copy()
            folded.params[...] = trained
            for units in folds:
                units.fold(folded)
            if folded.params.tobytes() == self._network.params.tobytes():
                network.params[...] = trained
                return network
        for units in reversed(folds):
            units.unfold(network)
        return network


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
