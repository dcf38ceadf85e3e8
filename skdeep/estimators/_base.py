"""The skeleton shared by DeepClassifier and DeepRegressor (template method).

``BaseDeep`` owns the fit: its six steps and the fitted attributes. What it is
built from beside the fit sits in the mixins it inherits: the training dtype
(``_training_dtype``), early stopping's validation split
(``_validation_split``), prediction (``_predict``), inspection and pickling
(``_inspection``), input scaling (``_inputs``), resuming (``_resume``) and
callbacks (``_callbacks``).
"""

import copy
import functools
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight

from ..exceptions import DivergenceError
from ..network import MLP
from ..optim import SGD, Adam, AdamW, LearningRateSchedule
from ..training import (
    Dataset,
    Engine,
    TrainingSettings,
    TrainingState,
    fit_lbfgs,
    fit_stochastic,
)
from ..training.epochs import TrainingData
from ._callbacks import (
    CallbackSupport,
    FitFacts,
    file_inputs,
    fit_task,
    log_columns,
)
from ._inputs import InputHooks, input_layout, start_embeddings
from ._inspection import Inspection
from ._params import (
    PARAMETER_CONSTRAINTS,
    activation_names,
    dropout_rates,
    hidden_sizes,
)
from ._predict import Prediction
from ._resume import ScalingFolds, carried_optimizer, check_continuable
from ._threads import training_threads
from ._training_dtype import TrainingDtype
from ._validation import check_weights, check_X, check_X_y, reraise_with_name
from ._validation_split import ValidationSplit
from ._warnings import warn_caller


def _generator(random_state):
    """A NumPy Generator seeded once from scikit-learn's ``random_state``."""
    return np.random.default_rng(check_random_state(random_state).randint(2**31 - 1))


def _as_dtype(data, dtype):
    """The dataset in the network's dtype (the loop never converts per batch)."""
    X = data.X if data.X.dtype == dtype else data.X.astype(dtype)
    weight = data.sample_weight
    if weight is not None and weight.dtype != dtype:
        weight = weight.astype(dtype)
    return Dataset(X, data.targets.astype(dtype, copy=False), weight)


class FitArrays(NamedTuple):
    """One fit's checked arrays (``BaseDeep._check_arrays``).

    ``X`` as validated and ``y`` its labels; ``targets`` (n_samples, n_outputs)
    and ``loss``, what the network trains on; ``sample_weight`` float64 (times
    class_weight) or None, of mean ``weight_unit``; ``alpha`` the L2 factor for
    weights divided by that mean; ``dtype`` the dtype a new network trains in.
    """

    X: object
    y: object
    targets: np.ndarray
    loss: str
    sample_weight: np.ndarray | None
    weight_unit: float
    alpha: float
    dtype: np.dtype

    @property
    def weight_seen(self):
        """The weights the callbacks see: fit's, in X's dtype."""
        return (None if self.sample_weight is None
                else self.sample_weight.astype(self.X.dtype, copy=False))


class BaseDeep(Prediction, Inspection, TrainingDtype, ValidationSplit, InputHooks,
               ScalingFolds, CallbackSupport, BaseEstimator):
    """Parameters, fit skeleton and fitted attributes common to both estimators.

    Subclasses provide ``_encode(y, reset, classes)`` returning float targets of
    shape (n_samples, n_outputs) and the loss name, ``_score_raw(raw, targets,
    sample_weight)``, and ``_SCORE_NAME``. ``reset`` is True for a fit that
    starts a new network and measures the data afresh, False for one that
    continues the fitted network (a warm start, partial_fit).
    """

    _parameter_constraints = PARAMETER_CONSTRAINTS
    _y_numeric = False

    # -- fitting: fit and partial_fit of the subclasses call _fit -------------
    def _fit(self, X, y, sample_weight, *, incremental, classes=None,
             validation=None):
        """STYLE.md's six steps: parameters, data, targets, network and
        optimizer, training, fitted attributes."""
        self._validate_params()
        reset = not ((incremental or self.warm_start) and hasattr(self, "_network"))
        if not reset:
            check_continuable(self, self._network, self._optimizer, incremental)
        read_files = file_inputs(X, y, sample_weight, *(validation or ()))
        arrays = self._check_arrays(X, y, sample_weight, classes, reset=reset,
                                    incremental=incremental)
        if not incremental or "do_early_stopping_" not in self.__dict__:
            self.do_early_stopping_ = self._stops_early(arrays.X.shape[0])
        model = self._prepare(arrays, reset=reset, incremental=incremental)
        data = self._training_data(arrays, model.network, validation, incremental)
        settings = self._training_settings(data, incremental, model.network,
                                           alpha=arrays.alpha)
        facts = FitFacts((), incremental=incremental, inputs=read_files,
                         columns=log_columns(self, data.validation is not None),
                         history=model.state.history)
        with fit_task(self, arrays.X, arrays.y, arrays.weight_seen,
                      settings.max_epochs, facts) as hooks:
            n_iter = self._train(model, data, settings, hooks, incremental)
            self._publish(model, n_iter)
        return self

    def _check_arrays(self, X, y, sample_weight, classes, *, reset, incremental):
        """The data and targets of a fit, checked and encoded (``FitArrays``).
        A first fit (``reset``) measures the inputs; the dtype of a new network
        is decided here, once, from X, y and the weights as given."""
        X, y = check_X_y(self, X, y, reset=reset, y_numeric=self._y_numeric,
                         incremental=incremental)
        y, classes = self._labels(y, classes, reset=reset)
        if not (reset or incremental):
            self._check_warm_start(y)
        targets, loss = self._encode(y, reset=reset, classes=classes)
        sample_weight, weight_unit = self._sample_weight(X, y, sample_weight,
                                                         incremental)
        # weights of mean 1 with alpha / weight_unit: the same objective, whose
        # float32 sums of weights like 1e37 or 1e-38 neither overflow nor vanish
        alpha = self.alpha / weight_unit
        if reset:
            self._measure_inputs(X, sample_weight)
        dtype = self._training_dtype(X, targets, sample_weight, alpha)
        targets = self._scale_targets(targets, sample_weight, reset=reset)
        return FitArrays(X, y, targets, loss, sample_weight, weight_unit, alpha,
                         dtype)

    def _prepare(self, arrays, *, reset, incremental):
        """The model to train: a new network (in ``arrays.dtype``) with a new
        optimizer, or the fitted ones carried over (in their own dtype)."""
        if reset:
            rng = _generator(self.random_state)
            network = self._new_network(arrays, rng)
            return Engine(network, self._new_optimizer(network), TrainingState(), rng)
        n_outputs = arrays.targets.shape[1]
        if n_outputs != self._network.layer_sizes[-1]:
            raise ValueError(
                f"{type(self).__name__}: y has {n_outputs} outputs but the fitted "
                f"network has {self._network.layer_sizes[-1]}; refit with "
                "warm_start=False to change the number of outputs."
            )
        network, state = self._resumed_network(), copy.deepcopy(self._state)
        if incremental:
            optimizer = copy.deepcopy(getattr(self, "_optimizer", None))
        else:
            # a warm start keeps weights, history, the optimizer's moments and
            # the shuffling stream (so it continues a run), but monitors afresh
            state.best, state.best_params, state.no_improvement_count = np.inf, None, 0
            optimizer = carried_optimizer(self, network, state.samples_seen)
        if optimizer is None:
            optimizer = self._new_optimizer(network)
        return Engine(network, optimizer, state, copy.deepcopy(self._rng))

    def _new_network(self, arrays, rng):
        """A network initialized from ``rng``, its output bias at the best
        constant and its unused embedding rows at zero."""
        n_inputs, categorical_sizes = input_layout(self, arrays.X.shape[1])
        sizes = (n_inputs, *hidden_sizes(self), arrays.targets.shape[1])
        network = MLP(sizes, activation_names(self, len(sizes) - 2), arrays.loss,
                      arrays.dtype, categorical_sizes).initialize(rng, self.weight_init)
        self._start_from_constant(network, arrays.targets, arrays.sample_weight)
        start_embeddings(network, arrays.X)
        return network

    def _new_optimizer(self, network):
        """The solver's optimizer for a new run; None for lbfgs, which has none."""
        n_params, dtype = network.n_params, network.params.dtype
        if self.solver == "adam":
            return Adam(n_params, dtype, learning_rate=self.learning_rate_init,
                        beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        if self.solver == "adamw":  # biases follow the weights: only weights decay
            return AdamW(n_params, dtype, learning_rate=self.learning_rate_init,
                         beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                         weight_decay=self.weight_decay, n_decayed=network.n_weights)
        if self.solver == "sgd":
            return SGD(n_params, dtype, learning_rate=self.learning_rate_init,
                       momentum=self.momentum, nesterov=self.nesterovs_momentum)
        return None

    def _labels(self, y, classes, *, reset):
        """Hook: the labels ``y`` stands for and the ``classes`` to fit."""
        return y, classes

    def _check_warm_start(self, y):
        """Hook: refuse targets a warm start cannot continue on."""

    def _start_from_constant(self, network, targets, sample_weight):
        """Hook: set the output bias of a new network from the targets."""

    def _scale_targets(self, targets, sample_weight, *, reset):
        """Hook: the targets the network trains on (``reset``: a first fit)."""
        return targets

    def _fitted_target_scaling(self, loss):
        """Hook: the ``training.scaling.TargetScaling`` of the targets the network
        trains on, or None when it trains on the targets of ``_encode``."""
        return None

    def _sample_weight(self, X, y, sample_weight, incremental):
        """The checked float64 weights (times class_weight) and their mean (1.0
        without weights), which training divides them by."""
        if sample_weight is not None:
            with reraise_with_name(self):
                sample_weight = _check_sample_weight(sample_weight, X,
                                                     dtype=np.float64)
        sample_weight = self._apply_class_weight(y, sample_weight, incremental)
        if sample_weight is None:
            return None, 1.0
        check_weights(self, sample_weight)
        largest = sample_weight.max()  # first, so the mean cannot overflow
        return sample_weight, float(largest * np.mean(sample_weight / largest))

    def _apply_class_weight(self, y, sample_weight, incremental):
        return sample_weight

    def _training_data(self, arrays, network, validation, incremental):
        """The training set in the network's dtype (X scaled, then cast once),
        plus the validation set: given, held out, or none."""
        dtype = network.params.dtype
        weight = (None if arrays.sample_weight is None
                  else arrays.sample_weight / arrays.weight_unit)
        train = _as_dtype(Dataset(self._scale_inputs(arrays.X, dtype), arrays.targets,
                                  weight), dtype)
        # its own stream, so a warm start draws the same validation split as the
        # first fit did (for an integer random_state; None draws a new one)
        rng = _generator(self.random_state)
        if validation is not None:
            val = self._validation_set(*validation, dtype)
        elif self.do_early_stopping_ and not incremental:
            train, val = self._hold_out(train, arrays.y, rng)
        else:
            return TrainingData(train)
        score = functools.partial(self._score_raw, targets=val.targets,
                                  sample_weight=val.sample_weight)
        return TrainingData(train, val, score)

    def _validation_set(self, X_val, y_val, dtype):
        """``X_val`` and ``y_val`` checked and encoded like the training data."""
        X_val = self._scale_inputs(check_X(self, X_val, reset=False), dtype)
        y_val, _ = self._labels(y_val, None, reset=False)
        val_targets, _ = self._encode(y_val, reset=False, classes=None)
        val_targets = self._scale_targets(val_targets, None, reset=False)
        return _as_dtype(Dataset(X_val, val_targets), dtype)

    def _training_settings(self, data, incremental, network, *, alpha):
        """The ``TrainingSettings`` of this fit, from the parameters."""
        validating = data.validation is not None
        monitored = self.do_early_stopping_ and validating and not incremental
        n_samples = data.train.n_samples
        batch_size = (min(200, n_samples) if self.batch_size == "auto"
                      else min(self.batch_size, n_samples))
        return TrainingSettings(
            max_epochs=1 if incremental else self.max_iter,
            batch_size=batch_size, shuffle=self.shuffle, tol=self.tol,
            n_iter_no_change=self.n_iter_no_change, alpha=alpha,
            dropout=dropout_rates(self, len(network.layer_sizes) - 2),
            clip_norm=self.clip_norm, monitor=self.monitor if monitored else "loss",
            stop_early=not incremental,
            restore_best_weights=bool(monitored and self.restore_best_weights),
            verbose=int(self.verbose), max_fun=self.max_fun,
            score_name=self._SCORE_NAME,
            target_scaling=self._fitted_target_scaling(network.loss),
            schedule=LearningRateSchedule(self.learning_rate, self.learning_rate_init,
                                          power_t=self.power_t),
        )

    def _train(self, model, data, settings, hooks, incremental):
        """Hand ``model`` to the solver's loop; return the epochs of this call
        (``n_iter_``, as in MLP: ``history_`` and ``t_`` go on). A divergence
        publishes the restored weights, which ``atomic`` keeps, and propagates."""
        fit = fit_lbfgs if self.solver == "lbfgs" else fit_stochastic
        epochs_before = model.state.n_iter
        batch_rows = (data.train.n_samples if self.solver == "lbfgs"
                      else settings.batch_size)
        try:
            with training_threads(model.network, batch_rows):
                result = fit(model, data, settings, hooks)
        except DivergenceError as error:
            self._publish(model, model.state.n_iter - epochs_before)
            unscaled = ("" if self.input_scaling is not None else
                        " With input_scaling=None the network sees X unscaled: "
                        "input_scaling='standard' (the default) scales it.")
            raise DivergenceError(f"{type(self).__name__}: {error}{unscaled}") from None
        if not incremental:
            self._warn_convergence(model.state, result)
        return model.state.n_iter - epochs_before

    def _commit(self, model, n_iter, trained=None):
        """Copy the model into the fitted ``*_`` attributes: ``model.network``
        on raw X and y, ``trained`` the parameters as trained (None: the same,
        or unknown and recovered by unfolding on a resume)."""
        network, state = model.network, model.state
        self._network, self._optimizer, self._state, self._rng = model
        self._trained_params = trained
        self.coefs_, self.intercepts_ = network.weights, network.biases
        self.n_layers_ = len(network.layer_sizes)
        self.n_outputs_ = network.layer_sizes[-1]
        self.out_activation_ = network.output_activation
        self.activations_ = tuple(network.activations)
        self.n_iter_, self.t_ = n_iter, state.samples_seen
        self.history_ = {name: list(values) for name, values in state.history.items()}
        self.loss_curve_ = self.history_["loss"]
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        validating = "val_loss" in self.history_
        self.best_loss_ = None if self._early_stopped() and validating else \
            state.best_loss
        self.validation_scores_ = self.history_.get(self._SCORE_NAME)
        self.validation_loss_curve_ = self.history_.get("val_loss")
        self.best_validation_score_ = None
        if self.validation_scores_:
            best = state.best_epoch if self._early_stopped() else 0
            # partial_fit epochs after an early-stopped fit have no validation
            # score, and the training loss they monitor may set best_epoch
            if not 0 < best <= len(self.validation_scores_):
                best = int(np.nanargmax(self.validation_scores_)) + 1
            self.best_validation_score_ = self.validation_scores_[best - 1]

    def _warn_convergence(self, state, result):
        if state.converged:
            return
        name = type(self).__name__
        if self.solver == "lbfgs":
            message = (f"{name}: lbfgs stopped without converging ({result.message})."
                       " Increase max_iter or max_fun, or scale the inputs.")
        else:
            watched = ("the validation " + self.monitor[4:]
                       if self.do_early_stopping_ and "val_loss" in state.history
                       else "the training loss")
            message = (f"{name}: the {self.solver} solver reached max_iter="
                       f"{self.max_iter} epochs while {watched} was still "
                       f"improving by more than tol={self.tol}. Increase max_iter"
                       + ("." if self.do_early_stopping_ else
                          ", or set early_stopping=True to stop on a validation set."))
        warn_caller(message, ConvergenceWarning)
