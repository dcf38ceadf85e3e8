"""What every skdeep callback shares: where it may be set, which tasks it acts
on, and the one check a fit runs on its callbacks before its first epoch."""

from ..estimators.contract import fit_facts, is_skdeep_estimator, training_controls
from ._outputs import check_outputs

__all__ = ["_EpochCallback", "begin_fit"]


def begin_fit(facts):
    """The setup step of a fit's callbacks, before any training.

    Checks every callback against the fit (``facts``, the ``FitFacts`` that
    ``estimators.contract.fit_facts`` gives): ModelCheckpoint's template and
    monitor, CSVLogger's separator, every output path's directory, and that no
    two callbacks write one file and none writes a file the fit reads. Only
    then does each callback prepare for the fit. Runs once per fit, whichever
    callback asks first; ``fit``, ``partial_fit`` and ``fit_csv`` all run it.

    Raises
    ------
    ValueError
        Naming the callback, the path or template field, and the fix (an
        ``OutputPathError`` for a path).
    """
    if facts.checked:
        return
    ours = [callback for callback in facts.callbacks
            if isinstance(callback, _EpochCallback)]
    outputs = [output for callback in ours for output in callback._outputs(facts)]
    check_outputs(outputs, facts.inputs)
    facts.checked = True
    for callback in ours:
        callback._fit_begins(facts)


class _EpochCallback:
    """Checks where it is set; subclasses act on the epochs' hooks."""

    def setup(self, estimator, context):
        if not is_skdeep_estimator(estimator):
            raise TypeError(
                f"{type(self).__name__} works on DeepClassifier and DeepRegressor; "
                f"it was set on {type(estimator).__name__}. Set it on the skdeep "
                "estimator itself (for a Pipeline, on its final step)."
            )

    def teardown(self, estimator, context):
        """Nothing to release."""

    def on_fit_task_begin(self, estimator, context):
        facts = fit_facts(context)
        if facts is not None:  # the fit's root task: nothing has trained yet
            begin_fit(facts)
            return
        controls = training_controls(context)
        if controls is not None:
            self._epoch_begins(controls)

    def _outputs(self, facts):
        """Hook: check this callback against the fit; return its ``Output``s."""
        return ()

    def _fit_begins(self, facts):
        """Hook: prepare for a fit that passed every check."""

    def _epoch_begins(self, controls):
        """Hook: act before an epoch."""
