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

``--logger`` measures instead what ``CSVLogger`` costs many tiny epochs: 1,000
epochs of an 8-unit network (Adam, one batch) on 100 x 5 rows, with ``none``,
``noop`` and ``csvlogger`` (a new log in ``--log-dir``, default a fresh
directory under the current one: a real disk, not a tmpfs ``/tmp``). It prints
the median wall seconds of a fit and its ratio to ``none`` (the target of the
issue: at most 1.25 x ``none`` + 50 ms), and the same for the process's CPU
time, which other jobs on a shared machine disturb less (but which leaves out
the time the disk takes to sync). The load average (``/proc/loadavg``) is
printed before and after, so a reader knows whether the machine was quiet.
To compare ``none`` with a checkout from before the callbacks existed, run
``--only none`` with that checkout first on ``PYTHONPATH``.

Run ``python benchmarks/bench_callbacks.py --help`` for the options.
"""

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
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
                                  random_state=0, early_stopping=False)
    callbacks = _callbacks(name)
    if callbacks:
        model.set_callbacks(*callbacks)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - started


LOGGER_EPOCHS = 1_000


def _load_average():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return ["n/a"]


def _logger_fit_seconds(name, X, y, folder):
    model = skdeep.DeepRegressor(hidden_layer_sizes=(8,), max_iter=LOGGER_EPOCHS,
                                 tol=0, n_iter_no_change=LOGGER_EPOCHS + 1,
                                 random_state=0)
    if name == "noop":
        model.set_callbacks(NoOp())
    elif name == "csvlogger":
        model.set_callbacks(skdeep.CSVLogger(os.path.join(folder, "log.csv")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(X, y)
        return time.perf_counter() - started, time.process_time() - cpu


def logger_main(args):
    """Many tiny epochs with and without CSVLogger."""
    names = ["none", "noop", "csvlogger"]
    X, y = make_classification(100, 5, random_state=0)
    folder = tempfile.mkdtemp(prefix=".bench-logs-", dir=args.log_dir)
    print(f"skdeep from {Path(skdeep.__file__).parent}, {args.threads} BLAS "
          f"threads, {args.repeats} repeats, 100 x 5, 8 units, {LOGGER_EPOCHS:,} "
          f"epochs; log in {folder}")
    print("load average before:", " ".join(_load_average()))
    try:
        with threadpool_limits(args.threads):
            _logger_fit_seconds("csvlogger", X, y, folder)  # warm-up
            times = {name: [] for name in names}
            for _ in range(args.repeats):
                for name in names:
                    times[name].append(_logger_fit_seconds(name, X, y, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("load average after: ", " ".join(_load_average()))
    wall = {name: statistics.median(t[0] for t in times[name]) for name in names}
    cpu = {name: statistics.median(t[1] for t in times[name]) for name in names}
    print(f"{'callbacks':<12} {'s/fit':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}"
          f"   (target: s/fit <= {1.25 * wall['none'] + 0.05:.3f} = 1.25 x none "
          "+ 50 ms)")
    for name in names:
        print(f"{name:<12} {wall[name]:>8.3f} {wall[name] / wall['none']:>7.2f} "
              f"{cpu[name]:>8.3f} {cpu[name] / cpu['none']:>7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="none,noop,progressbar,snapshot",
                        help="comma-separated contenders")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--terminal", action="store_true",
                        help="let rich draw as on a terminal")
    parser.add_argument("--logger", action="store_true",
                        help="measure CSVLogger on 1,000 tiny epochs instead")
    parser.add_argument("--log-dir", default=".",
                        help="where --logger writes its log (default: here)")
    args = parser.parse_args()
    if args.logger:
        return logger_main(args)
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
    return None


if __name__ == "__main__":
    main()
