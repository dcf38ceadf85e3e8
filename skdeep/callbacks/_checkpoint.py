"""ModelCheckpoint: save the epoch's model with skdeep.save."""

import math
import os

from ..files import check_writable
from ..persistence import save
from ._base import _controls, _EpochCallback

__all__ = ["ModelCheckpoint"]


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
