"""``skdeep train``: a CSV in, a fitted DeepClassifier or DeepRegressor out.

The estimator takes the raw columns itself (it scales the numeric ones, learns
the categorical ones as embeddings and fills gaps); the command decides only
what a CSV needs said out loud: missing targets, stray text, identifier-like
columns, and how the gaps are filled (see ``_columns``).
"""

import warnings
from pathlib import Path

import numpy as np

from ..files import atomic_write
from ._columns import (
    check_columns,
    clean_target,
    infer_task,
    prepare_features,
)
from ._io import (
    CLIError,
    as_cli_error,
    check_outputs,
    model_format,
    read_columns,
    read_csv,
    read_target,
    save_model,
)
from ._words import cli_words

__all__ = ["build_model", "fit_and_report", "held_out_scores", "infer_task",
           "run_train", "split"]


def build_model(task, categorical, **params):
    """The network ``train`` fits on the raw columns, ``categorical`` named.

    Naming the categorical columns (even none) makes the estimator read every
    file as a table: a numeric column without gaps in training still has its
    gaps at predict filled with the training mean, as ``train`` reports.
    """
    from .. import DeepClassifier, DeepRegressor

    kind = DeepClassifier if task == "classification" else DeepRegressor
    return kind(categorical_features=list(categorical), **params)


def fit_and_report(model, X, y, *, task, test_size=0.2, random_state=0):
    """Fit on a training split, print the summary and held-out scores.

    Returns the fitted model and a dict of the held-out scores.
    """
    X_train, X_test, y_train, y_test = split(X, y, task, test_size, random_state)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with as_cli_error("training failed"):
            model.fit(X_train, y_train)
    _print_notes(caught)
    model.summary()
    scores = held_out_scores(model, X_test, y_test, y_train, task)
    for name, value in scores.items():
        print(f"held-out {name}: {value:.4f}")
    return model, scores


def split(X, y, task, test_size, random_state):
    """Train/test split, stratified when every class can be on both sides."""
    from sklearn.model_selection import train_test_split

    from ..estimators.contract import stratify_labels

    n_test = int(np.ceil(test_size * len(y)))
    if len(y) - n_test < 2 or n_test < 1:
        raise CLIError(f"{len(y)} rows are too few to hold out test_size={test_size} "
                       "and still train; add rows or change --test-size")
    stratify = stratify_labels(y, n_test) if task == "classification" else None
    return train_test_split(X, y, test_size=test_size, random_state=random_state,
                            stratify=stratify)


def _print_notes(caught):
    """One ``note:`` line per distinct warning raised while fitting."""
    for message in dict.fromkeys(str(w.message).splitlines()[0] for w in caught):
        print(f"note: {cli_words(message)}")


def held_out_scores(model, X_test, y_test, y_train, task):
    """Scores on the held-out rows, each next to a trivial baseline."""
    from sklearn.metrics import log_loss, mean_absolute_error

    if task == "classification":
        majority = y_train.mode().iloc[0]
        scores = {
            "accuracy": model.score(X_test, y_test),
            f"accuracy of always predicting '{majority}'": float(
                np.mean(y_test == majority)),
        }
        # a class seen only in the held-out rows has no probability column
        if np.isin(y_test, model.classes_).all():
            scores["log loss"] = log_loss(y_test, model.predict_proba(X_test),
                                          labels=model.classes_)
        return scores
    return {
        "R^2": model.score(X_test, y_test),
        "mean absolute error": mean_absolute_error(y_test, model.predict(X_test)),
        "mean absolute error of predicting the mean": float(
            np.mean(np.abs(y_test - y_train.mean()))),
    }


def run_train(args):
    """The ``skdeep train`` command; returns the exit status."""
    check_outputs([args.output, args.plot], overwrite=args.overwrite,
                  inputs=[args.data])
    if args.plot:
        _check_plot_path(args.plot)
    check_columns(read_columns(args.data), args)
    # checks that need only the target run before the whole file is parsed
    y, task, notes = clean_target(read_target(args.data, args.target,
                                              args.max_rows), args.task, args.data)
    # --categorical columns are read as the file's text ('01' stays '01')
    data = read_csv(args.data, max_rows=args.max_rows,
                    text_columns=args.categorical)
    X, categorical, feature_notes = prepare_features(
        data.drop(columns=[args.target]).loc[y.index], args.categorical, args.data)
    params = dict(hidden_layer_sizes=args.hidden, max_iter=args.max_iter,
                  learning_rate_init=args.learning_rate_init,
                  early_stopping=("auto" if args.early_stopping is None
                                  else args.early_stopping),
                  random_state=args.random_state,
                  verbose=0 if args.quiet else 1)
    model = build_model(task, categorical, **params)
    print(f"{type(model).__name__} ({task}) predicting {args.target!r} from "
          f"{X.shape[1] - len(categorical)} numeric (scaled) and "
          f"{len(categorical)} categorical (embedded) columns; {len(y)} rows, "
          f"{args.test_size:.0%} held out")
    for note in notes + feature_notes:
        print(f"note: {note}")
    fit_and_report(model, X, y, task=task, test_size=args.test_size,
                   random_state=args.random_state)
    save_model(model, args.output)
    print(f"saved model to {args.output} in {model_format()}")
    if args.plot:
        _save_plot(model, args.plot)
        print(f"saved training history plot to {args.plot}")
    return 0


def _check_plot_path(path):
    """Refuse --plot before training: no matplotlib, or a format it cannot write."""
    from ..plotting import pyplot

    try:
        pyplot()
    except ImportError as error:
        raise CLIError(f"--plot: {error}") from None
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in formats:
        raise CLIError(f"--plot {path}: cannot write a '{suffix}' file; use one of "
                       f"{', '.join(sorted(formats))}")


def _save_plot(model, path):
    from matplotlib.figure import Figure

    from ..plotting import HistoryDisplay

    figure = Figure(figsize=(7, 4.5), layout="constrained")
    HistoryDisplay.from_estimator(model, ax=figure.subplots())
    with atomic_write(path) as file:
        figure.savefig(file, format=Path(path).suffix.lstrip(".").lower())
