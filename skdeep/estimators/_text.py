"""What is wrong with a column that is not numbers, said so the user can fix it.

Three cases need three different fixes: a numeric column with a few stray
strings (a typo: correct or blank the cells), numbers stored as text (convert
the column), and a real text column (encode it). The message names the column,
the offending values and their row labels (or positions, for an array).
"""

import numpy as np
import pandas as pd

__all__ = ["describe_text_columns", "describe_text_in_array", "row_word"]

# a column at least this share numbers is numbers with typos, not text (as the
# command line judges a CSV column)
NUMERIC_SHARE = 0.9
SHOWN = 5  # offending cells named in a message


def row_word(X):
    """What a DataFrame's row labels are called in messages: 'row', or what
    ``X.attrs['row_label']`` says (``fit_csv`` labels a chunk's rows by their
    CSV line)."""
    return getattr(X, "attrs", {}).get("row_label", "row")


def _stray(column):
    """Mask of the present cells that are not numbers, and of the numbers."""
    present = column.notna().to_numpy()
    numbers = pd.to_numeric(column, errors="coerce").notna().to_numpy()
    return present & ~numbers, numbers


def _cells(values, rows, where):
    """``'4o' (row 'c7'), ...`` for the first ``SHOWN`` offending cells."""
    shown = ", ".join(f"{value!r} ({where} {row!r})"
                      for value, row in zip(values[:SHOWN], rows[:SHOWN]))
    more = f" and {len(values) - SHOWN} more" if len(values) > SHOWN else ""
    return shown + more


def _typo_message(name, values, rows, where="row"):
    return (f"column {name!r} is numeric except for {len(values)} value(s): "
            f"{_cells(values, rows, where)}, a typo: correct them, or blank "
            "them (a missing value: the estimators fill it with the column's "
            "mean)")


def describe_text_columns(X, names):
    """The message for DataFrame ``X`` whose columns ``names`` are not numeric.

    A column of numbers with a few stray strings is reported first (its fix is
    a correction, not an encoding), then numbers stored as text, then text.
    """
    positions = [list(X.columns).index(name) for name in names]
    typos, stored, text = [], [], []
    for name, j in zip(names, positions):
        column = X.iloc[:, j]
        stray, numbers = _stray(column)
        if isinstance(column.dtype, pd.CategoricalDtype):
            text.append((name, column.dropna().unique()[:2].tolist()))
        elif not stray.any():
            stored.append(name)
        elif numbers.sum() >= NUMERIC_SHARE * (stray.sum() + numbers.sum()):
            typos.append(_typo_message(name, column[stray].tolist(),
                                       column.index[stray].tolist(), row_word(X)))
        else:
            text.append((name, column[stray].unique()[:2].tolist()))
    parts = list(typos)
    if stored:
        parts.append(f"column(s) {stored} hold numbers stored as text: convert "
                     f"them, e.g. X[{stored}] = X[{stored}].apply(pd.to_numeric)")
    if text:
        names = [name for name, _ in text]
        examples = ", ".join(repr(value) for _, values in text for value in values)
        parts.append(
            f"column(s) {names} hold text or categories (e.g. {examples}), but "
            "the network needs numbers: encode them first, for example "
            f"ColumnTransformer([('onehot', OneHotEncoder(), {names})], "
            "remainder=StandardScaler())")
    return "; ".join(parts) + "."


def describe_text_in_array(X):
    """The message for an array-like holding strings, or None if it has none
    (or is not a 2-D table this can read)."""
    try:
        frame = pd.DataFrame(np.asarray(X, dtype=object))
    except (TypeError, ValueError):
        return None
    if frame.ndim != 2:
        return None
    for j in frame.columns:
        stray, numbers = _stray(frame[j])
        if stray.any() and numbers.sum() >= NUMERIC_SHARE * (stray.sum()
                                                             + numbers.sum()):
            return _typo_message(j, frame[j][stray].tolist(),
                                 frame.index[stray].tolist(), "row").replace(
                f"column {j!r}", f"column {j} (0-based)") + "."
        if stray.any():
            return (f"column {j} (0-based) holds text (e.g. "
                    f"{frame[j][stray].iloc[0]!r} in row {frame.index[stray][0]}); "
                    "encode it, e.g. with OneHotEncoder, or pass a DataFrame to "
                    "have its columns named.")
    return None
