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
fitted estimator needs to know besides the engine.

The callbacks see a running fit through two functions of scikit-learn's task
(the ``context`` their hooks receive): :func:`fit_facts` gives the fit's
``FitFacts`` (its callbacks, log columns, input files, the history it
continues) on its root task, :func:`training_controls` the
``skdeep.training.TrainingControls`` (epoch, logs, learning rate) on each epoch
task. Both give None for any other task, and for a task that has ended: a fit
leaves nothing behind. :func:`is_skdeep_estimator` tells the estimators from
any other. The command line reads the estimators' facts about raw tables
(:func:`is_categorical_dtype`, ``MIN_CATEGORY_COUNT``, and ``NUMERIC_SHARE``,
the share of numbers that makes a text column numbers with typos) and splits
as they do (:func:`stratify_labels`).
"""

from sklearn.exceptions import NotFittedError

from ..training import Engine
from ._callbacks import RUNTIME_ATTRIBUTES
from ._params import PARAMETER_CONSTRAINTS
from ._resume import mismatch

__all__ = ["PARAMETER_CONSTRAINTS", "RUNTIME_ATTRIBUTES", "check_parameters",
           "fitted_engine", "install_engine", "is_fitted", "is_multilabel",
           "trained_params", "warm_start_mismatch",
           # callbacks and cli
           "MIN_CATEGORY_COUNT", "NUMERIC_SHARE", "fit_facts",
           "is_categorical_dtype", "is_skdeep_estimator", "stratify_labels",
           "training_controls"]


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


# callbacks and cli

from ._base import BaseDeep  # noqa: E402
from ._callbacks import fit_facts, training_controls  # noqa: E402
from ._categorical import MIN_CATEGORY_COUNT, is_categorical_dtype  # noqa: E402
from ._labels import stratify_labels  # noqa: E402
from ._text import NUMERIC_SHARE  # noqa: E402


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
