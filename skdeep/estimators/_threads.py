"""BLAS threads while training: one thread or all, by a cost model of the
step's matrix products fitted to measurements.

Each matrix product of a training step (``product_shapes``) is priced at one
BLAS thread and at two::

    one thread:   WAKE[1] + flops / RATE[1]
    two threads:  the same below SPLIT_FLOPS (OpenBLAS runs such a product on
                  one thread whatever the limit, so the two tie), else
                  WAKE[2] + flops / RATE[2]

(``flops`` = 2 rows inner cols), and the step trains on all threads when the
model prices it at least ``MARGIN`` faster there, else on one thread, which
also spares the other core. The two lines are fitted to single-product
timings by ``benchmarks/bench_threads.py --products``, the split to whole
epochs at one and two threads by ``bench_threads.py`` (which prints the
model's choice beside the measured one), on this project's 2-core machine.

The rule is a pure function of the step's shapes, so a fit is as reproducible
from process to process as on one thread (on some float64 shapes OpenBLAS
sums in another order with two threads: the count is part of the result).
The limit stays owned by one fit at a time (``_OneOwner``): a fit that
overlaps the owner sets no limit and runs under the owner's.
"""

import functools
import threading
from contextlib import contextmanager, nullcontext

from threadpoolctl import ThreadpoolController

from ..training.compiled import kernels_available

__all__ = ["training_threads", "product_shapes", "thread_count", "step_seconds"]

# From bench_threads.py on this project's quiet 2-core machine, 2026-12-07
# (benchmarks/README.md, issue 24). The two lines are the --products fit: one
# thread 0.68 us + flops / 8.74e10, two threads 9.9 us + flops / 1.75e11. The
# split is read off whole epochs, not products: timed back to back on the same
# buffers, products from 1e6 flops already run 1.4x faster on two threads, but
# in a training step each product's inputs come fresh from the pass before it
# on the main core, and up to 6.6e6 flops per product one and two threads tie
# (0.99-1.01x), from 1.0e7 two win 1.22-1.54x (the epoch table).
SPLIT_FLOPS = 8.0e6
WAKE = {1: 6.8e-7, 2: 9.9e-6}
RATE = {1: 8.74e10, 2: 1.75e11}
MARGIN = 0.05


@functools.cache
def _controller():
    # built once: inspecting the loaded BLAS libraries takes about half a ms;
    # after the compiled step's kernels are loaded, so that the limit covers
    # the BLAS they call too (SciPy's, beside NumPy's)
    kernels_available()
    return ThreadpoolController()


def product_shapes(network, batch_size):
    """``(kind, rows, inner, cols)`` of every matrix product of one training
    step, a ``(rows, inner) @ (inner, cols)`` product.

    Forward ``(m, k) @ (k, n)``, weight gradient ``(k, m) @ (m, n)`` and, past
    the first layer, the delta ``(m, n) @ (n, k)``, for each layer of fan-in
    ``k`` and fan-out ``n``. A first layer with categorical inputs multiplies
    only its numeric columns (its codes gather weight rows).
    """
    sizes = list(network.layer_sizes)
    categorical = getattr(network, "categorical", None)
    if categorical is not None:
        sizes[0] = categorical.n_dense
    m, shapes = int(batch_size), []
    for i, (k, n) in enumerate(zip(sizes, sizes[1:])):
        if k == 0:
            continue
        shapes += [("forward", m, k, n), ("weights", k, m, n)]
        if i:
            shapes.append(("delta", m, n, k))
    return shapes


def product_seconds(flops, count):
    """The model's seconds of one product of ``flops`` on ``count`` threads
    (counts above two are priced as two: the fit saw two cores)."""
    if count <= 1 or flops < SPLIT_FLOPS:
        return WAKE[1] + flops / RATE[1]
    return WAKE[2] + flops / RATE[2]


def step_seconds(shapes, count):
    """The model's seconds of one step's products on ``count`` BLAS threads."""
    return sum(product_seconds(2 * rows * inner * cols, count)
               for _, rows, inner, cols in shapes)


def thread_count(shapes, every):
    """1 or ``every`` (the threads BLAS has): all when the model prices the
    step at least ``MARGIN`` faster on them."""
    if every <= 1 or not shapes:
        return 1
    return every if step_seconds(shapes, every) < (1 - MARGIN) * step_seconds(
        shapes, 1) else 1


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


def training_threads(network, batch_size):
    """A context in which BLAS runs a fit of ``network`` at ``batch_size``
    rows per step on the thread count the model prices fastest."""
    if thread_count(product_shapes(network, batch_size), 2) > 1:
        # all threads: no limit to take
        return nullcontext()
    return _LIMIT.one_thread()
