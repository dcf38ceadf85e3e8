"""Warnings that point at the line that called skdeep, however deep they start."""

import sys
import warnings

__all__ = ["warn_caller"]

# packages whose frames carry a call to an estimator's fit: skdeep's own, and
# scikit-learn's Pipeline, search and cross-validation code with joblib under it
ROUTING_PACKAGES = frozenset({"skdeep", "sklearn", "joblib"})


def caller_stacklevel():
    """The ``stacklevel`` that makes a ``warnings.warn`` in this function's
    caller point at the first frame outside ``ROUTING_PACKAGES``: the user's
    ``model.fit(X, y)`` line, or ``search.fit(X, y)`` for a fit inside a
    GridSearchCV. A fixed count would break whenever a call is added between."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _package(frame) in ROUTING_PACKAGES:
        frame, level = frame.f_back, level + 1
    return level


def warn_caller(message, category=UserWarning):
    """``warnings.warn`` attributed to the code that called skdeep."""
    warnings.warn(message, category, stacklevel=caller_stacklevel())


def _package(frame):
    return frame.f_globals.get("__name__", "").partition(".")[0]
