"""summary() and `skdeep summary` work on every fitted model, including one
whose training diverged in its first epoch."""

import numpy as np
import pytest

from skdeep import DeepClassifier, DeepRegressor, DivergenceError, load, save
from skdeep.cli import main


@pytest.fixture(params=[DeepRegressor, DeepClassifier])
def diverged_in_first_epoch(request, tmp_path):
    cls = request.param
    X = np.random.default_rng(0).normal(size=(40, 3))
    X[:, 0] = 1e38  # near float32's largest value: training is in float32
    y = np.arange(40) % 2
    # raw inputs: input scaling would turn the huge constant column into zeros
    model = cls(hidden_layer_sizes=(5,), max_iter=3, random_state=0,
                input_scaling=None)
    with pytest.raises(DivergenceError, match="epoch 1"):
        model.fit(X, y)
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    path = tmp_path / "diverged.skdeep"
    save(model, path)
    return cls, path


def test_summary_method_after_loading(diverged_in_first_epoch, capsys):
    cls, path = diverged_in_first_epoch
    load(path).summary()
    out = capsys.readouterr().out
    n_outputs = 2 if cls is DeepClassifier else 1
    assert f'Model: "{cls.__name__}"' in out
    assert f"Total params: {3 * 5 + 5 + 5 * n_outputs + n_outputs}" in out


def test_summary_command(diverged_in_first_epoch, capsys):
    cls, path = diverged_in_first_epoch
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert f'Model: "{cls.__name__}"' in out
    assert "trained 0 epochs" in out and "final loss" not in out
