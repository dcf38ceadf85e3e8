"""Categorical inputs of the first layer: a code selects a weight row.

A categorical column with ``size`` categories is equivalent to a one-hot block of
``size`` inputs; multiplying a one-hot row by the weights selects one weight row.
So the forward pass gathers rows and the backward pass scatter-adds into them:
memory and time grow with rows x columns, never with the number of categories.
"""

import numpy as np

__all__ = ["CategoricalInputs"]


class CategoricalInputs:
    """How the first layer reads input columns that hold category codes.

    The network's input has ``n_dense`` numeric columns followed by one column
    per categorical feature holding its code, an integer in ``[0, size)``
    stored as a float (exact below 2**24). The first layer's weights have
    ``n_dense`` rows for the numeric columns, then ``size`` rows per
    categorical column, in the same order: the rows a one-hot encoding of the
    codes would meet.

    Parameters
    ----------
    n_dense : int
        Numeric input columns.
    sizes : sequence of int
        Number of categories (weight rows) of each categorical column.
    """

    def __init__(self, n_dense, sizes):
        self.n_dense = int(n_dense)
        self.sizes = tuple(int(size) for size in sizes)
        # the first weight row of each column's block
        self.offsets = self.n_dense + np.concatenate(
            ([0], np.cumsum(self.sizes[:-1], dtype=np.intp))).astype(np.intp)

    @property
    def n_columns(self):
        """Input columns: numeric ones plus one code column per categorical one."""
        return self.n_dense + len(self.sizes)

    @property
    def n_rows(self):
        """First-layer weight rows: the one-hot width."""
        return self.n_dense + sum(self.sizes)

    def rows(self, X):
        """Weight row of every code of X, an int array of shape (n_rows, n_cat)."""
        codes = np.asarray(X[:, self.n_dense:])
        return codes.astype(np.intp) + self.offsets

    def forward(self, X, weights, out):
        """Write ``one_hot(X) @ weights`` into ``out`` of shape (n_rows, units)."""
        if self.n_dense:
            np.dot(X[:, : self.n_dense], weights[: self.n_dense], out=out)
        else:
            out[...] = 0
        for column in self.rows(X).T:  # one (n_rows, units) gather at a time
            out += np.take(weights, column, axis=0)
        return out

    def grad(self, X, delta, out):
        """Write ``one_hot(X).T @ delta`` into ``out``, the weights' gradient.

        Rows no code selected get zero; the selected ones get the sum of their
        rows of ``delta``, summed in a fixed order (sorted by weight row, then
        by sample), so the result is bitwise reproducible.
        """
        if self.n_dense:
            np.dot(X[:, : self.n_dense].T, delta, out=out[: self.n_dense])
        out[self.n_dense:] = 0
        rows = self.rows(X)
        flat = rows.ravel()
        if not flat.size:
            return out
        order = np.argsort(flat, kind="stable")
        sorted_rows = flat[order]
        starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
        # flat position i*n_cat + j belongs to sample i
        sums = np.add.reduceat(delta[order // rows.shape[1]], starts, axis=0)
        out[sorted_rows[starts]] = sums
        return out
