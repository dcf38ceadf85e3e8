"""Input checks that name the estimator and say how to fix the data."""

import numpy as np
import pandas as pd
from sklearn.utils.validation import _check_y, check_consistent_length, validate_data

from ._tables import encode_table
from ._text import describe_text_columns, describe_text_in_array

__all__ = ["check_X", "check_X_y", "check_weights", "reraise_with_name",
           "validation_pair"]

SPARSE_FORMATS = ("csr", "csc")


# How to fix what scikit-learn's validation refuses, keyed by a fragment of its
# message; its messages say what is wrong, these say what to do.
HINTS = (
    ("Input y contains", "Remove the samples whose target is NaN or infinite."),
    # scikit-learn's words for NaN or None in an object-dtype y (labels)
    ("Input contains NaN", "Remove the samples whose label is missing (None or "
                           "NaN), or give each a real class."),
    ("NaN", "Remove or impute the missing values first, e.g. with SimpleImputer in "
            "a Pipeline."),
    ("infinity", "Remove or replace the infinite values, and scale very large ones "
                 "(e.g. StandardScaler)."),
    ("0 sample(s)", "Pass at least one sample."),
    ("0 feature(s)", "Pass at least one feature column."),
    ("dim 3", "Pass a 2-D array of shape (n_samples, n_features), e.g. "
              "X.reshape(len(X), -1)."),
    ("inconsistent numbers of samples", "Pass X and y (and sample_weight) with one "
                                        "row per sample, from the same rows."),
    ("is expecting", "Pass the same columns as in fit, or refit on the new ones."),
    ("feature names should match", "Pass the columns named as in fit, in the same "
                                   "order, or refit."),
    ("sample_weight.shape", "Pass one weight per sample."),
    ("at least one non-zero", "Pass a positive weight for at least one sample."),
)


class reraise_with_name:
    """Context manager prefixing ValueError/TypeError messages with the estimator
    name and adding how to fix the input, so every data error says which
    estimator refused it and what to do. Given the input ``X``, a string that
    could not become a number is described by its column and row."""

    def __init__(self, estimator, X=None):
        self.name = type(estimator).__name__
        self.X = X

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind not in (ValueError, TypeError) or str(error).startswith(self.name):
            return False
        message = str(error).rstrip()
        if "could not convert string" in message and self.X is not None:
            described = describe_text_in_array(self.X)
            if described is not None:
                raise kind(f"{self.name}: {described}") from error
        hints = [hint for fragment, hint in HINTS
                 if fragment in message and hint not in message]
        if hints and not message.endswith((".", "!", "?")):
            message += "."
        raise kind(" ".join([f"{self.name}: {message}", *hints[:1]])) from error


def check_string_columns(estimator, X):
    """Refuse DataFrame columns that are not numbers, naming them."""
    dtypes = getattr(X, "dtypes", None)
    if not isinstance(dtypes, pd.Series):
        return
    bad = [name for name, dtype in dtypes.items()
           if not (pd.api.types.is_numeric_dtype(dtype)
                   or pd.api.types.is_bool_dtype(dtype))]
    if bad:
        raise ValueError(f"{type(estimator).__name__}: "
                         f"{describe_text_columns(X, bad)}")


# validation keeps float32 as float32 and makes anything else float64
KEEP_PRECISION = (np.float64, np.float32)


def _dtype(estimator, reset):
    """The dtype X is validated in: the fitted network's when a fit continues it
    (``reset`` False: one copy at most), unless the estimator scales its inputs;
    otherwise, as input to predict, float32 stays float32 and anything else
    becomes float64. A new network's dtype is decided after validation, from X's
    values and statistics (``BaseDeep._training_dtype``), and X is cast to it
    once, after any scaling: a float32 cast first would round a Unix time to
    128 s, or an X a float64 network then trains on."""
    network = getattr(estimator, "_network", None)
    if (not reset and network is not None
            and getattr(estimator, "input_scaling", None) is None):
        return network.params.dtype
    return KEEP_PRECISION


def check_X(estimator, X, *, reset):
    """Validated 2-D float array (or CSR/CSC matrix) for fit or predict; a raw
    table is encoded with the fitted plan (see ``_tables``)."""
    with reraise_with_name(estimator):
        encoded = encode_table(estimator, X, reset=reset)
    if encoded is not None:
        return encoded
    check_string_columns(estimator, X)
    with reraise_with_name(estimator, X):
        return validate_data(estimator, X, reset=reset, accept_sparse=SPARSE_FORMATS,
                             dtype=KEEP_PRECISION)


def check_X_y(estimator, X, y, *, reset, y_numeric, incremental=False):
    """Validated X and y of matching length; y keeps its dtype unless numeric.
    A raw table is encoded with its plan, learned here when ``reset``
    (``incremental``: by a first ``partial_fit`` call)."""
    with reraise_with_name(estimator):
        encoded = encode_table(estimator, X, reset=reset, incremental=incremental)
        if encoded is not None:
            y = _check_y(y, multi_output=True, y_numeric=y_numeric,
                         estimator=estimator)
            check_consistent_length(encoded, y)
            return encoded, y
    check_string_columns(estimator, X)
    with reraise_with_name(estimator, X):
        return validate_data(estimator, X, y, reset=reset,
                             accept_sparse=SPARSE_FORMATS,
                             dtype=_dtype(estimator, reset),
                             multi_output=True, y_numeric=y_numeric)


def check_weights(estimator, sample_weight):
    """Refuse negative weights and weights that sum to zero.

    A negative weight would reward the loss it should penalise, and with no
    positive weight there is nothing to learn: the stochastic solvers would skip
    every batch and report success with the initial weights. ``sample_weight``
    is the product with ``class_weight`` when there is one, so the message names
    both then. A batch whose weights are all zero is still skipped when other
    batches carry weight.
    """
    name = type(estimator).__name__
    what = ("sample_weight times class_weight"
            if getattr(estimator, "class_weight", None) is not None
            else "sample_weight")
    negative = sample_weight < 0
    if negative.any():
        raise ValueError(
            f"{name}: {what} must be >= 0, but {int(negative.sum())} of "
            f"{len(sample_weight)} weights are negative (the smallest is "
            f"{sample_weight.min():.6g}); pass non-negative weights, using 0 to "
            "ignore a sample."
        )
    if not sample_weight.sum() > 0:
        raise ValueError(
            f"{name}: {what} is zero for all {len(sample_weight)} samples, so no "
            "sample counts; pass a positive weight for at least one sample."
        )


def validation_pair(estimator, X_val, y_val):
    """``(X_val, y_val)``, or None; both or neither must be given."""
    if (X_val is None) != (y_val is None):
        raise ValueError(f"{type(estimator).__name__}: pass both X_val and y_val, "
                         "or neither.")
    return None if X_val is None else (X_val, y_val)
