"""ONNX export of fitted skdeep models and the scikit-learn pipelines around them.

:func:`to_onnx` converts a fitted :class:`~skdeep.DeepClassifier`,
:class:`~skdeep.DeepRegressor`, or a Pipeline ending in one, into an ONNX model
that onnxruntime (Python, C++, C#, Java, JavaScript) serves without Python's
training stack; :func:`onnx_feeds` builds the inputs of a model fitted on a raw
table (one per column) from a DataFrame. :func:`register_converters` registers
the two converters with skl2onnx, so ``skl2onnx.to_onnx`` accepts them too.

Needs the optional packages skl2onnx and onnx (``pip install "scikit-deep[onnx]"``,
which also installs onnxruntime); they are imported only when called, so
``import skdeep`` never loads them.

An edge package: it reads the estimators' fitted models and ``ops``'s
activation names, never the training layer; it imports scikit-learn, SciPy,
skl2onnx and onnx.
"""

import os

from ._feeds import MISSING_INT64, MISSING_STRING, onnx_feeds

__all__ = ["MISSING_INT64", "MISSING_STRING", "TARGET_OPSET", "onnx_feeds",
           "register_converters", "to_onnx"]

# ONNX opset 17 (onnxruntime >= 1.13, 2022) has every operator the graphs use
# (Gemm, Softmax with axis=1, Where, Erf, ...), and ai.onnx.ml 3 the ZipMap
# skl2onnx adds for zipmap=True.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}

_INSTALL_HINT = ('needs the optional packages skl2onnx and onnx; install them '
                 'with: pip install "scikit-deep[onnx]" (skl2onnx, onnx, onnxruntime)')


def _import_skl2onnx(caller):
    """Import skl2onnx (and onnx) or raise an ImportError naming the extra."""
    try:
        import onnx  # noqa: F401
        import skl2onnx
    except ImportError as error:
        raise ImportError(f"{caller} {_INSTALL_HINT}.") from error
    return skl2onnx


def register_converters():
    """Register skdeep's converters with skl2onnx.

    After this, ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn`` convert
    DeepClassifier and DeepRegressor, alone or at the end of a Pipeline, with
    the classifier options scikit-learn's classifiers take (``zipmap``,
    ``nocl``). Calling it again does nothing new.

    Raises
    ------
    ImportError
        If skl2onnx or onnx is not installed.

    Examples
    --------
    >>> import numpy as np, skl2onnx
    >>> from skdeep import DeepRegressor
    >>> from skdeep.export import register_converters
    >>> X = np.random.default_rng(0).normal(size=(50, 3))
    >>> model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=5).fit(X, X[:, 0])
    >>> register_converters()
    >>> onx = skl2onnx.to_onnx(model, X[:1].astype(np.float32))
    >>> [output.name for output in onx.graph.output]
    ['variable']
    """
    _import_skl2onnx("skdeep.export.register_converters")
    from ._converters import register

    register()


def to_onnx(model, X_sample=None, path=None, *, options=None, target_opset=None):
    """Convert a fitted model (or a Pipeline ending in one) to ONNX.

    Parameters
    ----------
    model : DeepClassifier, DeepRegressor or Pipeline
        Fitted, on numbers or on a raw table (categorical columns, missing
        values: see Notes). A Pipeline may start with preprocessors skl2onnx
        converts (StandardScaler, MinMaxScaler, OneHotEncoder, SimpleImputer,
        ColumnTransformer, ...); its last step may itself be a Pipeline ending
        in one. A 'passthrough' or None step is refused: remove it first.
    X_sample : array-like or DataFrame, default=None
        A few rows like the ones to be served: their dtype gives the ONNX
        input's type (float32 or float64), a DataFrame's columns give one input
        per column. When None, the inputs are inferred from the model: one
        ``X`` input in the network's dtype, or, for a pipeline starting with a
        ColumnTransformer, one ``[None, 1]`` input per training column
        (strings for the columns a OneHotEncoder reads, float32 for the others,
        as skl2onnx's SimpleImputer needs). A model fitted on a raw table
        takes its inputs from its fitted columns (see Notes) unless
        ``X_sample`` is a numeric array (then one ``X`` matrix of its dtype);
        a table given as ``X_sample`` must have the fitted columns.
    path : str or os.PathLike, default=None
        Where to write the serialized model (atomically); nothing is written
        when None.
    options : dict, default=None
        skl2onnx conversion options, e.g. ``{DeepClassifier: {"zipmap": True}}``.
        When None, classifiers use ``zipmap=False``: probabilities come out as
        an (n_samples, n_classes) tensor, as from ``predict_proba``.
    target_opset : int or dict, default=None
        ONNX opset; :data:`skdeep.export.TARGET_OPSET` (17) when None.

    Returns
    -------
    onnx_model : onnx.ModelProto
        Outputs ``label`` and ``probabilities`` for a classifier (int64 labels
        for integer or boolean classes, strings otherwise; the multilabel
        label is an (n_samples, n_labels) 0/1 matrix), ``variable`` of shape
        (n_samples, n_outputs) for a regressor.

    See Also
    --------
    skdeep.export.onnx_feeds : builds the inputs of a raw-table model's graph
        from a table.

    Notes
    -----
    A model fitted on a raw table (``is_categorical_`` is set) gets one
    ``[None, 1]`` input per column, named as ``feature_names_in_`` (``x0``,
    ``x1``, ... for an array): numeric columns in the network's dtype (float32,
    or float64 for a model trained in float64, e.g. on a column far from 0),
    text and pandas category columns of text as strings, integer and bool
    categories as int64 (bool as 0 and 1), float categories as float64. A
    missing value is NaN in a float input, ``""``
    (:data:`~skdeep.export.MISSING_STRING`) in a string input and the
    smallest int64 (:data:`~skdeep.export.MISSING_INT64`) in an int64 input;
    :func:`~skdeep.export.onnx_feeds` writes them. The graph does what
    ``predict`` does: a gap gets its column's ``fill_values_`` entry and,
    where training had gaps, its missing indicator; a category gets its
    first-layer row (an ai.onnx.ml LabelEncoder, then Gather, added into the
    first layer: the one-hot table is never built), an unseen or rare one
    the 'other' row, a missing one the 'missing' row. The outputs are in the
    network's dtype. Refused, with the fix in the message: categories of
    mixed types, an empty-string category (it would read as missing), and
    float categories float32 cannot tell apart.

    Raises
    ------
    ImportError
        If skl2onnx or onnx is not installed.
    ValueError
        If the model is not fitted or holds something ONNX cannot express.

    Examples
    --------
    >>> import numpy as np, onnxruntime
    >>> from skdeep import DeepClassifier, to_onnx
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 4)).astype(np.float32)
    >>> y = np.where(X[:, 0] > 0, "yes", "no")
    >>> model = DeepClassifier((16,), max_iter=20, random_state=0).fit(X, y)
    >>> onx = to_onnx(model, X[:1])
    >>> session = onnxruntime.InferenceSession(onx.SerializeToString())
    >>> labels, probabilities = session.run(None, {"X": X[:3]})
    >>> bool((labels == model.predict(X[:3])).all())
    True
    >>> bool(np.allclose(probabilities, model.predict_proba(X[:3]), rtol=1e-5))
    True

    A raw table: one input per column; an unseen city and gaps are served.

    >>> import pandas as pd
    >>> from skdeep.export import onnx_feeds
    >>> table = pd.DataFrame({"age": rng.normal(40, 12, 100),
    ...                       "city": rng.choice(["oslo", "rome"], 100)})
    >>> table.loc[::10, "age"] = np.nan
    >>> buyer = DeepClassifier((8,), max_iter=20, random_state=0).fit(
    ...     table, table["city"] == "oslo")
    >>> session = onnxruntime.InferenceSession(to_onnx(buyer).SerializeToString())
    >>> [(i.name, i.type) for i in session.get_inputs()]
    [('age', 'tensor(float)'), ('city', 'tensor(string)')]
    >>> rows = pd.DataFrame({"age": [30.0, np.nan], "city": ["paris", None]})
    >>> labels, probabilities = session.run(None, onnx_feeds(session, rows))
    >>> bool((labels == buyer.predict(rows)).all())
    True
    >>> bool(np.allclose(probabilities, buyer.predict_proba(rows), rtol=1e-5))
    True
    """
    skl2onnx = _import_skl2onnx("skdeep.to_onnx")
    from ._inputs import convert

    if path is not None:
        from ..files import check_writable

        check_writable(path)
    onnx_model = convert(skl2onnx, model, X_sample, options=options,
                         target_opset=TARGET_OPSET if target_opset is None
                         else target_opset)
    if path is not None:
        from ..files import atomic_write

        with atomic_write(os.fspath(path)) as file:
            file.write(onnx_model.SerializeToString())
    return onnx_model
