"""Forward propagation: the lecture's numbers by hand and with ``predict``
=========================================================================

The lecture pushes one data point through a network with two hidden nodes: each
node multiplies its inputs by its weights and adds them up (a dot product), an
activation function is applied, and the output node does the same with the
hidden values. This script computes those numbers with NumPy exactly as the
slides do, then writes the same weights into a :class:`skdeep.DeepRegressor`
through its public ``coefs_`` / ``intercepts_`` (views into the network, so an
in-place write changes what it predicts) and checks that ``predict`` agrees.

A note on the tanh slide: its code uses the input ``[-1, 2]`` with node weights
``[3, 3]`` and ``[1, 5]``, which gives 0.9901095378334199; the number it prints,
1.2382242525694254, is what tanh gives for the *first* slide's network (input
``[2, 3]``). Both are reproduced below.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepRegressor

ACTIVATIONS = {"identity": lambda x: x, "relu": lambda x: np.maximum(x, 0),
               "tanh": np.tanh}


def by_hand(input_data, weights, activation):
    """The slides' multiply-add process, one node at a time."""
    node_0_output = ACTIVATIONS[activation]((input_data * weights["node_0"]).sum())
    node_1_output = ACTIVATIONS[activation]((input_data * weights["node_1"]).sum())
    hidden_layer_outputs = np.array([node_0_output, node_1_output])
    return hidden_layer_outputs, (hidden_layer_outputs * weights["output"]).sum()


def network_with(weights, activation):
    """A DeepRegressor with 2 inputs, 2 hidden nodes, 1 output and these weights."""
    X_dummy, y_dummy = np.zeros((4, 2)), np.zeros(4)  # only fixes the shapes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # float64, so predictions carry the slide's 16 digits (the default
        # trains adam in float32, which keeps about 7)
        model = DeepRegressor(hidden_layer_sizes=(2,), activation=activation,
                              max_iter=1, random_state=0,
                              dtype="float64").fit(X_dummy, y_dummy)
    # coefs_[0] has shape (n_inputs, n_hidden): column j holds node j's weights
    model.coefs_[0][:] = np.column_stack([weights["node_0"], weights["node_1"]])
    model.coefs_[1][:] = weights["output"].reshape(2, 1)
    for bias in model.intercepts_:
        bias[:] = 0.0  # the lecture's network has no biases
    return model


first_slide = {"node_0": np.array([1, 1]), "node_1": np.array([-1, 1]),
               "output": np.array([2, -1])}
tanh_slide = {"node_0": np.array([3, 3]), "node_1": np.array([1, 5]),
              "output": np.array([2, -1])}
cases = [
    ("first slide, no activation", np.array([2, 3]), first_slide, "identity"),
    ("first slide, ReLU", np.array([2, 3]), first_slide, "relu"),
    ("first slide, tanh", np.array([2, 3]), first_slide, "tanh"),
    ("tanh slide's code", np.array([-1, 2]), tanh_slide, "tanh"),
]
for title, input_data, weights, activation in cases:
    hidden, expected = by_hand(input_data, weights, activation)
    model = network_with(weights, activation)
    predicted = model.predict(input_data.reshape(1, -1))[0]
    assert np.isclose(predicted, expected, rtol=1e-12), (predicted, expected)
    hidden = hidden.astype(float).round(6).tolist()
    print(f"{title:<27} hidden {hidden}  output by hand {float(expected)!r}  "
          f"predict {float(predicted)!r}")
