"""LambdaCallback and LearningRateScheduler: per-epoch functions, as in Keras."""

from ..estimators.contract import training_controls
from ._base import _EpochCallback

__all__ = ["LambdaCallback", "LearningRateScheduler"]


class LambdaCallback(_EpochCallback):
    """Call ``on_epoch_end(estimator, epoch, logs)`` after every epoch.

    ``estimator`` is a copy of the model as it is at the end of that epoch
    (it predicts with that epoch's weights); returning True stops training
    after this epoch, like setting Keras' ``model.stop_training``. The stop is
    printed in the verbose output and recorded in ``stopped_epoch_``, and no
    ConvergenceWarning is raised.

    Parameters
    ----------
    on_epoch_end : callable
        ``on_epoch_end(estimator, epoch, logs) -> bool or None``.

    Attributes
    ----------
    stopped_epoch_ : int or None
        Index of the epoch after which the function stopped the last fit.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import DeepClassifier
    >>> from skdeep.callbacks import LambdaCallback
    >>> X, y = np.random.default_rng(0).normal(size=(60, 3)), np.arange(60) % 2
    >>> stop = LambdaCallback(lambda model, epoch, logs: epoch == 2)
    >>> model = DeepClassifier(max_iter=50, random_state=0).set_callbacks(stop)
    >>> model = model.fit(X, y)
    >>> model.n_iter_, stop.stopped_epoch_
    (3, 2)
    """

    def __init__(self, on_epoch_end):
        self.on_epoch_end = on_epoch_end

    def setup(self, estimator, context):
        super().setup(estimator, context)
        if not callable(self.on_epoch_end):
            raise TypeError("LambdaCallback: on_epoch_end must be a function "
                            "fn(estimator, epoch, logs); got "
                            f"{self.on_epoch_end!r}.")
        self.stopped_epoch_ = None

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        controls = training_controls(context)
        if controls is None:
            return False
        stop = self.on_epoch_end(fitted_estimator, controls.epoch,
                                 dict(controls.logs)) is True
        if stop:
            self.stopped_epoch_ = controls.epoch
        return stop


class LearningRateScheduler(_EpochCallback):
    """Set the optimizer's learning rate before every epoch, as in Keras.

    ``schedule(epoch, lr)`` gets the epoch's index and the current rate and
    returns the rate to use for that epoch. It overrides the estimator's
    ``learning_rate`` schedule for the epoch. For solvers 'adam', 'adamw' and 'sgd'.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> float >= 0``. A rate of 0 (the start of a
        linear warm-up, ``lambda epoch, lr: 0.01 * epoch / 5``) leaves the
        weights of Adam and AdamW where they are for that epoch; SGD with
        momentum still moves them by the velocity of earlier epochs, as in
        Keras. A negative, infinite or NaN rate is refused.
    verbose : int, default=0
        1 prints the rate set at each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import DeepClassifier
    >>> from skdeep.callbacks import LearningRateScheduler
    >>> halve = LearningRateScheduler(lambda epoch, lr: 0.01 * 0.5 ** epoch,
    ...                               verbose=1)
    >>> X, y = np.random.default_rng(0).normal(size=(60, 3)), np.arange(60) % 2
    >>> model = DeepClassifier(max_iter=3, random_state=0).set_callbacks(halve)
    >>> model = model.fit(X, y)  # doctest: +ELLIPSIS
    Epoch 1: LearningRateScheduler setting learning rate to 0.01.
    Epoch 2: LearningRateScheduler setting learning rate to 0.005.
    Epoch 3: LearningRateScheduler setting learning rate to 0.0025.
    """

    def __init__(self, schedule, verbose=0):
        self.schedule, self.verbose = schedule, verbose

    def setup(self, estimator, context):
        super().setup(estimator, context)
        if estimator.solver == "lbfgs":
            raise ValueError("LearningRateScheduler: solver='lbfgs' has no "
                             "learning rate; use solver='adam', 'adamw' or 'sgd'.")

    def _epoch_begins(self, controls):
        rate = self.schedule(controls.epoch, controls.learning_rate)
        try:
            controls.learning_rate = rate
        except ValueError:
            raise ValueError(
                f"LearningRateScheduler: schedule({controls.epoch}, ...) returned "
                f"{rate!r}; it must return a finite learning rate >= 0 (0 keeps "
                "the weights where they are for that epoch)."
            ) from None
        if self.verbose:
            print(f"Epoch {controls.epoch + 1}: LearningRateScheduler setting "
                  f"learning rate to {controls.learning_rate:.6g}.", flush=True)

    def on_fit_task_end(self, estimator, context):
        return False
