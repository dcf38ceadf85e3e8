"""HistoryDisplay: learning curves drawn from ``history_``."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_moons, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.plotting import HistoryDisplay, pyplot


@pytest.fixture(scope="module")
def classifier():
    X, y = make_moons(200, noise=0.2, random_state=0)
    return DeepClassifier(hidden_layer_sizes=(8,), max_iter=15, early_stopping=True,
                          n_iter_no_change=50, random_state=0).fit(X, y)


def test_lines_hold_the_history(plt, classifier):
    display = HistoryDisplay.from_estimator(classifier)
    history = classifier.history_
    assert set(display.lines_) == {"loss", "val_loss", "val_accuracy"}
    for key, line in display.lines_.items():
        np.testing.assert_array_equal(line.get_xdata(),
                                      np.arange(1, len(history[key]) + 1))
        np.testing.assert_array_equal(line.get_ydata(), history[key])
    assert display.lines_["loss"].axes is display.ax_
    assert display.lines_["val_accuracy"].axes is display.score_ax_
    assert display.figure_ is display.ax_.figure
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["loss", "val_loss", "val_accuracy"]


def test_pipeline_and_given_axes(plt):
    X, y = make_regression(100, 3, noise=1.0, random_state=0)
    pipeline = make_pipeline(StandardScaler(), DeepRegressor(
        hidden_layer_sizes=(4,), max_iter=5, random_state=0)).fit(X, y)
    _, ax = plt.subplots()
    display = HistoryDisplay.from_estimator(pipeline, ax=ax, name="mine")
    assert display.ax_ is ax
    assert display.score_ax_ is None  # no validation data, so no score curve
    assert list(display.lines_) == ["loss"]
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(),
                                  pipeline[-1].history_["loss"])
    assert ax.get_title() == "mine"


def test_plot_from_a_history_dict(plt):
    history = {"loss": [3.0, 2.0, 1.5], "val_loss": [3.5, 2.5, 2.4],
               "val_r2": [0.1, 0.5, 0.6]}
    display = HistoryDisplay(history).plot()
    np.testing.assert_array_equal(display.lines_["val_r2"].get_ydata(),
                                  [0.1, 0.5, 0.6])
    assert display.ax_.get_xlabel() == "epoch"


def test_unfitted_estimator_is_rejected(plt):
    with pytest.raises(NotFittedError, match="Call fit first"):
        HistoryDisplay.from_estimator(DeepClassifier())


@pytest.mark.parametrize("hidden", ["matplotlib", "matplotlib.pyplot"])
def test_missing_matplotlib_says_how_to_install(monkeypatch, classifier, hidden):
    monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(ImportError, match=r"pip install 'scikit-deep\[plot\]'"):
        HistoryDisplay.from_estimator(classifier)
    with pytest.raises(ImportError, match=r"pip install 'scikit-deep\[plot\]'"):
        HistoryDisplay({"loss": [1.0]}).plot()
    with pytest.raises(ImportError, match=r"pip install 'scikit-deep\[plot\]'"):
        pyplot()


def test_pyplot_is_matplotlibs():
    matplotlib = pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    assert pyplot() is plt and matplotlib.pyplot is plt


def test_importing_the_module_does_not_import_matplotlib(repo_env):
    code = "import sys, skdeep.plotting; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], env=repo_env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
