"""Loaders for the toy datasets bundled with skdeep.

The CSV files and their descriptions live inside the package and are read with
:mod:`importlib.resources`, so the loaders work offline and from an installed
wheel or zip file, not only from a source checkout.
"""

from __future__ import annotations

import io
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._generate import SHOT_LOG_DECIMALS, TRANSACTIONS_DECIMALS, make_probability

# ``__package__`` is "skdeep.datasets"; resolving resources relative to it keeps
# this module free of imports from the (separately developed) skdeep top level.
_PACKAGE = __package__

# Column dtypes are given rather than inferred so that the frames do not depend on
# pandas' inference rules (which differ across pandas versions).
def _dtypes(decimals):
    """Column dtypes from the generator's formatting: 0 decimals are integers."""
    return {name: "int64" if places == 0 else "float64"
            for name, places in decimals.items()}


_TRANSACTIONS_DTYPES = _dtypes(TRANSACTIONS_DECIMALS)
_SHOT_LOG_DTYPES = _dtypes(SHOT_LOG_DECIMALS)


def _read_text(*parts):
    """Read a text resource of this package, e.g. ``("data", "x.csv")``."""
    resource = resources.files(_PACKAGE)
    for part in parts:
        resource = resource / part
    return resource.read_text(encoding="utf-8")


def _load_csv_dataset(csv_name, descr_name, dtypes, *, return_X_y, as_frame):
    """Shared implementation of the public loaders (target = last column)."""
    frame = pd.read_csv(io.StringIO(_read_text("data", csv_name)), dtype=dtypes)
    *feature_names, target_name = list(dtypes)
    if list(frame.columns) != list(dtypes):
        raise ValueError(f"{csv_name} has unexpected columns {list(frame.columns)}")
    if as_frame:
        data, target = frame[feature_names], frame[target_name]
    else:
        # Like scikit-learn, ndarray output is float64 features; the target keeps
        # its integer dtype because both targets are counts / class labels.
        data = frame[feature_names].to_numpy(dtype=np.float64)
        target = frame[target_name].to_numpy(dtype=np.int64)
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=[target_name],
        DESCR=_read_text("descr", descr_name),
        filename=csv_name,
    )


def load_transactions(*, return_X_y=False, as_frame=False):
    """Load the synthetic bank-customer transactions dataset (regression).

    2,000 customers described by five features; the target is the number of
    transactions each made. The target depends on feature *interactions* (the
    effect of the bank balance flips sign for retired customers, and children
    and accounts interact), so a linear model without interaction terms scores
    clearly worse than a neural network or gradient boosting.

    =================   ==============
    Samples total                 2000
    Dimensionality                   5
    Features            real, integers
    Target              integer counts
    =================   ==============

    Read more in ``load_transactions().DESCR``.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (integer columns keep an integer
        dtype), ``target`` a pandas Series and ``frame`` the DataFrame with both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes ``data`` (ndarray of shape
        (2000, 5), float64, or DataFrame), ``target`` (ndarray of shape (2000,),
        int64, or Series), ``frame`` (DataFrame of shape (2000, 6) if
        ``as_frame=True``, else None), ``feature_names`` (list of str),
        ``target_names`` (``["number_of_transactions"]``), ``DESCR`` (str) and
        ``filename`` (``"transactions.csv"``).
    (data, target) : tuple if ``return_X_y`` is True
        The data and target, as ndarrays or pandas objects following ``as_frame``.

    Examples
    --------
    >>> from skdeep.datasets import load_transactions
    >>> bunch = load_transactions()
    >>> bunch.data.shape, bunch.target.dtype.name
    ((2000, 5), 'int64')
    >>> bunch.feature_names[:2]
    ['age', 'bank_balance']
    >>> X, y = load_transactions(return_X_y=True, as_frame=True)
    >>> y.name
    'number_of_transactions'
    """
    return _load_csv_dataset(
        "transactions.csv",
        "transactions.rst",
        _TRANSACTIONS_DTYPES,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


def load_shot_log(*, return_X_y=False, as_frame=False):
    """Load the synthetic basketball shot log dataset (binary classification).

    3,000 shots described by the shot clock, dribbles, touch time, shot distance
    and the distance of the closest defender; the target says whether the shot
    was made (1) or missed (0).

    =================   ==============
    Classes                          2
    Samples total                 3000
    Dimensionality                   5
    Features            real, integers
    =================   ==============

    Read more in ``load_shot_log().DESCR``.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (``dribbles`` keeps an integer
        dtype), ``target`` a pandas Series and ``frame`` the DataFrame with both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes ``data`` (ndarray of shape
        (3000, 5), float64, or DataFrame), ``target`` (ndarray of shape (3000,),
        int64 with values 0/1, or Series), ``frame`` (DataFrame of shape
        (3000, 6) if ``as_frame=True``, else None), ``feature_names`` (list of
        str), ``target_names`` (``["shot_result"]``), ``DESCR`` (str) and
        ``filename`` (``"shot_log.csv"``).
    (data, target) : tuple if ``return_X_y`` is True
        The data and target, as ndarrays or pandas objects following ``as_frame``.

    Examples
    --------
    >>> from skdeep.datasets import load_shot_log
    >>> X, y = load_shot_log(return_X_y=True)
    >>> X.shape, sorted(set(y.tolist()))
    ((3000, 5), [0, 1])
    >>> load_shot_log(as_frame=True).frame.columns[-1]
    'shot_result'
    """
    return _load_csv_dataset(
        "shot_log.csv",
        "shot_log.rst",
        _SHOT_LOG_DTYPES,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


def shot_probability(X):
    """The probability that each shot goes in, as the shot log's simulation drew it.

    The shot log is synthetic, so the truth behind its noisy 0/1 outcomes is
    known: predicting a make wherever this probability exceeds 0.5 is the best
    any model can do, the ceiling to judge a trained model against.

    Parameters
    ----------
    X : DataFrame
        Shots with the columns ``shot_clock``, ``shot_dist`` and
        ``close_def_dist`` (as ``load_shot_log(as_frame=True).data``).

    Returns
    -------
    probability : ndarray of shape (n_shots,)
        Make probabilities in (0, 1).

    Examples
    --------
    >>> from skdeep.datasets import load_shot_log, shot_probability
    >>> X, y = load_shot_log(return_X_y=True, as_frame=True)
    >>> ceiling = float(((shot_probability(X) > 0.5) == y).mean())
    >>> round(ceiling, 2)
    0.62
    """
    return make_probability(X["shot_clock"], X["shot_dist"], X["close_def_dist"])
