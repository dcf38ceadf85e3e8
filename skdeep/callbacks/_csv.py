"""CSVLogger: one row per epoch, rewritten atomically."""

import csv
import io
import os

from ..files import atomic_write, check_writable
from ._base import _controls, _EpochCallback

__all__ = ["CSVLogger"]


class CSVLogger(_EpochCallback):
    """Write one CSV row per epoch: ``epoch``, every ``history_`` metric, and
    the ``learning_rate``.

    The whole file is rewritten atomically after each epoch (through
    ``skdeep.files.atomic_write``): a reader or a crash always finds a
    complete file. That costs O(rows) per epoch, negligible for the hundreds
    of rows a log holds, and needs no append-mode file that a crash could
    leave with half a row.

    Parameters
    ----------
    path : str or os.PathLike
    append : bool, default=False
        Keep the rows already in the file (its header must match this fit's
        columns); False starts the file afresh at each fit.
    separator : str, default=','

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

    def setup(self, estimator, context):
        super().setup(estimator, context)
        check_writable(self.path)
        self._header, self._rows = None, []
        if self.append and os.path.exists(self.path):
            with open(self.path, newline="", encoding="utf-8") as file:
                lines = list(csv.reader(file, delimiter=self.separator))
            if lines:
                self._header, self._rows = lines[0], lines[1:]

    def on_fit_task_end(self, estimator, context):
        controls = _controls(context)
        if controls is None:
            return False
        columns = ["epoch", *controls.logs]
        if self._header is None:
            self._header = columns
        elif self._header != columns:
            raise ValueError(
                f"CSVLogger: {os.fspath(self.path)} has the columns "
                f"{self._header}, but this fit logs {columns}; use another "
                "path or append=False."
            )
        values = [controls.epoch, *controls.logs.values()]
        self._rows.append([repr(float(v)) if isinstance(v, float) else str(v)
                           for v in values])
        text = io.StringIO()
        writer = csv.writer(text, delimiter=self.separator, lineterminator="\n")
        writer.writerows([self._header, *self._rows])
        with atomic_write(self.path, "w") as file:
            file.write(text.getvalue())
        return False
