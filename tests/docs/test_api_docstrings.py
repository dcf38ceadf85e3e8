"""Every public object has the numpydoc sections it needs and a runnable example,
and the API reference lists it."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

docscrape = pytest.importorskip("numpydoc.docscrape")  # the [docs] extra
ClassDoc, FunctionDoc = docscrape.ClassDoc, docscrape.FunctionDoc

API = Path(__file__).resolve().parents[2] / "docs" / "api.rst"
# the modules whose __all__ is skdeep's public API
PUBLIC_MODULES = ["skdeep", "skdeep.callbacks", "skdeep.datasets", "skdeep.exceptions",
                  "skdeep.export", "skdeep.plotting", "skdeep.streaming"]


def public_names():
    """{public object: every public name it has} (constants left out); the
    callbacks, say, are both ``skdeep.X`` and ``skdeep.callbacks.X``."""
    names = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                names.setdefault(obj, []).append(f"{module_name}.{name}")
    return names


def public_objects():
    """{first public name: object}, one entry per object."""
    return {names[0]: obj for obj, names in public_names().items()}


def _takes_parameters(function):
    params = list(inspect.signature(function).parameters)
    return [name for name in params if name not in ("self", "cls")]


def _returns_something(function):
    source = inspect.getsource(function)
    return bool(re.search(r"^\s+return \S", source, flags=re.M))


def missing_sections(obj):
    """The numpydoc sections ``obj``'s docstring lacks, by name."""
    if not inspect.getdoc(obj):
        return ["docstring"]
    is_class = inspect.isclass(obj)
    doc = ClassDoc(obj, config={"show_class_members": False}) if is_class \
        else FunctionDoc(obj)
    missing = []
    if not doc["Summary"]:
        missing.append("Summary")
    if is_class:  # the constructor's parameters, when skdeep defines it
        own_init = any("__init__" in vars(klass) for klass in obj.__mro__
                       if klass.__module__.startswith("skdeep"))
        takes = _takes_parameters(obj.__init__) if own_init else []
    else:
        takes = _takes_parameters(obj)
    if takes and not doc["Parameters"]:
        missing.append("Parameters")
    if not is_class and _returns_something(obj) and not doc["Returns"]:
        missing.append("Returns")
    fitted = is_class and (hasattr(obj, "fit") or obj.__name__.endswith("Display"))
    if fitted and not doc["Attributes"]:
        missing.append("Attributes")
    if not any(">>>" in line for line in doc["Examples"]):
        missing.append("Examples")
    return missing


def _public_methods(cls):
    """The methods the API page shows: skdeep's own, public and documented
    by the class or its skdeep base classes."""
    for klass in cls.__mro__:
        if not klass.__module__.startswith("skdeep"):
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(value):
                yield name, getattr(cls, name)


OBJECTS = public_objects()


def test_the_public_api_is_what_the_reference_expects():
    every_name = {name for names in public_names().values() for name in names}
    assert {"skdeep.DeepClassifier", "skdeep.DeepRegressor", "skdeep.save",
            "skdeep.load", "skdeep.to_onnx", "skdeep.callbacks.ModelCheckpoint",
            "skdeep.streaming.fit_csv", "skdeep.datasets.load_shot_log",
            "skdeep.plotting.HistoryDisplay",
            "skdeep.DivergenceError"} <= every_name


def api_entries():
    """The full names the autosummary tables of docs/api.rst list."""
    entries, current = set(), None
    for line in API.read_text().splitlines():
        if line.startswith(".. currentmodule:: "):
            current = line.split(":: ")[1].strip()
        elif re.fullmatch(r"   [A-Za-z_][\w.]*", line) and current:
            entries.add(f"{current}.{line.strip()}")
    return entries


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_api_reference_lists_it(name):
    names = public_names()[OBJECTS[name]]
    assert set(names) & api_entries(), f"docs/api.rst lists none of {names}"


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_docstring_has_its_sections(name):
    obj = OBJECTS[name]
    assert missing_sections(obj) == [], f"{name} lacks {missing_sections(obj)}"


@pytest.mark.parametrize("name", sorted(n for n, o in OBJECTS.items()
                                        if inspect.isclass(o)))
def test_methods_document_parameters_and_returns(name):
    lacking = {}
    for method_name, method in _public_methods(OBJECTS[name]):
        doc = FunctionDoc(method)
        gaps = [section for section, needed in (
            ("docstring", not inspect.getdoc(method)),
            ("Parameters", _takes_parameters(method) and not doc["Parameters"]),
            ("Returns", _returns_something(method) and not doc["Returns"]
             and not doc["Yields"]),
        ) if needed]
        if gaps and method_name not in CALLBACK_PROTOCOL:
            lacking[method_name] = gaps
    assert not lacking, f"{name}: {lacking}"


# scikit-learn calls these on a callback; users never do, and the API pages
# leave them out (docs/conf.py)
CALLBACK_PROTOCOL = {"setup", "teardown", "on_fit_task_begin", "on_fit_task_end"}


def test_the_examples_run_as_doctests():
    # the examples this file requires run in pytest's doctest collection of the
    # skdeep package (once, not again here)
    # read as text: tomllib needs Python 3.11, the package supports 3.10
    pyproject = (API.parents[1] / "pyproject.toml").read_text()
    options = pyproject.split("[tool.pytest.ini_options]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^testpaths = \[[^]]*"skdeep"', options, re.M)
    assert re.search(r"^addopts = .*--doctest-modules", options, re.M)


def test_checker_names_what_a_bare_docstring_lacks():
    def scale(values, factor):
        """Multiply values by factor."""
        return [value * factor for value in values]

    class Estimator:
        """Fit something.

        Parameters
        ----------
        alpha : float
            Strength.
        """

        def __init__(self, alpha=1.0):
            self.alpha = alpha

        def fit(self, X):
            return self

    assert missing_sections(scale) == ["Parameters", "Returns", "Examples"]
    assert missing_sections(Estimator) == ["Attributes", "Examples"]
