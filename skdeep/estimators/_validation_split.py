"""Early stopping's validation set: whether a fit holds one out
(``early_stopping='auto'``) and the random split that holds it out."""

import numpy as np

from ..training import Dataset

__all__ = ["AUTO_EARLY_STOPPING_ROWS", "ValidationSplit"]

# early_stopping='auto' holds out validation_fraction and stops early when fit
# gets more rows than this, a validation set of more than 50 rows at the default
# 10% (HistGradientBoosting's 'auto' uses 10,000 rows; this one is measured on 16
# real tables in benchmarks/bench_tables.py: early stopping lost on training
# sets of 210 and 274 rows, gained on every one from 755 to 5,092 (up to +0.047
# R^2) and was level, within 0.003, on the four of 6,299 to 16,152)
AUTO_EARLY_STOPPING_ROWS = 500


class ValidationSplit:
    """Mixin of ``BaseDeep``: ``early_stopping`` resolved, and the split of the
    training rows (which the classifier stratifies, ``LabelTargets``)."""

    def _stops_early(self, n_samples):
        """``early_stopping`` resolved for a fit on ``n_samples`` rows: 'auto'
        is on above AUTO_EARLY_STOPPING_ROWS (partial_fit never stops early)."""
        if isinstance(self.early_stopping, str):  # 'auto'
            return n_samples > AUTO_EARLY_STOPPING_ROWS
        return bool(self.early_stopping)

    def _early_stopped(self):
        """``early_stopping`` as the fitted attributes read it: an explicit
        True/False as it is (as before 'auto' existed), 'auto' as resolved by
        the last fit."""
        if isinstance(self.early_stopping, str):
            return bool(self.__dict__.get("do_early_stopping_", False))
        return bool(self.early_stopping)

    def _hold_out(self, train, y, rng):
        """Random (stratified for single-label classes) validation split."""
        n_samples = train.n_samples
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        if n_val < 2 or n_samples - n_val < 1:
            short, fix = (("validation", "increase") if n_val < 2 else
                          ("training", "lower"))
            raise ValueError(
                f"{type(self).__name__}: early_stopping's validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples leaves "
                f"{n_val} for validation and {n_samples - n_val} for training, "
                f"too few for {short} (at least {2 if n_val < 2 else 1} needed"
                f"{self._split_needs()}); {fix} validation_fraction, pass X_val "
                "and y_val to fit, or set early_stopping=False."
            )
        train_rows, val_rows = self._split_rows(y, n_val, rng)
        self._check_split_weights(train.sample_weight, train_rows, val_rows)
        return _take(train, train_rows), _take(train, val_rows)

    def _check_split_weights(self, weight, train_rows, val_rows):
        """Each side of the split needs some weight, or its loss is 0 / 0."""
        for part, rows in (("training", train_rows), ("validation", val_rows)):
            if weight is not None and not weight[rows].sum() > 0:
                raise ValueError(
                    f"{type(self).__name__}: every sample that early_stopping's "
                    f"random split put in the {part} part has weight 0; give "
                    "more samples a positive weight, or pass X_val and y_val."
                )

    def _split_needs(self):
        """Hook: what else each side of the split should hold, for the message."""
        return ""

    def _split_rows(self, y, n_val, rng):
        rows = rng.permutation(len(y))
        return rows[n_val:], rows[:n_val]


def _take(data, rows):
    weight = None if data.sample_weight is None else data.sample_weight[rows]
    return Dataset(data.X[rows], data.targets[rows], weight)
