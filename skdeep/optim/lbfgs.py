"""L-BFGS-B through SciPy on the flat parameter vector."""

import numpy as np
import scipy.optimize

__all__ = ["minimize_lbfgs"]


def minimize_lbfgs(loss_and_grad, x0, *, max_iter, max_fun, tol, callback=None):
    """Minimise ``loss_and_grad(x) -> (float, ndarray)`` from ``x0``.

    SciPy works in float64; the caller's function receives float64 vectors.
    ``callback(x, loss)`` is called after each iteration and may raise
    ``StopIteration`` to end the run early.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    """

    def scipy_callback(intermediate_result):
        if callback is not None:
            callback(intermediate_result.x, float(intermediate_result.fun))

    return scipy.optimize.minimize(
        loss_and_grad,
        np.asarray(x0, dtype=np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=scipy_callback,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
