"""Progress output: the live bar appears only on a terminal with verbose=1."""

import io

import pytest

from skdeep.training import Progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream_type, verbose, bar_expected", [
    (FakeTerminal, 1, True), (io.StringIO, 1, False), (FakeTerminal, 2, False),
    (FakeTerminal, 0, False),
])
def test_live_bar_only_on_a_terminal_at_verbose_1(stream_type, verbose, bar_expected):
    stream = stream_type()
    progress = Progress(verbose, max_epochs=3, stream=stream)
    for done in (1, 2, 4):
        progress.batch(epoch=1, done=done, total=4)
    progress.epoch_end(1, 0.5, {"loss": 0.25})
    text = stream.getvalue()
    assert ("\rEpoch 1/3 4/4 [" + "=" * 30 + "]" in text) == bar_expected
    if verbose:
        # the epoch line ends the bar (erasing it on a terminal) and reads alone
        assert text.endswith("Epoch 1/3 - 0.50s - loss: 0.2500\n")
    else:
        assert text == ""
