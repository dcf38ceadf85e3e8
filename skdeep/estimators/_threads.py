"""BLAS threads while training: one thread for small matrix products."""

import functools
from contextlib import nullcontext

from threadpoolctl import ThreadpoolController

__all__ = ["training_threads"]

# Below this many flops in the largest product of a step, a second BLAS thread
# costs more than it brings: it is woken for every product and the elementwise
# work between products leaves it idle (measured on 2 cores: a 100-100 network
# at batch 200 trains about 1.35x faster in float32 on one thread).
SMALL_STEP_FLOPS = 2**25


@functools.cache
def _controller():
    # built once: inspecting the loaded BLAS libraries takes about half a ms
    return ThreadpoolController()


def training_threads(layer_sizes, batch_size):
    """A context that keeps BLAS on one thread when every product is small."""
    largest = max(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))
    if 2 * batch_size * largest >= SMALL_STEP_FLOPS:
        return nullcontext()
    return _controller().limit(limits=1, user_api="blas")
