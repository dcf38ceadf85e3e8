"""Stochastic gradient descent with (Nesterov) momentum on a flat vector."""

import numpy as np

from ._scratch import ScratchBuffer
from ._state import RestorableState

__all__ = ["SGD"]


class SGD(ScratchBuffer, RestorableState):
    """SGD with momentum, updating ``params`` in place.

    ``velocity = momentum * velocity - lr * grad``; the update is ``velocity``,
    or with Nesterov's momentum ``momentum * velocity - lr * grad`` (the gradient
    step taken again from the look-ahead point), as in scikit-learn's MLP.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate : float
    momentum : float
    nesterov : bool

    Attributes
    ----------
    t : int
        Number of steps taken.
    velocities : ndarray of shape (n_params,)
    """

    # see Adam.SETTINGS
    SETTINGS = ("momentum", "nesterov")
    STATE = ("velocities",)

    def __init__(self, n_params, dtype, *, learning_rate, momentum, nesterov):
        self.learning_rate = float(learning_rate)
        self.momentum, self.nesterov = momentum, nesterov
        self.t = 0
        self.velocities = np.zeros(n_params, dtype=dtype)

    def step(self, params, grads):
        """Apply one momentum update to ``params``."""
        self.t += 1
        velocity = self.velocities
        buffer = self._scratch(velocity)
        np.multiply(grads, self.learning_rate, out=buffer)
        velocity *= self.momentum
        velocity -= buffer
        if self.nesterov:
            np.multiply(velocity, self.momentum, out=buffer)
            params += buffer
            np.multiply(grads, self.learning_rate, out=buffer)
            params -= buffer
        else:
            params += velocity
