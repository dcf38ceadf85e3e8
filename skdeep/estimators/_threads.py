"""BLAS threads while training: one thread for small matrix products."""

import functools
import threading
from contextlib import contextmanager, nullcontext

from threadpoolctl import ThreadpoolController

from ..training.compiled import kernels_available

__all__ = ["training_threads"]

# From this many flops in the largest product of a step (2 m k n for an
# (m, k) @ (k, n) product) BLAS gets every thread; below it, one, because a
# second thread woken for every small product costs more than it brings.
# Measured with benchmarks/bench_threads.py (whole epochs of the compiled step
# at 1 and 2 threads, square layers 64-384 wide at batch 32 and 200) on the
# quiet 2-core machine, 2026-12-06: up to 6.6e6 flops the two agree within 2 %
# (OpenBLAS keeps such products on one thread anyway, and a limit of one spares
# the wake-ups), from 9.4e6 two threads are 1.17-1.6x faster (256-wide layers
# at batch 200: 0.037 against 0.053 s/epoch). The table is in
# benchmarks/README.md.
PARALLEL_PRODUCT_FLOPS = 2**23


@functools.cache
def _controller():
    # built once: inspecting the loaded BLAS libraries takes about half a ms;
    # after the compiled step's kernels are loaded, so that the limit covers
    # the BLAS they call too (SciPy's, beside NumPy's)
    kernels_available()
    return ThreadpoolController()


class _OneOwner:
    """The BLAS limit, held by at most one fit at a time.

    threadpoolctl's limits are process-wide: a limiter restores the count it
    saw on entry, and for OpenBLAS only the thread that set a limit can change
    it again. Overlapping fits in threads each taking a limit therefore gave
    back each other's counts in the wrong order, or from the wrong thread, and
    left BLAS on one thread for good. Here the first fit in owns the limit and
    gives it back from its own thread when it ends; fits that overlap it run
    under its limit without touching it (after it ends, on the full count).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._owned = False

    @contextmanager
    def one_thread(self):
        with self._lock:
            mine, self._owned = not self._owned, True
        if not mine:
            yield
            return
        try:
            with _controller().limit(limits=1, user_api="blas"):
                yield
        finally:
            with self._lock:
                self._owned = False


_LIMIT = _OneOwner()


def training_threads(layer_sizes, batch_size):
    """A context that keeps BLAS on one thread when every product is small."""
    largest = max(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))
    if 2 * batch_size * largest >= PARALLEL_PRODUCT_FLOPS:
        return nullcontext()
    return _LIMIT.one_thread()
