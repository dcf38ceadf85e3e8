"""Keras-style progress lines: ``Epoch 3/200 - 0.12s - loss: 0.4312 - ...``."""

import sys

__all__ = ["Progress", "format_epoch"]

BAR_WIDTH = 30


def format_epoch(epoch, max_epochs, seconds, metrics):
    """One epoch's line; ``metrics`` maps names to values in display order."""
    parts = [f"Epoch {epoch}/{max_epochs}", f"{seconds:.2f}s"]
    parts += [f"{name}: {value:.4f}" for name, value in metrics.items()]
    return " - ".join(parts)


class Progress:
    """Prints training progress.

    ``verbose=0`` prints nothing; ``1`` prints a line per epoch and, when the
    stream is a terminal, a live bar of batches within the epoch; ``2`` prints one
    plain line per epoch.

    Parameters
    ----------
    verbose : int
    max_epochs : int
        Epochs this call may run.
    stream : file-like, default=sys.stdout (looked up when printing)
    done : int, default=0
        Epochs run by earlier calls (a warm start or ``partial_fit`` continues
        them): epoch ``e`` of this call prints as ``Epoch done+e/done+max_epochs``,
        so a resumed run reads ``Epoch 12/20``, not ``Epoch 1/9``.
    """

    def __init__(self, verbose, max_epochs, stream=None, *, done=0):
        self.verbose, self._stream, self.done = int(verbose), stream, done
        self.max_epochs = done + max_epochs

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stdout

    @property
    def shows_batches(self):
        """True when :meth:`batch` draws (verbose=1 on a terminal)."""
        return self.verbose == 1 and getattr(self.stream, "isatty", lambda: False)()

    def batch(self, epoch, done, total):
        """Redraw the in-epoch bar (terminals only, verbose=1)."""
        if not self.shows_batches:
            return
        filled = BAR_WIDTH * done // total
        bar = "=" * filled + (">" if filled < BAR_WIDTH else "")
        self.stream.write(
            f"\rEpoch {self.done + epoch}/{self.max_epochs} {done}/{total} "
            f"[{bar:<{BAR_WIDTH}}]"
        )
        self.stream.flush()

    def epoch_end(self, epoch, seconds, metrics):
        """Print the epoch's summary line."""
        if self.verbose <= 0:
            return
        line = format_epoch(self.done + epoch, self.max_epochs, seconds, metrics)
        if self.verbose == 1 and getattr(self.stream, "isatty", lambda: False)():
            line = "\r\x1b[K" + line  # replace the live bar
        print(line, file=self.stream, flush=True)

    def message(self, text):
        """Print a note (why training stopped) when verbose."""
        if self.verbose > 0:
            print(text, file=self.stream, flush=True)
