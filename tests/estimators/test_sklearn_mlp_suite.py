"""scikit-learn's own MLP test suite, run against DeepClassifier / DeepRegressor.

The ``test_mlp.py`` that ships inside the installed scikit-learn is loaded at
collection time as a private copy of the module, with its ``MLPClassifier`` and
``MLPRegressor`` names bound to skdeep's estimators (including inside its
``parametrize`` lists, which is why the names are bound while the copy is
executed rather than patched afterwards). Every test function of it is then
collected here; nothing of its code lives in this repository.

``EXPECTED_FAILURES`` lists the tests skdeep fails on purpose, each with the
reason. They are strict: a listed test that passes fails the run, and so does
any failure that is not listed. The table was made against scikit-learn 1.9.1.
"""

import importlib.util
import re
from pathlib import Path

import pytest
import sklearn
import sklearn.neural_network

from skdeep import DeepClassifier, DeepRegressor

SUITE = "sklearn.neural_network.tests.test_mlp"
# the user guide's page that lists every difference (it left the README)
DIFFERENCES = (Path(__file__).resolve().parents[2] / "docs" / "user_guide"
               / "coming_from_mlp.rst")


def _load_suite():
    """A private copy of scikit-learn's test module, seeing skdeep's estimators."""
    try:
        spec = importlib.util.find_spec(SUITE)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        pytest.skip(f"scikit-learn {sklearn.__version__} was installed without its "
                    f"tests ({SUITE}): nothing to run", allow_module_level=True)
    # a fresh module object under another name: the cached original, which
    # scikit-learn's own test run would use, stays untouched
    spec = importlib.util.spec_from_file_location("_skdeep_sklearn_test_mlp",
                                                  spec.origin)
    module = importlib.util.module_from_spec(spec)
    package = sklearn.neural_network
    originals = package.MLPClassifier, package.MLPRegressor
    package.MLPClassifier, package.MLPRegressor = DeepClassifier, DeepRegressor
    try:
        spec.loader.exec_module(module)
    finally:
        package.MLPClassifier, package.MLPRegressor = originals
    return module


suite = _load_suite()
TEST_FUNCTIONS = sorted(name for name in vars(suite) if name.startswith("test_"))
# the slowest of them train to a score: marked slow, out of the fast loop
SLOW = {"test_multilabel_classification", "test_mlp_loading_from_joblib_partial_fit",
        "test_partial_fit_classification", "test_partial_fit_regression"}
# pytest collects every test_* callable of this module's namespace
globals().update({name: pytest.mark.slow(getattr(suite, name)) if name in SLOW
                  else getattr(suite, name) for name in TEST_FUNCTIONS})


@pytest.fixture
def global_random_seed():
    """scikit-learn's conftest provides this fixture; 42 is its default seed."""
    return 42


# Why a test of scikit-learn's suite fails on skdeep.
PRIVATE = "private"            # reads or sets MLP's private state
DIFFERENCE = "difference"      # a deliberate difference docs/user_guide lists

# test id -> (kind, reason, words of the user-guide line that documents it: the
# difference, or the list of MLP's private attributes skdeep does not have).
EXPECTED_FAILURES = {
    "test_fit": (
        PRIVATE, "assigns coefs_ and MLP's private training state (_coef_grads, "
        "_coef_velocity, _no_improvement_count, ...) and a one-unit logistic "
        "output before partial_fit; skdeep keeps its weights in one flat vector "
        "that coefs_ are views of, and starts a new network", "`_coef_grads`"),
    "test_gradient": (
        PRIVATE, "calls MLP's private _loss_grad_lbfgs and buffers from "
        "_forward_pass; skdeep's gradients are checked by finite differences in "
        "tests/network", "`_loss_grad_lbfgs`"),
    "test_n_iter_no_change": (
        PRIVATE, "reads _no_improvement_count (and expects n_iter_no_change + 1 "
        "epochs without improvement, where skdeep stops after n_iter_no_change)",
        "`_no_improvement_count`"),
    "test_n_iter_no_change_inf": (
        PRIVATE, "reads _no_improvement_count", "`_no_improvement_count`"),
    "test_nonfinite_params": (
        DIFFERENCE, "both raise ValueError on inputs near the float64 maximum; "
        "skdeep's is a DivergenceError with its own message",
        "raises `skdeep.DivergenceError`"),
    "test_mlp_diverging_loss": (
        DIFFERENCE, "a diverging fit raises DivergenceError with the best weights "
        "restored; MLP returns a model whose scores are NaN",
        "raises `skdeep.DivergenceError`"),
    "test_mlp_partial_fit_after_fit[DeepClassifier]": (
        DIFFERENCE, "partial_fit with early_stopping=True trains one epoch; MLP "
        "raises", "`partial_fit` with `early_stopping=True` trains one epoch"),
    "test_mlp_partial_fit_after_fit[DeepRegressor]": (
        DIFFERENCE, "partial_fit with early_stopping=True trains one epoch; MLP "
        "raises", "`partial_fit` with `early_stopping=True` trains one epoch"),
    "test_mlp_param_dtypes[DeepClassifier-float64]": (
        DIFFERENCE, "adam trains in float32 at the default dtype='auto', so "
        "coefs_ are float32 for float64 input; dtype=None keeps MLP's rule",
        "train in float32 by default"),
    "test_mlp_param_dtypes[DeepRegressor-float64]": (
        DIFFERENCE, "adam trains in float32 at the default dtype='auto', so "
        "coefs_ are float32 for float64 input; dtype=None keeps MLP's rule",
        "train in float32 by default"),
    "test_verbose_sgd": (
        DIFFERENCE, "verbose prints Keras-style 'Epoch 1/2 - ...' lines, not "
        "'Iteration 1, loss = ...'", "Keras-style `Epoch 1/200"),
    "test_early_stopping_stratified": (
        DIFFERENCE, "both raise ValueError for these 4 samples, in skdeep's words "
        "(1 validation sample is too few)", "error messages are skdeep's own"),
    "test_warm_start": (
        DIFFERENCE, "both raise ValueError when a warm-start fit sees other "
        "classes, in skdeep's words (naming both class lists and the fix)",
        "error messages are skdeep's own"),
    "test_lbfgs_classification_maxfun[X1-y1]": (
        DIFFERENCE, "input_scaling standardizes the binary digits' pixels, and "
        "lbfgs then converges within max_fun=10 evaluations for the identity and "
        "tanh activations, so no ConvergenceWarning comes",
        "standardize the input columns themselves"),
    "test_minimum_input_sample_size": (
        DIFFERENCE, "both raise ValueError for a 2-sample early-stopping fit, in "
        "skdeep's words", "error messages are skdeep's own"),
}


@pytest.fixture(autouse=True)
def _expected_failure(request):
    """Mark the tests of the table as strict expected failures."""
    entry = EXPECTED_FAILURES.get(request.node.name)
    if entry is not None and request.node.originalname in TEST_FUNCTIONS:
        kind, reason, _ = entry
        request.applymarker(pytest.mark.xfail(reason=f"{kind}: {reason}",
                                              strict=True))


def test_the_table_names_collected_tests(request):
    # collecting the module again sees every test, whatever -k or ids selected
    module = request.node.getparent(pytest.Module)
    names = {item.name for item in module.collect()
             if getattr(item, "originalname", None) in TEST_FUNCTIONS}
    assert {name.split("[")[0] for name in names} == set(TEST_FUNCTIONS)
    assert set(EXPECTED_FAILURES) <= names, set(EXPECTED_FAILURES) - names


@pytest.mark.parametrize("test_id", list(EXPECTED_FAILURES))
def test_each_difference_is_in_the_user_guide(test_id):
    section = DIFFERENCES.read_text(encoding="utf-8")
    words = EXPECTED_FAILURES[test_id][2]
    assert re.sub(r"\s+", " ", words) in re.sub(r"\s+", " ", section), words
