"""DeepClassifier: softmax (single-label) or logistic (multilabel) networks."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target

from ..ops import log_logistic, log_softmax
from ._atomic import atomic
from ._base import BaseDeep
from ._keras import KerasWords, explain_keras_keywords
from ._labels import LabelTargets, check_labels
from ._params import PARAMETER_CONSTRAINTS, stochastic_only
from ._validation import validation_pair

__all__ = ["DeepClassifier"]


class DeepClassifier(ClassifierMixin, LabelTargets, KerasWords, BaseDeep):
    """Multilayer-perceptron classifier with a softmax (or logistic) output.

    A drop-in superset of :class:`sklearn.neural_network.MLPClassifier`: every
    MLP parameter exists here with the same name, meaning and default, so
    ``DeepClassifier(**MLPClassifier().get_params())`` works. Single-label
    problems, binary included, use one softmax unit per class (as Keras'
    ``Dense(2, activation='softmax')``); multilabel indicator targets use one
    logistic (sigmoid) unit per label. ``out_activation_`` and :meth:`summary`
    name the output 'softmax' or 'logistic'.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer: ``(100, 50)`` is two hidden layers.
    activation : str or list of str, default='relu'
        Hidden activation, one name for all hidden layers or one per layer
        (``['relu', 'tanh']``): scikit-learn's 'relu', 'tanh', 'logistic',
        'identity', or Keras' 'leaky_relu' (slope 0.2 below zero, as Keras),
        'elu', 'selu', 'gelu' (the exact ``z * Phi(z)``; Keras' default is the
        tanh approximation), 'silu' (alias 'swish'), 'softplus', 'sigmoid' (a
        synonym of 'logistic', which the network, ``summary()`` and saved files
        record).
    solver : {'adam', 'adamw', 'sgd', 'lbfgs'}, default='adam'
        Optimizer. 'adam', 'adamw' and 'sgd' train in minibatches over epochs
        (and support :meth:`partial_fit`); 'adamw' is Adam with decoupled
        weight decay (see ``weight_decay``); 'lbfgs' is SciPy's quasi-Newton
        method on the whole training set, often best for small data sets.
    alpha : float, default=1e-4
        L2 penalty, divided by the (weighted) batch size as in MLPClassifier,
        on the weights as trained (with input scaling, the first layer as it
        reads the standardized X, as behind a StandardScaler).
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; ``min(200, n_samples)`` when
        'auto'. Not used by 'lbfgs'.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule for both stochastic solvers (MLPClassifier applies it to 'sgd'
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
        Minimum improvement of the monitored quantity.
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
        Hold out ``validation_fraction`` (stratified) or use ``X_val``/``y_val``
        given to ``fit``, stop after ``n_iter_no_change`` epochs without a
        ``tol`` improvement of ``monitor``, and restore the best epoch's weights.
        'auto' (as HistGradientBoosting's) is True when ``fit`` gets more than
        500 rows and False otherwise (``do_early_stopping_`` says which); True
        and False mean what they mean in MLPClassifier, whose default is False.
        Measured on 16 real tables (benchmarks/bench_tables.py), early stopping
        gained on every training set of 755 to 5,092 rows, was level on the
        four larger ones (to 16,152), and lost on the smallest (210 and 274
        rows), where a 10% validation set is 21-28 rows.
    validation_fraction : float, default=0.1
        Share of the training set held out when ``early_stopping`` has no
        ``X_val``; in [0, 1). The split is stratified; when a class has a
        single sample (or the held-out part is smaller than the number of
        classes) it cannot be, and a UserWarning says so and names the class
        (MLPClassifier raises a ValueError instead).
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
        What early stopping watches: validation log-loss or accuracy.
    restore_best_weights : bool, default=True
        With early stopping, end on the weights of the best epoch.
    clip_norm : float or None, default=None
        Clip each minibatch gradient of the stochastic solvers to this global L2 norm.
    dtype : {'auto', 'float32', 'float64'} or None, default='auto'
        The dtype the network trains and computes in. 'auto' trains the
        stochastic solvers in float32, as Keras and PyTorch do (about twice as
        fast, with the same scores on real data), and lbfgs in the input's
        dtype (its line search wants float64). Under 'auto' an input column
        whose mean lies more than 1,000 standard deviations from 0 (a Unix
        time, say) keeps float64, since ``coefs_[0]`` applies to raw X; so
        does a fit float32 cannot hold (input values past 3.4e38, a column
        scale below 1e-30, alpha over the mean sample weight above 1e15),
        which 'float32' refuses. None follows the input as
        MLPClassifier does: float32 stays float32, anything else becomes
        float64. Whatever the compute dtype, ``predict_proba`` and friends
        return float32 for float32 input and float64 otherwise.
    weight_init : {'glorot', 'auto', 'he', 'lecun'}, default='glorot'
        How the initial weights are drawn. 'glorot' is scikit-learn's MLP
        scheme (Glorot-uniform weights and biases; the default, unchanged).
        'auto' suits each layer to its activation: He-uniform for the ReLU
        family ('relu', 'leaky_relu', 'elu', 'gelu', 'silu'), LeCun-uniform for
        'selu', Glorot for the others. 'he' and 'lecun' use one scheme for
        every layer. He and LeCun start the biases at zero; the output layer
        follows the last hidden layer.
    weight_decay : float, default=0.01
        Decoupled weight decay of ``solver='adamw'`` (Loshchilov & Hutter):
        each step multiplies the weights (not the biases) by ``1 -
        learning_rate * weight_decay``, the current rate, as PyTorch's and
        Keras' AdamW. Ignored by the other solvers. ``alpha`` remains an L2
        term in the loss for every solver, 'adamw' included: set ``alpha=0``
        for pure decoupled decay.
    class_weight : dict, 'balanced' or None, default=None
        Per-class weights, multiplied into ``sample_weight``.
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
    classes_ : ndarray of shape (n_classes,)
        The sorted labels; 0..n_columns-1 for an indicator y.
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrices; views into one flat parameter vector, so writing into
        them in place changes predictions. They apply to raw X: the input
        scaling is folded into the first layer.
    intercepts_ : list of ndarray of shape (fan_out,)
    loss_ : float
        Training loss of the last epoch (including the L2 term).
    loss_curve_ : list of float
    best_loss_ : float or None
        Lowest training loss; None when early stopping used a validation set.
    validation_scores_ : list of float or None
        Validation accuracy per epoch when there is a validation set.
    validation_loss_curve_ : list of float or None
    best_validation_score_ : float or None
        Validation accuracy of the restored (best) epoch.
    do_early_stopping_ : bool
        Whether the last ``fit`` used early stopping:
        ``early_stopping`` resolved ('auto': more than 500 rows).
    history_ : dict of list
        Per-epoch ``loss`` and, with validation, ``val_loss`` and ``val_accuracy``.
    n_iter_ : int
        Epochs the last ``fit`` or ``partial_fit`` call ran (1 for
        ``partial_fit``), as in MLPClassifier; ``loss_curve_`` and ``history_``
        hold every epoch of the run, warm starts included.
    t_ : int
        Training samples seen.
    n_layers_ : int
    n_outputs_ : int
    activations_ : tuple of str
        The activation of each hidden layer, as the network runs it (one name
        per layer, synonyms translated: 'logistic' for 'sigmoid').
    out_activation_ : str
        'softmax', or 'logistic' (one sigmoid per label) for multilabel targets.
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
        Only when X had string column names.

    See Also
    --------
    DeepRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : The estimator this one extends.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skdeep import DeepClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = DeepClassifier(hidden_layer_sizes=(32, 32), learning_rate_init=0.01,
    ...                      random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    _parameter_constraints = {
        **PARAMETER_CONSTRAINTS,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _SCORE_NAME = "val_accuracy"

    @explain_keras_keywords
    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping="auto",
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dropout=0.0,
                 monitor="val_loss", restore_best_weights=True, clip_norm=None,
                 dtype="auto", weight_init="glorot", weight_decay=0.01,
                 class_weight=None,
                 input_scaling="standard", categorical_features="from_dtype",
                 categories="auto"):
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
        self.class_weight = class_weight
        self.input_scaling = input_scaling
        self.categorical_features = categorical_features
        self.categories = categories

    @explain_keras_keywords
    @atomic
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train on X and class labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (strings, integers or booleans), or a 0/1 indicator
            matrix: one-hot (exactly one 1 per row, as Keras' ``to_categorical``
            or ``pd.get_dummies`` make) trains one softmax over the columns and
            predicts one-hot rows; any other indicator matrix is multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
        X_val, y_val : array-like, default=None
            A validation set: its loss and accuracy are recorded every epoch,
            and early stopping uses it instead of holding data out.

        Returns
        -------
        self : DeepClassifier
        """
        validation = validation_pair(self, X_val, y_val)
        return self._fit(X, y, sample_weight, incremental=False,
                         validation=validation)

    @available_if(stochastic_only)
    @atomic
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for exactly one epoch, keeping weights and optimizer state.

        The first call on a table fixes how it is read: which columns are
        categorical, their categories (those of this first batch seen in at
        least 5 of its rows, unless ``categories`` lists them; a category
        first seen in a later batch is 'other'), the means that fill numeric
        gaps and which columns get a missing indicator (those with gaps in
        this batch); on a DataFrame it does so even when the batch has no
        categorical column or gap, so a later batch's NaN is filled with this
        batch's mean. The input statistics come from this call too.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class that can appear; required on the first call for
            single-label targets, and accepted (it must match) on later calls.

        Returns
        -------
        self : DeepClassifier
        """
        self._validate_params()
        check_labels(type(self).__name__, y, "y")  # before type_of_target sorts y
        if (classes is None and not hasattr(self, "_network")
                and type_of_target(y) != "multilabel-indicator"):
            raise ValueError(
                f"{type(self).__name__}: the first call to partial_fit needs "
                "classes=, the list of every class that can appear (later batches "
                "may lack some)."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Predicted class labels (an indicator matrix for multilabel models).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels, or for an indicator y at fit an int 0/1 matrix: one 1 per
            row for a one-hot y, any number for multilabel.
        """
        row = self._row_output(X)
        one_hot = self.__dict__.get("_one_hot", False)  # absent in older files
        if row is not None and not (self._multilabel or one_hot):
            # one row: the first largest output, as np.argmax gives it (the
            # outputs are finite), in a fraction of the time of its call
            values = row.tolist()
            best = values.index(max(values))
            return self.classes_[best : best + 1].copy()
        raw = self._rows_output(X) if row is None else row.reshape(1, -1)
        if self._multilabel:
            return (raw > 0).astype(int)
        if one_hot:
            return np.eye(len(self.classes_), dtype=int)[raw.argmax(axis=1)]
        return self.classes_[raw.argmax(axis=1)]

    def predict_proba(self, X):
        """Class probabilities: softmax rows, or independent label probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self._log_proba(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            For multilabel models, exactly the log of ``predict_proba``: labels
            whose probabilities round to the same value (several at 1.0) tie
            here too, so both rank labels alike; a probability that underflows
            to 0 gives -inf. For single-label models, the stable log of the
            softmax, except where ``predict_proba`` underflows below the
            smallest normal number: there it is the log of that probability
            (-inf for 0), so the two always agree.
        """
        log_proba = self._log_proba(X)
        with np.errstate(divide="ignore"):
            if self._multilabel:
                return np.log(np.exp(log_proba))
            # where predict_proba underflows (to 0 or a subnormal), its log is
            # what predict_proba can say: -inf for 0, so the two agree
            proba = np.exp(log_proba)
            lost = proba < np.finfo(proba.dtype).tiny
            log_proba[lost] = np.log(proba[lost])
        return log_proba

    def _log_proba(self, X):
        """Log-probabilities computed stably from the logits, shape (n, k)."""
        raw = self._raw_output(X)
        (log_logistic if self._multilabel else log_softmax)(raw)
        return raw

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True  # missing values are filled and flagged
        return tags


