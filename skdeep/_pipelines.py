"""The last step of a Pipeline: the one rule save, to_onnx and the plots use
to find the model at the end of a Pipeline, nested ones included.

A leaf every unit may import: it imports nothing of skdeep nor scikit-learn
(a Pipeline is anything with a list of ``(name, step)`` pairs as ``steps``,
as scikit-learn's and imbalanced-learn's are), so each caller checks the step
it gets against its own types and raises its own error, naming the step with
:func:`describe`.
"""

__all__ = ["describe", "final_estimator", "final_step"]


def _is_pipeline(obj):
    steps = getattr(obj, "steps", None)
    return isinstance(steps, list) and len(steps) > 0


def final_step(obj):
    """(path, step): the last step of ``obj`` if it is a Pipeline, through
    nested Pipelines, and the step names leading to it (``'inner/model'``);
    ``('', obj)`` for anything else. The step may be ``'passthrough'`` or None.
    """
    path = []
    while _is_pipeline(obj):
        name, obj = obj.steps[-1]
        path.append(str(name))
    return "/".join(path), obj


def final_estimator(obj):
    """The last step of a Pipeline (through nested ones), or ``obj`` itself."""
    return final_step(obj)[1]


def describe(obj):
    """``obj`` as an error message names it: ``'LogisticRegression'``, or
    ``"Pipeline whose last step 'inner/lr' is LogisticRegression"``."""
    path, step = final_step(obj)
    kind = repr(step) if step is None or isinstance(step, str) else type(
        step).__name__
    if not path:
        return kind
    return f"{type(obj).__name__} whose last step {path!r} is {kind}"
