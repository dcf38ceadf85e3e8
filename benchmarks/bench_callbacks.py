"""Callbacks: what scikit-learn's callback protocol costs a skdeep fit.

The network and training of ``bench_training.py`` (features -> 100 -> 100 ->
4 classes, ReLU, Adam, batch 200, 20 epochs, no early stop) on 10,000 x 20
standardized rows, fitted with:

``none``
    no callback: the loop runs no-op hooks and builds no task per epoch.
``noop``
    a FitCallback whose hooks do nothing and ask for nothing: the cost of the
    protocol itself (one task context and two hook calls per epoch).
``progressbar``
    scikit-learn's ``ProgressBar`` (needs ``rich``), drawing to a discarded
    stream; ``--terminal`` makes rich draw as on a terminal (live refresh).
``snapshot``
    a FitCallback asking for ``fitted_estimator`` at every epoch's end, as
    ``ModelCheckpoint``, ``LambdaCallback`` and ``ScoringMonitor`` do: a copy
    of the weights and optimizer state per epoch.

``s/epoch`` is the median over repeats (interleaved: A, B, C, A, B, C, ...) of
the fit's wall time divided by the epochs; ``overhead`` compares with ``none``.
To compare ``none`` with a checkout from before the callbacks existed, run
``--only none`` with that checkout first on ``PYTHONPATH``.

Run ``python benchmarks/bench_callbacks.py --help`` for the options.
"""

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import skdeep

EPOCHS = 20


class NoOp:
    """A FitCallback that does nothing and asks for nothing."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return False


class Snapshot(NoOp):
    """Asks for the epoch's fitted_estimator, as the checkpointing callbacks do."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        return False


def _callbacks(name):
    if name == "none":
        return ()
    if name == "noop":
        return (NoOp(),)
    if name == "snapshot":
        return (Snapshot(),)
    from sklearn.callback import ProgressBar

    return (ProgressBar(),)


def _fit_seconds(name, X, y, dtype):
    model = skdeep.DeepClassifier(hidden_layer_sizes=(100, 100), max_iter=EPOCHS,
                                  tol=0, n_iter_no_change=EPOCHS + 1, dtype=dtype,
                                  random_state=0)
    callbacks = _callbacks(name)
    if callbacks:
        model.set_callbacks(*callbacks)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="none,noop,progressbar,snapshot",
                        help="comma-separated contenders")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--terminal", action="store_true",
                        help="let rich draw as on a terminal")
    args = parser.parse_args()
    if args.terminal:
        os.environ["FORCE_TERMINAL"] = "1"
    names = args.only.split(",")
    X, y = make_classification(10_000, 20, n_informative=10, n_classes=4,
                               random_state=0)
    X = StandardScaler().fit_transform(X)
    print(f"skdeep from {Path(skdeep.__file__).parent}, {args.threads} BLAS "
          f"threads, {args.repeats} repeats, 10,000 x 20, {EPOCHS} epochs")
    print(f"{'dtype':<8} {'callbacks':<12} {'s/epoch':>9} {'overhead':>9}")
    with threadpool_limits(args.threads):
        for dtype in args.dtypes.split(","):
            Xd = X.astype(dtype)
            _fit_seconds(names[0], Xd, y, dtype)  # warm-up
            times = {name: [] for name in names}
            for _ in range(args.repeats):
                for name in names:
                    times[name].append(_fit_seconds(name, Xd, y, dtype) / EPOCHS)
            base = statistics.median(times[names[0]])
            for name in names:
                median = statistics.median(times[name])
                print(f"{dtype:<8} {name:<12} {median:>9.4f} "
                      f"{100 * (median / base - 1):>+8.1f}%")



if __name__ == "__main__":
    main()
