"""Which classes get confused? A confusion matrix for three classes
==================================================================

Accuracy is one number; a confusion matrix shows which classes are mistaken
for which. A ``DeepClassifier`` learns the three wine cultivars of
scikit-learn's bundled wine data (13 chemical measurements per wine) with one
softmax unit per class, and scikit-learn's ``ConfusionMatrixDisplay`` and
``classification_report`` read its held-out predictions as they read any
classifier's.

Needs matplotlib for the plot (``pip install 'scikit-deep[plot]'``); without it
this script prints the matrix and the report only.
"""

import importlib.util

from sklearn.datasets import load_wine
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepClassifier

wine = load_wine()
X_train, X_test, y_train, y_test = train_test_split(
    wine.data, wine.target, stratify=wine.target, test_size=0.4, random_state=0)
model = make_pipeline(
    StandardScaler(),
    DeepClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300,
                   early_stopping=True, random_state=0))
model.fit(X_train, y_train)
predicted = model.predict(X_test)

print("confusion matrix (rows: true class, columns: predicted class)")
print(confusion_matrix(y_test, predicted))
print(classification_report(y_test, predicted, target_names=wine.target_names))

if importlib.util.find_spec("matplotlib") is not None:
    from sklearn.metrics import ConfusionMatrixDisplay

    display = ConfusionMatrixDisplay.from_predictions(
        y_test, predicted, display_labels=wine.target_names, cmap="Blues")
    display.ax_.set_title("DeepClassifier on the wine data (held out)")
