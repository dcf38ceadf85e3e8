"""Continuing a run: what a warm start carries over from the fitted model, and
the trained parameters it continues from."""

import copy

from ..optim import LearningRateSchedule
from ._params import STOCHASTIC_SOLVERS, activation_names, hidden_sizes

__all__ = ["ScalingFolds", "carried_optimizer", "check_continuable", "mismatch"]


class ScalingFolds:
    """Mixin: the network as trained (on standardized X and y) against the
    public one (``coefs_`` on raw X, in y's units), for fitting and resuming.
    Needs the ``_fitted_input_scaling()`` and ``_fitted_target_scaling(loss)``
    hooks."""

    def _folds(self, loss):
        """The scalings folded into the public network: from the inputs and
        targets the network trains on to raw X and y."""
        scalings = (self._fitted_input_scaling(), self._fitted_target_scaling(loss))
        return [scaling for scaling in scalings if scaling is not None]

    def _publish(self, model, n_iter):
        """Commit a model as trained: the public network (``coefs_``) is its
        fold onto raw X and y; the trained parameters stay the source a resume
        continues from, so resuming never refolds the weights."""
        folds = self._folds(model.network.loss)
        if not folds:
            self._commit(model, n_iter)
            return
        public = model.network.copy()
        for scaling in folds:
            scaling.fold(public)
        self._commit(model._replace(network=public), n_iter,
                     trained=model.network.params)

    def _resumed_network(self):
        """A copy of the network as it trains (on the scaled data). The trained
        parameters, unless ``coefs_`` / ``intercepts_`` were written into since
        (they no longer fold to the public ones): then those, unfolded."""
        network = self._network.copy()
        folds = self._folds(network.loss)
        trained = self.__dict__.get("_trained_params")
        if trained is not None:
            folded = network.copy()
            folded.params[...] = trained
            for scaling in folds:
                scaling.fold(folded)
            if folded.params.tobytes() == self._network.params.tobytes():
                network.params[...] = trained
                return network
        for scaling in reversed(folds):
            scaling.unfold(network)
        return network

_SOLVERS = {"Adam": "adam", "AdamW": "adamw", "SGD": "sgd"}


def mismatch(estimator, network, optimizer):
    """What makes the parameters disagree with the trained engine, or None.

    The output loss must be the one the estimator trains (a regressor's ``loss``;
    softmax or sigmoid cross-entropy for single- or multilabel classes), and the
    hidden layers, activations, explicit dtype and (given an ``optimizer``) the
    solver must be the parameters'. A warm start, partial_fit and save all ask.
    """
    n_hidden = len(network.layer_sizes) - 2
    try:
        sizes = hidden_sizes(estimator)
        activations = activation_names(estimator, n_hidden)
    except ValueError:
        return (f"hidden_layer_sizes={estimator.hidden_layer_sizes!r} and activation="
                f"{estimator.activation!r} do not describe the network's "
                f"{n_hidden} hidden layers {network.layer_sizes[1:-1]}.")
    multilabel = getattr(estimator, "_multilabel", None)  # classifiers only
    loss = (estimator.loss if multilabel is None else "sigmoid_cross_entropy"
            if multilabel else "softmax_cross_entropy")
    kind = (None if optimizer is None
            else _SOLVERS.get(type(optimizer).__name__, "?"))
    checks = [
        (network.loss == loss, f"the network's loss {network.loss!r} is not the "
         f"{loss!r} this estimator trains with."),
        (sizes == network.layer_sizes[1:-1], f"hidden_layer_sizes={sizes} does not "
         f"match the network's hidden layers {network.layer_sizes[1:-1]}."),
        (activations == network.activations, f"activation={estimator.activation!r} "
         f"does not match the network's activations {network.activations}."),
        # only an explicit dtype binds the network: 'auto' and None depend on the
        # data and solver of the fit that made it
        (estimator.dtype not in ("float32", "float64")
         or estimator.dtype == network.params.dtype.name, f"dtype="
         f"{estimator.dtype!r} does not match the {network.params.dtype} network."),
        (kind is None or kind == estimator.solver, f"solver={estimator.solver!r} "
         f"does not match the fitted {kind} optimizer state."),
    ]
    return next((message for ok, message in checks if not ok), None)


def check_continuable(estimator, network, optimizer, incremental):
    """Refuse to continue ``network`` when the parameters now describe another
    one (set_params after fit); the fitted model stays as it was."""
    problem = mismatch(estimator, network, optimizer if incremental else None)
    if problem is None:
        return
    how = "partial_fit continues" if incremental else "warm_start=True continues"
    raise ValueError(
        f"{type(estimator).__name__}: {how} the fitted network, but {problem} "
        "Refit with warm_start=False (fit starts a new network), or set the "
        "parameter back.")


def _hyper_parameters(optimizer):
    """The optimizer's hyper-parameters: everything but its moments, step count
    and current rate."""
    return {name: getattr(optimizer, name) for name in optimizer.SETTINGS}


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
    fresh = estimator._new_optimizer(network)
    if (type(fresh) is not type(fitted)
            or _hyper_parameters(fresh) != _hyper_parameters(fitted)):
        return None
    carried = copy.deepcopy(fitted)
    carried.learning_rate = fresh.learning_rate
    if samples_seen:
        LearningRateSchedule(estimator.learning_rate, fresh.learning_rate,
                             power_t=estimator.power_t).epoch_end(carried,
                                                                  samples_seen)
    return carried
