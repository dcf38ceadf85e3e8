"""Will the shot go in? Classifying the basketball shot log
=========================================================

The lecture's classification example: a network with three hidden layers of
100 ReLU units and a 2-unit softmax output, trained with Adam on categorical
cross-entropy, reporting accuracy. In skdeep the labels stay as they are (no
``to_categorical``): ``DeepClassifier`` one-hot encodes them itself, and
``predict_proba(X)[:, 1]`` is the probability of the class ``classes_[1]``,
here a made shot (``shot_result == 1``), like the slides' ``predictions[:, 1]``.

Set ``SKDEEP_EXAMPLES_QUICK=1`` to train for a few epochs only.
"""

import os

from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier
from skdeep.datasets import load_shot_log

QUICK = os.environ.get("SKDEEP_EXAMPLES_QUICK") == "1"

X, y = load_shot_log(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
                                                    random_state=0)
model = make_pipeline(
    StandardScaler(),  # scaling the inputs eases optimization
    DeepClassifier(hidden_layer_sizes=(100, 100, 100), max_iter=3 if QUICK else 50,
                   early_stopping=True, random_state=0, verbose=1),
)
model.fit(X_train, y_train)  # prints Keras-style "Epoch 1/50 - ..." lines
model[-1].summary()

assert list(model.classes_) == [0, 1]
probability_made = model.predict_proba(X_test)[:, 1]
print("\nprobability of a made shot for the first five test shots:",
      probability_made[:5].round(3))
print(f"held-out accuracy: {model.score(X_test, y_test):.3f} "
      f"(always guessing 'missed': {(y_test == 0).mean():.3f})")
likely = probability_made > 0.6
print(f"shots the model gives over 60%: {likely.sum()}, of which "
      f"{y_test[likely].mean():.0%} went in")
