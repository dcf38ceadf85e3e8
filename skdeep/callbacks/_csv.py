"""CSVLogger: one row per epoch, appended to the log."""

import csv
import io
import os

from ..estimators.contract import training_controls
from ..files import atomic_write, check_writable, make_durable, open_append
from ._base import _EpochCallback
from ._outputs import Output

__all__ = ["CSVLogger"]


class CSVLogger(_EpochCallback):
    """Write one CSV row per epoch: ``epoch``, every ``history_`` metric, and
    the ``learning_rate``.

    A new log is created atomically with its header; each epoch then appends
    its row and flushes it (a reader sees every finished epoch), and the file
    and its directory are fsynced when the fit ends. A run of ``partial_fit``
    calls (and so one :func:`skdeep.streaming.fit_csv`) is one log: a call
    continuing the epochs this logger wrote last appends to them.

    A crash (power loss, SIGKILL) can leave a torn last row, or lose the rows
    of the last seconds before the fit ended. Appending to such a file
    (``append=True``, or the next ``partial_fit`` of the run) first cuts the
    torn row off, so the rows that follow start on a line of their own.

    Parameters
    ----------
    path : str or os.PathLike
    append : bool, default=False
        Keep the rows already in the file (its header must match this fit's
        columns); False starts the file afresh at each fit (a ``partial_fit``
        continuing this logger's run appends either way).
    separator : str, default=','
        One character, neither a quote, a newline nor a carriage return.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skdeep import DeepRegressor
    >>> from skdeep.callbacks import CSVLogger
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> model = DeepRegressor(max_iter=3, tol=0, random_state=0)
    >>> model = model.set_callbacks(CSVLogger(path)).fit(X, X[:, 0])
    >>> print(open(path).read().splitlines()[0])
    epoch,loss,learning_rate
    >>> len(open(path).read().splitlines())  # the header and 3 epochs
    4
    """

    def __init__(self, path, append=False, separator=","):
        self.path, self.append, self.separator = path, append, separator
        self._file = self._run = self._where = None
        self._continues = False

    def _outputs(self, facts):
        separator = self.separator
        if not (isinstance(separator, str) and len(separator) == 1) or (
                separator in "\"\r\n"):
            raise ValueError(
                f"CSVLogger: separator must be one character other than a quote "
                f"or a line break, such as ',' or ';' or '\\t'; got {separator!r}.")
        check_writable(self.path)
        return (Output("CSVLogger", self.path),)

    def _fit_begins(self, facts):
        # (real path, last epoch) of the rows this logger wrote: a partial_fit
        # that continues them continues the log
        self._where = where = os.path.realpath(os.fspath(self.path))
        if not facts.incremental:  # a new run: a new log (unless append)
            self._run = None
        self._continues = (facts.incremental and os.path.exists(where)
                           and self._run == (where, facts.first_epoch - 1))
        self._file = None

    def on_fit_task_end(self, estimator, context):
        controls = training_controls(context)
        if controls is None:
            return False
        if self._file is None:
            self._file = self._open(["epoch", *controls.logs])
        self._writer.writerow([controls.epoch, *(
            repr(float(v)) if isinstance(v, float) else str(v)
            for v in controls.logs.values())])
        self._file.flush()  # a reader sees the epoch; the fsync waits for the end
        self._run = (self._where, controls.epoch)
        return False

    def teardown(self, estimator, context):
        file, self._file = self._file, None
        if file is not None:
            try:
                make_durable(file, self.path)
            finally:
                file.close()

    def _open(self, columns):
        """The log open for appending rows after a header that matches."""
        path = os.fspath(self.path)
        keep = (self.append or self._continues) and os.path.exists(path)
        header = self._header(path) if keep else None
        if header is None:  # a new log: made durable when the fit ends
            with atomic_write(path, "w", durable=False) as file:
                csv.writer(file, delimiter=self.separator,
                           lineterminator="\n").writerow(columns)
        elif header != columns:
            raise ValueError(
                f"CSVLogger: {path} has the columns {header}, but this fit logs "
                f"{columns}; use another path or append=False.")
        file = open_append(path)
        self._writer = csv.writer(file, delimiter=self.separator,
                                  lineterminator="\n")
        return file

    def _header(self, path):
        """The file's header row, or None for an empty file (or a torn header)."""
        with open(path, newline="", encoding="utf-8") as file:
            first = file.readline()
        if not first.endswith("\n"):
            return None
        return next(csv.reader(io.StringIO(first), delimiter=self.separator))
