"""Scaling out: a Dask cluster, block-by-block training and streamed CSVs
=========================================================================

When one machine is not enough, skdeep scales the way scikit-learn does:

1. a grid search whose fits run on a Dask cluster through joblib's ``dask``
   backend, with exactly the scores of a local ``n_jobs=1`` run;
2. ``dask_ml.wrappers.Incremental`` training a ``DeepClassifier`` block by block
   on a dask array through ``partial_fit`` (one epoch per block call);
3. ``skdeep.streaming.fit_csv`` streaming a CSV ten times larger than its chunk
   through ``partial_fit``, with the peak memory measured by ``tracemalloc``.

The cluster is a ``LocalCluster`` of two worker processes on 127.0.0.1; point a
``distributed.Client`` at a real scheduler address for a real cluster. Needs
``pip install 'scikit-deep[dask]'``; without it this script says so and exits.
Set ``SKDEEP_EXAMPLES_QUICK=1`` for smaller data and shorter training.
"""

import importlib.util
import os
import sys
import tempfile
import time
import tracemalloc
import warnings

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier
from skdeep.datasets import load_shot_log
from skdeep.streaming import fit_csv

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"
MISSING = [name for name in ("dask", "distributed", "dask_ml")
           if importlib.util.find_spec(name) is None]


def quiet():
    """Hide ConvergenceWarning: the short trainings here are deliberate."""
    warnings.filterwarnings("ignore", category=ConvergenceWarning)


def grid_search_on_the_cluster():
    """The same GridSearchCV locally and on the cluster: equal scores."""
    X, y = load_shot_log(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), DeepClassifier(
        max_iter=5 if QUICK else 20, random_state=0))
    grid = {"deepclassifier__hidden_layer_sizes": [(10,), (50,), (50, 50)],
            "deepclassifier__alpha": [1e-4] if QUICK else [1e-4, 1e-2]}
    started = time.perf_counter()
    local = GridSearchCV(pipeline, grid, cv=3, n_jobs=1).fit(X, y)
    local_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with joblib.parallel_config(backend="dask"):
        remote = GridSearchCV(pipeline, grid, cv=3, n_jobs=-1).fit(X, y)
    remote_seconds = time.perf_counter() - started
    same = np.array_equal(local.cv_results_["mean_test_score"],
                          remote.cv_results_["mean_test_score"])
    print(f"  local n_jobs=1: {local_seconds:5.1f} s   on the cluster: "
          f"{remote_seconds:5.1f} s   identical scores: {same}")
    print(f"  best {remote.best_params_}  accuracy {remote.best_score_:.3f}")


def incremental_on_a_dask_array(n_epochs=2 if QUICK else 5):
    """Incremental over 10 blocks vs an in-memory fit with as many epochs."""
    import dask.array as da
    from dask_ml.wrappers import Incremental

    X, y = make_classification(24_000, 20, n_informative=12, n_classes=3,
                               random_state=0)
    X_train, y_train, X_test, y_test = X[:20_000], y[:20_000], X[20_000:], y[20_000:]
    estimator = DeepClassifier(hidden_layer_sizes=(64,), random_state=0)
    model = Incremental(clone(estimator), random_state=0)
    X_dask = da.from_array(X_train, chunks=(2_000, -1))
    y_dask = da.from_array(y_train, chunks=2_000)
    for _ in range(n_epochs):  # one pass over every block per call
        model.partial_fit(X_dask, y_dask, classes=np.unique(y))
    in_memory = estimator.set_params(max_iter=n_epochs).fit(X_train, y_train)
    print(f"  {X_dask.numblocks[0]} blocks x {n_epochs} passes: accuracy "
          f"{model.estimator_.score(X_test, y_test):.3f}   in-memory fit, "
          f"{n_epochs} epochs: {in_memory.score(X_test, y_test):.3f}")


def write_csv(path, X, y, chunksize):
    """Write X and y as a CSV chunk by chunk, so making it is bounded too."""
    columns = [f"x{j}" for j in range(X.shape[1])]
    for start in range(0, len(X), chunksize):
        rows = slice(start, start + chunksize)
        pd.DataFrame(X[rows], columns=columns).assign(y=y[rows]).to_csv(
            path, mode="a" if start else "w", header=not start, index=False,
            float_format="%.6g")
    return columns


def streamed_csv(directory, n_chunks=10, chunksize=2_000 if QUICK else 10_000,
                 n_passes=3):
    """fit_csv's peak memory against one chunk and the whole file."""
    n_train = n_chunks * chunksize
    X, y = make_classification(n_train + 4_000, 20, n_informative=12,
                               random_state=1)
    path = os.path.join(directory, "train.csv")
    columns = write_csv(path, X[:n_train], y[:n_train], chunksize)
    chunk_mb = pd.read_csv(path, nrows=chunksize).memory_usage().sum() / 1e6
    estimator = DeepClassifier(hidden_layer_sizes=(64,), random_state=0)
    # a small first run, so one-time imports are not counted as streaming memory
    small = os.path.join(directory, "small.csv")
    write_csv(small, X[:500], y[:500], chunksize)
    fit_csv(clone(estimator), small, target="y")
    tracemalloc.start()
    streamed = fit_csv(clone(estimator), path, target="y", chunksize=chunksize,
                       n_passes=n_passes)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    in_memory = estimator.set_params(max_iter=n_passes).fit(X[:n_train],
                                                             y[:n_train])
    X_test, y_test = X[n_train:], y[n_train:]
    print(f"  file: {os.path.getsize(path) / 1e6:.1f} MB on disk, "
          f"{n_chunks * chunk_mb:.1f} MB in memory; chunk: {chunk_mb:.1f} MB")
    print(f"  peak while streaming {n_passes} passes: {peak_mb:.1f} MB "
          f"({peak_mb / chunk_mb:.1f} x one chunk)")
    print(f"  accuracy, streamed: "
          f"{streamed.score(pd.DataFrame(X_test, columns=columns), y_test):.3f}"
          f"   in-memory fit, {n_passes} epochs: "
          f"{in_memory.score(X_test, y_test):.3f}")


if __name__ == "__main__":  # the worker processes re-import this file
    if MISSING:
        print(f"This example needs {', '.join(MISSING)}: "
              "pip install 'scikit-deep[dask]'. Skipping.")
        sys.exit(0)
    from distributed import Client, LocalCluster

    quiet()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        client.run(quiet)  # in each worker process too
        print("1. GridSearchCV through joblib's dask backend")
        grid_search_on_the_cluster()
        print("2. dask_ml.wrappers.Incremental on a dask array")
        incremental_on_a_dask_array()
    print("3. skdeep.streaming.fit_csv on a CSV ten chunks long")
    with tempfile.TemporaryDirectory() as directory:
        streamed_csv(directory)
