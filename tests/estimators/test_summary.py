"""summary(): the Keras-style table of layers, output shapes and parameter counts."""

import re
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepClassifier


def test_summary_of_the_seed_model(capsys):
    X = np.random.default_rng(0).normal(size=(20, 10))
    y = np.arange(20) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepClassifier(hidden_layer_sizes=(100, 100, 100), max_iter=1).fit(X,
                                                                                   y)
    model.summary()
    out = capsys.readouterr().out
    rows = re.findall(r"dense_\d \(Dense\)\s+\(None, (\d+)\)\s+(\w+)\s+([\d,]+)", out)
    assert rows == [("100", "relu", "1,100"), ("100", "relu", "10,100"),
                    ("100", "relu", "10,100"), ("2", "softmax", "202")]
    # 10*100+100, 100*100+100 twice, 100*2+2
    assert "Total params: 21,502" in out and "Non-trainable params: 0" in out

