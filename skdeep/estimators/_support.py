"""The trained model bundle the fit skeleton trains and continues from."""

from typing import NamedTuple

import numpy as np

from ..network import MLP
from ..training import TrainingState


class _Model(NamedTuple):
    """What training produces and continues from (also rebuilt by persistence)."""

    network: MLP
    optimizer: object
    state: TrainingState
    rng: np.random.Generator
