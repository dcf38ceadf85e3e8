"""save -> load keeps every prediction bit for bit, for any architecture,
label type and dtype (a property test over random models)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skdeep import DeepClassifier
from skdeep.persistence import load, save

# 25 random models, fitted and saved
pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]

LABEL_KINDS = {"int8": lambda k: np.arange(k, dtype=np.int8) - 3,
               "uint64": lambda k: np.arange(k, dtype=np.uint64) * 7,
               "float32": lambda k: np.arange(k, dtype=np.float32) * 2 - 1,
               "str": lambda k: np.array([f"class {i}" for i in range(k)]),
               "object": lambda k: np.array([f"c{i}" for i in range(k)], object)}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_features=st.integers(1, 6), hidden=st.lists(st.integers(1, 8), min_size=1,
                                                      max_size=3),
       n_classes=st.integers(2, 5), labels=st.sampled_from(sorted(LABEL_KINDS)),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_save_load_roundtrip_property(tmp_path, n_features, hidden, n_classes,
                                      labels, dtype, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, n_features))
    y = LABEL_KINDS[labels](n_classes)[np.arange(30) % n_classes]
    model = DeepClassifier(hidden_layer_sizes=hidden, max_iter=2, dtype=dtype,
                           random_state=seed).fit(X, y)
    save(model, tmp_path / "m.skdeep")
    loaded = load(tmp_path / "m.skdeep")
    X_new = rng.normal(size=(7, n_features))
    np.testing.assert_array_equal(loaded.predict(X_new), model.predict(X_new),
                                  strict=True)
    np.testing.assert_array_equal(loaded.predict_proba(X_new),
                                  model.predict_proba(X_new), strict=True)

