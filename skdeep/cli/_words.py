"""The estimators' messages, reworded in the command line's own flags.

The estimators name their Python parameters (``max_iter=200``,
``early_stopping=True``); at the command line the user types flags, so a
message that reaches the terminal says ``--max-iter`` and ``--early-stopping``
instead. Only argparse-free, import-free code: any command may use it.
"""

import re

__all__ = ["cli_words"]

# (pattern, replacement), applied in order: specific phrases before single words
_REWORDING = (
    # early stopping's hold-out on too few rows (the CLI holds out 10 %)
    (r"early_stopping's validation_fraction=[\d.]+ of", "--early-stopping's 10% "
     "hold-out of"),
    (r"(increase|lower) validation_fraction, pass X_val and y_val to fit, or set "
     r"early_stopping=False", "add rows, or pass --no-early-stopping"),
    (r"give more samples a positive weight, or pass X_val and y_val",
     "add rows, or pass --no-early-stopping"),
    # an early-stopping split that cannot be stratified (train has no X_val)
    (r"\(early_stopping='auto' holds one out above (\d+) training rows\)",
     r"(--early-stopping is on by default above \1 training rows)"),
    (r"pass X_val and y_val to fit, (?:or )?(collect more samples of "
     r"(?:that class|those classes))(?:, or set early_stopping=False)?",
     r"\1, or pass --no-early-stopping"),
    (r"pass X_val and y_val to fit, (?:or )?(?:raise|lower) validation_fraction"
     r"(?:, or set early_stopping=False)?", "add rows, or pass --no-early-stopping"),
    (r"max_iter=(\d+)", r"--max-iter \1"),
    (r"\bmax_iter\b", "--max-iter"),
    (r"set early_stopping=True", "pass --early-stopping"),
    (r"\bearly_stopping=True", "--early-stopping"),
    (r"\bearly_stopping\b", "--early-stopping"),
    (r"\blearning_rate_init\b", "--learning-rate"),
    (r"\bhidden_layer_sizes\b", "--hidden"),
    (r"\brandom_state\b", "--random-state"),
    (r"\btol=", ""),
    # fit_csv's way to leave columns out; the CLI reads every column
    (r"leave them out with columns=", "remove those columns from the file"),
    # the estimators' and fit_csv's way to make a column categorical
    (r"name it in categorical_features and read it as text in every chunk, with "
     r"read_csv_kwargs=\{'dtype': \{('[^']*'): str\}\}", r"pass --categorical \1"),
    (r"refit naming it in categorical_features", "train again with --categorical "
     "and its name"),
    (r"naming it in categorical_features", "passing --categorical with its name"),
    (r"name it in categorical_features", "pass --categorical with its name"),
)


def cli_words(message):
    """``message`` with Python parameter names replaced by the CLI's flags.

    >>> cli_words("Increase max_iter, or set early_stopping=True.")
    'Increase --max-iter, or pass --early-stopping.'
    """
    for pattern, replacement in _REWORDING:
        message = re.sub(pattern, replacement, message)
    return message
