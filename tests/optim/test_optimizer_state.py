"""Optimizer state snapshots: restore gives back exactly the state that was saved."""

import pickle

import numpy as np
import pytest

from skdeep.optim import SGD, Adam


def _adam():
    return Adam(6, np.float64, learning_rate=0.01, beta_1=0.9, beta_2=0.999,
                epsilon=1e-8)


def _sgd():
    return SGD(6, np.float64, learning_rate=0.01, momentum=0.9, nesterov=True)


@pytest.mark.parametrize("make", [_adam, _sgd], ids=["adam", "sgd"])
def test_restore_then_step_equals_never_having_left(make, rng):
    """Steps after restore(snapshot) repeat the steps taken after the snapshot."""
    grads = [rng.normal(size=6) for _ in range(5)]
    optimizer, params = make(), rng.normal(size=6)
    for g in grads[:2]:
        optimizer.step(params, g)
    saved, saved_params = optimizer.snapshot(), params.copy()
    for g in grads[2:]:
        optimizer.step(params, g)
    expected = params.copy()
    optimizer.learning_rate = 123.0  # a schedule changed it after the snapshot
    with np.errstate(over="ignore", invalid="ignore"):
        optimizer.step(params, np.full(6, 1e308))  # and a step overflowed
    assert not optimizer.state_is_finite()

    optimizer.restore(saved)
    assert optimizer.state_is_finite() and optimizer.t == 2
    assert optimizer.learning_rate == 0.01
    params = saved_params
    for g in grads[2:]:
        optimizer.step(params, g)
    np.testing.assert_array_equal(params, expected)


def test_snapshot_is_a_copy_and_restore_writes_in_place(rng):
    adam = _adam()
    moments = adam.first_moments
    saved = adam.snapshot()
    adam.step(np.zeros(6), rng.normal(size=6))
    assert not np.shares_memory(saved["first_moments"], moments)
    assert np.all(saved["first_moments"] == 0)
    adam.restore(saved)
    assert adam.first_moments is moments and np.all(moments == 0)


def test_subclass_state_is_covered_without_code(rng):
    """A subclass (as AdamW will be) adding a setting and a vector inherits the
    snapshot: both are saved, checked for finiteness and restored."""

    class Decayed(Adam):
        def __init__(self, *args, weight_decay, **kwargs):
            super().__init__(*args, **kwargs)
            self.weight_decay = weight_decay
            self.trace = np.zeros(6)

    optimizer = Decayed(6, np.float64, learning_rate=0.01, beta_1=0.9,
                        beta_2=0.999, epsilon=1e-8, weight_decay=0.1)
    saved = optimizer.snapshot()
    optimizer.weight_decay, optimizer.trace[0] = np.inf, np.nan
    assert not optimizer.state_is_finite()
    optimizer.restore(saved)
    assert optimizer.weight_decay == 0.1 and np.all(optimizer.trace == 0)
    assert optimizer.state_is_finite()


def test_scratch_buffer_is_not_state(rng):
    adam = _adam()
    adam.step(np.zeros(6), rng.normal(size=6))
    assert "_buffer" in vars(adam) and "_buffer" not in adam.snapshot()
    assert pickle.loads(pickle.dumps(adam)).snapshot().keys() == \
        adam.snapshot().keys()


def test_snapshot_into_an_earlier_one_reuses_its_vectors(rng):
    adam = _adam()
    saved = adam.snapshot()
    vector = saved["second_moments"]
    adam.step(np.zeros(6), rng.normal(size=6))
    again = adam.snapshot(into=saved)
    assert again is saved and saved["second_moments"] is vector
    np.testing.assert_array_equal(vector, adam.second_moments)
    assert saved["t"] == 1
    adam.step(np.zeros(6), rng.normal(size=6))  # the copy is not a view
    assert not np.array_equal(vector, adam.second_moments)
