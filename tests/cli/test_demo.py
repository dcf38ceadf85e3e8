"""``skdeep demo`` shows networks that learn, each against what it must
beat."""

import re

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from skdeep.cli import main
from skdeep.datasets import load_shot_log


@pytest.fixture(scope="module")
def demo_output():
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["demo"]) == 0
    customers, shots = printed.getvalue().split("== Basketball shots")
    return customers, shots


def _number(text, label):
    return float(re.search(rf"^{re.escape(label)}: ([\d.]+)", text, re.M).group(1))


def _true_probability(X):
    """The shot log's generating logit, written out from its DESCR."""
    d, c, s = X["shot_dist"], X["close_def_dist"], X["shot_clock"]
    logit = (0.65 - 0.08 * d + 0.12 * np.minimum(c, 10)
             - 2.0 * np.exp(-c / 2) * np.maximum(1 - d / 20, 0)
             - 0.9 * np.maximum((4 - s) / 4, 0))
    return 1 / (1 + np.exp(-logit))


def test_the_first_model_clearly_learns(demo_output):
    customers, _ = demo_output
    assert customers.startswith("== Customers")
    best = int(re.search(r"best epoch: (\d+)", customers).group(1))
    r2 = [float(v) for v in re.findall(r"val_r2: ([\d.-]+)", customers)]
    assert best >= 3 and r2[best - 1] > r2[0] + 0.1
    assert _number(customers, "held-out R^2") > 0.8


def test_the_shot_model_learns_over_epochs_towards_the_ceiling(demo_output):
    _, shots = demo_output
    best = int(re.search(r"best epoch: (\d+)", shots).group(1))
    losses = [float(v) for v in re.findall(r"val_loss: ([\d.]+)", shots)]
    assert best >= 3 and losses[best - 1] < losses[0]
    X, y = load_shot_log(return_X_y=True, as_frame=True)
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.2, random_state=0,
                                            stratify=y)
    ceiling = np.mean((_true_probability(X_test) > 0.5) == y_test)
    majority = np.mean(y_test == y.mode()[0])
    assert f"true shot probabilities: {ceiling:.4f}" in shots
    accuracy = _number(shots, "held-out accuracy")
    assert accuracy - majority > 0.04 and accuracy <= ceiling + 0.01
    gap = (accuracy - majority) / (ceiling - majority)
    assert f"closes {gap:.0%} of the gap" in shots


def test_the_lecture_parameter_count_is_explained(demo_output):
    _, shots = demo_output
    assert "Total params: 21,002" in shots
    assert "21,502" in shots and "10 columns" in shots
