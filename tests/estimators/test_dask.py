"""skdeep on a real Dask cluster: joblib's dask backend and dask-ml's Incremental.

The cluster is a ``distributed.LocalCluster`` on loopback with two worker
processes, started once for the module and shut down after it. The tests that
need it are skipped when the ``scikit-deep[dask]`` extra is not installed.
"""

import pickle
import pickletools

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine, trained_params

SKIP_REASON = "needs the dask extra: pip install 'scikit-deep[dask]'"
# a two-worker LocalCluster for the module
pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]


@pytest.fixture(scope="module")
def client():
    """A distributed.Client on a two-process LocalCluster bound to 127.0.0.1."""
    for module in ("dask", "dask.dataframe", "distributed", "dask_ml"):
        pytest.importorskip(module, reason=SKIP_REASON)
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                           dashboard_address=None, host="127.0.0.1")
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(600, 8, n_informative=5, random_state=0)
    return X, y


def _pipeline():
    return make_pipeline(StandardScaler(), DeepClassifier(
        hidden_layer_sizes=(16,), max_iter=30, random_state=0))


# -- joblib's dask backend: the same numbers as a local run --------------------
def test_grid_search_on_the_cluster_equals_local(client, classification):
    import joblib
    from distributed import get_task_stream

    X, y = classification
    grid = {"deepclassifier__hidden_layer_sizes": [(8,), (16,)],
            "deepclassifier__alpha": [1e-4, 1e-1]}
    local = GridSearchCV(_pipeline(), grid, cv=3, n_jobs=1).fit(X, y)
    with get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
        remote = GridSearchCV(_pipeline(), grid, cv=3, n_jobs=-1).fit(X, y)
    assert len(tasks.data) > 0  # the fits really ran on the workers
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"],
                                  local.cv_results_["mean_test_score"])
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_cross_val_score_on_the_cluster_equals_local(client, classification):
    import joblib

    X, y = classification
    local = cross_val_score(_pipeline(), X, y, cv=4, n_jobs=1)
    with joblib.parallel_config(backend="dask"):
        remote = cross_val_score(_pipeline(), X, y, cv=4, n_jobs=-1)
    np.testing.assert_array_equal(remote, local)


# -- dask-ml Incremental: block by block through partial_fit -------------------
N_TRAIN, BLOCK, N_EPOCHS = 2400, 600, 10


def _task(kind):
    """Estimator, scorer, train and test data for one kind of problem."""
    if kind == "classifier":
        X, y = make_classification(N_TRAIN + 1000, 8, n_informative=6,
                                   n_classes=3, random_state=0)
        estimator = DeepClassifier(hidden_layer_sizes=(32,), random_state=0)
        score = accuracy_score
    else:
        X, y = make_regression(N_TRAIN + 1000, 8, noise=5.0, random_state=0)
        y = y / y.std()
        estimator = DeepRegressor(hidden_layer_sizes=(32,), random_state=0)
        score = r2_score
    return estimator, score, (X[:N_TRAIN], y[:N_TRAIN]), (X[N_TRAIN:], y[N_TRAIN:])


def _as_dask(X, y, container):
    import dask.array as da
    import dask.dataframe as dd

    if container == "array":
        return da.from_array(X, chunks=(BLOCK, -1)), da.from_array(y, chunks=BLOCK)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    n_blocks = N_TRAIN // BLOCK
    return (dd.from_pandas(frame, npartitions=n_blocks),
            dd.from_pandas(pd.Series(y, name="y"), npartitions=n_blocks))


@pytest.mark.parametrize("container", ["array", "dataframe"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_incremental_scores_close_to_in_memory_fit(client, kind, container):
    from dask_ml.wrappers import Incremental

    estimator, score, (X, y), (X_test, y_test) = _task(kind)
    X_dask, y_dask = _as_dask(X, y, container)
    fit_params = {"classes": np.unique(y)} if kind == "classifier" else {}
    model = Incremental(estimator, random_state=0)
    for _ in range(N_EPOCHS):  # each call is one pass over every block
        model.partial_fit(X_dask, y_dask, **fit_params)
    trained = model.estimator_
    assert len(trained.loss_curve_) == N_EPOCHS * (N_TRAIN // BLOCK)  # one a block
    assert trained.t_ == N_EPOCHS * N_TRAIN
    # the Adam state carried across blocks: one step per batch of 200, every call
    assert fitted_engine(trained).optimizer.t == N_EPOCHS * N_TRAIN // 200
    # dask-ml's own r2 fails on unknown chunk sizes: score the computed output
    X_test_like = X_test if container == "array" else pd.DataFrame(
        X_test, columns=[f"x{j}" for j in range(X.shape[1])])
    streamed = score(y_test, trained.predict(X_test_like))
    in_memory = score(y_test, estimator.set_params(max_iter=N_EPOCHS)
                      .fit(X, y).predict(X_test))
    assert in_memory > 0.6  # both models learned (3 classes: chance is 0.33)
    assert streamed == pytest.approx(in_memory, abs=0.04)


# -- pickles: only NumPy arrays, builtins and skdeep's own classes -------------
ALLOWED_PACKAGES = {"builtins", "copyreg", "numpy", "skdeep"}


def _pickled_globals(data):
    """``module.name`` of every GLOBAL / STACK_GLOBAL opcode in a pickle."""
    names, strings, memo, top = set(), [], {}, None
    for opcode, arg, _ in pickletools.genops(data):
        if opcode.name in ("GLOBAL", "INST"):
            names.add(arg.replace(" ", "."))
        elif opcode.name == "STACK_GLOBAL":
            names.add(".".join(strings[-2:]))
        if "UNICODE" in opcode.name:
            strings.append(arg)
            top = arg
        elif opcode.name in ("BINGET", "LONG_BINGET", "GET"):
            top = memo.get(arg)
            strings.append(top)
        elif opcode.name == "MEMOIZE":
            memo[len(memo)] = top
        elif opcode.name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = top
        elif opcode.name not in ("FRAME", "PROTO"):
            top = None
    return names


@pytest.mark.parametrize("solver, n_vectors", [("adam", 3), ("sgd", 2),
                                               ("lbfgs", 1)])
def test_pickle_holds_only_numpy_builtins_and_skdeep(classification, solver,
                                                     n_vectors):
    X, y = classification
    # early_stopping=False: early stopping (the default 'auto' above 500 rows)
    # keeps the best epoch's weights too, one more vector than counted below
    model = DeepClassifier(hidden_layer_sizes=(64, 64), solver=solver, max_iter=5,
                           early_stopping=False, random_state=0).fit(X, y)
    params_bytes = sum(w.nbytes + b.nbytes
                       for w, b in zip(model.coefs_, model.intercepts_))
    expected = model.predict_proba(X)
    data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    names = _pickled_globals(data)
    assert "skdeep.estimators.classifier.DeepClassifier" in names
    assert {name.split(".")[0] for name in names} <= ALLOWED_PACKAGES, names
    # the weights, the parameters as trained (the input scaling is folded into
    # the public ones), the optimizer's moment vectors, and a little structure
    assert trained_params(model) is not None
    assert params_bytes <= len(data) <= (n_vectors + 1) * params_bytes + 16_384
    np.testing.assert_array_equal(pickle.loads(data).predict_proba(X), expected)


def test_pickling_leaves_the_model_intact(classification):
    X, y = classification
    model = DeepClassifier(hidden_layer_sizes=(8,), max_iter=5,
                           random_state=0).fit(X, y)
    pickle.dumps(model)
    assert len(model.coefs_) == 2 and len(model.intercepts_) == 2
