"""skdeep: fast NumPy multilayer perceptrons that behave like scikit-learn estimators.

The estimators, the callbacks, ``save``/``load`` and ``to_onnx`` are imported on
first use, so ``import skdeep`` (and the command line's ``--help``) does not pay
for scikit-learn.

The package is a NumPy engine under two scikit-learn estimators, with edge
packages around them. Imports point down only:

- ``ops`` and ``optim`` import no other layer: NumPy, and of SciPy only its
  special functions (``ops``, GELU's erf) and its L-BFGS (``optim``);
- ``network`` imports ``ops``; ``training`` imports ``network``, ``optim`` and
  ``ops`` (and Numba, llvmlite and SciPy's BLAS for its compiled step);
- ``estimators`` import the engine, scikit-learn, SciPy, pandas and
  threadpoolctl; nothing below them imports scikit-learn or pandas;
- the edges use the estimators: ``persistence`` (also the engine's public
  modules, to rebuild a model), ``export`` (also ``ops``), ``callbacks`` (also
  ``persistence``), ``streaming`` (also ``callbacks``), ``plotting``,
  ``datasets``, and ``cli`` on top of them all. ``persistence``, ``export``,
  ``streaming``, ``plotting``, ``datasets`` and ``cli`` import scikit-learn;
  ``persistence``, ``export``, ``streaming``, ``datasets`` and ``cli`` import
  pandas; ``export`` imports SciPy's erf (GELU's exact values in the graph),
  ONNX and skl2onnx; ``plotting`` and ``cli`` import matplotlib;
- ``exceptions``, ``files`` and ``_pipelines`` (the last step of a Pipeline)
  are leaves every layer may import.

No package imports another's private modules or touches its private
attributes: the edges reach the estimators through
``skdeep.estimators.contract`` and the public fitted attributes.
``tests/test_layers.py`` checks all of the above.

>>> from skdeep import DeepClassifier, DeepRegressor
"""

from importlib import import_module as _import_module

from ._version import __version__
from .exceptions import DivergenceError, ModelFileError

__all__ = [
    "CSVLogger",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "DeepClassifier",
    "DeepRegressor",
    "DivergenceError",
    "ModelFileError",
    "load",
    "save",
    "to_onnx",
    "__version__",
]

# public name -> the submodule that defines it, imported on first access
_LAZY = {"DeepClassifier": ".estimators", "DeepRegressor": ".estimators",
         "load": ".persistence", "save": ".persistence",
         "to_onnx": ".export",  # itself imports skl2onnx only when called
         **dict.fromkeys(["CSVLogger", "LambdaCallback", "LearningRateScheduler",
                          "ModelCheckpoint"], ".callbacks")}


# subpackages reachable as attributes (``skdeep.datasets.load_shot_log()``)
# without importing them up front
_SUBMODULES = ("callbacks", "cli", "datasets", "estimators", "exceptions", "export",
               "files", "network", "ops", "optim", "persistence", "plotting",
               "streaming", "training")
# Keras' module-level names a Keras user reaches for, and skdeep's
_KERAS_NAMES = {
    "load_model": "Keras' load_model is skdeep.load here: "
                  "skdeep.load('model.skdeep'), for a file written by "
                  "skdeep.save(model, 'model.skdeep')",
    "save_model": "Keras' save_model is skdeep.save here: "
                  "skdeep.save(model, 'model.skdeep')",
    "Sequential": "the network is one estimator: "
                  "skdeep.DeepClassifier(hidden_layer_sizes=(100, 100)) or "
                  "skdeep.DeepRegressor(hidden_layer_sizes=(100, 100))",
}



def __getattr__(name):
    if name in _SUBMODULES:
        value = _import_module(f".{name}", __name__)
    elif name in _LAZY:
        value = getattr(_import_module(_LAZY[name], __name__), name)
    else:
        hint = f"; {_KERAS_NAMES[name]}" if name in _KERAS_NAMES else ""
        raise AttributeError(f"module 'skdeep' has no attribute {name!r}{hint}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    names = {name for name in globals() if not name.startswith("_")}
    return sorted(names | set(_LAZY) | set(_SUBMODULES) | {"__version__"})
