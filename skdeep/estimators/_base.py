"""The skeleton shared by DeepClassifier and DeepRegressor (template method)."""

import copy
import functools
import math
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..exceptions import DivergenceError
from ..network import MLP
from ..ops import OUTPUT_ACTIVATIONS
from ..optim import SGD, Adam, AdamW, LearningRateSchedule
from ..training import (
    Dataset,
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
from ._params import (
    PARAMETER_CONSTRAINTS,
    activation_names,
    compute_dtype,
    dropout_rates,
    hidden_sizes,
)
from ._resume import ScalingFolds, carried_optimizer, check_continuable
from ._summary import summary_table
from ._support import _as_dtype, _generator, _Model, _take
from ._tables import describe_inputs
from ._threads import training_threads
from ._validation import check_weights, check_X, check_X_y, reraise_with_name
from ._warnings import warn_caller

# float32's largest value is 3.4e38: beyond these, a float32 network's Adam
# moments (squared gradients) or outputs overflow, so dtype='auto' keeps float64
FLOAT32_PENALTY_LIMIT = 1e15
FLOAT32_MAGNITUDE_LIMIT = 1e30
# float32 carries about 7 significant digits: a column (of X, or a regressor's y)
# whose mean is more than this many standard deviations from 0 would reach or
# leave a float32 network in steps a noticeable fraction of its spread, since
# its scaling is folded into the first (or last) layer, so 'auto' keeps float64
FLOAT32_OFFSET_LIMIT = 1e3
# early_stopping='auto' holds out validation_fraction and stops early when fit
# gets more rows than this, a validation set of more than 50 rows at the default
# 10% (HistGradientBoosting's 'auto' uses 10,000 rows; this one is measured on 16
# real tables in benchmarks/bench_tables.py: early stopping lost on training
# sets of 210 and 274 rows, gained on every one from 755 to 5,092 (up to +0.047
# R^2) and was level, within 0.003, on the four of 6,299 to 16,152)
AUTO_EARLY_STOPPING_ROWS = 500
# input predict takes as it is, without validate_data (see _is_plain_input)
PREDICT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# widest single row (and output) that _row_output sums in Python: a few
# microseconds at most; a wider row takes the 2-D path, whose products cost
# far more than its checks
ROW_CHECK_LIMIT = 256


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


class BaseDeep(InputHooks, ScalingFolds, CallbackSupport, BaseEstimator):
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
            return _Model(network, self._new_optimizer(network), TrainingState(), rng)
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
        return _Model(network, optimizer, state, copy.deepcopy(self._rng))

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

    def _training_dtype(self, X, targets, sample_weight, alpha):
        """The dtype a new network trains in: ``dtype`` and the input's, except
        where float32 cannot hold the model (``_float32_cannot_hold``): then
        'auto' trains in float64 and an explicit float32 is refused; 'auto'
        also keeps float64 for columns far from 0 (``_far_from_zero``)."""
        dtype = compute_dtype(self, X.dtype)
        if dtype != np.float32:
            return dtype
        if self.dtype == "auto" and self._far_from_zero(targets, sample_weight):
            return np.dtype(np.float64)
        problem = self._float32_cannot_hold(X, targets, alpha)
        if problem is None:
            return dtype
        if self.dtype == "auto":
            return np.dtype(np.float64)
        raise ValueError(
            f"{type(self).__name__}: dtype={self.dtype!r} trains in float32 here, "
            f"which cannot hold {problem}; use dtype='float64' or 'auto'.")

    def _far_from_zero(self, targets, sample_weight):
        """Whether an input column lies more than ``FLOAT32_OFFSET_LIMIT``
        standard deviations from 0 (a Unix time, say): ``coefs_[0]`` applies to
        raw X, and float32 could not resolve such a column's spread."""
        scaling = self._fitted_input_scaling()
        return scaling is not None and bool(
            (np.abs(scaling.input_offset) > FLOAT32_OFFSET_LIMIT * scaling.input_scale)
            .any())

    def _float32_cannot_hold(self, X, targets, alpha):
        """What of this fit float32 cannot hold, or None: the one place that
        decides it. ``coefs_[0]`` applies to raw X (the input scaling folded in,
        its rows divided by each column's scale), so X's values and the inverse
        of its scales must fit; the L2 gradient is ``alpha * weights /
        weight_sum`` per batch (weights of mean 1), and Adam squares it."""
        values = X.data if sparse.issparse(X) else X
        largest = float(np.max(np.abs(values), initial=0.0))
        if largest > float(np.finfo(np.float32).max):  # a float32 would overflow
            return (f"input values of magnitude {largest:.3g} (float32 ends at "
                    "3.4e38)")
        scaling = self._fitted_input_scaling()
        if (scaling is not None
                and scaling.input_scale.min() < 1 / FLOAT32_MAGNITUDE_LIMIT):
            return (f"an input column of scale {scaling.input_scale.min():.3g} (the "
                    "first layer's weights are divided by it)")
        if alpha > FLOAT32_PENALTY_LIMIT:
            return (f"the L2 term's factor alpha / mean(sample_weight) = "
                    f"{alpha:.3g} (its gradients' squares overflow)")
        return None

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

    def _stops_early(self, n_samples):
        """``early_stopping`` resolved for a fit on ``n_samples`` rows: 'auto'
        is on above AUTO_EARLY_STOPPING_ROWS (partial_fit never stops early)."""
        if isinstance(self.early_stopping, str):  # 'auto'
            return n_samples > AUTO_EARLY_STOPPING_ROWS
        return bool(self.early_stopping)

    def _early_stopped(self):
        """``early_stopping`` as the fitted attributes read it: an explicit
        True/False as it is (as before 'auto' existed), 'auto' as resolved by
        the last fit."""
        if isinstance(self.early_stopping, str):
            return bool(self.__dict__.get("do_early_stopping_", False))
        return bool(self.early_stopping)

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

    def _hold_out(self, train, y, rng):
        """Random (stratified for single-label classes) validation split."""
        n_samples = train.n_samples
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        if n_val < 2 or n_samples - n_val < 1:
            short, fix = (("validation", "increase") if n_val < 2 else
                          ("training", "lower"))
            raise ValueError(
                f"{type(self).__name__}: early_stopping's validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples leaves "
                f"{n_val} for validation and {n_samples - n_val} for training, "
                f"too few for {short} (at least {2 if n_val < 2 else 1} needed"
                f"{self._split_needs()}); {fix} validation_fraction, pass X_val "
                "and y_val to fit, or set early_stopping=False."
            )
        train_rows, val_rows = self._split_rows(y, n_val, rng)
        self._check_split_weights(train.sample_weight, train_rows, val_rows)
        return _take(train, train_rows), _take(train, val_rows)

    def _check_split_weights(self, weight, train_rows, val_rows):
        """Each side of the split needs some weight, or its loss is 0 / 0."""
        for part, rows in (("training", train_rows), ("validation", val_rows)):
            if weight is not None and not weight[rows].sum() > 0:
                raise ValueError(
                    f"{type(self).__name__}: every sample that early_stopping's "
                    f"random split put in the {part} part has weight 0; give "
                    "more samples a positive weight, or pass X_val and y_val."
                )

    def _split_needs(self):
        """Hook: what else each side of the split should hold, for the message."""
        return ""

    def _split_rows(self, y, n_val, rng):
        rows = rng.permutation(len(y))
        return rows[n_val:], rows[:n_val]

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

    # -- prediction ----------------------------------------------------------
    def _raw_output(self, X):
        """Raw outputs in X's floating dtype (float32 for float32 input, float64
        otherwise), whatever dtype the network computes in."""
        row = self._row_output(X)
        return self._rows_output(X) if row is None else row.reshape(1, -1)

    def _rows_output(self, X):
        """``_raw_output`` for any input: every check of validate_data, except
        for plain input (``_is_plain_input``), which it would pass unchanged."""
        if not self._is_plain_input(X):
            check_is_fitted(self)
            X = check_X(self, X, reset=False)
        raw = self._network.raw_output(X).astype(X.dtype, copy=False)
        return self._check_finite(raw)

    def _row_output(self, X):
        """The raw outputs of a single row of plain input (``_is_plain_input``)
        as a 1-D array in X's dtype, or None for any other input, which
        ``_rows_output`` then checks (and a row with NaN or inf it refuses).
        The network takes a few microseconds on one row, so every check here
        is a scalar one; the sums are Python's, which warn of nothing."""
        if type(X) is not np.ndarray:
            return None
        shape, fitted = X.shape, self.__dict__
        network = fitted.get("_network")
        if (len(shape) != 2 or shape[0] != 1 or network is None
                or X.dtype not in PREDICT_DTYPES
                or shape[1] != fitted.get("n_features_in_")
                or shape[1] > ROW_CHECK_LIMIT
                or "feature_names_in_" in fitted or "is_categorical_" in fitted
                or network.categorical is not None):
            return None
        row = X[0]
        # a finite sum means no NaN or inf, as in _is_plain_input
        if not math.isfinite(sum(row.tolist())):
            return None
        dtype = network.params.dtype
        raw = network.forward(row if row.dtype == dtype else row.astype(dtype))
        if raw.dtype != X.dtype:
            raw = raw.astype(X.dtype)
        if len(raw) > ROW_CHECK_LIMIT or not math.isfinite(sum(raw.tolist())):
            self._check_finite(raw)  # the general path's check and error
        return raw

    def _output(self, X):
        """Predictions after the output activation, checked like the raw ones
        (an exp output, Poisson's, can overflow where the raw output did not):
        of shape (n_outputs,) for a single row of plain input
        (``_row_output``), else (n_samples, n_outputs)."""
        outputs = self._row_output(X)
        if outputs is None:
            outputs = self._rows_output(X)
        activation = self._network.output_activation
        if activation == "identity":  # the raw outputs, checked already
            return outputs
        with np.errstate(over="ignore"):  # reported below, as the error
            OUTPUT_ACTIVATIONS[activation](outputs)
        return self._check_finite(outputs)

    def _check_finite(self, outputs):
        # a finite sum means every value is finite, without an n-by-d mask
        if not math.isfinite(outputs.sum()) and not np.isfinite(outputs).all():
            raise ValueError(
                f"{type(self).__name__}: the network's outputs overflowed to "
                "infinity for some rows of X, whose values are far larger than "
                "the training data's; scale X as at fit, e.g. with StandardScaler "
                "in a Pipeline."
            )
        return outputs

    def _is_plain_input(self, X):
        """True for input validate_data would pass through unchanged: a fitted
        model without feature names given a finite 2-D float ndarray of the right
        width. Skipping the general checks cuts small inputs' latency several
        times, and a float64 array for a float32 model is cast chunk by chunk."""
        return (type(X) is np.ndarray and X.ndim == 2
                and X.dtype in PREDICT_DTYPES
                and "_network" in self.__dict__
                and "feature_names_in_" not in self.__dict__
                and "is_categorical_" not in self.__dict__
                and X.shape[1] == self.n_features_in_ and X.shape[0] > 0
                # a finite sum means no NaN or inf, without an n-by-d mask;
                # an overflowing sum just takes the general path
                and math.isfinite(X.sum()))

    # -- inspection and persistence -------------------------------------------
    def layer_outputs(self, X):
        """The output of every layer for X: forward propagation made visible.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        outputs : list of ndarray of shape (n_samples, units)
            Each hidden layer's activations, then the output layer's values
            after its output activation (what ``predict_proba`` or ``predict``
            is computed from).

        Examples
        --------
        The lecture's network: inputs [2, 3], hidden nodes with weights [1, 1]
        and [-1, 1], output weights [2, -1], no biases.

        >>> import numpy as np
        >>> from skdeep import DeepRegressor
        >>> model = DeepRegressor(hidden_layer_sizes=(2,), activation="identity",
        ...                       max_iter=1).fit(np.zeros((4, 2)), np.zeros(4))
        >>> model.coefs_[0][...] = [[1, -1], [1, 1]]  # one column per hidden node
        >>> model.coefs_[1][...] = [[2], [-1]]
        >>> for bias in model.intercepts_:
        ...     bias[...] = 0
        >>> hidden, output = model.layer_outputs([[2, 3]])
        >>> hidden.tolist(), output.tolist()
        ([[5.0, 1.0]], [[9.0]])
        """
        check_is_fitted(self)
        X = check_X(self, X, reset=False)
        outputs = self._network.layer_outputs(
            X.astype(self._network.params.dtype, copy=False))
        OUTPUT_ACTIVATIONS[self._network.output_activation](outputs[-1])
        return [output.astype(X.dtype, copy=False) for output in outputs]

    def summary(self, file=None):
        """Print a Keras-style table of the layers and their parameter counts.

        Parameters
        ----------
        file : file-like, default=None
            Where to print; ``sys.stdout`` when None.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeep import DeepClassifier
        >>> X, y = np.random.default_rng(0).normal(size=(20, 10)), np.arange(20) % 2
        >>> model = DeepClassifier(hidden_layer_sizes=(100, 100, 100),
        ...                        max_iter=2).fit(X, y)
        >>> model.summary()  # doctest: +ELLIPSIS
        Model: "DeepClassifier"
        ...
        dense_1 (Dense)   (None, 100)    relu         1,100
        ...
        Total params: 21,502
        ...
        """
        check_is_fitted(self)
        print(summary_table(self._network, type(self).__name__,
                            describe_inputs(self)), file=file)

    def __getstate__(self):
        # a copy: BaseEstimator may hand back the live __dict__ itself
        state = dict(super().__getstate__())
        # coefs_ and intercepts_ are views into the network's flat vector: pickle
        # the vector once and rebuild the views on load
        state.pop("coefs_", None)
        state.pop("intercepts_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_network" in self.__dict__:
            self.coefs_, self.intercepts_ = self._network.weights, self._network.biases
            # a pickle from before activations_ existed
            self.activations_ = tuple(self._network.activations)


