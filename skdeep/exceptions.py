"""Exceptions and warnings raised by skdeep.

This module sits below every layer: it imports nothing from skdeep, so any layer
may raise these errors.
"""

__all__ = ["DivergenceError"]


class DivergenceError(ValueError):
    """Training produced a non-finite loss and was stopped.

    The estimator keeps the last weights whose loss was finite, so it can still
    predict, but the fit did not succeed. Scale the inputs (for example with
    :class:`sklearn.preprocessing.StandardScaler`) or lower ``learning_rate_init``.

    Examples
    --------
    >>> from skdeep.exceptions import DivergenceError
    >>> issubclass(DivergenceError, ValueError)
    True
    """


class ModelFileError(ValueError):
    """A model file cannot be loaded: it is damaged, foreign or unsafe.

    :func:`skdeep.load` raises this one error type for every problem it finds:
    a file that is not a skdeep model file (a pickle or joblib file included),
    a wrong format version, a missing or corrupted array, a checksum mismatch,
    an array larger than the size limits, or an object type outside the
    allow-list. The message says what is wrong and where.

    Examples
    --------
    >>> from skdeep.exceptions import ModelFileError
    >>> issubclass(ModelFileError, ValueError)
    True
    """


__all__ += ["ModelFileError"]
