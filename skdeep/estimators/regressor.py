"""DeepRegressor: identity (or exp, for Poisson) output networks."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ..training.scaling import TargetScaling
from ._atomic import atomic
from ._base import BaseDeep
from ._keras import KerasWords, explain_keras_keywords
from ._params import PARAMETER_CONSTRAINTS, stochastic_only
from ._targets import target_statistics
from ._training_dtype import FLOAT32_MAGNITUDE_LIMIT, FLOAT32_OFFSET_LIMIT
from ._validation import validation_pair

__all__ = ["DeepRegressor"]



class DeepRegressor(RegressorMixin, KerasWords, BaseDeep):
    """Multilayer-perceptron regressor, single- or multi-output.

    A drop-in superset of :class:`sklearn.neural_network.MLPRegressor`: every
    MLP parameter exists here with the same name, meaning and default, so
    ``DeepRegressor(**MLPRegressor().get_params())`` works. The output layer is
    linear (``loss='squared_error'``) or exponential (``loss='poisson'``).

    Two differences from MLPRegressor make unscaled targets (prices in dollars,
    counts, proportions) train as well as scaled ones. The network trains on
    standardized targets (``target_scaling='standard'``) and the map back to
    y's units is folded into the output layer after training, so ``coefs_`` and
    ``intercepts_`` predict in y's units. And a new network's output bias starts
    at the best constant prediction (0 in standardized units; the mean of y, or
    its log for Poisson, without scaling) instead of a random value near zero.
    MLPRegressor does neither: on raw targets (standardized features) its
    5-fold R^2 is -1.06 on ``load_diabetes`` and -0.29 on statsmodels' Grunfeld
    investments, against skdeep's 0.45 and 0.94
    (``benchmarks/bench_quality_real.py``).

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half squared error, or half Poisson deviance with a log link (y >= 0).
        Both are summed over outputs and averaged over samples.
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer: ``(100, 50)`` is two hidden layers.
    activation : str or list of str, default='relu'
        Hidden activation, one name for all hidden layers or one per layer
        (``['relu', 'tanh']``); the names of :class:`DeepClassifier`:
        'relu', 'tanh', 'logistic', 'identity', 'leaky_relu', 'elu', 'selu',
        'gelu', 'silu' ('swish'), 'softplus', 'sigmoid' ('logistic').
    solver : {'adam', 'adamw', 'sgd', 'lbfgs'}, default='adam'
        Optimizer. 'adam', 'adamw' and 'sgd' train in minibatches over epochs
        (and support :meth:`partial_fit`); 'adamw' is Adam with decoupled
        weight decay (see ``weight_decay``); 'lbfgs' is SciPy's quasi-Newton
        method on the whole training set, often best for small data sets.
    alpha : float, default=1e-4
        L2 penalty ``alpha * ||W||^2 / (2 * batch weight)`` on the weights of
        the network as trained: with target and input scaling, the network
        fitting the standardized y from the standardized X, so ``alpha`` means
        the same whatever the units of y and X (as in MLPRegressor behind a
        StandardScaler with a standardized y).
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; ``min(200, n_samples)`` when
        'auto'. Not used by 'lbfgs'.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule for both stochastic solvers (MLPRegressor applies it to 'sgd'
        only). 'adaptive' divides the rate by 5 on each plateau of the monitored
        quantity and stops once it falls to 1e-6.
    learning_rate_init : float, default=1e-3
        Initial step size of the stochastic solvers (the schedule starts from it).
        Not used by 'lbfgs'.
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Epochs for the stochastic solvers (Keras' ``epochs``); iterations for
        lbfgs.
    shuffle : bool, default=True
        Reshuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling, dropout and the validation split; the same
        seed gives bitwise-identical results.
    tol : float, default=1e-4
        Minimum improvement of the monitored loss, training or validation, in
        the units the network trains in: with target scaling that is the loss
        of the standardized y, where predicting the mean scores 0.5 per output
        (the Poisson deviance of y / mean(y)), so the same data stops at the
        same epoch whatever y's units. Without target scaling it is absolute,
        as in MLPRegressor.
    verbose : bool or int, default=False
        0 prints nothing; 1 a Keras-style line per epoch (with a live bar in a
        terminal); 2 one plain line per epoch.
    warm_start : bool, default=False
        Continue the run on the next ``fit``: weights, history, optimizer
        moments and shuffling stream carry on (early stopping monitors afresh).
        That ``fit`` trains ``max_iter`` *new* epochs: Keras' ``fit(epochs=12,
        initial_epoch=6)`` is ``max_iter=6`` here, printed as epochs 7 to 12.
    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1]: the fraction of the previous update added
        to the next one. Not used by the other solvers.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum (the gradient step is looked ahead along the
        velocity) with 'sgd' and ``momentum > 0``.
    early_stopping : 'auto' or bool, default='auto'
        Hold out ``validation_fraction`` or use ``X_val``/``y_val`` given to
        ``fit``, stop after ``n_iter_no_change`` epochs without a ``tol``
        improvement of ``monitor``, and restore the best epoch's weights.
        'auto' (as HistGradientBoosting's) is True when ``fit`` gets more than
        500 rows and False otherwise (``do_early_stopping_`` says which); True
        and False mean what they mean in MLPRegressor, whose default is False.
        Measured on 16 real tables (benchmarks/bench_tables.py), early stopping
        gained on every training set of 755 to 5,092 rows, was level on the
        four larger ones (to 16,152), and lost on the smallest (210 and 274
        rows), where a 10% validation set is 21-28 rows.
    validation_fraction : float, default=0.1
        Fraction of the training data held out as the validation set when
        ``early_stopping=True`` and ``fit`` gets no ``X_val``; in [0, 1).
    beta_1 : float, default=0.9
        Adam's decay rate of the running mean of the gradients (first moment),
        in [0, 1).
    beta_2 : float, default=0.999
        Adam's decay rate of the running mean of the squared gradients (second
        moment), in [0, 1).
    epsilon : float, default=1e-8
        Added to Adam's denominator so a step stays finite where the second
        moment is near zero.
    n_iter_no_change : int, default=10
        Epochs without a ``tol`` improvement before stopping.
    max_fun : int, default=15000
        Maximum loss evaluations for lbfgs.
    dropout : float or list of float, default=0.0
        Inverted-dropout rate for all hidden layers or one per layer; active
        only while training with 'adam', 'adamw' or 'sgd'.
    monitor : {'val_loss', 'val_score'}, default='val_loss'
        What early stopping watches: validation loss or R^2.
    restore_best_weights : bool, default=True
        With early stopping, end on the weights of the best epoch.
    clip_norm : float or None, default=None
        Clip each minibatch gradient of the stochastic solvers to this global L2 norm.
    dtype : {'auto', 'float32', 'float64'} or None, default='auto'
        The dtype the network trains and computes in, as in
        :class:`DeepClassifier`: 'auto' trains 'adam', 'adamw' and 'sgd' in
        float32 and lbfgs in the input's dtype, except that a squared-error y
        or an input column whose mean lies more than 1,000 standard
        deviations from 0 keeps float64 (float32 could not resolve its
        spread through the folded first and last layers), and so does a fit
        float32 cannot hold (y beyond 1e30 in magnitude, input values past
        3.4e38, a column scale below 1e-30, or alpha over the mean sample
        weight above 1e15), which an explicit float32 refuses; None
        follows the input as MLPRegressor does. A warm start or ``partial_fit``
        continues in the fitted network's dtype. ``predict`` returns float32
        for float32 input and float64 otherwise.
    weight_init : {'glorot', 'auto', 'he', 'lecun'}, default='glorot'
        How the initial weights are drawn, as in :class:`DeepClassifier`:
        'glorot' is MLPRegressor's scheme; 'auto' picks He-uniform for the ReLU
        family and LeCun-uniform for 'selu' per layer.
    weight_decay : float, default=0.01
        Decoupled weight decay of ``solver='adamw'``, as in
        :class:`DeepClassifier`; ignored by the other solvers.
    target_scaling : {'standard'} or None, default='standard'
        'standard' trains on ``(y - target_offset_) / target_scale_`` per
        output: the sample-weighted mean and standard deviation of y for the
        squared error; 0 and the weighted mean for Poisson (a scale only, so
        predicted rates stay positive). A constant output gets scale 1. None
        trains on y itself, as MLPRegressor does. The statistics come from the
        first ``fit`` or ``partial_fit`` call (all of its rows, any held-out
        validation rows included); ``warm_start`` and later ``partial_fit``
        calls keep them, so make the first ``partial_fit`` batch representative
        of y's range.
    input_scaling : {'standard'} or None, default='standard'
        'standard' trains on ``(X - input_offset_) / input_scale_`` per
        column: the sample-weighted mean and standard deviation of X (sparse X
        is only divided by its standard deviation, so it stays sparse; a
        constant column trains as zeros), so raw columns in dollars, years and
        counts train as well as behind a StandardScaler, and a StandardScaler
        in front changes nothing beyond rounding. The statistics come from the
        first ``fit`` or ``partial_fit`` call (all of its rows); ``warm_start``
        and later ``partial_fit`` calls keep them, so make the first
        ``partial_fit`` batch representative of X's range. The map is
        folded into the first layer, so ``coefs_`` and ``intercepts_`` apply to
        raw X. None trains on X itself, as MLP does (with a warning when the
        columns' spreads differ by 10,000 times or more).
    categorical_features : 'from_dtype', array-like of str or int, bool mask or \
            None, default='from_dtype'
        The columns learned as categories, as in HistGradientBoosting:
        'from_dtype' takes a DataFrame's (pandas, polars, pyarrow) category,
        text and bool columns; or column names, indices, a boolean mask, or
        None (numbers only). Each categorical column is an embedding: its
        category selects a row of the first layer's weights (a one-hot input,
        computed as a gather). Categories seen in fewer than 5 training rows
        share one 'other' row with the categories never seen; a missing value
        (NaN, None, NA) has its own 'missing' row; neither is an error at
        predict. The categories come from the first ``fit`` or
        ``partial_fit`` call and stay for warm starts and later calls. A text
        column of numbers with a few stray values (a typo such as '4o') is
        refused unless named here. NaN in a numeric column is filled with the
        column's training mean, and a column with gaps in training gets a
        learned 0/1 missing indicator (``SimpleImputer(add_indicator=True)``
        inside the network); infinite values are refused. A first fit without
        categorical columns or gaps reads X as numbers, as MLP does (NaN at
        predict is then refused), unless this names the columns explicitly
        (a list or mask, even empty), ``categories`` is given, or it is a
        first ``partial_fit`` call on a DataFrame: then X is a table from the
        start, and later gaps are filled with the training mean.
    categories : 'auto', list of array-like or dict, default='auto'
        The categories of the categorical columns, as OneHotEncoder's
        ``categories``: 'auto' learns them from the first ``fit`` or
        ``partial_fit`` call (those seen in at least 5 of its rows, sorted);
        a list holds one list of categories per categorical column, in column
        order; a dict maps column names (or indices) to their categories and
        leaves the other columns to 'auto'. Every listed category gets its
        own weight row, in the order given, however rare; any other value is
        'other' (also the categories a stream's later chunks bring), a
        missing value 'missing'. A list must hold distinct present values
        (no NaN or None: missing has its own row) of the column's type, and
        name only categorical columns. Give the lists to make
        ``partial_fit`` and :func:`skdeep.streaming.fit_csv` learn the
        categories of the whole data rather than of the first batch.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Views into one flat parameter vector: writing into them in place changes
        predictions. They apply to raw X and predict in y's units (the input
        and target scalings are folded into the first and last layers).
    intercepts_ : list of ndarray of shape (fan_out,)
    loss_, loss_curve_, best_loss_ : float, list of float, float or None
        The training loss per epoch in y's units, comparable with
        MLPRegressor's: half the squared error summed over outputs (or the half
        Poisson deviance) averaged over the samples, plus ``alpha * ||W||^2 /
        (2 * n)`` over the weights in y's units (``coefs_``, but the first
        layer as it reads the standardized X; n: the batch's sample weight, as
        in MLPRegressor). This is the model's loss in y's
        units, not the standardized objective that training minimizes and
        ``tol`` watches: there each output's error is divided by its variance
        and the L2 term covers the standardized last layer.
        ``best_loss_`` is None when early stopping used a validation set.
    n_iter_, t_, n_layers_, n_outputs_ : as in DeepClassifier
    target_offset_, target_scale_ : ndarray of shape (n_outputs,)
        The target statistics (0 and 1 with ``target_scaling=None``).
    validation_scores_ : list of float or None
        Validation R^2 per epoch when there is a validation set.
    validation_loss_curve_ : list of float or None
        Validation loss per epoch in y's units, without the L2 term.
    best_validation_score_ : float or None
    do_early_stopping_ : bool
        Whether the last ``fit`` used early stopping:
        ``early_stopping`` resolved ('auto': more than 500 rows).
    history_ : dict of list
        Per-epoch ``loss`` and, with validation, ``val_loss`` and ``val_r2``
        (the same lists as the attributes above).
    activations_ : tuple of str
        The activation of each hidden layer, as the network runs it (one name
        per layer, synonyms translated: 'logistic' for 'sigmoid').
    out_activation_ : str
        'identity', or 'exp' for the Poisson loss.
    input_offset_, input_scale_ : ndarray of shape (`n_features_in_`,)
        The input statistics (0 and 1 with ``input_scaling=None``).
        For a table with categorical columns or gaps, of shape (n_dense,):
        the numeric columns, then the missing indicators (0 and 1).
    is_categorical_ : ndarray of shape (`n_features_in_`,), dtype=bool
        Which columns are categorical. Set (with the three below) only when a
        fit saw categorical columns or missing values; otherwise X is read as
        numbers only, as before.
    categories_ : list of ndarray
        Per categorical column, the categories with a weight row of their
        own, in row order (sorted, a pandas category's order, or the order
        of the ``categories`` parameter).
    fill_values_ : ndarray of shape (n_numeric,)
        Training mean of each numeric column (of its observed values), which
        fills its gaps.
    missing_indicator_features_ : ndarray of int
        Indices of the numeric columns with gaps in training: each has a
        missing indicator input. ``coefs_[0]`` then reads the one-hot table:
        the numeric columns with gaps filled by ``fill_values_``, the
        indicators, then per categorical column one row per entry of
        ``categories_``, an 'other' row (rare and unseen categories) and a
        'missing' row; the hand-written forward pass on that table gives
        ``predict``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    DeepClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : The estimator this one extends.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import DeepRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (300, 2))
    >>> y = X[:, 0] * X[:, 1]
    >>> reg = DeepRegressor(hidden_layer_sizes=(32, 32), max_iter=500,
    ...                     random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **PARAMETER_CONSTRAINTS,
        "loss": [StrOptions({"squared_error", "poisson"})],
        "target_scaling": [StrOptions({"standard"}), None],
    }
    _SCORE_NAME = "val_r2"
    _y_numeric = True

    @explain_keras_keywords
    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,),
                 activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping="auto",
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dropout=0.0,
                 monitor="val_loss", restore_best_weights=True, clip_norm=None,
                 dtype="auto", weight_init="glorot", weight_decay=0.01,
                 target_scaling="standard",
                 input_scaling="standard", categorical_features="from_dtype",
                 categories="auto"):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.monitor = monitor
        self.restore_best_weights = restore_best_weights
        self.clip_norm = clip_norm
        self.dtype = dtype
        self.weight_init = weight_init
        self.weight_decay = weight_decay
        self.target_scaling = target_scaling
        self.input_scaling = input_scaling
        self.categorical_features = categorical_features
        self.categories = categories

    @explain_keras_keywords
    @atomic
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train on X and real-valued targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        X_val, y_val : array-like, default=None
            A validation set: its loss and R^2 are recorded every epoch, and
            early stopping uses it instead of holding data out.

        Returns
        -------
        self : DeepRegressor
        """
        validation = validation_pair(self, X_val, y_val)
        return self._fit(X, y, sample_weight, incremental=False,
                         validation=validation)

    @available_if(stochastic_only)
    @atomic
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch, keeping weights and optimizer state.

        With target scaling, the first call measures y's statistics and later
        calls keep them (see ``target_scaling``). The first call on a table
        also fixes how it is read: which columns are categorical, their
        categories (those of this first batch seen in at least 5 of its rows,
        unless ``categories`` lists them; a category first seen in a later
        batch is 'other'), the means that fill numeric gaps and which columns
        get a missing indicator (those with gaps in this batch); on a
        DataFrame it does so even when the batch has no categorical column
        or gap, so a later batch's NaN is filled with this batch's mean.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : DeepRegressor
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        predictions = self._output(X)
        if self.n_outputs_ == 1:
            return predictions.ravel()
        return predictions.reshape(1, -1) if predictions.ndim == 1 else predictions

    def _encode(self, y, *, reset, classes):
        y = np.asarray(y, dtype=np.float64)
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(f"{type(self).__name__}: loss='poisson' needs y >= 0; "
                             f"y has minimum {y.min()}.")
        targets = y.reshape(-1, 1) if y.ndim == 1 else y
        return targets, self.loss

    def _far_from_zero(self, targets, sample_weight):
        """Also a squared-error y far from 0: its scaling is folded into the
        output layer, whose float32 outputs could not resolve its spread."""
        if super()._far_from_zero(targets, sample_weight):
            return True
        if self.loss != "squared_error":
            return False
        offset, scale = target_statistics(targets, sample_weight, self.loss,
                                          "standard")
        return bool((np.abs(offset) > FLOAT32_OFFSET_LIMIT * scale).any())

    def _float32_cannot_hold(self, X, targets, alpha):
        """Also y itself: its scale is folded into the output layer, so a
        float32 network of a y near float32's largest value outputs infinity."""
        largest = float(np.max(np.abs(targets), initial=0.0))
        if largest > FLOAT32_MAGNITUDE_LIMIT:
            return (f"targets of magnitude {largest:.3g} (float32 ends at 3.4e38, "
                    "and the output layer holds y's scale)")
        return super()._float32_cannot_hold(X, targets, alpha)

    def _scale_targets(self, targets, sample_weight, *, reset):
        """Standardize the targets; a first fit (``reset``) measures y first."""
        if reset:
            self.target_offset_, self.target_scale_ = target_statistics(
                targets, sample_weight, self.loss, self.target_scaling)
        scaling = self._fitted_target_scaling(self.loss)
        return targets if scaling is None else scaling.scale_targets(targets)

    def _fitted_target_scaling(self, loss):
        """The ``training.scaling.TargetScaling`` of the targets the network
        trains on; None when it trains on y itself (no target_scaling, a model
        saved before it existed, or a unit scale)."""
        offset = self.__dict__.get("target_offset_")
        scale = self.__dict__.get("target_scale_")
        if offset is None or (not offset.any() and (scale == 1).all()):
            return None
        return TargetScaling(offset, scale, loss)

    def _start_from_constant(self, network, targets, sample_weight):
        """Start the output bias at the best constant prediction: the (weighted)
        mean of y, or its logarithm for the Poisson loss. Training then starts
        from the baseline instead of from zero, which matters when y is far
        from zero and not scaled (scikit-learn's MLP starts at zero)."""
        weighted = sample_weight is not None and sample_weight.sum() > 0
        mean = np.average(targets, axis=0,
                          weights=sample_weight if weighted else None)
        if self.loss == "poisson":
            mean = np.log(np.maximum(mean, np.finfo(np.float64).tiny))
        network.biases[-1][...] = mean

    def _score_raw(self, raw, targets, sample_weight):
        """R^2 of the predictions from raw outputs, averaged over outputs."""
        predictions = np.exp(raw) if self.loss == "poisson" else raw
        return r2_score(targets, predictions, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True  # missing values are filled and flagged
        return tags

