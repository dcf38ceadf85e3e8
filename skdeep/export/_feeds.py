"""The feeds of an exported graph, built from the rows of a table.

A model fitted on a raw table is exported with one graph input per column (see
:func:`skdeep.to_onnx`); this turns a pandas, polars or pyarrow frame (or an
array) into the ``{name: array}`` that ``InferenceSession.run`` takes, writing
a missing value the way the graph reads it. Needs numpy and pandas only.
"""

import os
from numbers import Integral, Real

import numpy as np
import pandas as pd

__all__ = ["MISSING_INT64", "MISSING_STRING", "onnx_feeds"]

# a string tensor has no NaN, nor an int64 one: these stand for a missing value
MISSING_STRING = ""
MISSING_INT64 = int(np.iinfo(np.int64).min)

# ONNX element types (TensorProto values and onnxruntime's names) -> numpy
_ELEMENT_TYPES = {1: np.float32, 11: np.float64, 7: np.int64, 9: np.bool_,
                  8: np.object_}
_RUNTIME_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64,
                  "tensor(int64)": np.int64, "tensor(bool)": np.bool_,
                  "tensor(string)": np.object_}
_INTEGERS = ("integers (integral floats, bools), or None or NaN for a missing value "
             "(written as the smallest int64, which is not a value of its own)")


def onnx_feeds(onnx_model, X):
    """The inputs of an exported graph for the rows of ``X``, ready for
    ``session.run(None, feeds)``.

    Each graph input named after a column of ``X`` gets that column as an
    ``(n_rows, 1)`` array of the input's type (the inputs of a model fitted on
    a raw table, or of a pipeline starting with a ColumnTransformer); a graph
    with a single matrix input (``X``) gets all of ``X``'s columns. Missing
    values are written as a raw-table model's graph reads them: NaN in a
    float input, ``MISSING_STRING`` (``""``) in a string input,
    ``MISSING_INT64`` (the smallest int64) in an int64 input.

    Parameters
    ----------
    onnx_model : onnx.ModelProto, onnxruntime.InferenceSession, str or PathLike
        The exported model, a session on it, or its file.
    X : DataFrame (pandas, polars or pyarrow) or array-like of shape \
            (n_rows, n_columns)
        The rows, with the columns the model was fitted on (an array's
        columns are taken in order: ``x0``, ``x1``, ...).

    Returns
    -------
    feeds : dict of str to ndarray
        One array per graph input.

    Raises
    ------
    ValueError
        If a graph input has no column in ``X``, or a column holds a value its
        input cannot (text in an int64 or float input, a number or ``True``
        in a string input, a fraction in an int64 input).

    See Also
    --------
    skdeep.to_onnx : exports the model these feeds are for.

    Examples
    --------
    >>> import numpy as np, pandas as pd, onnxruntime
    >>> from skdeep import DeepRegressor, to_onnx
    >>> from skdeep.export import onnx_feeds
    >>> rng = np.random.default_rng(0)
    >>> table = pd.DataFrame({"size": rng.normal(size=60),
    ...                       "city": rng.choice(["oslo", "rome"], 60)})
    >>> model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=20,
    ...                       random_state=0).fit(
    ...     table, table["size"])
    >>> session = onnxruntime.InferenceSession(to_onnx(model).SerializeToString())
    >>> rows = pd.DataFrame({"size": [0.5, np.nan], "city": ["oslo", None]})
    >>> feeds = onnx_feeds(session, rows)
    >>> feeds["city"].ravel().tolist()
    ['oslo', '']
    >>> (values,) = session.run(None, feeds)
    >>> bool(np.allclose(values.ravel(), model.predict(rows), rtol=1e-5))
    True
    """
    inputs = _graph_inputs(onnx_model)
    frame, positional = _feed_frame(X)
    columns = [str(column) for column in frame.columns]
    names = [name for name, _, _ in inputs]
    if positional and len(inputs) == frame.shape[1] and len(inputs) > 1:
        picked = dict(zip(names, range(frame.shape[1])))
    else:
        picked = {name: columns.index(name) for name in names if name in columns}
    if len(inputs) == 1 and names[0] not in picked and inputs[0][2] in (
            None, frame.shape[1]):
        name, dtype, _ = inputs[0]
        return {name: np.column_stack([_column(frame.iloc[:, j], dtype, name)
                                       for j in range(frame.shape[1])])}
    absent = [name for name in names if name not in picked]
    if absent:
        raise ValueError(
            f"onnx_feeds: the graph's inputs {absent} are not columns of X "
            f"(its columns: {columns}); pass the columns the model was fitted "
            "on, named as in fit.")
    return {name: _column(frame.iloc[:, picked[name]], dtype, name).reshape(-1, 1)
            for name, dtype, _ in inputs}


def _graph_inputs(onnx_model):
    """[(name, numpy dtype, width or None)] of the graph's inputs."""
    if isinstance(onnx_model, (str, os.PathLike)):
        import onnx

        onnx_model = onnx.load(onnx_model)
    if hasattr(onnx_model, "get_inputs"):  # an onnxruntime InferenceSession
        return [(node.name, _RUNTIME_TYPES.get(node.type), _width(node.shape))
                for node in onnx_model.get_inputs()]
    inputs = []
    for value in onnx_model.graph.input:
        tensor = value.type.tensor_type
        dims = [dim.dim_value or None for dim in tensor.shape.dim]
        inputs.append((value.name, _ELEMENT_TYPES.get(tensor.elem_type),
                       _width(dims)))
    return inputs


def _width(shape):
    return shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None


def _feed_frame(X):
    """(pandas DataFrame of X, whether its columns are positional: an array's,
    or a frame's whose names are not all strings, as scikit-learn reads it).

    Not ``estimators``' ``as_frame``: that one answers None for whatever the
    raw-table path leaves to the plain path's checks (a 1-D or empty array, a
    numpy string array, objects that are not category values) and keeps a
    frame's column names; the feeds need every 2-D input as columns named as
    the graph's inputs (``x0``, ``x1``, ... when positional), refuse the rest
    with their own message, and must not import scikit-learn (a server runs
    them beside onnxruntime)."""
    if hasattr(X, "to_pandas") and not isinstance(X, pd.DataFrame):  # polars, arrow
        X = X.to_pandas()
    if isinstance(X, pd.DataFrame):
        if all(isinstance(column, str) for column in X.columns):
            return X, False
        return X.set_axis([f"x{j}" for j in range(X.shape[1])], axis=1), True
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(f"onnx_feeds: X must be a table or a 2-D array; got an "
                         f"array of shape {array.shape}.")
    frame = pd.DataFrame(array)
    frame.columns = [f"x{j}" for j in range(array.shape[1])]
    return frame, True


def _column(column, dtype, name):
    """One column as a 1-D array of ``dtype``, its gaps written as the graph
    reads them."""
    if dtype is None:
        raise ValueError(f"onnx_feeds: the graph input {name!r} has a type this "
                         "helper does not fill; build its feed by hand.")
    if dtype is np.int64:
        return _integers(column, name)
    if dtype is not np.object_ and dtype is not np.bool_:  # as predict reads numbers
        try:
            return pd.to_numeric(column).to_numpy(dtype=dtype, na_value=np.nan)
        except (TypeError, ValueError):
            text = column.notna().to_numpy() & pd.to_numeric(
                column, errors="coerce").isna().to_numpy()
            raise ValueError(_refusal(column, name, text, "numbers, or NaN for a "
                                      "missing value")) from None
    missing = column.isna().to_numpy()
    values = column.astype(object).to_numpy(copy=True)
    if dtype is np.bool_:
        _refuse(column, name, missing | np.array(
            [not isinstance(value, (bool, np.bool_)) for value in values],
            dtype=bool), "True or False (a bool input has no missing value)")
        return values.astype(bool)
    _refuse(column, name, ~missing & np.array(
        [not isinstance(value, str) for value in values], dtype=bool),
            "text, or None for a missing value")
    _refuse(column, name, np.array([isinstance(value, str) and value == MISSING_STRING
                                    for value in values], dtype=bool),
            "text other than '', the graph's missing value (predict reads '' "
            "as an unseen category): write None for a missing value")
    values[missing] = MISSING_STRING
    return values


def _integers(column, name):
    """An int64 input's column: integers (bools as 0 and 1, integral floats),
    MISSING_INT64 for a gap."""
    missing = column.isna().to_numpy()
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_integer_dtype(
            column.dtype):
        too_large = np.zeros(len(column), dtype=bool)
        if pd.api.types.is_unsigned_integer_dtype(column.dtype):
            too_large = ~missing & (column.to_numpy(dtype=np.float64, na_value=0)
                                    >= 2.0**63)
        _refuse(column, name, too_large, _INTEGERS)
        values = column.to_numpy(dtype=np.int64, na_value=MISSING_INT64)
        _refuse(column, name, ~missing & (values == MISSING_INT64), _INTEGERS)
        return values
    if pd.api.types.is_float_dtype(column.dtype):
        numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
        integral = (np.isfinite(numbers) & (numbers == np.round(numbers))
                    & (np.abs(numbers) < 2.0**63) & (numbers != MISSING_INT64))
        _refuse(column, name, ~missing & ~integral, _INTEGERS)
        return np.where(missing, MISSING_INT64, np.where(integral, numbers, 0)
                        ).astype(np.int64)
    values = column.astype(object).to_numpy()
    _refuse(column, name, ~missing & np.array([not _is_integer(value)
                                               for value in values], dtype=bool),
            _INTEGERS)
    out = np.full(len(values), MISSING_INT64, dtype=np.int64)
    out[~missing] = [int(value) for value in values[~missing]]
    return out


def _is_integer(value):
    """True for an int, bool or integral float in ``(MISSING_INT64, 2**63)``."""
    if isinstance(value, (bool, np.bool_, Integral)):
        return MISSING_INT64 < int(value) <= np.iinfo(np.int64).max
    return (isinstance(value, Real) and float(value).is_integer()
            and MISSING_INT64 < float(value) < 2.0**63)


def _refuse(column, name, bad, expected):
    if bad.any():
        raise ValueError(_refusal(column, name, bad, expected))


def _refusal(column, name, bad, expected):
    """The message for a column whose cells ``bad`` its input cannot take."""
    rows = column.index[bad].tolist()[:5]
    shown = column[bad].tolist()[:5]
    return (f"onnx_feeds: column {name!r} holds {shown} (rows {rows}), but its "
            f"graph input takes {expected}; convert those cells.")
