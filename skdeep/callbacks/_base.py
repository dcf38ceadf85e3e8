"""What every skdeep callback shares: where it may be set, which tasks it acts on."""

from ..estimators._base import BaseDeep

__all__ = ["_EpochCallback", "_controls"]


def _controls(context):
    """The running fit's ``TrainingControls`` if ``context`` is an epoch task
    that ran, else None (the fit's root task, an epoch never run)."""
    return getattr(context, "_skdeep", None)


class _EpochCallback:
    """Checks where it is set; subclasses act on the epochs' hooks."""

    def setup(self, estimator, context):
        if not isinstance(estimator, BaseDeep):
            raise TypeError(
                f"{type(self).__name__} works on DeepClassifier and DeepRegressor; "
                f"it was set on {type(estimator).__name__}. Set it on the skdeep "
                "estimator itself (for a Pipeline, on its final step)."
            )

    def teardown(self, estimator, context):
        """Nothing to release."""

    def on_fit_task_begin(self, estimator, context):
        """Nothing to do when a task begins."""
