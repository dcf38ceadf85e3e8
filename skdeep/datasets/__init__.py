"""Small synthetic toy datasets for teaching deep learning with skdeep.

The loaders follow scikit-learn's conventions (``return_X_y``, ``as_frame``,
:class:`~sklearn.utils.Bunch` results) and read CSV files shipped inside this
package, so no network access is needed.

An edge package on its own: it imports no other skdeep package, only NumPy,
pandas and scikit-learn's ``Bunch``.
"""

from ._base import load_shot_log, load_transactions, shot_probability

__all__ = ["load_shot_log", "load_transactions", "shot_probability"]
