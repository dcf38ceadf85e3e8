"""What a fitted estimator shows of its network, and how it pickles it:
``layer_outputs``, ``summary``, and ``coefs_`` / ``intercepts_`` rebuilt as
views of the network's parameters on load."""

from sklearn.utils.validation import check_is_fitted

from ..ops import OUTPUT_ACTIVATIONS
from ._summary import describe_inputs, summary_table
from ._validation import check_X

__all__ = ["Inspection"]


class Inspection:
    """Mixin of ``BaseDeep`` (before ``BaseEstimator``, whose pickling its
    ``__getstate__`` and ``__setstate__`` extend)."""

    def layer_outputs(self, X):
        """The output of every layer for X: forward propagation made visible.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        outputs : list of ndarray of shape (n_samples, units)
            Each hidden layer's activations, then the output layer's values
            after its output activation (what ``predict_proba`` or ``predict``
            is computed from).

        Examples
        --------
        The lecture's network: inputs [2, 3], hidden nodes with weights [1, 1]
        and [-1, 1], output weights [2, -1], no biases.

        >>> import numpy as np
        >>> from skdeep import DeepRegressor
        >>> model = DeepRegressor(hidden_layer_sizes=(2,), activation="identity",
        ...                       max_iter=1).fit(np.zeros((4, 2)), np.zeros(4))
        >>> model.coefs_[0][...] = [[1, -1], [1, 1]]  # one column per hidden node
        >>> model.coefs_[1][...] = [[2], [-1]]
        >>> for bias in model.intercepts_:
        ...     bias[...] = 0
        >>> hidden, output = model.layer_outputs([[2, 3]])
        >>> hidden.tolist(), output.tolist()
        ([[5.0, 1.0]], [[9.0]])
        """
        check_is_fitted(self)
        X = check_X(self, X, reset=False)
        outputs = self._network.layer_outputs(
            X.astype(self._network.params.dtype, copy=False))
        OUTPUT_ACTIVATIONS[self._network.output_activation](outputs[-1])
        return [output.astype(X.dtype, copy=False) for output in outputs]

    def summary(self, file=None):
        """Print a Keras-style table of the layers and their parameter counts.

        Parameters
        ----------
        file : file-like, default=None
            Where to print; ``sys.stdout`` when None.

        Examples
        --------
        >>> import numpy as np
        >>> from skdeep import DeepClassifier
        >>> X, y = np.random.default_rng(0).normal(size=(20, 10)), np.arange(20) % 2
        >>> model = DeepClassifier(hidden_layer_sizes=(100, 100, 100),
        ...                        max_iter=2).fit(X, y)
        >>> model.summary()  # doctest: +ELLIPSIS
        Model: "DeepClassifier"
        ...
        dense_1 (Dense)   (None, 100)    relu         1,100
        ...
        Total params: 21,502
        ...
        """
        check_is_fitted(self)
        print(summary_table(self._network, type(self).__name__,
                            describe_inputs(self)), file=file)

    def __getstate__(self):
        # a copy: BaseEstimator may hand back the live __dict__ itself
        state = dict(super().__getstate__())
        # coefs_ and intercepts_ are views into the network's flat vector: pickle
        # the vector once and rebuild the views on load
        state.pop("coefs_", None)
        state.pop("intercepts_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_network" in self.__dict__:
            self.coefs_, self.intercepts_ = self._network.weights, self._network.biases
            # a pickle from before activations_ existed
            self.activations_ = tuple(self._network.activations)
