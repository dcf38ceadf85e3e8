"""Matrix products that write into preallocated buffers, dense or sparse."""

import numpy as np

__all__ = ["matmul"]


def matmul(a, b, out):
    """Write ``a @ b`` into ``out``; ``a`` may be a SciPy sparse matrix.

    ``np.dot(..., out=)`` calls BLAS without a temporary; sparse products cannot
    write into a buffer, so their result is copied in.
    """
    if isinstance(a, np.ndarray):
        np.dot(a, b, out=out)
    else:
        out[...] = a @ b
    return out
