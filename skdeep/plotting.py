"""Training-history plots in scikit-learn's Display style.

matplotlib is an optional dependency (``pip install 'scikit-deep[plot]'``); it is
imported only when something is drawn, so ``import skdeep.plotting`` always works.
"""

from ._pipelines import describe, final_estimator

__all__ = ["HistoryDisplay", "pyplot"]

_INSTALL_HINT = (
    "skdeep.plotting needs matplotlib, which is not installed. "
    "Install it with: pip install 'scikit-deep[plot]'"
)


def pyplot():
    """``matplotlib.pyplot``, imported on first use, or an ImportError that
    says how to install matplotlib (an optional dependency).

    Returns
    -------
    module
        ``matplotlib.pyplot``.

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message gives the pip command.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeep.plotting import pyplot
    >>> plt = pyplot()
    >>> figure, ax = plt.subplots()
    >>> plt.close(figure)
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    return plt


class HistoryDisplay:
    """Learning curves of one training run: loss and validation metrics per epoch.

    Create it with :meth:`from_estimator` from a fitted
    :class:`~skdeep.DeepClassifier` / :class:`~skdeep.DeepRegressor` (or a
    Pipeline ending in one), or directly from a ``history_`` dict and call
    :meth:`plot`. Training and validation loss share the left axis; the
    validation score (accuracy or R^2), when recorded, gets a right-hand axis.

    Parameters
    ----------
    history : dict of list of float
        Per-epoch values, as in the estimators' ``history_``: ``'loss'`` and
        optionally ``'val_loss'`` and one score such as ``'val_accuracy'``.
    estimator_name : str, default=None
        Used in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes with the losses.
    score_ax_ : matplotlib Axes or None
        The twin axes with the validation score, if there is one.
    figure_ : matplotlib Figure
    lines_ : dict of str to matplotlib Line2D
        One line per history key that was drawn.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against training size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from skdeep import DeepClassifier
    >>> from skdeep.plotting import HistoryDisplay
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = DeepClassifier((16,), max_iter=30, early_stopping=True,
    ...                      random_state=0).fit(X, y)
    >>> display = HistoryDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['loss', 'val_accuracy', 'val_loss']
    >>> list(display.lines_["loss"].get_ydata()) == clf.history_["loss"]
    True
    """

    def __init__(self, history, *, estimator_name=None):
        self.history = history
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the ``history_`` of a fitted estimator or Pipeline.

        Parameters
        ----------
        estimator : fitted DeepClassifier, DeepRegressor or Pipeline ending in one
        ax : matplotlib Axes, default=None
            Axes to draw the losses on; a new figure when None.
        name : str, default=None
            Title; the estimator's class name when None.

        Returns
        -------
        display : HistoryDisplay
        """
        pyplot()  # fail early, before inspecting the estimator
        model = final_estimator(estimator)
        history = getattr(model, "history_", None)
        if history is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"HistoryDisplay needs a fitted skdeep estimator with a history_ "
                f"attribute; got an unfitted or unsupported "
                f"{describe(estimator)}. Call fit first."
            )
        name = type(model).__name__ if name is None else name
        return cls(history, estimator_name=name).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw the losses on; a new figure when None.

        Returns
        -------
        display : HistoryDisplay
            Itself, with ``ax_``, ``score_ax_``, ``figure_`` and ``lines_`` set.
        """
        plt = pyplot()
        if ax is None:
            _, ax = plt.subplots()
        losses = [key for key in ("loss", "val_loss") if self.history.get(key)]
        scores = [key for key in self.history
                  if key.startswith("val_") and key != "val_loss" and self.history[key]]
        self.lines_ = {}
        for key in losses:
            self.lines_[key] = self._line(ax, key, color=f"C{len(self.lines_)}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.score_ax_ = None
        if scores:
            self.score_ax_ = ax.twinx()
            for key in scores:
                self.lines_[key] = self._line(self.score_ax_, key, linestyle="--",
                                              color=f"C{len(self.lines_)}")
            self.score_ax_.set_ylabel(", ".join(scores))
        handles = list(self.lines_.values())
        ax.legend(handles, [line.get_label() for line in handles], loc="center right")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _line(self, ax, key, **style):
        values = self.history[key]
        epochs = range(1, len(values) + 1)
        (line,) = ax.plot(epochs, values, label=key, **style)
        return line
