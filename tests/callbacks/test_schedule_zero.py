"""LearningRateScheduler accepts a rate of 0 (a warm-up's first epoch): the
weights stay where they are; negative and non-finite rates are refused."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skdeep import DeepClassifier, DeepRegressor, LearningRateScheduler

pytest.importorskip("sklearn.callback")


@pytest.mark.parametrize("solver", ["adam", "adamw", "sgd"])
def test_a_zero_rate_leaves_the_weights_in_place(solver, weights_of, fit_quietly):
    X, y = make_classification(100, 4, random_state=0)
    frozen = [fit_quietly(DeepClassifier(hidden_layer_sizes=(8,), solver=solver,
                                         max_iter=n, tol=0, random_state=0)
                          .set_callbacks(LearningRateScheduler(lambda e, lr: 0.0)), X,
                          y)
              for n in (1, 3)]
    # three epochs at rate 0 end where one does: at the initial weights
    assert np.array_equal(weights_of(frozen[0]), weights_of(frozen[1]))
    loss = frozen[1].loss_curve_
    assert loss[0] == pytest.approx(loss[2], rel=1e-5)  # float32 sums


def test_a_linear_warm_up_from_zero_trains(fit_quietly):
    X, y = make_classification(200, 4, random_state=0)
    warm_up = LearningRateScheduler(lambda epoch, lr: 0.01 * min(epoch, 5) / 5,
                                    verbose=0)
    model = fit_quietly(DeepRegressor(hidden_layer_sizes=(8,), max_iter=20, tol=0,
                                      random_state=0).set_callbacks(warm_up), X, y)
    loss = model.loss_curve_
    # one batch per epoch, so an epoch's loss is that of the weights it starts
    # from: epoch 0 ran at rate 0, so epoch 1 starts where epoch 0 did
    # (to rounding: the compiled step may sum the batch in another order)
    assert loss[1] == pytest.approx(loss[0], rel=1e-12)
    assert loss[2] < loss[1]  # epoch 1 moved them
    assert loss[-1] < 0.5 * loss[0]
