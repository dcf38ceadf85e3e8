"""ModelCheckpoint: save the epoch's model with skdeep.save."""

import math
import os

from ..estimators.contract import training_controls
from ..files import check_writable
from ..persistence import save
from ._base import _EpochCallback
from ._outputs import Output, template_fields

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

    Before the first epoch the fit checks the path: its directory exists, no
    other callback writes it, the fit does not read it (the CSV of
    ``fit_csv``), a template names only fields this fit logs, and the
    ``monitor`` is among them when ``save_best_only`` needs it.

    Parameters
    ----------
    path : str or os.PathLike
        The file. It may hold ``{epoch}`` (1-based, as in Keras) and metric
        names of the epoch's logs as format fields, e.g.
        ``"model-{epoch:03d}-{val_loss:.3f}.skdeep"``.
    monitor : str, default='val_loss'
        A key of the epoch's logs. Names containing 'loss' are minimized,
        others (``val_accuracy``, ``val_r2``) maximized. 'val_*' needs a
        validation set: ``early_stopping=True`` or ``X_val``/``y_val``. Only
        ``save_best_only`` needs it.
    save_best_only : bool, default=True
        Save only when ``monitor`` improves on the best value seen so far (by
        this callback, or in the history of the model the fit continues);
        False saves every epoch.
    verbose : int, default=0
        1 prints a line for each save.
    initial_value_threshold : float or None, default=None
        The value ``monitor`` must beat before the first save, as in Keras;
        None: any value does, unless the fit continues a history that holds
        a better one.

    Attributes
    ----------
    best_ : float
        Best monitored value so far; kept across fits, as in Keras.
    saved_epoch_ : int or None
        Index of the last saved epoch.

    Notes
    -----
    **Resuming without losing the best model.** Keep two checkpoints, the
    best and the last epoch::

        best = ModelCheckpoint("best.skdeep")  # val_loss, best only
        last = ModelCheckpoint("last.skdeep", save_best_only=False)
        model.set_callbacks(best, last).fit(X, y, X_val=X_val, y_val=y_val)

    After a crash, load the last one and continue it with new callbacks on
    the same paths::

        model = skdeep.load("last.skdeep").set_params(warm_start=True)
        model.set_callbacks(ModelCheckpoint("best.skdeep"),
                            ModelCheckpoint("last.skdeep", save_best_only=False))
        model.fit(X, y, X_val=X_val, y_val=y_val)

    The loaded model's ``history_`` holds the monitored value of every epoch
    before the crash, so the new ``best.skdeep`` checkpoint starts from the
    best of them and replaces the file only with a better epoch (the same
    validation data is needed for the values to compare).
    ``initial_value_threshold`` sets that starting value by hand, for a
    history without the monitored metric.

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

    def __init__(self, path, monitor="val_loss", save_best_only=True, verbose=0,
                 initial_value_threshold=None):
        self.path, self.monitor = path, monitor
        self.save_best_only, self.verbose = save_best_only, verbose
        self.initial_value_threshold = initial_value_threshold
        self.best_ = (float(initial_value_threshold)
                      if initial_value_threshold is not None
                      else math.inf if self._minimized else -math.inf)
        self.saved_epoch_ = None

    @property
    def _minimized(self):
        return "loss" in self.monitor

    def _outputs(self, facts):
        name = type(self).__name__
        if self.save_best_only and self.monitor not in facts.columns:
            raise ValueError(
                f"{name}: monitor={self.monitor!r} is not among this fit's "
                f"metrics {sorted(facts.columns)}; monitor 'loss', give the fit a "
                "validation set (early_stopping=True, or X_val and y_val), or "
                "pass save_best_only=False to save every epoch.")
        check_writable(_example_path(self.path, facts.columns, name))
        return (Output(name, self.path, template=True),)

    def _fit_begins(self, facts):
        """Start from the best monitored value of the history the fit continues
        (a resumed run keeps its best file)."""
        seen = [float(value) for value in facts.history.get(self.monitor, ())
                if math.isfinite(value)]
        if seen:
            best = min(seen) if self._minimized else max(seen)
            self.best_ = (min if self._minimized else max)(self.best_, best)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        controls = training_controls(context)
        if controls is None:
            return False
        logs = controls.logs
        value = logs.get(self.monitor)
        better = value is not None and (
            value < self.best_ if self._minimized else value > self.best_)
        if self.save_best_only and not better:
            return False
        if better:
            self.best_ = float(value)
        path = os.fspath(self.path).format(epoch=controls.epoch + 1, **logs)
        save(fitted_estimator, path)
        self.saved_epoch_ = controls.epoch
        if self.verbose:
            shown = "" if value is None else f"{self.monitor}={value:.4f}, "
            print(f"Epoch {controls.epoch + 1}: {shown}saved the model to {path}",
                  flush=True)
        return False


def _example_path(path, columns, name):
    """``path`` formatted as for an epoch of a fit logging ``columns``; a
    ValueError names the first template field that cannot be formatted."""
    path = os.fspath(path)
    try:
        fields = template_fields(path)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    values = {"epoch": 1, **dict.fromkeys(columns, 0.5)}
    allowed = ["epoch", *columns]
    for field, conversion, spec in fields:
        key = field.split(".")[0].split("[")[0]
        if key not in values:
            what = ("a positional field" if key == "" or key.isdigit()
                    else "the field")
            raise ValueError(
                f"{name}: the path template {path!r} has {what} {{{field}}}, "
                f"which this fit does not log; it may name {allowed}.")
        text = "{" + field + (f"!{conversion}" if conversion else "") + (
            f":{spec}" if spec else "") + "}"
        try:
            text.format(**values)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            kind = "an integer" if key == "epoch" else "a float"
            raise ValueError(
                f"{name}: the path template {path!r} cannot format the field "
                f"{text} ({key} is {kind}): {error}.") from None
    return path.format(**values)
