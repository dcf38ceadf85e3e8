"""scikit-learn's callback protocol (``sklearn.callback``, scikit-learn >= 1.9)
spoken by the estimators: the fit is the root task, each epoch (each L-BFGS
iteration) a subtask. The loop below sees only ``training.Hooks``.

A running fit gives its callbacks two things, by task: the root task's
``FitFacts`` and each epoch task's ``training.TrainingControls``. They are
read through ``fit_facts(context)`` and ``training_controls(context)`` (the
names ``contract`` hands the callbacks), never set on scikit-learn's context
objects.

With an older scikit-learn the estimators still work; ``set_callbacks`` raises
an ImportError that says which version to install.
"""

import contextlib
import copy
import weakref

import numpy as np

from ..training import NO_HOOKS, Hooks, TrainingControls

try:
    from sklearn.callback import CallbackSupportMixin
    from sklearn.callback._callback_support import callback_management_context
except ImportError:  # scikit-learn < 1.9
    CallbackSupportMixin = None

__all__ = ["CallbackSupport", "FitFacts", "callback_management", "callbacks_of",
           "fit_facts", "fit_task", "file_inputs", "log_columns",
           "training_controls", "RUNTIME_ATTRIBUTES"]

# set on an estimator while (or because) callbacks run; never part of a model
RUNTIME_ATTRIBUTES = frozenset({"_skl_callbacks", "_callback_fit_ctx",
                                "_skl_callbacks_to_teardown",
                                "_parent_callback_ctx"})


def callbacks_of(estimator):
    """The callbacks set on ``estimator`` with ``set_callbacks`` (scikit-learn's
    protocol keeps them in ``_skl_callbacks``), as a tuple; empty when none.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    tuple
    """
    return tuple(getattr(estimator, "_skl_callbacks", None) or ())


class _NoCallbackSupport:
    """Stands in for ``sklearn.callback.CallbackSupportMixin`` before 1.9."""

    def set_callbacks(self, *callbacks):
        """Set callbacks for the estimator (needs scikit-learn >= 1.9).

        Parameters
        ----------
        *callbacks : callback instances

        Returns
        -------
        self : estimator instance
        """
        import sklearn

        raise ImportError(
            f"{type(self).__name__}.set_callbacks needs scikit-learn >= 1.9, "
            f"which added sklearn.callback; this is scikit-learn "
            f"{sklearn.__version__}. Upgrade with: pip install 'scikit-learn>=1.9'."
        )


CallbackSupport = CallbackSupportMixin or _NoCallbackSupport

# What the running fits give their callbacks, by task (a scikit-learn
# CallbackContext): the root task's FitFacts, an epoch task's TrainingControls.
# An entry lives while its task runs; the keys are weak, so not even a fit that
# raises leaves its tasks alive here.
_FACTS = weakref.WeakKeyDictionary()
_CONTROLS = weakref.WeakKeyDictionary()


def _lookup(table, context):
    try:
        return table.get(context)
    except TypeError:  # cannot be weakly referenced: no task of a fit
        return None


def fit_facts(context):
    """The ``FitFacts`` of the fit whose root task is ``context``, while that
    task runs.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The task a callback hook received.

    Returns
    -------
    FitFacts or None
        None for any other task: an epoch, another estimator's task, a task
        that has ended.
    """
    return _lookup(_FACTS, context)


def training_controls(context):
    """The running fit's optimizer controls, while ``context``, one of its
    epoch tasks, runs.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The task a callback hook received.

    Returns
    -------
    skdeep.training.TrainingControls or None
        The epoch's index and logs and the learning rate to read or set; None
        for any other task: the fit's root task, an epoch begun but never run,
        a task that has ended.
    """
    return _lookup(_CONTROLS, context)


def callback_management(estimator):
    """Context that tears the callbacks down however fit ends."""
    if CallbackSupportMixin is None:
        return contextlib.nullcontext()
    return callback_management_context(estimator)


class FitFacts:
    """What a fit's callbacks check before its first epoch.

    Handed to the callbacks on the root task (``fit_facts(context)``), so they
    can refuse a bad path, template or monitor before any training.

    Parameters
    ----------
    callbacks : sequence
        Every callback set on the estimator.
    incremental : bool
        True for ``partial_fit``, which continues the run of the calls before
        it; False for a new run (``fit``, or the start of ``fit_csv``).
    columns : tuple of str
        The keys of this fit's epoch logs, in order.
    inputs : tuple of str
        Files the fit reads (a memory-mapped X, the CSV of ``fit_csv``): no
        callback may write to one.
    history : dict
        The history the fit continues (empty for a new network).
    """

    def __init__(self, callbacks, *, incremental, columns, inputs=(), history=None):
        self.callbacks, self.incremental = tuple(callbacks), incremental
        self.columns, self.inputs = tuple(columns), tuple(inputs)
        self.history = {} if history is None else history
        self.checked = False

    @property
    def first_epoch(self):
        """The 0-based index of the fit's first epoch."""
        return len(self.history.get("loss", ()))


def log_columns(estimator, validating):
    """The keys of an epoch's logs: its metrics, then the rate it ran with."""
    columns = ["loss"]
    if validating:
        columns += ["val_loss", estimator._SCORE_NAME]
    if estimator.solver != "lbfgs":
        columns.append("learning_rate")
    return tuple(columns)


def file_inputs(*arrays):
    """The files behind memory-mapped arrays among ``arrays`` (a fit reads them)."""
    files = []
    for array in arrays:
        while isinstance(array, np.ndarray):  # a view's base chain ends
            if isinstance(array, np.memmap) and array.filename:
                files.append(array.filename)
                break
            array = array.base
    return tuple(files)


@contextlib.contextmanager
def fit_task(estimator, X, y, sample_weight, max_epochs, facts=None):
    """Run a fit as the protocol's root task; yield the epochs' ``EpochTasks``.

    ``X`` and ``y`` are the fit's validated data and labels, handed to every
    task; ``sample_weight`` goes in the tasks' ``metadata``. ``facts`` (a
    ``FitFacts`` without its callbacks) reach the callbacks on the root task.
    """
    if CallbackSupportMixin is None:
        yield NO_HOOKS
        return
    root = estimator._init_callback_context(max_subtasks=max_epochs)
    if facts is not None:
        facts.callbacks = callbacks_of(estimator)
        _FACTS[root] = facts
    data = {"X": X, "y": y, "metadata": (None if sample_weight is None
                                         else {"sample_weight": sample_weight})}
    try:
        root.call_on_fit_task_begin(estimator=estimator, **data)
        # without callbacks nothing listens: the loop runs the no-op hooks
        listening = bool(callbacks_of(estimator))
        yield EpochTasks(estimator, root, data) if listening else NO_HOOKS
        root.call_on_fit_task_end(estimator=estimator,
                                  reconstruction_attributes={}, **data)
    finally:
        _FACTS.pop(root, None)


class EpochTasks(Hooks):
    """One protocol subtask per epoch, ``fitted_estimator`` built on demand."""

    def __init__(self, estimator, root, data):
        self.estimator, self.root, self.data = estimator, root, data
        self.model, self.controls, self.task = None, TrainingControls(None), None
        self.epochs_before = 0

    def attach(self, model):
        """The ``Engine`` being trained, its optimizer included."""
        self.model, self.controls = model, TrainingControls(model.optimizer)
        self.epochs_before = model.state.n_iter

    def epoch_begin(self, epoch):
        self.task = self.root.subcontext(task_name="epoch")
        _CONTROLS[self.task] = self.controls
        self.controls.epoch = epoch - 1
        self.task.call_on_fit_task_begin(
            estimator=self.estimator, reconstruction_attributes=self._snapshot,
            **self.data)
        self.controls.epoch_rate = self.controls.learning_rate

    def epoch_end(self, epoch, metrics):
        logs = dict(metrics)
        if self.controls.epoch_rate is not None:
            logs["learning_rate"] = self.controls.epoch_rate
        self.controls.logs = logs
        task, self.task = self.task, None
        try:
            return task.call_on_fit_task_end(
                estimator=self.estimator,
                reconstruction_attributes=self._snapshot, **self.data)
        finally:
            _CONTROLS.pop(task, None)

    def close(self):
        if self.task is not None:  # begun, never run: ended empty
            task, self.task = self.task, None
            _CONTROLS.pop(task, None)
            task.call_on_fit_task_end(estimator=self.estimator)

    def _snapshot(self):
        """The fitted attributes as if fit had stopped now, on copies of the
        engine: the live fit goes on undisturbed. Like the fitted model, the
        copy reads raw X and predicts in y's units (the scalings folded in)."""
        network, optimizer, state, rng = self.model
        shadow, network = copy.copy(self.estimator), network.copy()
        state = copy.deepcopy(state)
        shadow._publish(type(self.model)(network, copy.deepcopy(optimizer), state,
                                         copy.deepcopy(rng)),
                        state.n_iter - self.epochs_before)
        return vars(shadow)
