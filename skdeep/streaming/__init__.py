"""Train on a CSV file too large for memory, one chunk at a time.

:func:`fit_csv` reads the file with ``pandas.read_csv(chunksize=...)`` and hands
each chunk to the estimator's ``partial_fit`` (exactly one epoch per call), for
several passes over the file. Only one chunk is in memory at a time, so the peak
stays near one chunk's size however large the file is.

An edge package: it uses the estimators (through their public names and
:mod:`skdeep.estimators.contract`) and the callbacks, and imports scikit-learn
and pandas. Its modules, in the order a stream runs:

- ``_fit``: :func:`fit_csv`, the public entry, as its steps;
- ``_columns``: which columns are features and which are read as text, and
  each chunk's columns checked against the model's and the scaler's;
- ``_reader``: reading the file chunk by chunk, every error naming CSV lines;
- ``_labels``: one type for a file's class labels;
- ``_loop``: the first pass (classes, scaler) and the training passes.

Besides :func:`fit_csv`, the command line's ``fit-csv``, which reads a CSV file
as fit_csv does, uses the file's rules from here: :func:`long_first_row` (a
first row longer than the header) and :func:`label_kind` with
:func:`convert_labels` (one type for the labels).
"""

from ._fit import fit_csv

# the command line's (see above); not in __all__, which is the API reference's
from ._labels import convert_labels as convert_labels
from ._labels import label_kind as label_kind
from ._reader import long_first_row as long_first_row

__all__ = ["fit_csv"]
