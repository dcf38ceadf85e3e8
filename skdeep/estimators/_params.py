"""Parameter declarations and the checks scikit-learn's constraints cannot express."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ..ops import ACTIVATION_ALIASES, HIDDEN_ACTIVATIONS, INITIALIZERS

# scikit-learn's four, the Keras ones, and Keras' synonyms ('sigmoid')
ACTIVATIONS = set(HIDDEN_ACTIVATIONS) | set(ACTIVATION_ALIASES)
STOCHASTIC_SOLVERS = ("adam", "sgd", "adamw")

# The constraints of sklearn.neural_network.MLP*, so a grid written for MLP works,
# plus skdeep's own parameters at the end.
PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(ACTIVATIONS), list, tuple],
    "solver": [StrOptions({"lbfgs", "sgd", "adam", "adamw"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"),
                         Options(Real, {np.inf})],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "monitor": [StrOptions({"val_loss", "val_score"})],
    "restore_best_weights": ["boolean"],
    "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
    "dtype": [StrOptions({"auto", "float32", "float64"}), None],
    "weight_init": [StrOptions({*INITIALIZERS, "auto"})],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "input_scaling": [StrOptions({"standard"}), None],
    "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
    "categories": [StrOptions({"auto"}), list, dict],
}


def hidden_sizes(estimator):
    """``hidden_layer_sizes`` as a tuple of positive ints, or a teaching error."""
    sizes = estimator.hidden_layer_sizes
    sizes = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
    if not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0
               for s in sizes):
        raise ValueError(
            f"{type(estimator).__name__}: 'hidden_layer_sizes' must be positive "
            f"integers, one per hidden layer, e.g. (100, 50); got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)


def per_layer(estimator, name, n_hidden, is_valid, allowed):
    """Expand a parameter given once or once per hidden layer into a tuple."""
    value = getattr(estimator, name)
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * n_hidden
    if len(values) != n_hidden or not all(is_valid(v) for v in values):
        raise ValueError(
            f"{type(estimator).__name__}: '{name}' must be {allowed}, either one "
            f"value for all hidden layers or a list with one per hidden layer "
            f"({n_hidden} here); got {value!r}."
        )
    return values


def activation_names(estimator, n_hidden):
    """One activation name per hidden layer, synonyms translated, so the network
    (its summary and saved files) records 'logistic' for 'sigmoid'."""
    names = per_layer(estimator, "activation", n_hidden,
                      lambda v: isinstance(v, str) and v in ACTIVATIONS,
                      f"one of {sorted(ACTIVATIONS)}")
    return tuple(ACTIVATION_ALIASES.get(name, name) for name in names)


def dropout_rates(estimator, n_hidden):
    return tuple(float(r) for r in per_layer(
        estimator, "dropout", n_hidden,
        lambda v: isinstance(v, Real) and 0 <= v < 1, "a rate in [0, 1)"))


def compute_dtype(estimator, input_dtype=None):
    """The dtype the network trains in, or None: "follow the input's dtype".

    ``dtype='auto'`` trains the stochastic solvers in float32, as Keras and
    PyTorch do (about twice as fast, same scores on real data), and lbfgs in the
    input's dtype, because its line search wants float64; None always follows
    the input (float32 stays float32, anything else becomes float64), as MLP.
    """
    if estimator.dtype in ("float32", "float64"):
        return np.dtype(estimator.dtype)
    if estimator.dtype == "auto" and estimator.solver in STOCHASTIC_SOLVERS:
        return np.dtype(np.float32)
    if input_dtype is None:
        return None
    return np.dtype(np.float32 if input_dtype == np.float32 else np.float64)


def stochastic_only(estimator):
    """``available_if`` check: partial_fit exists for the stochastic solvers."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers "
            f"{STOCHASTIC_SOLVERS}; solver={estimator.solver!r}."
        )
    return True
