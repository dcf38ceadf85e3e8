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
