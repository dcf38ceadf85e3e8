"""``skdeep demo`` and ``skdeep datasets``: the bundled data, trained and listed."""

from pathlib import Path

from ._io import CLIError, check_outputs, write_csv
from ._train import build_pipeline, fit_and_report, held_out_scores, split

__all__ = ["run_datasets", "run_demo"]


def _loaders():
    from ..datasets import load_shot_log, load_transactions

    return {"shot_log": load_shot_log, "transactions": load_transactions}


def run_demo(args=None):
    """Train a classifier on the shot log and a regressor on transactions."""
    from sklearn.base import clone
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline

    loaders = _loaders()
    print("== Basketball shots: will the shot go in? (DeepClassifier, "
          "3 hidden layers of 100 ReLU units, as in the lecture)")
    X, y = loaders["shot_log"](return_X_y=True, as_frame=True)
    shots = build_pipeline(X, "classification", hidden_layer_sizes=(100, 100, 100),
                           max_iter=50, early_stopping=True, random_state=0,
                           verbose=1)
    fit_and_report(shots, X, y, task="classification")

    print("\n== Customers: how many transactions next year? (DeepRegressor)")
    X, y = loaders["transactions"](return_X_y=True, as_frame=True)
    customers = build_pipeline(X, "regression", hidden_layer_sizes=(100, 100),
                               learning_rate_init=0.01, max_iter=200,
                               early_stopping=True, random_state=0, verbose=1)
    _, scores = fit_and_report(customers, X, y, task="regression")
    linear = Pipeline([*clone(customers).steps[:-1], ("model", LinearRegression())])
    linear_scores = _held_out_scores_quietly(linear, X, y)
    print(f"held-out R^2 of LinearRegression: {linear_scores['R^2']:.4f} (the "
          f"network's {scores['R^2']:.4f} comes from the feature interactions a "
          "linear model cannot represent)")
    return 0


def _held_out_scores_quietly(pipeline, X, y):
    """Regression scores of any pipeline on the same split fit_and_report uses."""
    X_train, X_test, y_train, y_test = split(X, y, "regression", 0.2, 0)
    pipeline.fit(X_train, y_train)
    return held_out_scores(pipeline, X_test, y_test, y_train, "regression")


def run_datasets(args):
    """The ``skdeep datasets`` command: list the bundled data, or write CSVs."""
    loaders = _loaders()
    names = args.names or list(loaders)
    unknown = [name for name in names if name not in loaders]
    if unknown:
        raise CLIError(f"unknown dataset {unknown[0]!r}; choose from "
                       f"{', '.join(loaders)}")
    if args.write is not None:
        Path(args.write).mkdir(parents=True, exist_ok=True)
        check_outputs([Path(args.write) / f"{name}.csv" for name in names],
                      overwrite=args.overwrite, inputs=[])
    for name in names:
        bunch = loaders[name](as_frame=True)
        if args.write is None:
            n_rows, n_columns = bunch.frame.shape
            print(f"{name:<14}{n_rows:>6} rows  {n_columns} columns  target "
                  f"{bunch.target_names[0]!r}: {_title(bunch)}")
            continue
        path = Path(args.write) / f"{name}.csv"
        write_csv(bunch.frame, path)
        print(f"wrote {path}")
    return 0


def _title(bunch):
    """The DESCR's title line (the one above its ``---`` underline)."""
    lines = [line.strip() for line in bunch.DESCR.splitlines()]
    for line, underline in zip(lines, lines[1:]):
        if line and underline and set(underline) == {"-"}:
            return line
    return ""
