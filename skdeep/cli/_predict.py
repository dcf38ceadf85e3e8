"""``skdeep predict`` and ``skdeep summary``: use and inspect a saved model."""

import difflib
import sys

import numpy as np
import pandas as pd

from ..plotting import final_estimator
from ._columns import SHOWN, missing_notes, refuse_text_in_numbers
from ._io import (
    CLIError,
    as_cli_error,
    check_outputs,
    line_numbers,
    load_model,
    read_columns,
    read_csv,
    write_csv,
)

__all__ = ["run_predict", "run_summary"]


def model_input(model, data, path):
    """The columns of ``data`` the model was trained on, in training order.

    Missing columns are an error naming them; extra columns (an ID, or the
    target when predicting on the training file) are dropped with a note.
    Text in a numeric column is an error naming its lines, as in ``train``;
    missing cells, and categories without a weight row of their own, are
    noted with how the model reads them.
    """
    expected = getattr(model, "feature_names_in_", None)
    if expected is None:  # a model trained on a plain array: match by position
        if data.shape[1] != model.n_features_in_:
            raise CLIError(f"{path}: has {data.shape[1]} columns but the model "
                           f"expects {model.n_features_in_}")
        return data.to_numpy()
    expected = [str(name) for name in expected]
    missing = [name for name in expected if name not in data.columns]
    extra = [str(name) for name in data.columns if name not in expected]
    if missing:
        unseen = f"; not seen in training: {_names(extra)}" if extra else ""
        raise CLIError(f"{path}: columns differ from training; missing "
                       f"{_guesses(missing, extra)}{unseen}")
    if extra:
        print(f"note: ignoring columns not seen in training: {_names(extra)}",
              file=sys.stderr)
    X = data[expected]
    numeric = _numeric_columns(model, expected)
    refuse_text_in_numbers(X, numeric, path)
    if _fills_gaps(model):
        categorical = [name for name in expected if name not in numeric]
        for note in missing_notes(X, categorical) + _unseen_notes(model, X):
            print(f"note: {note}", file=sys.stderr)
    return X


def _fills_gaps(model):
    """Whether the model fills missing cells: ``train``'s (a table plan, or
    the imputing pipeline of the earlier ``train``), not one trained in Python
    on complete numbers, which refuses them (the error says so)."""
    return hasattr(model, "steps") or "is_categorical_" in vars(model)


def _unseen_notes(model, X):
    """One note per categorical column holding values without a weight row of
    their own (unseen in training, or rarer than its rows), which share the
    column's 'other' row."""
    notes = []
    names = getattr(model, "feature_names_in_", None)
    if "categories_" not in vars(model) or names is None:
        return notes
    names = [str(name) for name in names]
    columns = [names[j] for j in np.flatnonzero(model.is_categorical_)]
    for name, categories in zip(columns, model.categories_):
        column = X[name]
        known = pd.Index(list(categories), dtype=object)
        other = column.notna().to_numpy() & (known.get_indexer(
            column.astype(object).to_numpy()) < 0)
        if other.any():
            rows = np.flatnonzero(other)
            cells = ", ".join(f"{column.iloc[k]!r} (line {line})" for k, line in zip(
                rows[:SHOWN], line_numbers(column.index[rows[:SHOWN]])))
            more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
            notes.append(f"{name!r}: {len(rows)} value(s) without a category of "
                         f"their own in training: {cells}{more}; read as the "
                         "column's 'other' category (unseen or rare in training)")
    return notes


def _text_columns(model, path):
    """The file's columns the model holds text categories for: read as text,
    so that categories that look like numbers ('01') stay what they were."""
    names = getattr(model, "feature_names_in_", None)
    if "categories_" not in vars(model) or names is None:
        return []
    names = [str(name) for name in names]
    columns = [names[j] for j, categories in zip(
        np.flatnonzero(model.is_categorical_), model.categories_)
        if categories.dtype == object
        and all(isinstance(value, str) for value in categories)]
    present = set(read_columns(path))
    return [name for name in columns if name in present]


def _guesses(missing, extra):
    """The missing column names, each with the unseen column it may be a typo of."""
    parts = []
    for name in missing:
        close = difflib.get_close_matches(name, extra, n=1)
        parts.append(f"{name!r}" + (f" (is {close[0]!r} that column?)" if close
                                    else ""))
    return ", ".join(parts)


def _numeric_columns(model, expected):
    """The columns the model reads as numbers: all of them, but its
    categorical ones (or those one-hot encoded by the column transformer the
    earlier ``skdeep train`` put first)."""
    if "is_categorical_" in vars(model):
        return [name for name, categorical in zip(expected, model.is_categorical_)
                if not categorical]
    first = model.steps[0][1] if hasattr(model, "steps") else None
    encoded = set()
    for _, transformer, columns in getattr(first, "transformers_", []):
        if type(transformer).__name__ == "OneHotEncoder":
            encoded.update(columns)
    return [name for name in expected if name not in encoded]


def _names(names):
    return ", ".join(map(repr, names))


def predictions_frame(model, X, proba):
    """A DataFrame of predicted labels/values, or of class probabilities."""
    if not proba:
        return pd.DataFrame({"prediction": model.predict(X)})
    if not hasattr(final_estimator(model), "predict_proba"):
        raise CLIError("--proba needs a classifier; this model is a "
                       f"{type(final_estimator(model)).__name__}")
    probabilities = model.predict_proba(X)
    columns = [f"proba_{label}" for label in model.classes_]
    return pd.DataFrame(probabilities, columns=columns)


def run_predict(args):
    """The ``skdeep predict`` command; returns the exit status."""
    check_outputs([args.output], overwrite=args.overwrite,
                  inputs=[args.model, args.data])
    model = load_model(args.model)
    data = read_csv(args.data, text_columns=_text_columns(model, args.data))
    X = model_input(model, data, args.data)
    with as_cli_error(f"{args.data}: cannot predict"):
        predictions = predictions_frame(model, X, args.proba)
    if args.output is None:
        predictions.to_csv(sys.stdout, index=False)
    else:
        write_csv(predictions, args.output)
        print(f"wrote {len(predictions)} predictions to {args.output}")
    return 0


def run_summary(args):
    """The ``skdeep summary`` command; returns the exit status."""
    model = load_model(args.model)
    network = final_estimator(model)
    for name, step in getattr(model, "steps", [])[:-1]:
        print(f"{name}: {_describe(step)}")
    network.summary()
    history = network.history_
    line = f"trained {len(history['loss'])} epochs"
    if history["loss"]:  # empty when training diverged in its first epoch
        line += f"; final loss {history['loss'][-1]:.4f}"
    for key, values in history.items():
        if key != "loss" and values:
            line += f"; best {key} {_best(key, values):.4f}"
    print(line)
    if hasattr(network, "classes_"):
        print(f"classes: {', '.join(map(str, network.classes_))}")
    return 0


def _best(key, values):
    return np.nanmin(values) if key.endswith("loss") else np.nanmax(values)


def _describe(step):
    """One line per preprocessing step: what it does to which columns."""
    transformers = getattr(step, "transformers_", None)
    if transformers is None:
        return type(step).__name__
    parts = [f"{type(transformer).__name__} on {', '.join(map(str, columns))}"
             for _, transformer, columns in transformers
             if not isinstance(transformer, str)]
    return "; ".join(parts)
