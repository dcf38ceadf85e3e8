"""Reading a CSV file chunk by chunk for :func:`skdeep.streaming.fit_csv`.

Every error names CSV lines (the header is line 1; pandas skips blank lines, so
they are not counted): a row with too many fields, an empty target cell or a
short row, a missing label; a chunk's feature rows are labelled by their CSV
line, so the estimator's own messages (text in a numeric column, infinity)
name lines too. Class labels are read as text in every chunk and converted with
one rule decided for the whole file, so a chunk of integer-looking labels cannot
change their type. Likewise a feature column that is text in the first chunk
(or holds text categories in the model being trained) is read as text in every
chunk: pandas decides a column's type chunk by chunk, and would otherwise read
a chunk of categories that look like numbers ('12') as numbers.
"""

import os
import re

import numpy as np
import pandas as pd

from ._labels import convert_labels

__all__ = ["ChunkReader", "long_first_row"]

# read_csv options that name columns or shape the frame: not for reading the
# header and the first row as plain fields
_FRAME_OPTIONS = frozenset({"chunksize", "iterator", "nrows", "usecols", "header",
                            "names", "index_col", "dtype", "converters",
                            "parse_dates", "true_values", "false_values",
                            "na_values", "keep_default_na", "date_format"})


def long_first_row(path, options=None):
    """``(line, n_fields, n_header_fields)`` when the first data row has more
    fields than the header, else None.

    pandas reads such a file as if its first column were an unnamed index:
    every later row of the same width is taken shifted by one column, without
    an error (a later row that is too long is a ParserError naming its line).
    ``options`` are the read's ``pandas.read_csv`` options. The line is the
    file's own (the header is line 1, blank lines count).
    """
    plain = {key: value for key, value in (options or {}).items()
             if key not in _FRAME_OPTIONS}
    try:
        pd.read_csv(path, header=None, nrows=2, dtype=str, **plain)
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)",
                          str(error))
        if found is None:
            raise
        width, line, seen = map(int, found.groups())
        return line, seen, width
    except pd.errors.EmptyDataError:
        pass
    return None


class ChunkReader:
    """Yields ``(X, y, (first_line, last_line))`` per chunk of a CSV file.

    Every column is parsed (never ``usecols``): selecting columns while parsing
    lets a row with an extra field through, shifted.

    Parameters
    ----------
    path : str or path-like
    features, targets : list of str
    options : dict
        ``pandas.read_csv`` options, including ``chunksize``.
    labels : bool
        True for one column of class labels, read as text in every chunk.
    """

    def __init__(self, path, features, targets, options, *, labels):
        self.path, self.features, self.targets = path, features, targets
        self.labels, self.label_kind = labels, None
        # never an implicit index from a row longer than the header
        self.options = {"index_col": False, **options}
        if labels:
            self._read_as_text([targets[0]], override=True)

    def _read_as_text(self, columns, *, override=False):
        """Read ``columns`` as text in every chunk (not over a dtype the caller
        gave for a column, unless ``override``)."""
        dtypes = self.options.get("dtype")
        if dtypes is not None and not isinstance(dtypes, dict):
            return  # one dtype for every column: the caller's choice
        dtypes = dict(dtypes or {})
        for column in columns:
            if override or column not in dtypes:
                dtypes[column] = str
        self.options["dtype"] = dtypes

    def fix_text_columns(self, text_categories=()):
        """Read as text, in every chunk, the feature columns that are text in
        the first chunk and the ``text_categories`` columns (those a fitted
        model holds text categories for)."""
        first = {key: value for key, value in self.options.items()
                 if key not in ("chunksize", "iterator")}
        try:
            head = pd.read_csv(self.path, nrows=self.options.get("chunksize"),
                               **first)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            return  # the chunks' read names the damage
        text = [column for column in self.features if column in head and not (
            pd.api.types.is_numeric_dtype(head[column])
            or pd.api.types.is_bool_dtype(head[column]))]
        self._read_as_text([*text, *(column for column in text_categories
                                     if column in self.features)])

    def check_row_widths(self):
        """Refuse a first data row longer than the header, naming its line."""
        try:
            found = long_first_row(self.path, self.options)
        except pd.errors.ParserError:
            return  # other damage: the chunks' read names it
        if found is not None:
            line, seen, width = found
            raise ValueError(
                f"fit_csv: line {line} of {self._name} has {seen} fields but the "
                f"header has {width}; every row needs one field per column "
                "(pandas would take the first field for a row index and shift "
                "every column).")

    def chunks(self, *, raw_labels=False):
        """Yield each chunk's features (a DataFrame, see ``_features``),
        targets and lines.

        ``raw_labels`` yields class labels as read, before conversion. Only one
        chunk is alive while the next is read.
        """
        try:
            with pd.read_csv(self.path, **self.options) as reader:
                for chunk in reader:
                    if chunk.empty:
                        continue
                    arrays = self._arrays(chunk, raw_labels)
                    del chunk
                    yield arrays
                    del arrays
        except pd.errors.ParserError as error:
            reason = str(error).strip().splitlines()[0]
            reason = reason.removeprefix("Error tokenizing data. C error: ")
            raise ValueError(f"fit_csv: {self._name}: malformed row: {reason}; "
                             "every row needs one field per column.") from None

    @property
    def _name(self):
        return repr(os.fspath(self.path))

    def _arrays(self, chunk, raw_labels):
        lines = (int(chunk.index[0]) + 2, int(chunk.index[-1]) + 2)
        X = self._features(chunk)
        if self.labels:
            y = self._labels(chunk[self.targets[0]], raw_labels)
        else:
            y = np.column_stack([self._numbers(chunk[name], "target")
                                 for name in self.targets])
            y = y[:, 0] if len(self.targets) == 1 else y
        return X, y, lines

    def _features(self, chunk):
        """The chunk's feature columns as read (numbers, bools, text; NaN for
        an empty cell), the rows labelled by their CSV line: the estimator
        reads them as a table, as it would the whole file. Columns of numbers
        only become one float64 block (pandas reads a block per column), which
        the estimator reads without a copy, and the parser's frame is freed."""
        index = pd.RangeIndex(int(chunk.index[0]) + 2,
                              int(chunk.index[0]) + 2 + len(chunk))
        columns = chunk[self.features]
        if all(pd.api.types.is_numeric_dtype(dtype)
               and not pd.api.types.is_bool_dtype(dtype) for dtype in columns.dtypes):
            values = np.empty(columns.shape, dtype=np.float64, order="F")
            for j, name in enumerate(self.features):
                values[:, j] = columns[name].to_numpy(dtype=np.float64,
                                                      na_value=np.nan)
            X = pd.DataFrame(values, columns=self.features, index=index,
                             copy=False)
        else:
            X = columns.set_axis(index, axis=0)  # no copy (copy on write)
        X.attrs["row_label"] = "line"
        return X

    def _numbers(self, column, role):
        """A column as floats; text or an empty cell raises naming its line."""
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(
                column):
            numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            numbers = pd.to_numeric(column, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan)
            text = column.notna().to_numpy() & np.isnan(numbers)
            if text.any():
                row = np.flatnonzero(text)[0]
                raise ValueError(
                    f"fit_csv: {role} column(s) [{column.name!r}] hold text "
                    f"({column.iloc[row]!r} on line {column.index[row] + 2} of "
                    f"{self._name}), but the network needs numbers. Encode them "
                    "into new numeric columns first, or leave them out with "
                    "columns=.")
        self._refuse_missing(column, np.isnan(numbers), role)
        return numbers

    def _refuse_missing(self, column, missing, role):
        if missing.any():
            row = np.flatnonzero(missing)[0]
            raise ValueError(
                f"fit_csv: line {column.index[row] + 2} of {self._name}: the "
                f"{role} column {column.name!r} is empty (a missing value, or a "
                f"row with too few fields; {int(missing.sum())} such cells in "
                "this chunk). Fill or drop those rows first.")

    def _labels(self, column, raw):
        self._refuse_missing(column, column.isna().to_numpy(), "label")
        values = column.to_numpy(dtype=object)
        if raw:
            return values
        try:
            return convert_labels(values, self.label_kind)
        except ValueError as error:
            raise ValueError(f"fit_csv: lines {column.index[0] + 2}-"
                             f"{column.index[-1] + 2} of {self._name}: a label "
                             f"is not of the file's label type "
                             f"({self.label_kind}): {error}") from None
