"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay."""

from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam whose weight decay shrinks the weights directly, outside the gradient.

    Each step first multiplies the decayed parameters by
    ``1 - learning_rate * weight_decay`` and then takes Adam's step. Because
    the decay never passes through the moment estimates, every weight shrinks
    at the same relative rate, however large or rare its gradients: what an
    L2 term added to the loss cannot do under Adam's per-weight scaling.
    ``learning_rate`` is the current rate, schedule included, as in PyTorch's
    and Keras' AdamW; the paper's decay factor is ``learning_rate_init *
    weight_decay`` under a constant rate.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate : float
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moments for numerical stability.
    weight_decay : float
        Decoupled decay rate per unit of learning rate.
    n_decayed : int or None, default=None
        Only ``params[:n_decayed]`` decay (a network's weights, which come
        before its biases); None decays the whole vector.

    Attributes
    ----------
    t : int
        Number of steps taken.
    first_moments, second_moments : ndarray of shape (n_params,)

    Examples
    --------
    With a zero gradient Adam does not move, so only the decay acts:

    >>> import numpy as np
    >>> optimizer = AdamW(3, np.float64, learning_rate=0.1, beta_1=0.9,
    ...                   beta_2=0.999, epsilon=1e-8, weight_decay=0.5,
    ...                   n_decayed=2)
    >>> params = np.array([1.0, -2.0, 3.0])
    >>> optimizer.step(params, np.zeros(3))
    >>> params.tolist()
    [0.95, -1.9, 3.0]
    """

    SETTINGS = (*Adam.SETTINGS, "weight_decay", "n_decayed")

    def __init__(self, n_params, dtype, *, learning_rate, beta_1, beta_2, epsilon,
                 weight_decay, n_decayed=None):
        super().__init__(n_params, dtype, learning_rate=learning_rate,
                         beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.weight_decay = float(weight_decay)
        self.n_decayed = None if n_decayed is None else int(n_decayed)

    def step(self, params, grads):
        """Decay ``params[:n_decayed]``, then apply Adam's update."""
        if self.weight_decay:
            # decoupled: scales the weights from before this step's update
            params[: self.n_decayed] *= 1 - self.learning_rate * self.weight_decay
        super().step(params, grads)
