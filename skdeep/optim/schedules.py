"""Learning-rate schedules shared by every stochastic optimizer."""

__all__ = ["LearningRateSchedule"]

MIN_ADAPTIVE_RATE = 1e-6


class LearningRateSchedule:
    """Sets ``optimizer.learning_rate`` between epochs.

    - ``'constant'``: the initial rate throughout.
    - ``'invscaling'``: ``initial / (samples_seen + 1) ** power_t`` after each epoch.
    - ``'adaptive'``: divide the rate by ``factor`` each time the monitored
      quantity stops improving (like Keras' ReduceLROnPlateau); once the rate is
      at or below 1e-6 the plateau ends training instead.

    Parameters
    ----------
    kind : {'constant', 'invscaling', 'adaptive'}
    initial_rate : float
    power_t : float, default=0.5
    factor : float, default=5.0
    """

    def __init__(self, kind, initial_rate, *, power_t=0.5, factor=5.0):
        self.kind, self.initial_rate = kind, initial_rate
        self.power_t, self.factor = power_t, factor

    def epoch_end(self, optimizer, samples_seen):
        """Update the rate after an epoch that brought ``samples_seen`` in total."""
        if self.kind == "invscaling":
            optimizer.learning_rate = (
                self.initial_rate / (samples_seen + 1) ** self.power_t
            )

    def on_plateau(self, optimizer):
        """React to a plateau; return True when training should stop."""
        if self.kind != "adaptive" or optimizer.learning_rate <= MIN_ADAPTIVE_RATE:
            return True
        optimizer.learning_rate /= self.factor
        return False
