"""The trained engine: what training produces and continues from."""

from typing import NamedTuple

import numpy as np

from ..network import MLP
from .settings import TrainingState

__all__ = ["Engine"]


class Engine(NamedTuple):
    """A network with everything that continues its training.

    :func:`fit_stochastic` and :func:`fit_lbfgs` train one; an estimator keeps
    the fitted one and hands it out through
    :func:`skdeep.estimators.contract.fitted_engine` (persistence saves it and
    rebuilds it).

    Attributes
    ----------
    network : MLP
        The network, its flat parameter vector and per-layer views.
    optimizer : SGD, Adam, AdamW or None
        The optimizer with its step count and moments; None for L-BFGS, which
        keeps no state between fits.
    state : TrainingState
        The history, epoch and sample counts, best weights and early-stopping
        counters of the run so far.
    rng : numpy.random.Generator
        The generator that shuffles, splits and drops out in the next epoch.
    """

    network: MLP
    optimizer: object
    state: TrainingState
    rng: np.random.Generator
