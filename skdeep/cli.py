"""Command line: ``skdeep demo`` trains on the bundled datasets."""

import argparse
import sys

__all__ = ["main"]


def demo():
    """Train a classifier on the shot log and a regressor on transactions."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import DeepClassifier, DeepRegressor
    from .datasets import load_shot_log, load_transactions

    print("== Basketball shots: will the shot go in? (DeepClassifier)")
    X, y = load_shot_log(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    clf = make_pipeline(StandardScaler(), DeepClassifier(
        hidden_layer_sizes=(100, 100, 100), max_iter=10, random_state=0, verbose=1))
    clf.fit(X_train, y_train)
    clf[-1].summary()
    print(f"held-out accuracy: {clf.score(X_test, y_test):.3f}")

    print("\n== Customers: how many transactions next year? (DeepRegressor)")
    X, y = load_transactions(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = make_pipeline(StandardScaler(), DeepRegressor(
        hidden_layer_sizes=(100, 100), max_iter=200, early_stopping=True,
        random_state=0, verbose=2))
    reg.fit(X_train, y_train)
    linear = make_pipeline(StandardScaler(), LinearRegression()).fit(X_train, y_train)
    print(f"held-out R^2: DeepRegressor {reg.score(X_test, y_test):.3f}, "
          f"LinearRegression {linear.score(X_test, y_test):.3f} "
          "(the network learns the interactions a linear model misses)")
    return 0


def main(argv=None):
    """Entry point of the ``skdeep`` console script."""
    parser = argparse.ArgumentParser(prog="skdeep", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="train on the bundled datasets (the default)")
    args = parser.parse_args(argv)
    if args.command in (None, "demo"):
        return demo()
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
