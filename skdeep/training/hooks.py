"""What the fit loop tells the outside between epochs, and what it lets change.

The loop knows two calls: ``hooks.epoch_begin(epoch)`` before an epoch and
``hooks.epoch_end(epoch, metrics)`` after it, which returns True to stop
training. ``epoch`` counts from 1 across warm starts and ``partial_fit`` (the
number the progress line prints). The estimator layer plugs scikit-learn's
callback protocol in behind this interface; training never imports sklearn.
"""

import math

__all__ = ["Hooks", "NO_HOOKS", "TrainingControls"]


class Hooks:
    """Between-epoch hooks that do nothing: what a fit without callbacks runs."""

    def attach(self, model):
        """Called before the first epoch with the model being trained: its
        ``(network, optimizer, state, rng)``."""

    def epoch_begin(self, epoch):
        """Called before epoch ``epoch`` (1-based, cumulative) starts."""

    def epoch_end(self, epoch, metrics):
        """Called once epoch ``epoch`` is recorded; return True to stop training."""
        return False

    def close(self):
        """Called when the loop returns: end an epoch begun but never run."""


NO_HOOKS = Hooks()


class TrainingControls:
    """The named interface a callback may use on a running fit.

    ``learning_rate`` reads and sets the optimizer's rate (None for L-BFGS,
    which has none); ``epoch`` is the 0-based index of the current epoch, as in
    Keras (``history_['loss'][epoch]`` is its loss); ``logs`` holds the metrics
    of the epoch that just ended plus the ``learning_rate`` it ran with.

    Parameters
    ----------
    optimizer : Adam, AdamW, SGD or None
    """

    def __init__(self, optimizer):
        self._live_optimizer = optimizer
        self.epoch, self.logs, self.epoch_rate = 0, {}, None

    @property
    def learning_rate(self):
        optimizer = self._live_optimizer
        return None if optimizer is None else optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if self._live_optimizer is None:
            raise ValueError("solver='lbfgs' has no learning rate to set; use "
                             "solver='adam', 'adamw' or 'sgd'.")
        if isinstance(value, bool) or not (
                isinstance(value, (int, float)) or hasattr(value, "__float__")) \
                or not math.isfinite(float(value)) or float(value) < 0:
            # 0 is a rate (the weights stay put): where a warm-up starts
            raise ValueError("the learning rate must be a finite number >= 0; got "
                             f"{value!r}.")
        self._live_optimizer.learning_rate = float(value)
