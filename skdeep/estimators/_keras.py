"""Keras' words answered with skdeep's: what a Keras habit runs into, reworded.

Every error keeps the exception class Python or scikit-learn raised (a
TypeError for an unknown keyword, scikit-learn's InvalidParameterError for a
bad value, an AttributeError for a missing method), so scikit-learn's
machinery and ``hasattr`` see what they always saw; only the message gains the
skdeep spelling. Nothing here runs on the success path: the constructor, ``fit``
and ``_validate_params`` are wrapped in a ``try`` that costs nothing until the
call fails.
"""

import functools
import inspect
import re
from numbers import Integral, Real

from sklearn.utils._param_validation import InvalidParameterError

__all__ = ["KerasWords", "explain_keras_keywords", "keras_parameter_hint"]

SOLVERS = ("adam", "adamw", "sgd", "lbfgs")


def _solver(value):
    name = value.lower() if isinstance(value, str) else "adam"
    return f"solver={name if name in SOLVERS else 'adam'!r}"


def _score(cls):
    return ("R^2 (history_ records val_loss and val_r2" if cls == "DeepRegressor"
            else "accuracy (history_ records val_loss and val_accuracy")


# Constructor keywords of Keras (Sequential, Dense, compile, EarlyStopping) that
# are not skdeep parameters: (class name, value) -> the skdeep spelling.
CONSTRUCTOR_WORDS = {
    "epochs": lambda cls, v: f"Keras' epochs is max_iter here: {cls}(max_iter={v!r})",
    "optimizer": lambda cls, v: (
        f"Keras' optimizer is solver here: {cls}({_solver(v)}), with Adam's "
        "learning_rate as learning_rate_init"),
    "loss": lambda cls, v: (
        f"{cls} always minimizes cross-entropy (Keras' categorical_crossentropy) "
        "on a softmax output, or one sigmoid per label for multilabel targets: "
        "leave loss out (for numeric targets use DeepRegressor)"),
    "metrics": lambda cls, v: (
        f"score() is {_score(cls)} each epoch when there is a validation set): "
        "leave metrics out"),
    "input_shape": lambda cls, v: (
        "the input size comes from X at fit (n_features_in_): leave input_shape "
        "out"),
    "input_dim": lambda cls, v: (
        "the input size comes from X at fit (n_features_in_): leave input_dim out"),
    "validation_split": lambda cls, v: (
        f"{cls}(early_stopping=True, validation_fraction={v!r}) holds that share "
        "out (and stops when its loss stops improving), or pass your own "
        "validation set: fit(X, y, X_val=..., y_val=...)"),
    "patience": lambda cls, v: (
        f"EarlyStopping's patience is n_iter_no_change here: "
        f"{cls}(early_stopping=True, n_iter_no_change={v!r})"),
    "lr": lambda cls, v: (
        f"Keras' lr is learning_rate_init here: {cls}(learning_rate_init={v!r})"),
    "kernel_initializer": lambda cls, v: (
        "Keras' kernel_initializer is weight_init here: 'glorot', 'he', 'lecun' "
        "or 'auto' (He or LeCun per layer from its activation)"),
    "callbacks": lambda cls, v: (
        "callbacks are set on the model: model.set_callbacks(...) before fit "
        "(skdeep.callbacks has ModelCheckpoint, CSVLogger, ...)"),
}

# Keras' fit keywords: where each goes in skdeep.
FIT_WORDS = {
    "epochs": lambda cls, v: (
        f"the number of epochs is a model parameter: {cls}(max_iter={v!r}), or "
        f"model.set_params(max_iter={v!r}) before fit"),
    "validation_split": CONSTRUCTOR_WORDS["validation_split"],
    "validation_data": lambda cls, v: (
        "pass the validation set as fit(X, y, X_val=..., y_val=...): its loss "
        "and score are recorded every epoch in history_"),
    "callbacks": CONSTRUCTOR_WORDS["callbacks"],
    "initial_epoch": lambda cls, v: (
        "to continue a run, model.set_params(warm_start=True) and fit again: "
        "the epochs go on counting from the last one, and max_iter counts the "
        "new epochs (Keras' epochs=12, initial_epoch=6 is max_iter=6 here)"),
    "steps_per_epoch": lambda cls, v: (
        "an epoch is one pass over X in minibatches of batch_size: set "
        "batch_size instead"),
}

# Keras' Model methods and attributes a skdeep model does not have.
ATTRIBUTE_WORDS = {
    "compile": lambda cls: (
        "what Keras' compile() sets are parameters here: optimizer -> "
        f"{cls}(solver='adam', learning_rate_init=0.001), loss -> chosen from y "
        "(or DeepRegressor(loss='poisson')), metrics -> score() and history_"),
    "evaluate": lambda cls: (
        f"model.score(X, y) returns the {_score(cls).split(' (')[0]}, and "
        "sklearn.metrics (log_loss, mean_squared_error, ...) the loss"),
    "save": lambda cls: (
        "save with skdeep.save(model, 'model.skdeep') and load with "
        "skdeep.load('model.skdeep')"),
    "history": lambda cls: (
        "the per-epoch metrics (Keras' model.history.history) are "
        "model.history_, a dict of lists: 'loss', and with a validation set "
        "'val_loss' and the score"),
    "get_weights": lambda cls: (
        "the weights are model.coefs_ and model.intercepts_, one array per layer"),
    "set_weights": lambda cls: (
        "write into model.coefs_ and model.intercepts_ in place, e.g. "
        "model.coefs_[0][...] = W"),
    "count_params": lambda cls: "model.summary() prints the parameter counts",
    "predict_classes": lambda cls: (
        "model.predict(X) returns the labels, model.predict_proba(X) the "
        "probabilities"),
}


def _keyword_hints(words, cls, kwargs, params):
    """The hint for each Keras keyword in ``kwargs``; None if one is unknown."""
    hints = []
    for name, value in kwargs.items():
        if name in words:
            hint = words[name](cls, value)
        elif name in params:  # a constructor parameter passed to fit
            hint = (f"it is a model parameter: {cls}({name}={value!r}) or "
                    f"model.set_params({name}={value!r}) before fit")
        else:
            return None
        hints.append(hint if len(kwargs) == 1 else f"{name!r}: {hint}")
    return hints


def _unexpected(signature, args, kwargs):
    """The keywords ``signature`` cannot take, or None if binding fails for
    another reason (too many positional arguments) or does not fail at all."""
    unknown = {name: value for name, value in kwargs.items()
               if name not in signature.parameters}
    try:
        signature.bind(*args, **{k: v for k, v in kwargs.items()
                                 if k not in unknown})
    except TypeError:
        return None
    return unknown or None


def explain_keras_keywords(method):
    """Wrap ``__init__`` or ``fit`` so that a Keras keyword it does not take
    raises a TypeError naming skdeep's spelling. Python's own message is kept
    for any other failure, and the wrapped signature is what ``inspect`` (and
    so ``get_params``, ``clone`` and the HTML repr) sees."""
    signature = inspect.signature(method)
    words = CONSTRUCTOR_WORDS if method.__name__ == "__init__" else FIT_WORDS

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TypeError as error:
            unknown = _unexpected(signature, (self, *args), kwargs)
            if unknown is None:
                raise
            cls = type(self).__name__
            params = () if method.__name__ == "__init__" else self.get_params()
            hints = _keyword_hints(words, cls, unknown, params)
            if not hints:
                raise
            where = cls if method.__name__ == "__init__" else f"{cls}.fit()"
            plural = "s" if len(hints) > 1 else ""
            raise TypeError(f"{where} has no parameter{plural} "
                            f"{', '.join(map(repr, unknown))}; "
                            + "; ".join(hints) + ".") from error

    return wrapper


def _loss_hint(cls, value):
    """DeepRegressor's loss given a Keras name, or hidden sizes by position."""
    if isinstance(value, (Integral, tuple, list)) and not isinstance(value, bool):
        return (f"{cls}'s first positional parameter is loss, as in MLPRegressor; "
                f"write the layer sizes as a keyword: "
                f"{cls}(hidden_layer_sizes={value!r})")
    if value in ("mse", "mean_squared_error", "MeanSquaredError"):
        return (f"Keras' {value!r} is loss='squared_error' here (the default)")
    if isinstance(value, str) and "crossentropy" in value:
        return "for class labels use DeepClassifier, which minimizes cross-entropy"
    return None


def _activation_hint(value):
    if isinstance(value, str) and value.lower() == "softmax":
        return ("softmax is the output layer's activation, which DeepClassifier "
                "sets itself; hidden layers take 'relu', 'tanh' or another of "
                "the names listed")
    return _lowercase_hint("activation", value)


def _lowercase_hint(name, value, options=None):
    """``name=value.lower()`` when that is what was meant ('Adam', 'ReLU')."""
    if not isinstance(value, str) or value == value.lower():
        return None
    from ._params import ACTIVATIONS

    if value.lower() in (options or ACTIVATIONS):
        return f"the names are lower case: {name}={value.lower()!r}"
    return None


def keras_parameter_hint(estimator, name):
    """The skdeep spelling for parameter ``name``'s Keras-style value, or None."""
    cls, value = type(estimator).__name__, getattr(estimator, name, None)
    if name == "learning_rate" and isinstance(value, Real) and not isinstance(
            value, bool):
        return (f"Keras' learning_rate is learning_rate_init here: "
                f"{cls}(learning_rate_init={value!r}); learning_rate names the "
                "schedule ('constant', 'invscaling' or 'adaptive')")
    if name == "solver":
        return _lowercase_hint("solver", value, SOLVERS)
    if name == "activation":
        return _activation_hint(value)
    if name == "loss":
        return _loss_hint(cls, value)
    return None


class _KerasOnly:
    """A Keras method or attribute the estimators do not have: looking it up
    raises the AttributeError Python would, plus skdeep's way to do it, so
    ``hasattr`` stays False. (A descriptor rather than ``__getattr__``, which
    would hide the messages of scikit-learn's ``available_if`` methods.)"""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner):
        raise AttributeError(
            f"{owner.__name__!r} object has no attribute {self.name!r}; "
            f"{ATTRIBUTE_WORDS[self.name](owner.__name__)}")


class KerasWords:
    """Mixin: Keras' parameter values, fit keywords, methods and attributes
    fail with their usual exception class and a message naming skdeep's."""

    def _validate_params(self):
        try:
            super()._validate_params()
        except InvalidParameterError as error:
            # scikit-learn's message starts "The 'name' parameter of ..."
            named = re.match(r"The '(\w+)' parameter", str(error))
            hint = named and keras_parameter_hint(self, named.group(1))
            if not hint:
                raise
            raise InvalidParameterError(f"{error} {hint}.") from None
        activation = self.activation
        if isinstance(activation, (list, tuple)) and any(
                isinstance(v, str) and v.lower() == "softmax" for v in activation):
            raise ValueError(f"{type(self).__name__}: 'activation' got "
                             f"{activation!r}: {_activation_hint('softmax')}.")

    def set_params(self, **params):
        """Set parameters, as every scikit-learn estimator does.

        A Keras argument name gets an error naming skdeep's parameter for it:
        ``set_params(epochs=10)`` says to use ``max_iter``.

        Parameters
        ----------
        **params : dict
            Parameter names and their new values.

        Returns
        -------
        self : estimator
            This estimator, with the new parameters.

        Examples
        --------
        >>> from skdeep import DeepClassifier
        >>> DeepClassifier().set_params(max_iter=10).max_iter
        10
        """
        try:
            return super().set_params(**params)
        except ValueError as error:
            cls = type(self).__name__
            hints = [CONSTRUCTOR_WORDS[name](cls, value)
                     for name, value in params.items() if name in CONSTRUCTOR_WORDS]
            if not hints:
                raise
            raise ValueError(f"{error} " + "; ".join(hints) + ".") from None

    compile = _KerasOnly()
    evaluate = _KerasOnly()
    save = _KerasOnly()
    history = _KerasOnly()
    get_weights = _KerasOnly()
    set_weights = _KerasOnly()
    count_params = _KerasOnly()
    predict_classes = _KerasOnly()
