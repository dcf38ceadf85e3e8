"""Class labels <-> network targets for DeepClassifier: one-hot or indicator
encoding, class weights, the stratified split and the validation accuracy."""

from numbers import Number

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from ._validation_split import AUTO_EARLY_STOPPING_ROWS
from ._warnings import warn_caller


class LabelTargets:
    """Mixin with the classifier's hooks of the fit skeleton (see BaseDeep)."""

    def _encode(self, y, *, reset, classes):
        """One-hot (or indicator) float targets and the loss that fits them."""
        name = type(self).__name__
        check_labels(name, y, "y")
        kind = type_of_target(y, input_name="y", raise_unknown=True)
        if kind == "multilabel-indicator":
            return self._encode_multilabel(y, reset)
        if kind not in ("binary", "multiclass"):
            hint = ("Use DeepRegressor for continuous targets, or bin them into "
                    "classes first." if kind.startswith("continuous") else
                    "Pass one label per sample, or a 0/1 indicator matrix.")
            raise ValueError(f"{name}: y has target type {kind!r}, which a "
                             f"classifier cannot learn. {hint}")
        y = column_or_1d(y, warn=True)
        if classes is not None:
            check_labels(name, classes, "classes")
        if reset:
            self._set_classes(y if classes is None else classes, y)
        elif classes is not None:
            self._check_same_classes(classes)
        if self._multilabel:
            raise ValueError(f"{name} was fitted on multilabel targets; y must be "
                             "an indicator matrix.")
        indices = np.searchsorted(self.classes_, y)
        indices = np.minimum(indices, len(self.classes_) - 1)
        unseen = self.classes_[indices] != y
        if unseen.any():
            raise ValueError(
                f"{name}: y contains labels {np.unique(y[unseen]).tolist()!r} "
                f"that are not among classes_ {self.classes_.tolist()!r}. Pass all "
                "classes with classes= on the first partial_fit, or refit."
            )
        targets = np.zeros((len(y), len(self.classes_)))
        targets[np.arange(len(y)), indices] = 1
        return targets, "softmax_cross_entropy"

    def _labels(self, y, classes, *, reset):
        """A one-hot y (0/1 columns, exactly one 1 per row: Keras'
        ``to_categorical``) stands for the labels 0..n_columns-1 and trains one
        softmax over its columns; any other y is returned as it is."""
        one_hot = is_one_hot(y)
        if reset:
            self._one_hot = one_hot
        if not one_hot:
            return y, classes
        if not reset and not self.__dict__.get("_one_hot", False):
            raise ValueError(
                f"{type(self).__name__}: y is one-hot (one 1 per row) but the model "
                "was fitted on " + ("a multilabel indicator matrix" if
                                    self._multilabel else "class labels")
                + "; pass y as at the first fit, or refit with warm_start=False.")
        if not reset and y.shape[1] != len(self.classes_):
            raise ValueError(
                f"{type(self).__name__}: y has {y.shape[1]} one-hot columns but the "
                f"model was fitted on {len(self.classes_)}.")
        labels = np.asarray(y.argmax(axis=1)).ravel()
        return labels, np.arange(y.shape[1]) if classes is None else classes

    def _set_classes(self, classes, y):
        # one class is allowed, as in MLPClassifier: a single softmax unit
        # predicts it with probability 1 (and the loss is 0)
        classes = np.unique(np.asarray(classes))
        if len(classes) == 0:
            raise ValueError(
                f"{type(self).__name__}: classes= is empty; pass every class that "
                "can appear in y."
            )
        self.classes_, self._multilabel = classes, False

    def _check_warm_start(self, y):
        """A warm-start fit continues the same problem: y has the classes of the
        previous fit (MLPClassifier refuses other classes the same way)."""
        if self._multilabel or type_of_target(y) == "multilabel-indicator":
            return  # _encode_multilabel compares the label count
        name = type(self).__name__
        check_labels(name, y, "y")
        labels = np.unique(column_or_1d(y))
        if not np.array_equal(labels, self.classes_):
            raise ValueError(
                f"{name}: warm_start can only continue a fit on y with the same "
                f"classes as the previous fit, {self.classes_.tolist()!r}, but this "
                f"y has classes {labels.tolist()!r}; pass y with exactly those "
                "classes, or set warm_start=False to fit from scratch."
            )

    def _check_same_classes(self, classes):
        if not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(
                f"{type(self).__name__}: classes={list(classes)!r} differs from "
                f"classes_ {self.classes_.tolist()!r} of the earlier calls."
            )

    def _encode_multilabel(self, y, reset):
        y = y.toarray() if hasattr(y, "toarray") else np.asarray(y)
        if reset:
            self.classes_, self._multilabel = np.arange(y.shape[1]), True
        elif not self._multilabel or y.shape[1] != len(self.classes_):
            raise ValueError(
                f"{type(self).__name__}: y is a {y.shape[1]}-label indicator matrix "
                f"but the model was fitted on {len(self.classes_)} "
                f"{'labels' if self._multilabel else 'classes'}."
            )
        return y.astype(np.float64), "sigmoid_cross_entropy"

    def _apply_class_weight(self, y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight
        name = type(self).__name__
        if self._multilabel:
            raise ValueError(f"{name}: class_weight is not supported for multilabel "
                             "targets; pass sample_weight instead.")
        if incremental and self.class_weight == "balanced":
            raise ValueError(f"{name}: class_weight='balanced' needs the whole "
                             "class distribution, which partial_fit does not see; "
                             "pass a dict of weights instead.")
        weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        per_sample = weights[np.searchsorted(self.classes_, y)]
        return per_sample if sample_weight is None else sample_weight * per_sample

    def _split_needs(self):
        if self._multilabel:
            return ""
        return (f", and each side should hold samples of all {len(self.classes_)} "
                "classes")

    def _split_rows(self, y, n_val, rng):
        if self._multilabel:
            return super()._split_rows(y, n_val, rng)
        stratify = stratify_labels(y, n_val)
        if stratify is None:
            # a warning, not MLPClassifier's error: the split still works, and
            # one rare class should not end a grid search
            reason, fix = _unstratified_reason(y, n_val)
            chosen, fixes = "", f"pass X_val and y_val to fit, or {fix}"
            if isinstance(self.early_stopping, str):  # 'auto': not asked for
                chosen = (" (early_stopping='auto' holds one out above "
                          f"{AUTO_EARLY_STOPPING_ROWS} training rows)")
                fixes = (f"pass X_val and y_val to fit, {fix}, or set "
                         "early_stopping=False")
            warn_caller(
                f"{type(self).__name__}: {reason}, so the early-stopping "
                f"validation split{chosen} is not stratified and a class may be "
                f"missing from one side; {fixes}.")
        train_rows, val_rows = train_test_split(
            np.arange(len(y)), test_size=n_val, stratify=stratify,
            random_state=int(rng.integers(2**31 - 1)))
        return train_rows, val_rows

    def _score_raw(self, raw, targets, sample_weight):
        """Accuracy (subset accuracy for multilabel) of raw outputs."""
        if self._multilabel:
            return accuracy_score(targets, (raw > 0).astype(targets.dtype),
                                  sample_weight=sample_weight)
        return accuracy_score(np.argmax(targets, axis=1), np.argmax(raw, axis=1),
                              sample_weight=sample_weight)


def is_one_hot(y):
    """True for a 2-D 0/1 indicator y (dense or sparse) whose every row holds
    exactly one 1."""
    if getattr(y, "ndim", 1) != 2 or y.shape[1] < 2 or y.shape[0] == 0:
        return False
    if type_of_target(y) != "multilabel-indicator":
        return False
    counts = np.asarray(y.sum(axis=1)).ravel()
    return bool((counts == 1).all())


def check_labels(name, labels, what):
    """Refuse missing (None, NaN) and mixed-type labels with an error that names
    the estimator, before np.unique fails on them with a bare TypeError.

    Only object arrays can hold None or mix strings with numbers, so other
    arrays cost one dtype test (and a finiteness test for float ``classes``).
    """
    labels = np.asarray(labels)
    fix = ("pass only real class labels in classes=" if what == "classes" else
           "remove those samples, or give each a real class")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError(f"{name}: {what} contains NaN or infinite labels; {fix}.")
    if labels.dtype.kind != "O":
        return
    flat = labels.ravel()
    types = set(map(type, flat))
    if type(None) in types or (float in types and any(
            value != value for value in flat if type(value) is float)):
        raise ValueError(f"{name}: {what} contains missing labels (None or NaN); "
                         f"{fix}.")
    kinds = sorted({"string" if issubclass(kind, str) else
                    "number" if issubclass(kind, (Number, np.number, np.bool_))
                    else kind.__name__ for kind in types})
    if len(kinds) > 1:
        raise ValueError(f"{name}: {what} mixes labels of types {kinds}, which "
                         "cannot be sorted into classes; pass labels of one "
                         "type, e.g. y.astype(str).")


def stratify_labels(y, n_held_out):
    """The labels to stratify a split on: ``y`` itself when every class can
    appear on both sides of the split, else None (split at random).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels.
    n_held_out : int
        The rows the split holds out (validation or test).

    Returns
    -------
    ndarray or None
        ``y`` when every class has at least two rows and the held-out and the
        remaining rows can each hold one of every class; else None.
    """
    _, counts = np.unique(y, return_counts=True)
    fits = n_held_out >= len(counts) and len(y) - n_held_out >= len(counts)
    return y if counts.min() >= 2 and fits else None


def _unstratified_reason(y, n_val):
    """Why ``stratify_labels`` refuses to stratify y, and what would let it."""
    classes, counts = np.unique(y, return_counts=True)
    lone = classes[counts < 2].tolist()
    if lone:
        return ((f"class {lone[0]!r} has a single sample" if len(lone) == 1 else
                 f"classes {lone!r} have a single sample each"),
                "collect more samples of " + ("that class" if len(lone) == 1
                                              else "those classes"))
    side, n_rows, change = (("validation", n_val, "raise") if n_val < len(classes)
                            else ("training", len(y) - n_val, "lower"))
    return (f"the {n_rows} {side} samples cannot hold all {len(classes)} classes",
            f"{change} validation_fraction")
