"""``skdeep demo`` and ``skdeep datasets``: the bundled data, trained and listed."""

from pathlib import Path

import numpy as np

from ._io import CLIError, check_outputs, write_csv
from ._train import build_model, fit_and_report, held_out_scores, split

__all__ = ["run_datasets", "run_demo"]


def _loaders():
    from ..datasets import load_shot_log, load_transactions

    return {"shot_log": load_shot_log, "transactions": load_transactions}


def run_demo(args=None):
    """Train a regressor on transactions and a classifier on the shot log, each
    judged against what it must beat."""
    loaders = _loaders()
    _demo_customers(loaders["transactions"])
    _demo_shots(loaders["shot_log"])
    return 0


def _demo_customers(loader):
    """A network that clearly learns: R^2 against the mean and a linear model."""
    from sklearn.linear_model import LinearRegression

    print("== Customers: how many transactions next year? (DeepRegressor, "
          "2 hidden layers of 100 ReLU units)")
    X, y = loader(return_X_y=True, as_frame=True)
    customers = build_model("regression", [], hidden_layer_sizes=(100, 100),
                            learning_rate_init=0.01, max_iter=200,
                            early_stopping=True, random_state=0, verbose=1)
    _, scores = fit_and_report(customers, X, y, task="regression")
    linear_scores = _held_out_scores_quietly(LinearRegression(), X, y)
    print(f"held-out R^2 of LinearRegression: {linear_scores['R^2']:.4f} (the "
          f"network's {scores['R^2']:.4f} comes from the feature interactions a "
          "linear model cannot represent; always predicting the mean scores about 0)")


def _demo_shots(loader):
    """The lecture's classifier on noisy shots, against the majority class and
    the ceiling: the simulation's own probabilities."""
    from ..datasets import shot_probability

    print("\n== Basketball shots: will the shot go in? (DeepClassifier, "
          "3 hidden layers of 100 ReLU units, as in the lecture)")
    X, y = loader(return_X_y=True, as_frame=True)
    # a small step size: these 2,400 noisy shots are fitted within one epoch
    # at Adam's default 0.001, and the curve would show nothing being learned
    shots = build_model("classification", [], hidden_layer_sizes=(100, 100, 100),
                        learning_rate_init=0.0001, max_iter=100,
                        early_stopping=True, random_state=0, verbose=1)
    _, scores = fit_and_report(shots, X, y, task="classification")
    print("(the lecture's model reads 10 columns, so its first layer has 1,100 "
          "parameters and the total is 21,502; the bundled shot log has 5, "
          "hence 600 and 21,002)")
    _, X_test, _, y_test = split(X, y, "classification", 0.2, 0)
    ceiling = float(np.mean((shot_probability(X_test) > 0.5) == y_test))
    floor = next(value for name, value in scores.items() if "always" in name)
    gap = (scores["accuracy"] - floor) / (ceiling - floor)
    print(f"held-out accuracy of the simulation's true shot probabilities: "
          f"{ceiling:.4f}, the ceiling: no model can expect better on such noisy "
          f"shots; the network closes {gap:.0%} of the gap from always "
          f"predicting the majority ({floor:.4f}) to it")


def _held_out_scores_quietly(model, X, y):
    """Regression scores of any model on the same split fit_and_report uses."""
    X_train, X_test, y_train, y_test = split(X, y, "regression", 0.2, 0)
    model.fit(X_train, y_train)
    return held_out_scores(model, X_test, y_test, y_train, "regression")


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
