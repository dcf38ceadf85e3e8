"""Adam, AdamW and SGD steps against their update formulas written out, at t=1
and t=10."""

import numpy as np
import pytest

from skdeep.optim import SGD, Adam, AdamW, LearningRateSchedule


def _adam_reference(params, grads_seq, lr, beta_1, beta_2, eps):
    m = np.zeros_like(params)
    v = np.zeros_like(params)
    for t, g in enumerate(grads_seq, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        # Kingma & Ba's "efficient version": epsilon added to sqrt(v), then the
        # step scaled by the bias corrections (as scikit-learn does)
        params = params - lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (
            np.sqrt(v) + eps)
    return params


def _adamw_reference(params, grads_seq, lrs, beta_1, beta_2, eps, decay, n_decayed):
    """Loshchilov & Hutter (2019), Algorithm 2, with the decay scaled by the
    step's learning rate as PyTorch and Keras do: both terms use theta_{t-1}."""
    m = np.zeros_like(params)
    v = np.zeros_like(params)
    mask = np.arange(len(params)) < n_decayed
    for t, (g, lr) in enumerate(zip(grads_seq, lrs), start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        adam_step = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (
            np.sqrt(v) + eps)
        params = params - adam_step - lr * decay * params * mask
    return params


def _sgd_reference(params, grads_seq, lr, momentum, nesterov):
    velocity = np.zeros_like(params)
    for g in grads_seq:
        velocity = momentum * velocity - lr * g
        update = momentum * velocity - lr * g if nesterov else velocity
        params = params + update
    return params


@pytest.mark.parametrize("steps", [1, 10])
def test_adam_matches_formula(steps, rng):
    params = rng.normal(size=12)
    grads_seq = [rng.normal(size=12) for _ in range(steps)]
    expected = _adam_reference(params, grads_seq, 0.01, 0.9, 0.999, 1e-8)
    optimizer = Adam(12, np.float64, learning_rate=0.01, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-8)
    actual = params.copy()
    for g in grads_seq:
        optimizer.step(actual, g)
    np.testing.assert_allclose(actual, expected, rtol=1e-12)
    assert optimizer.t == steps


def test_adam_first_step_moves_each_weight_by_the_learning_rate(rng):
    # at t=1, m_hat = g and v_hat = g^2, so the step is lr * sign(g) (eps aside)
    params, g = np.zeros(5), rng.normal(size=5)
    Adam(5, np.float64, learning_rate=0.1, beta_1=0.9, beta_2=0.999,
         epsilon=1e-12).step(params, g)
    np.testing.assert_allclose(params, -0.1 * np.sign(g), rtol=1e-9)


@pytest.mark.parametrize("n_decayed", [12, 7])
@pytest.mark.parametrize("steps", [1, 10])
def test_adamw_matches_formula(steps, n_decayed, rng):
    params = rng.normal(size=12)
    grads_seq = [rng.normal(size=12) for _ in range(steps)]
    # the rate changes halfway, as a schedule would: the decay follows it
    lrs = [0.01 if t < 5 else 0.002 for t in range(steps)]
    expected = _adamw_reference(params, grads_seq, lrs, 0.9, 0.999, 1e-8, 0.3,
                                n_decayed)
    optimizer = AdamW(12, np.float64, learning_rate=0.01, beta_1=0.9,
                      beta_2=0.999, epsilon=1e-8, weight_decay=0.3,
                      n_decayed=n_decayed)
    actual = params.copy()
    for g, lr in zip(grads_seq, lrs):
        optimizer.learning_rate = lr
        optimizer.step(actual, g)
    np.testing.assert_allclose(actual, expected, rtol=1e-12)
    assert optimizer.t == steps


def test_adamw_first_step_is_adams_sign_step_plus_decay(rng):
    # at t=1 Adam moves each weight by lr * sign(g); the decay adds lr * wd * theta,
    # whatever the gradient's size (an L2 term in the gradient would instead be
    # swallowed by Adam's normalisation)
    params, g = rng.normal(size=5), rng.normal(size=5)
    expected = params - 0.1 * np.sign(g) - 0.1 * 0.2 * params
    AdamW(5, np.float64, learning_rate=0.1, beta_1=0.9, beta_2=0.999,
          epsilon=1e-12, weight_decay=0.2).step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-9)


def test_adamw_without_decay_is_adam_bitwise(rng):
    params, grads_seq = rng.normal(size=9), [rng.normal(size=9) for _ in range(4)]
    settings = dict(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    adam, adamw = params.copy(), params.copy()
    plain, decoupled = Adam(9, np.float64, **settings), AdamW(
        9, np.float64, weight_decay=0.0, **settings)
    for g in grads_seq:
        plain.step(adam, g)
        decoupled.step(adamw, g)
    np.testing.assert_array_equal(adam, adamw)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("steps", [1, 10])
def test_sgd_matches_formula(steps, nesterov, rng):
    params = rng.normal(size=8)
    grads_seq = [rng.normal(size=8) for _ in range(steps)]
    expected = _sgd_reference(params, grads_seq, 0.1, 0.9, nesterov)
    optimizer = SGD(8, np.float64, learning_rate=0.1, momentum=0.9,
                    nesterov=nesterov)
    actual = params.copy()
    for g in grads_seq:
        optimizer.step(actual, g)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-14)


def test_invscaling_schedule():
    optimizer = SGD(1, np.float64, learning_rate=0.5, momentum=0, nesterov=False)
    LearningRateSchedule("invscaling", 0.5, power_t=0.5).epoch_end(optimizer, 99)
    assert optimizer.learning_rate == pytest.approx(0.5 / 100**0.5)


def test_adaptive_schedule_divides_by_five_then_stops():
    optimizer = Adam(1, np.float64, learning_rate=1e-5, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-8)
    schedule = LearningRateSchedule("adaptive", 1e-5)
    assert schedule.on_plateau(optimizer) is False
    assert optimizer.learning_rate == pytest.approx(2e-6)
    assert schedule.on_plateau(optimizer) is False
    assert optimizer.learning_rate == pytest.approx(4e-7)
    assert schedule.on_plateau(optimizer) is True  # at or below 1e-6: stop


def test_constant_schedule_stops_on_plateau():
    optimizer = Adam(1, np.float64, learning_rate=1e-3, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-8)
    schedule = LearningRateSchedule("constant", 1e-3)
    schedule.epoch_end(optimizer, 1000)
    assert optimizer.learning_rate == 1e-3
    assert schedule.on_plateau(optimizer) is True
