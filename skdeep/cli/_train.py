"""``skdeep train``: a CSV in, a fitted preprocessing + network Pipeline out."""

import warnings
from pathlib import Path

import numpy as np

from ..files import atomic_write
from ._columns import (
    MAX_CATEGORIES,
    clean_target,
    infer_task,
    prepare_features,
    split_columns,
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

__all__ = ["build_pipeline", "fit_and_report", "held_out_scores", "infer_task",
           "run_train", "split"]


def build_pipeline(features, task, **params):
    """Scale numeric columns, one-hot encode the others, then a skdeep network.

    Only preprocessors that skdeep's model format stores are used. StandardScaler
    passes missing values through, so imputing 0 after scaling fills each numeric
    gap with its column mean; OneHotEncoder treats a missing string as a category.
    One-hot columns are bounded (``MAX_CATEGORIES`` per text column, the rarest
    categories sharing one), so memory grows linearly with the rows.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from .. import DeepClassifier, DeepRegressor

    numeric, categorical = split_columns(features)
    transformers = []
    if numeric:
        transformers.append(("numeric", StandardScaler(), numeric))
    if categorical:
        encoder = OneHotEncoder(handle_unknown="infrequent_if_exist",
                                max_categories=MAX_CATEGORIES, sparse_output=True)
        transformers.append(("categorical", encoder, categorical))
    network = (DeepClassifier if task == "classification" else DeepRegressor)(**params)
    return Pipeline([
        # dense output: its width is bounded by MAX_CATEGORIES per text column
        ("columns", ColumnTransformer(transformers, sparse_threshold=0)),
        ("impute", SimpleImputer(strategy="constant", fill_value=0.0,
                                 keep_empty_features=True)),
        ("model", network),
    ])


def fit_and_report(pipeline, X, y, *, task, test_size=0.2, random_state=0):
    """Fit on a training split, print the summary and held-out scores.

    Returns the fitted pipeline and a dict of the held-out scores.
    """
    X_train, X_test, y_train, y_test = split(X, y, task, test_size, random_state)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with as_cli_error("training failed"):
            pipeline.fit(X_train, y_train)
    _print_notes(caught)
    pipeline[-1].summary()
    scores = held_out_scores(pipeline, X_test, y_test, y_train, task)
    for name, value in scores.items():
        print(f"held-out {name}: {value:.4f}")
    return pipeline, scores


def split(X, y, task, test_size, random_state):
    """Train/test split, stratified when every class can be on both sides."""
    from sklearn.model_selection import train_test_split

    from ..estimators._labels import _stratify

    n_test = int(np.ceil(test_size * len(y)))
    if len(y) - n_test < 2 or n_test < 1:
        raise CLIError(f"{len(y)} rows are too few to hold out test_size={test_size} "
                       "and still train; add rows or change --test-size")
    stratify = _stratify(y, n_test) if task == "classification" else None
    return train_test_split(X, y, test_size=test_size, random_state=random_state,
                            stratify=stratify)


def _print_notes(caught):
    """One ``note:`` line per distinct warning raised while fitting."""
    for message in dict.fromkeys(str(w.message).splitlines()[0] for w in caught):
        print(f"note: {cli_words(message)}")


def held_out_scores(pipeline, X_test, y_test, y_train, task):
    """Scores on the held-out rows, each next to a trivial baseline."""
    from sklearn.metrics import log_loss, mean_absolute_error

    if task == "classification":
        majority = y_train.mode().iloc[0]
        scores = {
            "accuracy": pipeline.score(X_test, y_test),
            f"accuracy of always predicting '{majority}'": float(
                np.mean(y_test == majority)),
        }
        # a class seen only in the held-out rows has no probability column
        if np.isin(y_test, pipeline.classes_).all():
            scores["log loss"] = log_loss(y_test, pipeline.predict_proba(X_test),
                                          labels=pipeline.classes_)
        return scores
    return {
        "R^2": pipeline.score(X_test, y_test),
        "mean absolute error": mean_absolute_error(y_test, pipeline.predict(X_test)),
        "mean absolute error of predicting the mean": float(
            np.mean(np.abs(y_test - y_train.mean()))),
    }


def run_train(args):
    """The ``skdeep train`` command; returns the exit status."""
    check_outputs([args.output, args.plot], overwrite=args.overwrite,
                  inputs=[args.data])
    if args.plot:
        _check_plot_path(args.plot)
    _check_columns(read_columns(args.data), args)
    # checks that need only the target run before the whole file is parsed
    y, task, notes = clean_target(read_target(args.data, args.target,
                                              args.max_rows), args.task, args.data)
    data = read_csv(args.data, max_rows=args.max_rows)
    X, feature_notes = prepare_features(
        data.drop(columns=[args.target]).loc[y.index], args.categorical, args.data)
    params = dict(hidden_layer_sizes=args.hidden, max_iter=args.max_iter,
                  learning_rate_init=args.learning_rate_init,
                  early_stopping=args.early_stopping, random_state=args.random_state,
                  verbose=0 if args.quiet else 1)
    pipeline = build_pipeline(X, task, **params)
    numeric, categorical = split_columns(X)
    print(f"{type(pipeline[-1]).__name__} ({task}) predicting {args.target!r} "
          f"from {len(numeric)} numeric (scaled) and {len(categorical)} string "
          f"(one-hot) columns; {len(y)} rows, {args.test_size:.0%} held out")
    for note in notes + feature_notes:
        print(f"note: {note}")
    fit_and_report(pipeline, X, y, task=task, test_size=args.test_size,
                   random_state=args.random_state)
    save_model(pipeline, args.output)
    print(f"saved model to {args.output} in {model_format()}")
    if args.plot:
        _save_plot(pipeline, args.plot)
        print(f"saved training history plot to {args.plot}")
    return 0


def _check_columns(columns, args):
    """The target and --categorical columns exist; something else is left."""
    for name in [args.target, *args.categorical]:
        if name not in columns:
            available = ", ".join(repr(column) for column in columns)
            raise CLIError(f"{args.data}: no column {name!r}; available columns: "
                           f"{available}")
    if args.target in args.categorical:
        raise CLIError(f"--categorical {args.target!r}: that is the target; "
                       "--task classification makes the target labels")
    if len(columns) == 1:
        raise CLIError(f"{args.data}: no columns besides the target "
                       f"{args.target!r} to learn from")


def _check_plot_path(path):
    """Refuse --plot before training: no matplotlib, or a format it cannot write."""
    from ..plotting import _pyplot

    try:
        _pyplot()
    except ImportError as error:
        raise CLIError(f"--plot: {error}") from None
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in formats:
        raise CLIError(f"--plot {path}: cannot write a '{suffix}' file; use one of "
                       f"{', '.join(sorted(formats))}")


def _save_plot(pipeline, path):
    from matplotlib.figure import Figure

    from ..plotting import HistoryDisplay

    figure = Figure(figsize=(7, 4.5), layout="constrained")
    HistoryDisplay.from_estimator(pipeline, ax=figure.subplots())
    with atomic_write(path) as file:
        figure.savefig(file, format=Path(path).suffix.lstrip(".").lower())
