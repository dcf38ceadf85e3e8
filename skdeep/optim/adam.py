"""Adam (Kingma & Ba, 2015) on a flat parameter vector."""

import numpy as np

from ._scratch import ScratchBuffer
from ._state import RestorableState

__all__ = ["Adam"]


class Adam(ScratchBuffer, RestorableState):
    """Adam with bias correction folded into the step size.

    State is built once for the vector's size; :meth:`step` updates ``params``
    in place with a handful of whole-vector ufunc calls and no allocation.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate : float
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moments for numerical stability.

    Attributes
    ----------
    t : int
        Number of steps taken.
    first_moments, second_moments : ndarray of shape (n_params,)
    """

    # the settings fixed at construction and the vectors a step updates, by
    # name: what saving, resuming and the compiled step read (one list each)
    SETTINGS = ("beta_1", "beta_2", "epsilon")
    STATE = ("first_moments", "second_moments")

    def __init__(self, n_params, dtype, *, learning_rate, beta_1, beta_2, epsilon):
        self.learning_rate = float(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.first_moments = np.zeros(n_params, dtype=dtype)
        self.second_moments = np.zeros(n_params, dtype=dtype)

    def step(self, params, grads):
        """Apply one update: ``params -= lr_t * m / (sqrt(v) + epsilon)``."""
        self.t += 1
        m, v = self.first_moments, self.second_moments
        buffer = self._scratch(m)
        m *= self.beta_1
        np.multiply(grads, 1 - self.beta_1, out=buffer)
        m += buffer
        v *= self.beta_2
        np.multiply(grads, grads, out=buffer)
        buffer *= 1 - self.beta_2
        v += buffer
        step_size = (
            self.learning_rate
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        np.sqrt(v, out=buffer)
        buffer += self.epsilon
        np.divide(m, buffer, out=buffer)
        buffer *= step_size
        params -= buffer
