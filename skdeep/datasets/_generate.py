"""Deterministic generator for the bundled toy datasets.

Running ``python -m skdeep.datasets._generate`` rewrites
``skdeep/datasets/data/transactions.csv`` and ``skdeep/datasets/data/shot_log.csv``
byte-for-byte. The generating processes are documented, formula by formula, in
``skdeep/datasets/descr/*.rst``; keep the two in sync when changing anything here.

Both datasets are synthetic: no real customer or player data are involved.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

TRANSACTIONS_SEED = 7081
SHOT_LOG_SEED = 2014
N_CUSTOMERS = 2000
N_SHOTS = 3000

# Decimal places written for each column; 0 means "write as an integer".
# Fixed formatting (rather than repr) is what makes the CSVs byte-reproducible.
TRANSACTIONS_DECIMALS = {
    "age": 0,
    "bank_balance": 2,
    "retirement_status": 0,
    "number_of_children": 0,
    "number_of_existing_accounts": 0,
    "number_of_transactions": 0,
}
SHOT_LOG_DECIMALS = {
    "shot_clock": 1,
    "dribbles": 0,
    "touch_time": 1,
    "shot_dist": 1,
    "close_def_dist": 1,
    "shot_result": 0,
}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _customers(rng, n_samples):
    """Draw the five customer features (the draw order is part of the spec)."""
    age = rng.integers(18, 91, size=n_samples)
    # Retirement switches on sharply around 63, so it is "mostly those over ~62"
    # but not a deterministic function of age.
    retired = (rng.random(n_samples) < _sigmoid((age - 63) / 1.5)).astype(np.int64)
    # Savings grow with age until retirement, then plateau (log-normal balance).
    log_mean = 8.3 + 0.035 * (np.minimum(age, 65) - 18)
    balance = np.round(np.exp(rng.normal(log_mean, 0.9)), 2)
    # Children are most likely for customers in their early forties.
    p_child = 0.15 + 0.35 * np.exp(-(((age - 42) / 15) ** 2))
    children = rng.binomial(5, p_child)
    accounts = 1 + rng.binomial(7, 0.3, size=n_samples)
    return age, balance, retired, children, accounts


def expected_transactions(balance, retired, children, accounts):
    """Poisson rate of the transaction count given the customer features.

    Parameters
    ----------
    balance, retired, children, accounts : array-like
        Bank balance, 0/1 retirement status, number of children and number of
        existing accounts, as stored in ``transactions.csv``.

    Returns
    -------
    rate : ndarray of float64
        Expected ``number_of_transactions`` (the Poisson mean), at least 0.5.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.datasets._generate import expected_transactions
    >>> float(expected_transactions(np.exp(9.5), 0, 0, 3.1))
    45.0
    """
    # Balance enters through a saturating transform so that no single wealthy
    # customer dominates; its sign flips for retirees (spending down savings),
    # which is the interaction an additive model cannot represent.
    saturated = np.tanh(np.log(balance) - 9.5)
    slope = np.where(np.asarray(retired) == 1, -0.6, 1.0)
    centred_accounts = np.asarray(accounts) - 3.1
    rate = (
        45.0
        + 30.0 * slope * saturated
        + 6.0 * (np.asarray(children) - 1.5) * centred_accounts
        + 8.0 * centred_accounts
    )
    return np.maximum(rate, 0.5)


def make_transactions(n_samples=N_CUSTOMERS, seed=TRANSACTIONS_SEED):
    """Generate the synthetic bank-customer transactions table.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of customers.
    seed : int, default=TRANSACTIONS_SEED
        Seed for :func:`numpy.random.default_rng`.

    Returns
    -------
    columns : dict of str to ndarray
        Column name to values, in CSV column order (target last).

    Examples
    --------
    >>> from skdeep.datasets._generate import make_transactions
    >>> columns = make_transactions(n_samples=5)
    >>> list(columns)[-1], columns["age"].shape
    ('number_of_transactions', (5,))
    """
    rng = np.random.default_rng(seed)
    age, balance, retired, children, accounts = _customers(rng, n_samples)
    rate = expected_transactions(balance, retired, children, accounts)
    values = (age, balance, retired, children, accounts, rng.poisson(rate))
    return dict(zip(TRANSACTIONS_DECIMALS, values, strict=True))


def make_probability(shot_clock, shot_dist, close_def_dist):
    """Probability that a shot is made, a logistic function with an interaction.

    Parameters
    ----------
    shot_clock, shot_dist, close_def_dist : array-like
        Seconds left on the shot clock, shot distance in feet and distance of the
        closest defender in feet.

    Returns
    -------
    probability : ndarray of float64
        Make probability in (0, 1).

    Examples
    --------
    >>> from skdeep.datasets._generate import make_probability
    >>> open_layup = make_probability(12.0, 2.0, 6.0)
    >>> contested_layup = make_probability(12.0, 2.0, 0.5)
    >>> bool(open_layup > contested_layup)
    True
    """
    shot_dist = np.asarray(shot_dist, dtype=np.float64)
    close_def_dist = np.asarray(close_def_dist, dtype=np.float64)
    # Defender space helps, but only up to ~10 ft; beyond that the shot is open.
    space = 0.12 * np.minimum(close_def_dist, 10.0)
    # A tight defender (exp decay) hurts mostly near the rim, where he can block.
    contest = 2.0 * np.exp(-close_def_dist / 2.0) * np.maximum(1 - shot_dist / 20, 0)
    # Forced shots in the last 4 seconds of the shot clock go in less often.
    pressure = 0.9 * np.maximum((4.0 - np.asarray(shot_clock)) / 4.0, 0.0)
    return _sigmoid(0.65 - 0.08 * shot_dist + space - contest - pressure)


def make_shot_log(n_samples=N_SHOTS, seed=SHOT_LOG_SEED):
    """Generate the synthetic basketball shot log.

    Parameters
    ----------
    n_samples : int, default=3000
        Number of shots.
    seed : int, default=SHOT_LOG_SEED
        Seed for :func:`numpy.random.default_rng`.

    Returns
    -------
    columns : dict of str to ndarray
        Column name to values, in CSV column order (target last).

    Examples
    --------
    >>> from skdeep.datasets._generate import make_shot_log
    >>> columns = make_shot_log(n_samples=4)
    >>> list(columns)  # doctest: +NORMALIZE_WHITESPACE
    ['shot_clock', 'dribbles', 'touch_time', 'shot_dist', 'close_def_dist',
     'shot_result']
    """
    rng = np.random.default_rng(seed)
    shot_clock = np.round(rng.uniform(0.0, 24.0, size=n_samples), 1)
    dribbles = np.minimum(rng.negative_binomial(1, 0.3, size=n_samples), 20)
    # Each dribble takes ~0.75 s, so touch time tracks dribbles closely.
    touch = 0.6 + 0.75 * dribbles + rng.normal(0.0, 0.6, size=n_samples)
    touch_time = np.round(np.clip(touch, 0.0, 24.0), 1)
    # Two shot populations: jump shots around 20 ft and shots near the rim.
    is_jumper = rng.random(n_samples) < 0.55
    jumper_dist = rng.normal(20.0, 4.5, size=n_samples)
    rim_dist = rng.gamma(2.0, 2.0, size=n_samples)
    shot_dist = np.round(np.clip(np.where(is_jumper, jumper_dist, rim_dist), 0, 40), 1)
    # Defences sag off long-range shooters, so defender distance grows with it.
    defender = rng.gamma(2.5, 1.2, size=n_samples) + 0.08 * shot_dist
    close_def_dist = np.round(np.clip(defender, 0.0, 50.0), 1)
    probability = make_probability(shot_clock, shot_dist, close_def_dist)
    made = rng.random(n_samples) < probability
    values = (shot_clock, dribbles, touch_time, shot_dist, close_def_dist, made)
    columns = dict(zip(SHOT_LOG_DECIMALS, values, strict=True))
    columns["shot_result"] = made.astype(np.int64)
    return columns


def _format_value(value, decimals):
    if decimals == 0:
        return str(int(value))
    # Adding 0.0 turns a rounded -0.0 into 0.0, so "-0.0" never appears.
    return f"{float(value) + 0.0:.{decimals}f}"


def to_csv_bytes(columns, decimals):
    """Render columns as CSV bytes with fixed formatting and ``\\n`` line ends.

    Parameters
    ----------
    columns : dict of str to ndarray
        Column name to values, all of the same length.
    decimals : dict of str to int
        Decimal places per column; 0 writes the value as an integer.

    Returns
    -------
    content : bytes
        ASCII CSV content with a header line and a trailing newline.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.datasets._generate import to_csv_bytes
    >>> to_csv_bytes({"a": np.array([1, 2]), "b": np.array([0.5, -0.0])},
    ...              {"a": 0, "b": 2})
    b'a,b\\n1,0.50\\n2,0.00\\n'
    """
    names = list(columns)
    lines = [",".join(names)]
    for row in zip(*(columns[name] for name in names), strict=True):
        cells = (_format_value(v, decimals[n]) for n, v in zip(names, row, strict=True))
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("ascii")


def write_datasets(directory=None):
    """Write ``transactions.csv`` and ``shot_log.csv`` into ``directory``.

    Parameters
    ----------
    directory : str or pathlib.Path, default=None
        Output directory, created if missing. ``None`` means the package's own
        ``data`` directory, i.e. regenerate the shipped files.

    Returns
    -------
    paths : list of pathlib.Path
        The two files written.

    Examples
    --------
    >>> import tempfile
    >>> from skdeep.datasets._generate import write_datasets
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [path.name for path in write_datasets(tmp)]
    ['transactions.csv', 'shot_log.csv']
    """
    directory = Path(__file__).parent / "data" if directory is None else Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    outputs = {
        "transactions.csv": to_csv_bytes(make_transactions(), TRANSACTIONS_DECIMALS),
        "shot_log.csv": to_csv_bytes(make_shot_log(), SHOT_LOG_DECIMALS),
    }
    paths = []
    for name, content in outputs.items():
        path = directory / name
        # write_bytes avoids platform newline translation.
        path.write_bytes(content)
        paths.append(path)
    return paths


def main(argv=None):
    """Command-line entry point: ``python -m skdeep.datasets._generate [DIR]``."""
    argv = sys.argv[1:] if argv is None else argv
    for path in write_datasets(argv[0] if argv else None):
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
