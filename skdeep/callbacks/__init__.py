"""Keras-style callbacks on scikit-learn's callback protocol (``sklearn.callback``).

Each class follows ``sklearn.callback.FitCallback``: give it to a skdeep
estimator with ``set_callbacks`` (scikit-learn >= 1.9). It acts once per
epoch; ``epoch`` is the 0-based index used by Keras, so the epoch printed as
``Epoch 12/20`` has index 11 and ``history_['loss'][epoch]`` is its loss.
Epoch indices continue across warm starts and ``partial_fit``. The ``logs`` of
an epoch are its ``history_`` metrics plus the ``learning_rate`` it ran with
(stochastic solvers).

Set them on the skdeep estimator itself, also inside a Pipeline or a search:
``make_pipeline(StandardScaler(), DeepClassifier().set_callbacks(...))``.
``clone`` passes the same callback instances on, as scikit-learn does.

An edge package: it uses the estimators and ``persistence`` (ModelCheckpoint
saves with ``skdeep.save``), and imports no third-party package itself.
"""

# the setup step skdeep.streaming.fit_csv runs for a whole stream (not API)
from ._base import begin_fit as begin_fit
from ._checkpoint import ModelCheckpoint
from ._csv import CSVLogger
from ._epoch import LambdaCallback, LearningRateScheduler

__all__ = ["CSVLogger", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint"]
