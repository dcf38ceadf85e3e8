"""The contract between the estimators and the edge packages.

The edges (``persistence``, ``export``, ``callbacks``, ``streaming``, ``cli``)
may use, of a DeepClassifier or DeepRegressor:

- its constructor parameters (``get_params``/``set_params``) and its public
  fitted attributes (the names ending in ``_`` its docstring lists, such as
  ``coefs_``, ``activations_``, ``out_activation_``, ``n_iter_``, ``classes_``);
- the names of this module, and nothing else of the estimators package: no
  private module (``estimators._*``) and no private attribute (``_network``,
  ``_optimizer``, ``_state``, ``_rng``, ``_multilabel``, ``_trained_params``,
  ``_commit``, ...). tests/test_layers.py fails an edge that reaches past them.

The fitted engine (:class:`skdeep.training.Engine`: network, optimizer,
training state, random generator) is handed out by :func:`fitted_engine` and
taken back by :func:`install_engine`, which derives every fitted attribute
from it exactly as ``fit`` does. The other names say what saving and loading a
fitted estimator needs to know besides the engine (:func:`unsaved_attributes`
finds what a file would lose). An edge that fits a copy, so that a failed
fit leaves the original as it was, commits with :func:`adopt_state`.

The callbacks see a running fit through two functions of scikit-learn's task
(the ``context`` their hooks receive): :func:`fit_facts` gives the fit's
``FitFacts`` (its callbacks, log columns, input files, the history it
continues) on its root task, :func:`training_controls` the
``skdeep.training.TrainingControls`` (epoch, logs, learning rate) on each epoch
task. Both give None for any other task, and for a task that has ended: a fit
leaves nothing behind. :func:`callbacks_of` gives the callbacks set on an
estimator. :func:`is_skdeep_estimator` tells the estimators from
any other. The command line reads the estimators' facts about raw tables
(:func:`is_categorical_dtype`, ``MIN_CATEGORY_COUNT``, and ``NUMERIC_SHARE``,
the share of numbers that makes a text column numbers with typos) and splits
as they do (:func:`stratify_labels`). ``fit_csv`` trains a stream of
``partial_fit`` calls as one run: it asks for the training dtype
(:func:`training_dtype`), a fitted table's categories
(:func:`table_categories`) and the facts the callbacks check before the stream
is read (:func:`stream_fit_facts`). A model file stores how a classifier reads
its outputs back into y's form (:func:`is_multilabel`, :func:`is_one_hot`),
which loading sets back with :func:`set_label_encoding` before
:func:`install_engine`.
"""

from sklearn.exceptions import NotFittedError

from ..training import Engine
from ._base import BaseDeep
from ._callbacks import (
    RUNTIME_ATTRIBUTES,
    FitFacts,
    callbacks_of,
    fit_facts,
    log_columns,
    training_controls,
)
from ._categorical import MIN_CATEGORY_COUNT, is_categorical_dtype
from ._labels import stratify_labels
from ._params import PARAMETER_CONSTRAINTS, compute_dtype
from ._resume import mismatch
from ._tables import TablePlan, has_table
from ._text import NUMERIC_SHARE

__all__ = [
    # the fitted engine and what fit derives from it
    "check_parameters", "fitted_engine", "install_engine", "is_fitted",
    "trained_params", "warm_start_mismatch", "PARAMETER_CONSTRAINTS",
    # a fitted estimator saved, or committed from a fitted copy
    "adopt_state", "unsaved_attributes", "RUNTIME_ATTRIBUTES",
    # a classifier's label encoding
    "is_multilabel", "is_one_hot", "set_label_encoding",
    # a running fit, for the callbacks and fit_csv
    "callbacks_of", "fit_facts", "is_skdeep_estimator", "stream_fit_facts",
    "training_controls",
    # raw tables and splits, for fit_csv and the command line
    "MIN_CATEGORY_COUNT", "NUMERIC_SHARE", "is_categorical_dtype",
    "stratify_labels", "table_categories", "training_dtype",
]


# what the estimators keep privately besides their parameters and public
# fitted attributes: the engine, the trained parameters, the label encoding
_PRIVATE_STATE = frozenset({"_network", "_optimizer", "_state", "_rng",
                            "_trained_params", "_multilabel", "_one_hot"})


def is_fitted(estimator):
    """Whether the estimator holds a fitted engine.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    bool
    """
    return "_network" in vars(estimator)


def fitted_engine(estimator):
    """The estimator's fitted engine (the live objects, not copies).

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    skdeep.training.Engine

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted; the message names it.
    """
    if not is_fitted(estimator):
        raise NotFittedError(f"This {type(estimator).__name__} instance is not "
                             "fitted yet; call fit before using its engine.")
    return Engine(estimator._network, estimator._optimizer, estimator._state,
                  estimator._rng)


def install_engine(estimator, engine, n_iter, trained_params=None):
    """Make ``engine`` the estimator's fitted engine and derive its fitted
    attributes from it, as the end of ``fit`` does.

    The attributes fit sets before the engine exists (``n_features_in_``,
    ``classes_``, the input and target statistics, ...) must already be set.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
    engine : skdeep.training.Engine
        The network on raw X and y, with its optimizer, state and generator.
    n_iter : int
        The epochs of the last fit (``n_iter_``).
    trained_params : ndarray or None, default=None
        The parameters as trained, before the input and target scalings were
        folded into ``engine.network``; None when they are the same, or unknown
        (a resume then recovers them by unfolding).

    Returns
    -------
    estimator
    """
    estimator._commit(engine, n_iter, trained_params)
    return estimator


def trained_params(estimator):
    """The fitted parameters as trained (before the scalings were folded in),
    or None when they are the network's own.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
        A fitted estimator.

    Returns
    -------
    ndarray or None
    """
    return estimator._trained_params


def is_multilabel(estimator):
    """Whether a fitted classifier learned an indicator (multilabel) target.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    bool or None
        None for a regressor or an unfitted classifier.
    """
    return vars(estimator).get("_multilabel")


def check_parameters(estimator):
    """Validate the constructor parameters as ``fit`` does.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Raises
    ------
    ValueError or TypeError
        scikit-learn's InvalidParameterError (a ValueError) for a parameter
        outside ``PARAMETER_CONSTRAINTS``.
    """
    estimator._validate_params()


def warm_start_mismatch(estimator, network, optimizer):
    """What makes the estimator's parameters disagree with a trained network
    and optimizer (the check a warm start, ``partial_fit`` and saving make).

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
    network : skdeep.network.MLP
    optimizer : SGD, Adam, AdamW or None

    Returns
    -------
    str or None
        The disagreement and the parameter to set back, or None.
    """
    return mismatch(estimator, network, optimizer)


def is_one_hot(estimator):
    """Whether a fitted classifier learned from a one-hot y (its ``predict``
    then answers with one-hot rows).

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    bool or None
        None for a regressor, an unfitted classifier, or one fitted before
        one-hot targets were recognised (it reads as False).
    """
    return vars(estimator).get("_one_hot")


def set_label_encoding(estimator, *, multilabel=None, one_hot=None):
    """Set how a classifier reads its outputs back into y's form, as
    :func:`is_multilabel` and :func:`is_one_hot` give it, before
    :func:`install_engine`.

    Parameters
    ----------
    estimator : DeepClassifier
    multilabel : bool or None, default=None
        Whether y was an indicator (multilabel) matrix; None leaves it unset.
    one_hot : bool or None, default=None
        Whether y was one-hot (one 1 per row); None leaves it unset.

    Returns
    -------
    estimator
    """
    for name, value in (("_multilabel", multilabel), ("_one_hot", one_hot)):
        if value is not None:
            setattr(estimator, name, value)
    return estimator


def is_skdeep_estimator(obj):
    """Whether ``obj`` is a DeepClassifier or DeepRegressor (an instance, of
    the class or of a subclass), the estimators skdeep's callbacks work on.

    Parameters
    ----------
    obj : object

    Returns
    -------
    bool
        False for any other estimator, a Pipeline ending in one, or a class.
    """
    return isinstance(obj, BaseDeep)


def training_dtype(estimator):
    """The dtype the estimator's network trains in, as its parameters fix it.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    numpy.dtype or None
        float32 or float64; None when it follows the input's dtype
        (``dtype=None``, or ``dtype='auto'`` with ``solver='lbfgs'``).
    """
    return compute_dtype(estimator)


def table_categories(estimator):
    """The categories of a fitted raw-table model's categorical columns.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor

    Returns
    -------
    dict or None
        ``{column index: categories}`` (ndarray, as in ``categories_``) for
        each categorical feature column, in column order; empty for a table
        with none, and None when the estimator encodes no table (unfitted, or
        fitted on an array of numbers).
    """
    if not has_table(estimator):
        return None
    plan = TablePlan.of(estimator)
    return dict(zip(plan.categorical.tolist(), plan.categories))


def stream_fit_facts(estimator, callbacks, inputs):
    """What the callbacks check before a stream of ``partial_fit`` calls that
    is one new run (:func:`skdeep.streaming.fit_csv`) reads anything.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
        The estimator the stream trains (fitted or not).
    callbacks : sequence
        The callbacks set on it.
    inputs : sequence of str or path-like
        The files the stream reads, which no callback may write.

    Returns
    -------
    FitFacts
        A new run (not incremental) without validation, continuing the
        estimator's ``history_``: what ``skdeep.callbacks.begin_fit`` checks.
    """
    fitted = getattr(estimator, "history_", None) is not None
    return FitFacts(callbacks, incremental=False, inputs=inputs,
                    columns=log_columns(estimator, validating=False),
                    history=estimator.history_ if fitted else {})


def adopt_state(estimator, trained):
    """Give ``estimator`` the whole state of ``trained``, a fitted copy of it,
    keeping its identity: how an edge that fits a copy (so that a failed fit
    leaves the original as it was) commits the result.

    Parameters
    ----------
    estimator : estimator instance
        Any scikit-learn estimator; its attributes are replaced by ``trained``'s.
    trained : estimator instance
        A fitted copy of ``estimator`` (``sklearn.base.clone`` or ``copy``).
    """
    state = vars(estimator)
    state.clear()
    state.update(vars(trained))


def unsaved_attributes(estimator, saved):
    """The attributes of a fitted estimator that a model file does not hold:
    neither a parameter, nor in ``saved``, nor the state the contract hands
    out (:func:`fitted_engine`, :func:`trained_params`, :func:`is_multilabel`,
    :func:`is_one_hot`), nor a run-time hook (``RUNTIME_ATTRIBUTES``).

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
    saved : iterable of str
        The attribute names the file records or derives on load.

    Returns
    -------
    list of str
        Sorted; empty when the file holds everything.
    """
    known = (set(saved) | set(estimator.get_params(deep=False)) | _PRIVATE_STATE
             | RUNTIME_ATTRIBUTES)
    return sorted(set(vars(estimator)) - known)
