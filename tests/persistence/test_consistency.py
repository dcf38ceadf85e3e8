"""skdeep fields that contradict each other or the weights."""

import numpy as np
import pytest

from skdeep import DeepClassifier, DeepRegressor
from skdeep.persistence import ModelFileError, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X = np.random.default_rng(0).normal(size=(40, 3))


def _file(tmp_path, kind):
    if kind == "regressor":
        model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
        model.fit(X, X @ [1.0, 2.0, -1.0])
    elif kind == "multilabel":
        model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
        model.fit(X, (X > 0).astype(int))
    else:
        model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
        model.fit(X, np.arange(40) % 2)
    path = tmp_path / "model.skdeep"
    save(model, path)
    return path


def _set(node, keys, value):
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


NETWORK, PARAMS = ("fitted", "network"), ("params",)
EDITS = [
    # (id, model kind, manifest location under "object", new value, message)
    ("regressor-softmax", "regressor", NETWORK + ("loss",), "softmax_cross_entropy",
     "loss 'softmax_cross_entropy' is not the 'squared_error'"),
    ("regressor-poisson-param", "regressor", PARAMS + ("loss",), "poisson",
     "'squared_error' is not the 'poisson'"),
    ("classifier-sigmoid", "classifier", NETWORK + ("loss",),
     "sigmoid_cross_entropy", "is not the 'softmax_cross_entropy'"),
    ("classifier-squared", "classifier", NETWORK + ("loss",), "squared_error",
     "is not the 'softmax_cross_entropy'"),
    ("multilabel-softmax", "multilabel", NETWORK + ("loss",),
     "softmax_cross_entropy", "is not the 'sigmoid_cross_entropy'"),
    ("hidden-500-500", "regressor", PARAMS + ("hidden_layer_sizes",),
     {"type": "tuple", "items": [500, 500]}, "hidden"),
    ("hidden-9", "classifier", PARAMS + ("hidden_layer_sizes",), 9,
     "hidden_layer_sizes=\\(9,\\)"),
    ("activation", "classifier", PARAMS + ("activation",), "tanh", "activation="),
    ("activation-list", "regressor", PARAMS + ("activation",),
     ["relu", "tanh"], "do not describe"),
    ("dtype", "regressor", PARAMS + ("dtype",), "float64", "dtype="),  # float32 net
    ("solver", "classifier", PARAMS + ("solver",), "sgd", "solver='sgd'"),
    ("solver-lbfgs", "regressor", PARAMS + ("solver",), "lbfgs", "solver='lbfgs'"),
]


@pytest.mark.parametrize("kind, keys, value, message",
                         [row[1:] for row in EDITS], ids=[row[0] for row in EDITS])
def test_fields_that_disagree_with_the_network_are_refused(kind, keys, value,
                                                          message, tmp_path,
                                                          toolkit):
    path = _file(tmp_path, kind)
    load(path)  # the untouched file loads
    manifest, members = toolkit.unpack(path)
    _set(manifest["object"], keys, value)
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match=message):
        load(path)


def test_save_refuses_parameters_changed_after_fit(tmp_path):
    model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    model.fit(X, X[:, 0]).set_params(hidden_layer_sizes=(500, 500))
    with pytest.raises(ValueError, match="hidden_layer_sizes=\\(500, 500\\).*"
                       "refit before saving"):
        save(model, tmp_path / "model.skdeep")
    assert not (tmp_path / "model.skdeep").exists()


OPTIMIZER, STATE = ("fitted", "optimizer"), ("fitted", "state")
OUT_OF_RANGE = [
    ("step-count-huge", OPTIMIZER + ("t",), 10**400),
    ("step-count-past-int64", OPTIMIZER + ("t",), 2**63),
    ("samples-seen-huge", STATE + ("samples_seen",), 10**30),
    ("best-epoch-huge", STATE + ("best_epoch",), 2**70),
    ("max-iter-huge", PARAMS + ("max_iter",), 10**400),
    ("beta-2-negative", OPTIMIZER + ("beta_2",), -5.0),
    ("beta-1-one", OPTIMIZER + ("beta_1",), 1.0),
    ("epsilon-zero", OPTIMIZER + ("epsilon",), 0.0),
    ("epsilon-negative", OPTIMIZER + ("epsilon",), -1e-8),
]


@pytest.mark.parametrize("keys, value", [row[1:] for row in OUT_OF_RANGE],
                         ids=[row[0] for row in OUT_OF_RANGE])
def test_counts_and_optimizer_settings_out_of_range_are_refused(keys, value,
                                                                tmp_path, toolkit):
    """Each would load and then break partial_fit (OverflowError, a division by
    zero, moments that never decay)."""
    path = _file(tmp_path, "regressor")
    manifest, members = toolkit.unpack(path)
    _set(manifest["object"], keys, value)
    toolkit.pack(path, manifest, members)
    with pytest.raises(ModelFileError, match="out of range|must lie between|"
                       "not a valid int"):
        load(path)
