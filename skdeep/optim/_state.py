"""Snapshot, restore and finiteness of an optimizer's state, for every optimizer."""

import copy
import math
from numbers import Real

import numpy as np

__all__ = ["RestorableState"]


class RestorableState:
    """Mixin giving :meth:`snapshot`, :meth:`restore` and :meth:`state_is_finite`.

    The state is what the optimizer pickles (its ``__getstate__``): moment or
    velocity vectors, the step count, the learning rate and the settings. A
    subclass that adds a vector or a setting is covered without more code.
    Training takes a snapshot with the last good weights and restores both
    together when a step diverges, so the next call starts from finite moments.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.optim import Adam
    >>> adam = Adam(2, np.float64, learning_rate=0.1, beta_1=0.9, beta_2=0.999,
    ...             epsilon=1e-8)
    >>> saved = adam.snapshot()
    >>> with np.errstate(over="ignore"):  # the squared gradient overflows
    ...     adam.step(np.zeros(2), np.array([1e200, 1.0]))
    >>> adam.state_is_finite(), adam.t
    (False, 1)
    >>> adam.restore(saved)
    >>> adam.state_is_finite(), adam.t, adam.first_moments.tolist()
    (True, 0, [0.0, 0.0])
    """

    def snapshot(self, into=None):
        """A deep copy of the state, for :meth:`restore`.

        With ``into``, an earlier snapshot of this optimizer, its vectors are
        overwritten in place and it is returned (no allocation per epoch).
        """
        if into is None:
            return copy.deepcopy(self.__getstate__())
        for name, value in self.__getstate__().items():
            saved = into.get(name)
            if (isinstance(value, np.ndarray) and isinstance(saved, np.ndarray)
                    and saved.shape == value.shape):
                np.copyto(saved, value)
            else:
                into[name] = copy.deepcopy(value)
        return into

    def restore(self, snapshot):
        """Put back a state taken by :meth:`snapshot` of this optimizer.

        Vectors are copied into the existing arrays, so the optimizer never
        allocates and anything holding them sees the restored values.
        """
        for name, value in snapshot.items():
            current = self.__dict__.get(name)
            if (isinstance(value, np.ndarray) and isinstance(current, np.ndarray)
                    and current.shape == value.shape):
                np.copyto(current, value)
            else:
                setattr(self, name, copy.deepcopy(value))

    def state_is_finite(self):
        """True while every vector and number of the state is finite."""
        for value in self.__getstate__().values():
            if isinstance(value, np.ndarray):
                if not np.isfinite(value).all():
                    return False
            elif isinstance(value, Real) and not math.isfinite(value):
                return False
        return True
