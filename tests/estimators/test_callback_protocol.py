"""scikit-learn's callback protocol: task tree, data, fitted_estimator, stop,
propagation through Pipeline and GridSearchCV, clone."""

import importlib.util
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier, DeepRegressor

callback = pytest.importorskip("sklearn.callback")


class Recorder:
    """A FitCallback that records every hook call."""

    def __init__(self, stop_at=None):
        self.calls, self.stop_at = [], stop_at

    def setup(self, estimator, context):
        self.calls.append(("setup", context))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None,
                          metadata=None, fitted_estimator=None):
        self.calls.append(("begin", context, X, y, metadata, fitted_estimator))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None,
                        metadata=None, fitted_estimator=None):
        self.calls.append(("end", context, X, y, metadata, fitted_estimator))
        return (self.stop_at is not None and context.parent is not None
                and context.task_id == self.stop_at)


@pytest.fixture
def data():
    X, y = make_classification(200, 5, random_state=0)
    return X, y


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_task_tree_one_root_one_subtask_per_epoch_in_order(data, solver, fit_quietly):
    X, y = data
    recorder = Recorder()
    weight = np.linspace(0.5, 1.5, len(y))
    model = DeepClassifier(hidden_layer_sizes=(8,), solver=solver, max_iter=5,
                           random_state=0).set_callbacks(recorder)
    fit_quietly(model, X, y, sample_weight=weight)
    names = [call[0] for call in recorder.calls]
    assert names == ["setup", "begin"] + ["begin", "end"] * 5 + ["end", "teardown"]
    root = recorder.calls[1][1]
    assert root.parent is None and root.task_name == "fit" and root.max_subtasks == 5
    epochs = [call[1] for call in recorder.calls[2:-2]]
    assert all(ctx.parent is root and ctx.task_name == "epoch" for ctx in epochs)
    assert [ctx.task_id for ctx in epochs[::2]] == [0, 1, 2, 3, 4]
    assert epochs[::2] == epochs[1::2]  # each begin is ended before the next
    assert list(root) == [root, *epochs[::2]]  # the whole tree
    for _, _, X_seen, y_seen, metadata, _ in recorder.calls[1:-1]:
        # the validated data: X and weights in the dtype the network trains in
        assert X_seen is not None and np.array_equal(X_seen, X)  # the fit's X
        assert np.array_equal(y_seen, y)
        assert np.array_equal(metadata["sample_weight"], weight)


def test_fitted_estimator_predicts_with_that_epochs_weights(data, fit_quietly):
    X, y = data
    recorder = Recorder()
    fit_quietly(DeepClassifier(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
                .set_callbacks(recorder), X, y)
    ends = [call for call in recorder.calls
            if call[0] == "end" and call[1].task_name == "epoch"]
    begins = [call for call in recorder.calls
              if call[0] == "begin" and call[1].task_name == "epoch"]
    for epoch, call in enumerate(ends, start=1):
        # an independent run stopped after this many epochs
        reference = fit_quietly(DeepClassifier(hidden_layer_sizes=(8,), max_iter=epoch,
                                               random_state=0), X, y)
        snapshot = call[5]
        assert snapshot.n_iter_ == epoch
        assert np.array_equal(snapshot.predict_proba(X), reference.predict_proba(X))
        assert snapshot.history_ == reference.history_
    # the snapshot at an epoch's begin is the previous epoch's end
    assert np.array_equal(begins[1][5].predict_proba(X), ends[0][5].predict_proba(X))
    assert begins[0][5].n_iter_ == 0


def test_snapshots_do_not_disturb_the_fit(data, weights_of, fit_quietly):
    X, y = data
    plain = fit_quietly(DeepClassifier(max_iter=6, random_state=0), X, y)
    watched = fit_quietly(DeepClassifier(max_iter=6, random_state=0)
                          .set_callbacks(Recorder()), X, y)
    assert np.array_equal(weights_of(plain), weights_of(watched))
    assert plain.history_ == watched.history_


def test_lbfgs_iterations_are_the_subtasks(data, weights_of, fit_quietly):
    X, y = data
    recorder = Recorder()
    model = fit_quietly(DeepClassifier(hidden_layer_sizes=(8,), solver="lbfgs",
                                       max_iter=6,
                                       random_state=0).set_callbacks(recorder), X, y)
    epoch_ends = [call for call in recorder.calls
                  if call[0] == "end" and call[1].task_name == "epoch"]
    assert model.n_iter_ == 6
    assert [call[5].n_iter_ for call in epoch_ends] == [1, 2, 3, 4, 5, 6]
    assert np.array_equal(weights_of(epoch_ends[-1][5]), weights_of(model))


def test_a_hook_returning_true_stops_after_that_epoch(data, capsys):
    X, y = data
    model = DeepClassifier(max_iter=50, verbose=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # none: a chosen stop
        model.set_callbacks(Recorder(stop_at=2)).fit(X, y)
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3
    assert "Epoch 3: a callback asked to stop training." in capsys.readouterr().out


def test_callbacks_survive_clone_and_are_shared(data):
    recorder = Recorder()
    model = DeepRegressor().set_callbacks(recorder)
    assert clone(model)._skl_callbacks[0] is recorder


def test_set_callbacks_rejects_non_callbacks():
    with pytest.raises(TypeError, match="FitCallback protocol"):
        DeepClassifier().set_callbacks(object())


def test_no_callbacks_leaves_no_trace(data, fit_quietly):
    X, y = data
    model = fit_quietly(DeepClassifier(max_iter=2, random_state=0), X, y)
    assert not {"_skl_callbacks", "_callback_fit_ctx",
                "_skl_callbacks_to_teardown"} & set(vars(model))


def test_failing_callback_is_torn_down_and_leaves_the_model(data, weights_of,
                                                            fit_quietly):
    X, y = data
    fitted = fit_quietly(DeepClassifier(max_iter=2, warm_start=True, random_state=0), X,
                         y)
    before = weights_of(fitted)

    class Failing(Recorder):
        def on_fit_task_end(self, estimator, context, **kwargs):
            super().on_fit_task_end(estimator, context, **kwargs)
            raise RuntimeError("callback failed")

    failing = Failing()
    with pytest.raises(RuntimeError, match="callback failed"):
        fitted.set_callbacks(failing).fit(X, y)
    assert failing.calls[-1][0] == "teardown"
    assert np.array_equal(weights_of(fitted), before) and fitted.n_iter_ == 2


def _rich():
    pytest.importorskip("rich")
    return callback.ProgressBar()


def test_progress_bar_bare_pipeline_and_grid_search(data, fit_quietly):
    X, y = data
    bar = _rich()
    fit_quietly(DeepClassifier(max_iter=3, random_state=0).set_callbacks(bar), X, y)
    pipe = make_pipeline(StandardScaler(), DeepClassifier(max_iter=3, random_state=0))
    fit_quietly(pipe.set_callbacks(bar), X, y)
    pipe = make_pipeline(StandardScaler(), DeepClassifier(max_iter=3, random_state=0))
    search = GridSearchCV(pipe, {"deepclassifier__hidden_layer_sizes": [(4,), (8,)]},
                          cv=2)
    fit_quietly(search.set_callbacks(_rich()), X, y)
    assert search.best_estimator_.steps[-1][1].n_iter_ == 3


def _scores(monitor):
    data = monitor.get_logs(select="most_recent").data
    return [row for row in data if row["task_name"] == "epoch"]


def test_scoring_monitor_scores_every_epoch_bare(data, fit_quietly):
    X, y = data
    monitor = callback.ScoringMonitor(scoring="accuracy")
    fit_quietly(DeepClassifier(max_iter=4, random_state=0).set_callbacks(monitor), X, y)
    rows = _scores(monitor)
    assert [row["task_id"] for row in rows] == [0, 1, 2, 3]
    for epoch, row in enumerate(rows, start=1):
        reference = fit_quietly(DeepClassifier(max_iter=epoch, random_state=0), X, y)
        assert row["accuracy"] == reference.score(X, y)


def test_scoring_monitor_in_pipeline_and_grid_search(data, fit_quietly):
    X, y = data
    monitor = callback.ScoringMonitor(scoring="accuracy")
    pipe = make_pipeline(StandardScaler(), DeepClassifier(
        max_iter=3, random_state=0).set_callbacks(monitor))
    fit_quietly(pipe, X, y)
    rows = _scores(monitor)
    assert len(rows) == 3
    Xt = StandardScaler().fit_transform(X)
    reference = fit_quietly(DeepClassifier(max_iter=3, random_state=0), Xt, y)
    assert rows[-1]["accuracy"] == reference.score(Xt, y)
    search = GridSearchCV(pipe, {"deepclassifier__max_iter": [2, 3]}, cv=2)
    fit_quietly(search.set_callbacks(callback.ScoringMonitor(scoring="accuracy")), X, y)
    # one run: 2 candidates x 2 folds, then the refit (3 epochs)
    assert len(_scores(monitor)) == 2 * (2 + 3) + 3


def test_older_scikit_learn_gets_a_clear_error(monkeypatch):
    """Simulate scikit-learn < 1.9 (no sklearn.callback) on a fresh copy of the
    adapter module, leaving the real one alone."""
    import skdeep.estimators._callbacks as module

    monkeypatch.setitem(sys.modules, "sklearn.callback", None)
    spec = importlib.util.spec_from_file_location(
        "skdeep.estimators._callbacks_without_sklearn_callback", module.__file__)
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    assert old.CallbackSupportMixin is None

    class Estimator(old.CallbackSupport):
        pass

    with pytest.raises(ImportError, match=r"Estimator.set_callbacks needs "
                       r"scikit-learn >= 1.9.*pip install"):
        Estimator().set_callbacks(Recorder())
    with old.fit_task(Estimator(), None, None, None, 3) as hooks:
        assert hooks is old.NO_HOOKS
    with old.callback_management(Estimator()):
        pass
