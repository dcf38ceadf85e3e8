"""Failure atomicity of the fitting methods: a fit that fails leaves the
estimator as it was."""

import functools

from ..exceptions import DivergenceError
from ._callbacks import callback_management

__all__ = ["atomic"]


def atomic(method):
    """Run a fitting method so that any failure leaves the estimator as it was.

    A divergence is the exception: the estimator keeps the restored weights of
    the run (it can predict) and the DivergenceError still propagates. Callbacks
    are torn down first, however the method ends.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = self.__dict__.copy()
        try:
            with callback_management(self):
                return method(self, *args, **kwargs)
        except DivergenceError:
            raise
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    return wrapper
