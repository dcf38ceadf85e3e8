"""``skdeep fit-csv``: train chunk by chunk on a CSV file larger than memory."""

__all__ = ["run_fit_csv"]


def run_fit_csv(args):
    """The ``skdeep fit-csv`` command; returns the exit status."""
    raise NotImplementedError
