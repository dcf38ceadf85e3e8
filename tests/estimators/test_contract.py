"""The estimators' contract with the edges (skdeep.estimators.contract): the
fitted engine handed out and taken back, and the fitted attributes export reads."""

import weakref
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdeep import load
from skdeep.estimators import DeepClassifier, DeepRegressor
from skdeep.estimators.contract import fitted_engine, install_engine, trained_params
from skdeep.training import Engine

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")
DATA = Path(__file__).resolve().parents[1] / "persistence" / "data"


def _data(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] if kind == "regressor" else (X[:, 0] > 0) * 1
    return X, y


@pytest.mark.parametrize("cls, kind", [(DeepClassifier, "classifier"),
                                       (DeepRegressor, "regressor")])
def test_an_engine_handed_out_and_taken_back_predicts_and_resumes_identically(
        cls, kind):
    X, y = _data(kind)
    params = dict(hidden_layer_sizes=(6,), max_iter=5, tol=0, random_state=0)
    original = cls(**params).fit(X, y)
    engine = fitted_engine(original)
    assert isinstance(engine, Engine)
    rebuilt = cls(**params)
    for name in ("n_features_in_", "classes_", "_multilabel", "_one_hot",
                 "target_offset_", "target_scale_", "input_offset_",
                 "input_scale_", "do_early_stopping_"):
        if name in vars(original):  # what fit sets before the engine exists
            setattr(rebuilt, name, vars(original)[name])
    install_engine(rebuilt, Engine(*(_copy(part) for part in engine)),
                   original.n_iter_, _copy(trained_params(original)))
    np.testing.assert_array_equal(rebuilt.predict(X), original.predict(X))
    assert rebuilt.n_iter_ == original.n_iter_
    for model in (original, rebuilt):
        model.set_params(warm_start=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(rebuilt.predict(X), original.predict(X))
    for a, b in zip(rebuilt.coefs_, original.coefs_):
        np.testing.assert_array_equal(a, b)
    assert rebuilt.loss_curve_ == original.loss_curve_


def _copy(part):
    import copy
    return copy.deepcopy(part)


@pytest.mark.parametrize("cls", [DeepClassifier, DeepRegressor])
def test_an_unfitted_estimator_has_no_engine_to_hand_out(cls):
    with pytest.raises(NotFittedError, match=cls.__name__):
        fitted_engine(cls())


@pytest.mark.parametrize("activation, sizes, expected", [
    ("relu", (5,), ("relu",)),
    ("tanh", (5, 3), ("tanh", "tanh")),
    (("relu", "tanh", "relu"), (4, 3, 2), ("relu", "tanh", "relu")),
    ("sigmoid", (3,), ("logistic",)),  # the synonym, as scikit-learn names it
])
@pytest.mark.parametrize("cls, kind", [(DeepClassifier, "classifier"),
                                       (DeepRegressor, "regressor")])
def test_activations_are_the_hidden_layers_activation_names(
        cls, kind, activation, sizes, expected):
    X, y = _data(kind)
    model = cls(hidden_layer_sizes=sizes, activation=activation, max_iter=2,
                random_state=0).fit(X, y)
    assert tuple(model.activations_) == expected
    assert len(model.activations_) == len(model.coefs_) - 1


@pytest.mark.parametrize("name", ["regressor", "classifier"])
def test_a_file_saved_before_activations_existed_has_them(name):
    """Written by main before ``activations_``: both trained relu networks."""
    model = load(DATA / f"{name}_before_input_scaling.skdeep")
    assert tuple(model.activations_) == ("relu",) * (len(model.coefs_) - 1)
    assert tuple(fitted_engine(model).network.activations) == tuple(model.activations_)


def test_a_pickle_from_before_activations_existed_has_them():
    X, y = _data("classifier")
    model = DeepClassifier(hidden_layer_sizes=(4, 3), activation="tanh",
                           max_iter=2, random_state=0).fit(X, y)
    state = model.__getstate__()
    del state["activations_"]  # what a pickle written before the change holds
    old = DeepClassifier.__new__(DeepClassifier)
    old.__setstate__(state)
    assert old.activations_ == ("tanh", "tanh")


# callbacks and cli: what the running fit gives its callbacks, and the
# estimator facts the command line needs

class _Probe:
    """A FitCallback that reads the contract on every task it hears of, and
    keeps only weak references to the tasks themselves."""

    def __init__(self, fail_at=None, keep=False):
        self.events, self.tasks, self.kept = [], [], []
        self.fail_at, self.keep = fail_at, keep

    def setup(self, estimator, context):
        """Nothing to prepare."""

    def teardown(self, estimator, context):
        """Nothing to release."""

    def _seen(self, context):
        self.tasks.append(weakref.ref(context))
        if self.keep:
            self.kept.append(context)

    def on_fit_task_begin(self, estimator, context):
        from skdeep.estimators.contract import fit_facts, training_controls

        self._seen(context)
        facts, controls = fit_facts(context), training_controls(context)
        if context.parent is None or context.task_name == "fit":
            assert controls is None
            self.events.append(("fit", facts.columns, facts.incremental))
        else:
            assert facts is None
            self.events.append(("epoch", controls.epoch))

    def on_fit_task_end(self, estimator, context):
        from skdeep.estimators.contract import training_controls

        self._seen(context)
        controls = training_controls(context)
        if controls is not None:
            self.events.append(("logs", controls.epoch, dict(controls.logs)))
            if controls.epoch == self.fail_at:
                raise RuntimeError("the callback fails mid-fit")
        return False


def _epochs(n):
    return [("epoch", i) for i in range(n)]


def test_callbacks_get_the_fits_facts_on_its_task_and_the_controls_on_each_epoch():
    pytest.importorskip("sklearn.callback")
    X, y = _data("classifier")
    probe = _Probe()
    model = DeepClassifier(hidden_layer_sizes=(4,), solver="sgd", max_iter=3,
                           tol=0, learning_rate_init=0.01, random_state=0)
    model.set_callbacks(probe).fit(X, y)
    assert [e for e in probe.events if e[0] != "logs"] == [
        ("fit", ("loss", "learning_rate"), False)] + _epochs(3)
    logs = [e for e in probe.events if e[0] == "logs"]
    assert [e[1] for e in logs] == [0, 1, 2]
    for epoch, (_, _, row) in enumerate(logs):
        assert row == {"loss": model.history_["loss"][epoch],
                       "learning_rate": 0.01}
    model.partial_fit(X, y)
    assert probe.events[-3][0] == "fit" and probe.events[-3][2] is True
    assert probe.events[-2] == ("epoch", 3)


@pytest.mark.parametrize("how", ["fit", "partial_fit", "lbfgs", "fails"])
def test_a_fit_leaves_its_tasks_to_the_garbage_collector(how):
    pytest.importorskip("sklearn.callback")
    import gc

    X, y = _data("classifier")
    probe = _Probe(fail_at=1 if how == "fails" else None)
    model = DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0,
                           solver="lbfgs" if how == "lbfgs" else "adam",
                           random_state=0).set_callbacks(probe)
    if how == "fails":
        with pytest.raises(RuntimeError, match="fails mid-fit"):
            model.fit(X, y)
    elif how == "partial_fit":
        model.partial_fit(X, y, classes=[0, 1])
    else:
        model.fit(X, y)
    gc.collect()
    assert len(probe.tasks) > 2
    assert [ref() for ref in probe.tasks] == [None] * len(probe.tasks)


@pytest.mark.parametrize("fail_at", [None, 1])
def test_after_a_fit_its_tasks_have_no_facts_or_controls(fail_at):
    pytest.importorskip("sklearn.callback")
    from skdeep.estimators.contract import fit_facts, training_controls

    X, y = _data("classifier")
    probe = _Probe(fail_at=fail_at, keep=True)
    model = DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0,
                           random_state=0).set_callbacks(probe)
    try:
        model.fit(X, y)
    except RuntimeError:
        assert fail_at == 1
    assert probe.kept
    for context in probe.kept:
        assert fit_facts(context) is None and training_controls(context) is None


def test_what_is_not_a_task_of_a_running_fit_has_no_facts_or_controls():
    from skdeep.estimators.contract import fit_facts, training_controls

    for thing in (None, object(), "fit", 3):
        assert fit_facts(thing) is None and training_controls(thing) is None


def test_each_fit_of_a_grid_search_gets_its_own_facts_and_controls():
    """Clones fitted by GridSearchCV, whose own callback (scikit-learn's
    ScoringMonitor) propagates: each clone's fit is merged into the search's
    task tree, and still sees its facts on its fit task and its epochs in order."""
    callback = pytest.importorskip("sklearn.callback")
    from sklearn.model_selection import GridSearchCV

    X, y = _data("classifier")
    probe = _Probe()
    inner = DeepClassifier(hidden_layer_sizes=(4,), tol=0, random_state=0)
    search = GridSearchCV(inner.set_callbacks(probe), {"max_iter": [2, 3]}, cv=2)
    search.set_callbacks(callback.ScoringMonitor(scoring="accuracy")).fit(X, y)
    fit = [("fit", ("loss", "learning_rate"), False)]
    expected = (fit + _epochs(2)) * 2 + (fit + _epochs(3)) * 2 + fit + _epochs(
        search.best_params_["max_iter"])
    assert [e for e in probe.events if e[0] != "logs"] == expected


def test_a_fit_inside_another_fits_epoch_keeps_each_fits_controls_apart():
    """A callback of the outer fit trains a clone during its first epoch: the
    inner fit's tasks get the inner facts and epochs, and the outer fit's next
    epochs still get the outer controls."""
    pytest.importorskip("sklearn.callback")
    from sklearn.base import clone

    X, y = _data("classifier")
    inner_probe = _Probe()
    inner = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2, tol=0,
                           random_state=1).set_callbacks(inner_probe)

    class Nesting(_Probe):
        def on_fit_task_end(self, estimator, context):
            stop = super().on_fit_task_end(estimator, context)
            if self.events[-1][:2] == ("logs", 0):
                clone(inner).fit(X, y)
            return stop

    outer_probe = Nesting()
    outer = DeepClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0,
                           random_state=0).set_callbacks(outer_probe)
    outer.fit(X, y)
    fit = [("fit", ("loss", "learning_rate"), False)]
    assert [e for e in outer_probe.events if e[0] != "logs"] == fit + _epochs(3)
    assert [e for e in inner_probe.events if e[0] != "logs"] == fit + _epochs(2)
    assert [e[2]["loss"] for e in outer_probe.events if e[0] == "logs"] == \
        outer.history_["loss"]


def test_a_skdeep_estimator_is_known_by_its_kind_not_its_name():
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline

    from skdeep.estimators.contract import is_skdeep_estimator

    assert is_skdeep_estimator(DeepClassifier())
    assert is_skdeep_estimator(DeepRegressor(max_iter=3))

    class DeepClassifierLookalike(MLPClassifier):
        pass

    for other in (MLPClassifier(), DeepClassifierLookalike(), DeepClassifier,
                  make_pipeline(DeepClassifier()), None):
        assert not is_skdeep_estimator(other)


def test_the_categorical_dtypes_are_those_from_dtype_embeds():
    import pandas as pd

    from skdeep.estimators.contract import is_categorical_dtype

    frame = pd.DataFrame({"text": ["a", "b"], "cat": pd.Categorical(["a", "b"]),
                          "flag": [True, False], "int": [1, 2], "float": [1.0, 2.5],
                          "string": pd.array(["a", "b"], dtype="string")})
    assert [name for name in frame if is_categorical_dtype(frame[name].dtype)] == [
        "text", "cat", "flag", "string"]
    model = DeepClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0,
                           categorical_features="from_dtype")
    model.fit(pd.concat([frame] * 5, ignore_index=True), [0, 1] * 5)
    assert list(model.is_categorical_) == [True, True, True, False, False, True]


def test_a_category_needs_min_category_count_rows_for_a_row_of_its_own():
    import pandas as pd

    from skdeep.estimators.contract import MIN_CATEGORY_COUNT

    values = ["common"] * MIN_CATEGORY_COUNT + ["rare"] * (MIN_CATEGORY_COUNT - 1)
    frame = pd.DataFrame({"city": values, "x": np.arange(len(values), dtype=float)})
    model = DeepRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0,
                          categorical_features=["city"]).fit(
                              frame, np.arange(len(values), dtype=float))
    assert list(model.categories_[0]) == ["common"]


@pytest.mark.parametrize("y, n_held_out, stratified", [
    ([0, 0, 1, 1, 1], 2, True),
    (["a", "b", "a", "b", "c", "c"], 3, True),
    ([0, 1, 1, 1], 2, False),  # class 0 has one row: it cannot be on both sides
    ([0, 0, 1, 1, 2, 2], 2, False),  # 2 held-out rows cannot hold 3 classes
    ([0, 0, 1, 1, 2, 2], 4, False),  # nor 2 training rows
])
def test_labels_are_stratified_on_when_every_class_fits_both_sides(
        y, n_held_out, stratified):
    from skdeep.estimators.contract import stratify_labels

    y = np.asarray(y)
    result = stratify_labels(y, n_held_out)
    assert (result is y) if stratified else (result is None)


def test_adopt_state_makes_the_original_what_the_fitted_copy_is():
    from sklearn.base import clone
    from sklearn.preprocessing import StandardScaler

    from skdeep.estimators.contract import adopt_state

    X, y = _data("classifier")
    original = DeepClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    reference = clone(original).fit(X, y)  # what a fit of the original gives
    trained = clone(original).fit(X, y)
    adopt_state(original, trained)
    assert original.n_iter_ == 3
    np.testing.assert_array_equal(original.predict_proba(X),
                                  reference.predict_proba(X))
    assert fitted_engine(original).network is fitted_engine(trained).network
    # any scikit-learn estimator: fit_csv commits its scaler the same way
    scaler = StandardScaler()
    adopt_state(scaler, StandardScaler().fit(X))
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0))
    # the state is replaced, not merged: nothing of the original's stays
    extra = DeepClassifier(max_iter=1)
    extra.leftover_ = 1
    adopt_state(extra, clone(original))
    assert not hasattr(extra, "leftover_") and not hasattr(extra, "n_iter_")


def test_unsaved_attributes_are_those_a_model_file_would_lose():
    from skdeep.estimators.contract import unsaved_attributes

    X, y = _data("classifier")
    model = DeepClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0)
    model.fit(X, y)
    public = [name for name in vars(model) if not name.startswith("_")
              and name not in model.get_params()]
    assert unsaved_attributes(model, public) == []
    model.note_, model._mine = "by hand", 1
    assert unsaved_attributes(model, public) == ["_mine", "note_"]
    assert unsaved_attributes(model, [*public, "note_"]) == ["_mine"]


def test_callbacks_of_gives_the_callbacks_set_on_an_estimator():
    from skdeep.callbacks import LambdaCallback
    from skdeep.estimators.contract import callbacks_of

    bar = LambdaCallback(on_epoch_end=lambda estimator, epoch, logs: None)
    model = DeepRegressor()
    assert callbacks_of(model) == ()
    model.set_callbacks(bar)
    assert callbacks_of(model) == (bar,)
