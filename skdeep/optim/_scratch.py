"""A scratch vector that optimizers reuse every step and leave out of pickles."""

import numpy as np

__all__ = ["ScratchBuffer"]


class ScratchBuffer:
    """Mixin giving ``_scratch(like)``: one work vector, allocated on first use,
    so a step allocates nothing and a pickle holds only the optimizer's state."""

    def _scratch(self, like):
        buffer = self.__dict__.get("_buffer")
        if buffer is None:
            buffer = self._buffer = np.empty_like(like)
        return buffer

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items()
                if key != "_buffer"}
