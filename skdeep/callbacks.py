"""Keras-style callbacks on scikit-learn's callback protocol (``sklearn.callback``).

Each class follows ``sklearn.callback.FitCallback``: give it to a skdeep
estimator with ``set_callbacks`` (scikit-learn >= 1.9). It acts once per
epoch; ``epoch`` is the 0-based index used by Keras, so the epoch printed as
``Epoch 12/20`` has index 11 and ``history_['loss'][epoch]`` is its loss.
Epoch indices continue across warm starts and ``partial_fit``. The ``logs`` of
an epoch are its ``history_`` metrics plus the ``learning_rate`` it ran with
(stochastic solvers).

Set them on the skdeep estimator itself, also inside a Pipeline or a search:
``make_pipeline(StandardScaler(), DeepClassifier().set_callbacks(...))``.
``clone`` passes the same callback instances on, as scikit-learn does.
"""

import csv
import io
import math
import os

from .estimators._base import BaseDeep
from .files import atomic_write, check_writable
from .persistence import save

__all__ = ["CSVLogger", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint"]


def _controls(context):
    """The running fit's ``TrainingControls`` if ``context`` is an epoch task
    that ran, else None (the fit's root task, an epoch never run)."""
    return getattr(context, "_skdeep", None)


class _EpochCallback:
    """Checks where it is set; subclasses act on the epochs' hooks."""

    def setup(self, estimator, context):
        if not isinstance(estimator, BaseDeep):
            raise TypeError(
                f"{type(self).__name__} works on DeepClassifier and DeepRegressor; "
                f"it was set on {type(estimator).__name__}. Set it on the skdeep "
                "estimator itself (for a Pipeline, on its final step)."
            )

    def teardown(self, estimator, context):
        """Nothing to release."""

    def on_fit_task_begin(self, estimator, context):
        """Nothing to do when a task begins."""


class ModelCheckpoint(_EpochCallback):
    """Save the model with :func:`skdeep.save` at the end of good epochs.

    The file is written atomically (a complete old or new file, never a torn
    one), so an interrupted or crashed fit loses at most the epochs since the
    last save. It holds the estimator as it was at the end of that epoch
    (weights, optimizer state, history): :func:`skdeep.load` returns a model
    that predicts like it and continues training with ``warm_start=True`` or
    ``partial_fit``. Inside a Pipeline the estimator is saved, not the
    pipeline. Callbacks themselves are never saved.

    Parameters
    ----------
    path : str or os.PathLike
        The file. It may hold ``{epoch}`` (1-based, as in Keras) and metric
        names as format fields, e.g. ``"model-{epoch:03d}.skdeep"``.
    monitor : str, default='val_loss'
        A key of the epoch's logs. Names containing 'loss' are minimized,
        others (``val_accuracy``, ``val_r2``) maximized. 'val_*' needs a
        validation set: ``early_stopping=True`` or ``X_val``/``y_val``.
    save_best_only : bool, default=True
        Save only when ``monitor`` improves on the best value seen by this
        callback; False saves every epoch.
    verbose : int, default=0
        1 prints a line for each save.

    Attributes
    ----------
    best_ : float
        Best monitored value so far; kept across fits, as in Keras.
    saved_epoch_ : int or None
        Index of the last saved epoch.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import skdeep
    >>> from skdeep import DeepClassifier
    >>> from skdeep.callbacks import ModelCheckpoint
    >>> X, y = np.random.default_rng(0).normal(size=(60, 3)), np.arange(60) % 2
    >>> path = os.path.join(tempfile.mkdtemp(), "best.skdeep")
    >>> checkpoint = ModelCheckpoint(path, monitor="loss")
    >>> model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=5, tol=0,
    ...                        random_state=0).set_callbacks(checkpoint)
    >>> model = model.fit(X, y)
    >>> checkpoint.saved_epoch_  # the training loss fell every epoch
    4
    >>> bool((skdeep.load(path).predict_proba(X) == model.predict_proba(X)).all())
    True
    """

    def __init__(self, path, monitor="val_loss", save_best_only=True, verbose=0):
        self.path, self.monitor = path, monitor
        self.save_best_only, self.verbose = save_best_only, verbose
        self.best_ = math.inf if "loss" in monitor else -math.inf
        self.saved_epoch_ = None

    def setup(self, estimator, context):
        super().setup(estimator, context)
        if "{" not in os.fspath(self.path):
            check_writable(self.path)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        controls = _controls(context)
        if controls is None:
            return False
        logs = controls.logs
        if self.monitor not in logs:
            raise ValueError(
                f"ModelCheckpoint: monitor={self.monitor!r} is not among this "
                f"fit's metrics {sorted(logs)}; monitor 'loss', or give the fit a "
                "validation set (early_stopping=True, or X_val and y_val)."
            )
        value = float(logs[self.monitor])
        better = (value < self.best_ if "loss" in self.monitor
                  else value > self.best_)
        if self.save_best_only and not better:
            return False
        if better:
            self.best_ = value
        path = os.fspath(self.path).format(epoch=controls.epoch + 1, **logs)
        save(fitted_estimator, path)
        self.saved_epoch_ = controls.epoch
        if self.verbose:
            print(f"Epoch {controls.epoch + 1}: {self.monitor}={value:.4f}, "
                  f"saved the model to {path}", flush=True)
        return False


class CSVLogger(_EpochCallback):
    """Write one CSV row per epoch: ``epoch``, every ``history_`` metric, and
    the ``learning_rate``.

    The whole file is rewritten atomically after each epoch (through
    ``skdeep.files.atomic_write``): a reader or a crash always finds a
    complete file. That costs O(rows) per epoch, negligible for the hundreds
    of rows a log holds, and needs no append-mode file that a crash could
    leave with half a row.

    Parameters
    ----------
    path : str or os.PathLike
    append : bool, default=False
        Keep the rows already in the file (its header must match this fit's
        columns); False starts the file afresh at each fit.
    separator : str, default=','

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skdeep import DeepRegressor
    >>> from skdeep.callbacks import CSVLogger
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> model = DeepRegressor(max_iter=3, tol=0, random_state=0)
    >>> model = model.set_callbacks(CSVLogger(path)).fit(X, X[:, 0])
    >>> print(open(path).read().splitlines()[0])
    epoch,loss,learning_rate
    >>> len(open(path).read().splitlines())  # the header and 3 epochs
    4
    """

    def __init__(self, path, append=False, separator=","):
        self.path, self.append, self.separator = path, append, separator

    def setup(self, estimator, context):
        super().setup(estimator, context)
        check_writable(self.path)
        self._header, self._rows = None, []
        if self.append and os.path.exists(self.path):
            with open(self.path, newline="", encoding="utf-8") as file:
                lines = list(csv.reader(file, delimiter=self.separator))
            if lines:
                self._header, self._rows = lines[0], lines[1:]

    def on_fit_task_end(self, estimator, context):
        controls = _controls(context)
        if controls is None:
            return False
        columns = ["epoch", *controls.logs]
        if self._header is None:
            self._header = columns
        elif self._header != columns:
            raise ValueError(
                f"CSVLogger: {os.fspath(self.path)} has the columns "
                f"{self._header}, but this fit logs {columns}; use another "
                "path or append=False."
            )
        values = [controls.epoch, *controls.logs.values()]
        self._rows.append([repr(float(v)) if isinstance(v, float) else str(v)
                           for v in values])
        text = io.StringIO()
        writer = csv.writer(text, delimiter=self.separator, lineterminator="\n")
        writer.writerows([self._header, *self._rows])
        with atomic_write(self.path, "w") as file:
            file.write(text.getvalue())
        return False


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
        controls = _controls(context)
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
    ``learning_rate`` schedule for the epoch. For solver 'adam' and 'sgd'.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> float > 0``.
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
                             "learning rate; use solver='adam' or 'sgd'.")

    def on_fit_task_begin(self, estimator, context):
        controls = _controls(context)
        if controls is None:
            return
        rate = self.schedule(controls.epoch, controls.learning_rate)
        try:
            controls.learning_rate = rate
        except ValueError:
            raise ValueError(
                f"LearningRateScheduler: schedule({controls.epoch}, ...) returned "
                f"{rate!r}; it must return a finite learning rate > 0."
            ) from None
        if self.verbose:
            print(f"Epoch {controls.epoch + 1}: LearningRateScheduler setting "
                  f"learning rate to {controls.learning_rate:.6g}.", flush=True)

    def on_fit_task_end(self, estimator, context):
        return False
