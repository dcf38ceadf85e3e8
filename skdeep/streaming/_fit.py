"""fit_csv, the public entry of :mod:`skdeep.streaming`: the checks made
before anything is read, the copies trained, and the hand-over of their state."""

import copy

import numpy as np
from sklearn.base import is_classifier

from ..estimators import DeepClassifier, DeepRegressor
from ..estimators.contract import (
    adopt_state,
    callbacks_of,
    stream_fit_facts,
    training_dtype,
)
from ._columns import feature_columns, text_category_columns
from ._loop import Stream, first_pass, train_passes
from ._reader import ChunkReader

__all__ = ["fit_csv"]


def fit_csv(estimator, path, *, target, chunksize=10_000, n_passes=1, classes=None,
            columns=None, scaler=None, read_csv_kwargs=None, verbose=0):
    """Stream a CSV file through ``estimator.partial_fit`` for several passes.

    Each pass reads the file from the top in chunks of ``chunksize`` rows and
    calls ``partial_fit`` once per chunk, so every chunk gets exactly
    ``n_passes`` epochs and the optimizer state carries across chunks and
    passes. Memory stays bounded by about one chunk (plus the network).

    Training continues from the estimator's current state, as ``partial_fit``
    does: pass an unfitted estimator (or ``sklearn.base.clone(estimator)``) to
    start afresh, or call again with another file to keep training.

    The file is a raw table, as ``fit`` takes a DataFrame: numeric columns
    (empty cells are missing values, filled with the column's mean), text and
    bool columns learned as categories (``categorical_features``). How the
    table is read is fixed by the first chunk, the first ``partial_fit``
    call: which columns are categorical, their categories (those seen in at
    least 5 of its rows; a category first seen in a later chunk maps to the
    column's 'other' row), the means that fill gaps, which columns get a
    missing indicator, and the input statistics. To train on the categories
    of the whole file, list them in the estimator's ``categories`` parameter
    (``fit`` on the whole file with the same parameter learns the same ones).
    A column that is text in the first chunk is read as text in every chunk
    (pandas types each chunk on its own); a column of numbers in the first
    chunk that holds text in a later one (a typo such as '4o', or codes that
    gain letters) is refused naming its lines.

    The call is all or nothing: it trains a copy of the estimator (and of the
    scaler) and hands the trained state over only after the last chunk, so an
    error or an interrupt at any chunk leaves both exactly as they were. The
    copy costs one extra network in memory, not a chunk. The callbacks set on
    the estimator are not copied: the caller's objects see every chunk's
    epoch (one ``CSVLogger`` log for the whole stream, a ``ModelCheckpoint``'s
    ``best_`` and ``saved_epoch_``), and before anything is read they are
    checked as at the start of a fit, the CSV file being an input none of
    them may write.

    Parameters
    ----------
    estimator : DeepClassifier or DeepRegressor
        Any estimator with ``partial_fit`` (a stochastic ``solver``).
    path : str or path-like
        CSV file with a header row.
    target : str or list of str
        Target column; a list gives a multi-output target (multi-output
        regression, or a multilabel 0/1 indicator for a classifier).
    chunksize : int, default=10_000
        Rows per chunk: the unit of memory and of one ``partial_fit`` call.
    n_passes : int, default=1
        Passes over the file, i.e. epochs per chunk.
    classes : array-like or None, default=None
        Every class label, passed to each ``partial_fit`` of a classifier.
        When None and ``target`` is one column, a first cheap pass reads only
        the target column to find them.
    columns : list of str or None, default=None
        Feature columns; None uses every column except the target(s).
    scaler : transformer or None, default=None
        Applied to each chunk's features (numeric columns only, without
        gaps: it turns the table into an array) before ``partial_fit``. An unfitted
        scaler with ``partial_fit`` (``StandardScaler``, ``MinMaxScaler``,
        ``MaxAbsScaler``) is fitted in a first pass over the file; a fitted one
        is used as is. It sees the features in float64 (a float32 read would
        round a timestamp to 128 s); its output is cast to the dtype the
        estimator trains in. Predict with ``make_pipeline(scaler, estimator)``.
        Optional: the estimators standardize their input themselves
        (``input_scaling='standard'``, the default), with the statistics of
        their first ``partial_fit`` call, which here is the first chunk. A
        scaler fitted in the first pass measures the whole file instead: keep
        it for a file whose first chunk is not representative of the rest
        (sorted rows, say), or for an estimator with ``input_scaling=None``.
    read_csv_kwargs : dict or None, default=None
        Extra ``pandas.read_csv`` options (``sep``, ``encoding``, ...).
    verbose : int, default=0
        1 prints one progress line per chunk: pass, CSV lines and loss.

    Returns
    -------
    estimator : the same estimator, trained.

    Raises
    ------
    ValueError
        When the file is empty or has no rows, a named column is missing (the
        message lists the file's columns), ``chunksize``/``n_passes`` < 1, or a
        row is malformed: a field too many or too few (also a first row longer
        than the header, which pandas would read as a row index; a short row's
        missing fields are empty cells, refused in a target column), text in a
        numeric column (a typo in the first chunk, or text in a later chunk's
        column of numbers), an empty target cell, a missing label. The message
        names the CSV line (the header is line 1; blank lines are skipped and
        not counted, except in the message of a first row too long); an error
        while training a chunk names the chunk's lines, and the estimator's own
        messages about a chunk's rows name their lines too.
    TypeError
        When the estimator has no ``partial_fit``.

    Notes
    -----
    Class labels are read as text and converted with one type for the whole
    file (whole numbers, numbers, true/false, or text), decided from every
    label in the file or from ``classes``. Every column is parsed, also those
    ``columns`` leaves out, so that a malformed row is never silently shifted.

    The chunks come in file order on every pass (reading a CSV is
    sequential); the estimator shuffles rows within each chunk
    (``shuffle=True``). A file sorted by target or time should be shuffled
    once beforehand, or training will follow the sort order.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, pandas as pd
    >>> from skdeep import DeepClassifier
    >>> from skdeep.streaming import fit_csv
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2))
    >>> frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=X.sum(1) > 0)
    >>> path = os.path.join(tempfile.mkdtemp(), "train.csv")
    >>> frame.to_csv(path, index=False)
    >>> clf = DeepClassifier(hidden_layer_sizes=(16,), batch_size=50,
    ...                      learning_rate_init=0.01, random_state=0)
    >>> clf = fit_csv(clf, path, target="label", chunksize=200, n_passes=5)
    >>> len(clf.loss_curve_)  # 3 chunks x 5 passes, one epoch each
    15
    >>> bool(clf.score(frame[["a", "b"]], frame["label"]) > 0.9)
    True
    """
    _check_settings(estimator, chunksize, n_passes, read_csv_kwargs)
    options = {**(read_csv_kwargs or {}), "chunksize": int(chunksize)}
    targets = [target] if isinstance(target, str) else list(target)
    features = feature_columns(path, targets, columns, options)
    _check_callbacks(estimator, path)
    reader = _open_reader(estimator, path, features, targets, options)
    stream = _copies(estimator, scaler, reader)
    classes = first_pass(stream, classes)
    train_passes(stream, n_passes, classes=classes, verbose=verbose)
    adopt_state(estimator, stream.model)
    if scaler is not None:
        adopt_state(scaler, stream.scaler)
    return estimator


def _check_settings(estimator, chunksize, n_passes, read_csv_kwargs):
    """Refuse bad counts and options, and estimators without ``partial_fit``."""
    reserved = sorted(set(read_csv_kwargs or ()) & {"chunksize", "iterator",
                                                     "nrows", "usecols"})
    if reserved:
        raise ValueError(f"fit_csv: read_csv_kwargs may not set {reserved}; use "
                         "the chunksize and columns arguments instead.")
    for setting, value in (("chunksize", chunksize), ("n_passes", n_passes)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or (
                value < 1):
            raise ValueError(f"fit_csv: {setting} must be a positive integer; "
                             f"got {value!r}.")
    if not hasattr(estimator, "partial_fit"):
        solver = getattr(estimator, "solver", None)
        hint = (f" (solver={solver!r} has none; use solver='adam' or 'sgd')"
                if solver else "")
        raise TypeError(f"fit_csv streams chunks through partial_fit, which "
                        f"{type(estimator).__name__} does not have{hint}.")


def _check_callbacks(estimator, path):
    """Run the callbacks' setup step for the whole stream before any read: the
    CSV is an input no callback may write, and the stream is a new run."""
    callbacks = callbacks_of(estimator)
    if not callbacks or not isinstance(estimator, (DeepClassifier, DeepRegressor)):
        return
    from ..callbacks import begin_fit

    begin_fit(stream_fit_facts(estimator, callbacks, [path]))


def _open_reader(estimator, path, features, targets, options):
    """The file's chunk reader, once its first row is checked; the columns
    that hold text are read as text in every chunk."""
    labels = is_classifier(estimator) and len(targets) == 1
    reader = ChunkReader(path, features, targets, options, labels=labels)
    reader.check_row_widths()
    reader.fix_text_columns(text_category_columns(estimator))
    return reader


def _copies(estimator, scaler, reader):
    """The stream that trains copies of the estimator and the scaler.

    A failure at any chunk leaves the caller's objects as they were; they take
    the trained state only once every chunk succeeded. The callbacks are not
    copied: they report on this run to the caller.
    """
    keep = {id(callback): callback for callback in callbacks_of(estimator)}
    # the chunks hold the numbers as written (float64): whatever scales them,
    # the scaler or the estimator's own input_scaling, sees them at full
    # precision (a float32 read would round a Unix time before scaling)
    return Stream(reader, copy.deepcopy(estimator, keep), copy.deepcopy(scaler),
                  _chunk_dtype(estimator))


def _chunk_dtype(estimator):
    """The dtype a skdeep estimator trains in (float32 at the defaults),
    float64 otherwise: the scaler's output is cast to it."""
    trained = (training_dtype(estimator)
               if isinstance(estimator, (DeepClassifier, DeepRegressor)) else None)
    return trained or np.dtype(np.float64)
