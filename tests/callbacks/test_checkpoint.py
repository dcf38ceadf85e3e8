"""ModelCheckpoint: the best epoch's model (or every epoch's) saved with
skdeep.save, predicting like the live model in the units of raw X and y, with
the epoch's bookkeeping, and a bad monitor or path refused before training."""

import numpy as np
import pytest

import skdeep
from skdeep import DeepClassifier, DeepRegressor, LambdaCallback, ModelCheckpoint
from skdeep.estimators.contract import fitted_engine

pytest.importorskip("sklearn.callback")


def test_checkpoint_keeps_the_best_epoch_and_predicts_like_it(data, tmp_path,
                                                              fit_quietly,
                                                              every_epoch_model):
    X, y, X_val, y_val = data
    path = tmp_path / "best.skdeep"
    checkpoint = ModelCheckpoint(path)  # monitor val_loss, best only
    model = fit_quietly(every_epoch_model(max_iter=30, learning_rate_init=0.05)
                        .set_callbacks(checkpoint), X, y, X_val=X_val, y_val=y_val)
    val_loss = model.history_["val_loss"]
    best = int(np.argmin(val_loss))
    assert checkpoint.saved_epoch_ == best and checkpoint.best_ == val_loss[best]
    loaded = skdeep.load(path)
    # a second run stopped at that epoch
    reference = fit_quietly(every_epoch_model(max_iter=best + 1,
                                              learning_rate_init=0.05), X, y,
                            X_val=X_val, y_val=y_val)
    assert np.array_equal(loaded.predict_proba(X), reference.predict_proba(X))
    assert loaded.history_ == reference.history_ and loaded.n_iter_ == best + 1


def test_checkpoint_every_epoch_with_formatted_names(data, tmp_path, fit_quietly,
                                                     every_epoch_model):
    X, y, _, _ = data
    checkpoint = ModelCheckpoint(tmp_path / "m-{epoch:02d}.skdeep", monitor="loss",
                                 save_best_only=False)
    fit_quietly(every_epoch_model(max_iter=3).set_callbacks(checkpoint), X, y)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m-01.skdeep", "m-02.skdeep", "m-03.skdeep"]
    assert skdeep.load(tmp_path / "m-02.skdeep").n_iter_ == 2


def test_checkpoint_names_a_missing_monitor(data, tmp_path, fit_quietly,
                                            every_epoch_model):
    X, y, _, _ = data
    model = every_epoch_model(max_iter=3).set_callbacks(ModelCheckpoint(tmp_path / "m"))
    with pytest.raises(ValueError, match=r"ModelCheckpoint: monitor='val_loss' is "
                       r"not among this fit's metrics \['learning_rate', 'loss'\]"):
        fit_quietly(model, X, y)
    assert not hasattr(model, "n_iter_")  # the failed fit left the model unfitted


def test_checkpoint_refuses_a_bad_path_before_training(data, tmp_path, fit_quietly,
                                                       every_epoch_model):
    X, y, _, _ = data
    model = every_epoch_model(max_iter=3).set_callbacks(
        ModelCheckpoint(tmp_path / "missing" / "m.skdeep", monitor="loss"))
    with pytest.raises(ValueError, match="does not exist"):
        fit_quietly(model, X, y)


def test_a_regressor_checkpoint_predicts_in_y_units(tmp_path, fit_quietly):
    """Target scaling trains on standardized y; every snapshot a callback sees
    (and so every checkpoint) predicts in y's units, like the fitted model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = 1000 + 50 * X[:, 0] + rng.normal(size=200)
    path = tmp_path / "m.skdeep"
    seen = []
    model = DeepRegressor(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    model.set_callbacks(
        ModelCheckpoint(path, monitor="loss", save_best_only=False),
        LambdaCallback(lambda estimator, epoch, logs: seen.append(
            (estimator.predict(X), estimator.n_iter_))))
    fit_quietly(model, X, y)
    np.testing.assert_array_equal(skdeep.load(path).predict(X), model.predict(X))
    np.testing.assert_array_equal(seen[-1][0], model.predict(X))
    assert [n_iter for _, n_iter in seen] == [1, 2, 3, 4]
    assert abs(seen[0][0].mean() - y.mean()) < 0.1 * y.std()


@pytest.mark.parametrize("cls", [DeepRegressor, DeepClassifier])
def test_a_checkpoint_of_raw_columns_reads_raw_X_and_resumes_exactly(cls, tmp_path,
                                                                    weights_of,
                                                                     fit_quietly):
    """Input scaling trains on standardized X; a snapshot reads raw X like the
    fitted model, and carries the trained parameters, so the epoch-2 checkpoint
    resumed for 2 epochs is the 4-epoch model bit for bit."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [1.0, 1e3, 1e5] + [0.0, 5e3, -2e6]
    y = X[:, 0] + X[:, 1] / 1e3
    y = y if cls is DeepRegressor else (y > np.median(y)).astype(int)
    path = tmp_path / "epoch2.skdeep"
    model = cls(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    model.set_callbacks(LambdaCallback(
        lambda estimator, epoch, logs: epoch == 1 and skdeep.save(estimator, path)))
    fit_quietly(model, X, y)
    checkpoint = skdeep.load(path)
    np.testing.assert_array_equal(checkpoint.input_scale_, model.input_scale_)
    fit_quietly(checkpoint.set_params(warm_start=True, max_iter=2), X, y)
    np.testing.assert_array_equal(weights_of(checkpoint), weights_of(model))


def test_a_checkpoint_holds_the_epochs_bookkeeping(data, tmp_path, fit_quietly):
    """The snapshot a checkpoint saves is taken after the epoch's plateau
    bookkeeping: an 'adaptive' rate lowered at that epoch and the reset
    no-improvement count are in the file, so it continues like the live model."""
    X, y, _, _ = data
    path = tmp_path / "m.skdeep"
    model = DeepClassifier(hidden_layer_sizes=(8,), solver="sgd",
                           learning_rate="adaptive", tol=10, n_iter_no_change=2,
                           max_iter=3, random_state=0)
    model.set_callbacks(ModelCheckpoint(path, monitor="loss",
                                        save_best_only=False))
    fit_quietly(model, X, y)
    saved = skdeep.load(path)
    saved_engine, engine = fitted_engine(saved), fitted_engine(model)
    assert saved_engine.optimizer.learning_rate == engine.optimizer.learning_rate < 1e-3
    assert (saved_engine.state.no_improvement_count
            == engine.state.no_improvement_count)
    saved.partial_fit(X, y)
    model.partial_fit(X, y)
    np.testing.assert_array_equal(saved.predict_proba(X), model.predict_proba(X))

