"""Progress output: Keras-style epoch lines for every solver, nothing at
verbose=0, and the live bar only on a terminal with verbose=1."""

import io
import re
import warnings

import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier, DeepRegressor
from skdeep.training import Progress


@pytest.fixture
def classification():
    X, y = make_classification(600, 8, n_informative=4, flip_y=0.2, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


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


def test_verbose_1_prints_keras_lines(classification, capsys):
    X, y, X_val, y_val = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepClassifier(max_iter=3, verbose=1, random_state=0).fit(
            X, y, X_val=X_val, y_val=y_val)
    lines = capsys.readouterr().out.strip().splitlines()
    pattern = (r"Epoch (\d)/3 - \d+\.\d\ds - loss: \d\.\d{4} - val_loss: \d\.\d{4}"
               r" - val_accuracy: \d\.\d{4}")
    assert [re.fullmatch(pattern, line).group(1) for line in lines] == ["1", "2",
                                                                        "3"]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_2_one_line_per_epoch_for_every_solver(solver, capsys):
    X, y = make_regression(50, 3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepRegressor(solver=solver, max_iter=4, verbose=2,
                              random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == model.n_iter_
    assert all(re.fullmatch(r"Epoch \d/4 - \d+\.\d\ds - loss: [\d.]+", line)
               for line in lines)


def test_verbose_0_prints_nothing(classification, capsys):
    X, y, _, _ = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepClassifier(max_iter=2).fit(X, y)
    assert capsys.readouterr().out == ""
