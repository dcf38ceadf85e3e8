"""The BLAS thread rule's logic (not its timing): which products a step has,
how the cost model prices them, and which count each workload gets."""

from contextlib import nullcontext

import numpy as np
import pytest

from skdeep.estimators import _threads
from skdeep.network import MLP


def _network(sizes, categorical_sizes=()):
    return MLP(sizes, ("relu",) * (len(sizes) - 2), "softmax_cross_entropy",
               np.float32, categorical_sizes)


def test_a_step_has_forward_weight_and_delta_products_in_their_shapes():
    shapes = _threads.product_shapes(_network((5, 7, 3, 2)), 40)
    assert shapes == [
        ("forward", 40, 5, 7), ("weights", 5, 40, 7),  # no delta into X
        ("forward", 40, 7, 3), ("weights", 7, 40, 3), ("delta", 40, 3, 7),
        ("forward", 40, 3, 2), ("weights", 3, 40, 2), ("delta", 40, 2, 3),
    ]


def test_a_categorical_first_layer_multiplies_only_its_numeric_columns():
    # 4 numeric columns and a 5000-category code column: the one-hot width
    # is 5004, the product 4 wide (the codes gather weight rows)
    network = _network((5004, 100, 2), categorical_sizes=(5000,))
    shapes = _threads.product_shapes(network, 200)
    assert shapes[:2] == [("forward", 200, 4, 100), ("weights", 4, 200, 100)]
    codes_only = _network((5000, 100, 2), categorical_sizes=(5000,))
    assert [s[0] for s in _threads.product_shapes(codes_only, 200)] == [
        "forward", "weights", "delta"]


def test_the_model_ties_below_the_split_and_prices_two_threads_above(monkeypatch):
    monkeypatch.setattr(_threads, "SPLIT_FLOPS", 1e6)
    monkeypatch.setattr(_threads, "WAKE", {1: 1e-6, 2: 4e-6})
    monkeypatch.setattr(_threads, "RATE", {1: 1e10, 2: 2e10})
    small, large = 5e5, 1e8
    assert _threads.product_seconds(small, 2) == _threads.product_seconds(small, 1)
    assert _threads.product_seconds(large, 1) == pytest.approx(1e-6 + 1e-2)
    assert _threads.product_seconds(large, 2) == pytest.approx(4e-6 + 5e-3)
    # more threads than the two the fit saw are priced as two
    assert _threads.product_seconds(large, 8) == _threads.product_seconds(large, 2)


@pytest.mark.parametrize("many, expected", [
    (0.99, 1),   # 1 % faster: inside the margin, one thread
    (0.90, 2),   # 10 % faster: all threads
    (1.20, 1),   # slower
])
def test_all_threads_only_when_the_step_is_priced_margin_faster(many, expected,
                                                                monkeypatch):
    prices = {1: 1.0, 2: many}
    monkeypatch.setattr(_threads, "step_seconds", lambda shapes, count: prices[
        min(count, 2)])
    assert _threads.thread_count([("forward", 1, 1, 1)], 2) == expected
    assert _threads.thread_count([("forward", 1, 1, 1)], 1) == 1  # one thread only
    assert _threads.thread_count([], 2) == 1


@pytest.mark.parametrize("sizes, batch, threads", [
    ((5, 100, 100, 100, 2), 200, 1),   # the lecture classifier
    ((5, 100, 100, 100, 2), 32, 1),
    ((20, 100, 100, 3), 200, 1),
    ((20, 64, 64, 10), 512, 1),
    ((50, 256, 256, 10), 200, 2),      # 256-wide layers use both cores
    ((20, 384, 384, 10), 200, 2),
    ((20, 512, 512, 10), 512, 2),
], ids=["lecture_b200", "lecture_b32", "10k_x_20", "64_wide_b512",
        "256_256_b200", "384_384_b200", "512_512_b512"])
def test_the_fitted_rule_on_the_issue_workloads(sizes, batch, threads):
    shapes = _threads.product_shapes(_network(sizes), batch)
    assert _threads.thread_count(shapes, 2) == threads


def test_training_threads_limits_to_one_only_where_the_rule_says_so(monkeypatch):
    taken = []
    monkeypatch.setattr(_threads._LIMIT, "one_thread", lambda: taken.append(1)
                        or nullcontext())
    assert isinstance(_threads.training_threads(_network((50, 256, 256, 10)), 200),
                      nullcontext)
    assert taken == []
    _threads.training_threads(_network((5, 100, 100, 100, 2)), 200)
    assert taken == [1]
    # the raw table's one-hot width does not make its small products large
    _threads.training_threads(_network((5004, 100, 2), (5000,)), 200)
    assert taken == [1, 1]
