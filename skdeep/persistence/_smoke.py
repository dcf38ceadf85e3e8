"""The last check of ``load``: the model predicts on one valid input row.

The row is built from the model's own fitted values (a mean, a known category,
an imputation statistic), so it is valid input for any model that saved
correctly, and lies where the model was fitted, so a sound network cannot
overflow on it. Each Pipeline step's output width must also be what the next
step was fitted on.
"""

import contextlib
import warnings

import numpy as np

from ..exceptions import ModelFileError
from ._codec import expect

__all__ = ["smoke_predict"]


def example_values(est):
    """One valid input value per feature of ``est``: a float array where every
    value is a number (no Python object per feature: a network may take 2**28
    inputs), else a list."""
    name = type(est).__name__
    n = est.n_features_in_
    if name == "StandardScaler" and est.mean_ is not None:
        return np.nan_to_num(est.mean_)
    if name == "MinMaxScaler":
        return est.data_min_
    if name == "OneHotEncoder":
        return [categories[0] for categories in est.categories_]
    if name == "SimpleImputer":
        return [0.0 if isinstance(v, float) and v != v else v
                for v in est.statistics_.tolist()]
    if name == "Pipeline":
        first = next((step for _, step in est.steps
                      if step not in (None, "passthrough")), None)
        return np.zeros(n) if first is None else example_values(first)
    if name == "ColumnTransformer":
        values = [0.0] * n
        for part, transformer, _ in est.transformers_:
            if not isinstance(transformer, str):
                rows = est._transformer_to_input_indices[part]
                for i, value in zip(rows, example_values(transformer)):
                    values[i] = value
        return values
    # a skdeep network: zeros in its own dtype, which predict takes as they are
    return np.zeros(n, dtype=est.coefs_[0].dtype if hasattr(est, "coefs_")
                    else np.float64)


def _example_input(est):
    values = example_values(est)
    names = getattr(est, "feature_names_in_", None)
    if names is not None:
        import pandas as pd

        return pd.DataFrame({column: [value] for column, value in zip(names, values)})
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.reshape(1, -1)
    numeric = all(isinstance(v, (int, float, np.number)) for v in values)
    return np.array([values], dtype=float if numeric else object)


def _check_widths(pipeline, X, where):
    for (name, step), (following, _) in zip(pipeline.steps, pipeline.steps[1:]):
        if step in (None, "passthrough"):
            continue
        X = step.transform(X)
        expected = getattr(pipeline.named_steps[following], "n_features_in_", None)
        expect(expected is None or X.shape[1] == expected, where,
               f"step {name!r} outputs {X.shape[1]} columns, but step "
               f"{following!r} was fitted on {expected}.")


def _parts(est):
    """``est`` and every estimator inside it (Pipeline steps, ColumnTransformer
    transformers, fitted and as given)."""
    yield est
    children = [step for _, step in getattr(est, "steps", ())]
    for attribute in ("transformers", "transformers_"):
        children += [part for _, part, _ in getattr(est, attribute, None) or ()]
    for child in children:
        if not isinstance(child, str) and child is not None:
            yield from _parts(child)


@contextlib.contextmanager
def _in_this_process(model):
    """No worker processes for the smoke row: every n_jobs is None meanwhile."""
    saved = [(part, part.n_jobs) for part in _parts(model)
             if "n_jobs" in vars(part)]
    for part, _ in saved:
        part.n_jobs = None
    try:
        yield
    finally:
        for part, jobs in saved:
            part.n_jobs = jobs


def smoke_predict(model):
    """Predict one example row; any failure means the file is inconsistent.
    The row runs in this process: loading never starts workers."""
    if not hasattr(model, "n_features_in_"):
        return  # unfitted: nothing to run
    where = f"object<{type(model).__name__}>"
    try:
        X = _example_input(model)
        with warnings.catch_warnings(), _in_this_process(model):
            warnings.simplefilter("ignore")
            if type(model).__name__ == "Pipeline":
                _check_widths(model, X, where)
            prediction = model.predict(X)
    except ModelFileError:
        raise
    except Exception as error:  # noqa: BLE001 - every failure means a bad file
        raise ModelFileError(
            f"model file: {where}: the loaded model fails on a valid input row "
            f"({type(error).__name__}: {error}); its fitted values contradict "
            "each other.") from None
    expect(len(prediction) == 1, where, "the model does not predict one row.")
