"""The one setup step of a fit's callbacks: every output path, template and
separator is checked against the others and against the fit's inputs before
the first epoch, on fit, partial_fit and fit_csv alike."""

import os

import numpy as np
import pandas as pd
import pytest

from skdeep import CSVLogger, LambdaCallback, ModelCheckpoint
from skdeep.files import OutputPathError
from skdeep.streaming import fit_csv

pytest.importorskip("sklearn.callback")
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def training_csv(tmp_path, small_data):
    X, y = small_data
    path = tmp_path / "data.csv"
    pd.DataFrame(X, columns=list("abcd")).assign(y=y).to_csv(path, index=False)
    return path


class _Epochs(LambdaCallback):
    """Counts the epochs that ran."""

    def __init__(self):
        super().__init__(lambda model, epoch, logs: self.ran.append(epoch))
        self.ran = []


# -- item 1: no callback writes a file the fit reads -----------------------------
@pytest.mark.parametrize("make", [
    lambda path: ModelCheckpoint(path, monitor="loss"),
    lambda path: ModelCheckpoint(path, save_best_only=False),
    lambda path: CSVLogger(path),
])
def test_fit_csv_refuses_a_callback_writing_the_training_csv(training_csv, make,
                                                             callback_model):
    before = training_csv.read_bytes()
    model = callback_model(make(training_csv))
    with pytest.raises(OutputPathError, match="data.csv is also a file this fit "
                       "reads"):
        fit_csv(model, training_csv, target="y", chunksize=40)
    assert training_csv.read_bytes() == before
    assert not hasattr(model, "history_")


def test_the_same_file_under_another_name_is_refused(training_csv, tmp_path,
                                                     callback_model):
    before = training_csv.read_bytes()
    (tmp_path / "sub").mkdir()
    spellings = [tmp_path / "sub" / ".." / "data.csv"]
    os.symlink(training_csv, tmp_path / "link.csv")
    spellings.append(tmp_path / "link.csv")
    os.link(training_csv, tmp_path / "hard.csv")
    spellings.append(tmp_path / "hard.csv")
    for path in spellings:
        with pytest.raises(OutputPathError, match="also a file this fit reads"):
            fit_csv(callback_model(CSVLogger(path)), training_csv, target="y")
    assert training_csv.read_bytes() == before


def test_a_template_that_can_name_the_training_csv_is_refused(tmp_path, small_data,
                                                              callback_model):
    X, y = small_data
    path = tmp_path / "data1.csv"
    pd.DataFrame(X, columns=list("abcd")).assign(y=y).to_csv(path, index=False)
    checkpoint = ModelCheckpoint(tmp_path / "data{epoch}.csv", monitor="loss")
    with pytest.raises(OutputPathError, match="data1.csv"):
        fit_csv(callback_model(checkpoint), path, target="y")


def test_fit_refuses_to_write_a_memory_mapped_input(tmp_path, small_data,
                                                    callback_model):
    X, y = small_data
    path = tmp_path / "X.npy"
    np.save(path, X)
    before = path.read_bytes()
    mapped = np.load(path, mmap_mode="r")
    model = callback_model(ModelCheckpoint(path, monitor="loss"))
    with pytest.raises(OutputPathError, match="X.npy is also a file this fit reads"):
        model.fit(mapped[:100], y[:100])
    assert path.read_bytes() == before


# -- item 3: two callbacks on one file -------------------------------------------
@pytest.mark.parametrize("pair", [
    lambda p: (ModelCheckpoint(p, monitor="loss"), CSVLogger(p)),
    lambda p: (CSVLogger(p), CSVLogger(p)),
    lambda p: (ModelCheckpoint(p, monitor="loss"),
               ModelCheckpoint(p, save_best_only=False)),
    lambda p: (CSVLogger(p), ModelCheckpoint(os.path.join(
        os.path.dirname(p), "..", os.path.basename(os.path.dirname(p)),
        os.path.basename(p)), monitor="loss")),
    lambda p: (ModelCheckpoint(p + "-{epoch}", monitor="loss"),
               CSVLogger(p + "-2")),
    lambda p: (ModelCheckpoint(p + "-{epoch}", monitor="loss"),
               ModelCheckpoint(p + "-{epoch}", save_best_only=False)),
])
def test_two_callbacks_on_one_file_are_refused_before_training(tmp_path, small_data,
                                                              pair, callback_model):
    X, y = small_data
    epochs = _Epochs()
    model = callback_model(*pair(str(tmp_path / "out")), epochs)
    with pytest.raises(OutputPathError, match="both write .*own file"):
        model.fit(X, y)
    assert epochs.ran == [] and not hasattr(model, "history_")
    assert os.listdir(tmp_path) == []


def test_distinct_files_are_accepted(tmp_path, small_data, callback_model):
    X, y = small_data
    checkpoint = ModelCheckpoint(tmp_path / "m-{epoch}.skdeep", monitor="loss")
    model = callback_model(checkpoint, CSVLogger(tmp_path / "log.csv"),
                           ModelCheckpoint(tmp_path / "last.skdeep",
                                           save_best_only=False))
    model.fit(X, y)
    assert sorted(os.listdir(tmp_path)) == ["last.skdeep", "log.csv",
                                            "m-1.skdeep", "m-2.skdeep", "m-3.skdeep"]


def test_partial_fit_runs_the_same_checks(tmp_path, small_data, callback_model):
    X, y = small_data
    path = str(tmp_path / "out")
    model = callback_model(ModelCheckpoint(path, monitor="loss"), CSVLogger(path))
    with pytest.raises(OutputPathError, match="both write"):
        model.partial_fit(X, y, classes=[0, 1])
    assert not hasattr(model, "history_")


# -- item 21: templates and separators, at setup ---------------------------------
@pytest.mark.parametrize("template, match", [
    ("m-{val_loss:.3f}.skdeep", r"has the field \{val_loss\}, which this fit "
                                r"does not log; it may name \['epoch', 'loss', "
                                r"'learning_rate'\]"),
    ("m-{}.skdeep", r"has a positional field \{\}"),
    ("m-{1}.skdeep", r"has a positional field \{1\}"),
    ("m-{loss:d}.skdeep", r"cannot format the field \{loss:d\} \(loss is a float\)"),
    ("m-{epoch:.x}.skdeep", r"cannot format the field \{epoch:\.x\}"),
    ("m-{epoch.real.nope}.skdeep", r"cannot format the field \{epoch\.real\.nope\}"),
    ("m-{epoch.skdeep", r"is not a valid format string"),
    ("m-}{epoch}.skdeep", r"is not a valid format string"),
])
def test_a_bad_template_is_refused_before_training(tmp_path, small_data, template,
                                                   match, callback_model):
    X, y = small_data
    epochs = _Epochs()
    model = callback_model(ModelCheckpoint(tmp_path / template, monitor="loss"), epochs)
    with pytest.raises(ValueError, match="ModelCheckpoint: the path template .*"
                       + match):
        model.fit(X, y)
    assert epochs.ran == [] and os.listdir(tmp_path) == []


def test_a_template_in_a_missing_directory_is_refused_before_training(tmp_path,
                                                                      small_data,
                                                                      callback_model):
    X, y = small_data
    epochs = _Epochs()
    model = callback_model(ModelCheckpoint(tmp_path / "nope" / "m-{epoch}.skdeep",
                                           monitor="loss"), epochs)
    with pytest.raises(OutputPathError, match="does not exist"):
        model.fit(X, y)
    assert epochs.ran == []


def test_templates_format_every_logged_field(tmp_path, small_data, callback_model):
    X, y = small_data
    template = "m-{epoch:02d}-{loss:.2f}-{val_loss:.2f}-{val_accuracy:.2f}-" \
               "{learning_rate:g}.skdeep"
    checkpoint = ModelCheckpoint(tmp_path / template, save_best_only=False)
    model = callback_model(checkpoint, max_iter=2).fit(X[:80], y[:80], X_val=X[80:],
                                                       y_val=y[80:])
    history = model.history_
    expected = {f"m-{e + 1:02d}-{history['loss'][e]:.2f}-"
                f"{history['val_loss'][e]:.2f}-{history['val_accuracy'][e]:.2f}-"
                "0.001.skdeep" for e in range(2)}
    assert set(os.listdir(tmp_path)) == expected


@pytest.mark.parametrize("separator", ["", ";;", '"', "\n", "\r", 44])
def test_a_bad_separator_is_refused_before_training(tmp_path, small_data, separator,
                                                    callback_model):
    X, y = small_data
    epochs = _Epochs()
    model = callback_model(CSVLogger(tmp_path / "log.csv", separator=separator), epochs)
    with pytest.raises(ValueError, match="CSVLogger: separator must be one "
                       "character"):
        model.fit(X, y)
    assert epochs.ran == [] and os.listdir(tmp_path) == []


def test_a_tab_separator_writes_a_tab_separated_log(tmp_path, small_data,
                                                    callback_model):
    X, y = small_data
    path = tmp_path / "log.tsv"
    model = callback_model(CSVLogger(path, separator="\t")).fit(X, y)
    frame = pd.read_csv(path, sep="\t")
    assert list(frame.columns) == ["epoch", "loss", "learning_rate"]
    assert frame["loss"].tolist() == model.history_["loss"]


# -- item 19: the monitor matters only when it is used ---------------------------
def test_save_every_epoch_needs_no_validation_set(tmp_path, small_data, callback_model):
    X, y = small_data
    path = tmp_path / "m-{epoch}.skdeep"
    checkpoint = ModelCheckpoint(path, save_best_only=False)  # monitor val_loss
    callback_model(checkpoint).fit(X, y)
    assert checkpoint.saved_epoch_ == 2
    assert sorted(os.listdir(tmp_path)) == ["m-1.skdeep", "m-2.skdeep", "m-3.skdeep"]


def test_a_missing_monitor_is_refused_before_training(tmp_path, small_data,
                                                      callback_model):
    X, y = small_data
    epochs = _Epochs()
    model = callback_model(ModelCheckpoint(tmp_path / "best.skdeep"), epochs)
    with pytest.raises(ValueError, match="monitor='val_loss' is not among this "
                       "fit's metrics.*save_best_only=False"):
        model.fit(X, y)
    assert epochs.ran == [] and not hasattr(model, "history_")


def test_braces_in_a_log_path_are_literal_and_escaped_ones_in_a_template(tmp_path,
                                                                         small_data,
                                                                         callback_model):
    X, y = small_data
    log = tmp_path / "log{1}.csv"  # CSVLogger never formats its path
    callback_model(CSVLogger(log), ModelCheckpoint(tmp_path / "m{{x}}.skdeep",
                                                   monitor="loss")).fit(X, y)
    assert sorted(os.listdir(tmp_path)) == ["log{1}.csv", "m{x}.skdeep"]
    # the template's file is m{x}.skdeep: the same file as this log
    model = callback_model(CSVLogger(tmp_path / "m{x}.skdeep"),
                           ModelCheckpoint(tmp_path / "m{{x}}.skdeep", monitor="loss"))
    with pytest.raises(OutputPathError, match="both write"):
        model.fit(X, y)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("validation", [False, True])
def test_the_checked_fields_are_the_logged_ones(tmp_path, small_data, solver,
                                                validation, callback_model):
    X, y = small_data
    rate = "" if solver == "lbfgs" else "-{learning_rate}"
    scores = "-{val_loss}-{val_accuracy}" if validation else ""
    template = str(tmp_path / f"m-{{epoch}}-{{loss}}{scores}{rate}.skdeep")
    log = tmp_path / "log.csv"
    model = callback_model(ModelCheckpoint(template, save_best_only=False),
                           CSVLogger(log), solver=solver, max_iter=2)
    kwargs = {"X_val": X[80:], "y_val": y[80:]} if validation else {}
    model.fit(X[:80], y[:80], **kwargs)
    header = pd.read_csv(log).columns.tolist()
    assert header == ["epoch", *model.history_] + (
        [] if solver == "lbfgs" else ["learning_rate"])
    assert len(os.listdir(tmp_path)) == 3
    with pytest.raises(ValueError, match="does not log"):
        wrong = "{learning_rate}" if solver == "lbfgs" else "{val_loss}"
        fields = wrong if not validation or solver == "lbfgs" else "{val_r2}"
        callback_model(ModelCheckpoint(tmp_path / fields, save_best_only=False),
                       solver=solver).fit(X[:80], y[:80], **kwargs)
