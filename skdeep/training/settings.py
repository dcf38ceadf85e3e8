"""What the fit loop is told to do, and what it carries between calls."""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["TrainingSettings", "TrainingState"]


@dataclass(frozen=True)
class TrainingSettings:
    """Options of one training run, already validated by the estimator layer.

    ``max_epochs`` is the number of epochs this call may run (1 for partial_fit);
    ``monitor`` is ``'loss'``, ``'val_loss'`` or ``'val_score'``; ``stop_early``
    says whether a plateau of the monitored quantity ends training; ``schedule``
    is an ``optim.LearningRateSchedule`` (used by the stochastic solvers);
    ``target_scaling`` is a ``scaling.TargetScaling`` when the network trains
    on scaled targets (losses are then recorded in y's units, while ``tol`` and
    the monitors compare the losses as trained), else None.
    """

    max_epochs: int
    batch_size: int = 200
    shuffle: bool = True
    tol: float = 1e-4
    n_iter_no_change: int = 10
    alpha: float = 0.0
    dropout: tuple = ()
    clip_norm: float | None = None
    monitor: str = "loss"
    stop_early: bool = True
    restore_best_weights: bool = False
    verbose: int = 0
    max_fun: int = 15000
    score_name: str = "val_score"
    schedule: object = None
    target_scaling: object = None

    @property
    def uses_dropout(self):
        return any(rate > 0 for rate in self.dropout)


@dataclass
class TrainingState:
    """Progress that outlives one call (warm starts and partial_fit continue it).

    ``best`` is the best monitored value so far, on a lower-is-better scale (a
    score is negated); ``best_params`` the weights at that point when kept.
    """

    n_iter: int = 0
    samples_seen: int = 0
    history: dict = field(default_factory=lambda: {"loss": []})
    best: float = np.inf
    best_loss: float = np.inf
    best_epoch: int = 0
    best_params: np.ndarray | None = None
    no_improvement_count: int = 0
    stopped_early: bool = False
    converged: bool = False
