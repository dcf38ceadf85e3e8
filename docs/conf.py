"""Sphinx configuration of skdeep's documentation site.

Build it from the repository root (needs ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build makes no network access: intersphinx is off, so references to other
projects' objects are written as plain names and left unresolved on purpose
(see ``nitpick_ignore_regex``), while every reference to a skdeep object must
resolve.
"""

import sys
import warnings
from pathlib import Path

import skdeep

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))

project = "skdeep"
author = "the skdeep developers"
copyright = "the skdeep developers"
release = version = skdeep.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json",
                    "auto_examples/*.md5"]
root_doc = "index"
default_role = "literal"
html_theme = "alabaster"
html_title = f"skdeep {release}"
html_static_path = []
html_copy_source = False

# --- API reference -------------------------------------------------------------
autosummary_generate = True
# skdeep's own methods, also those its base classes define, but not the ones
# scikit-learn's base classes add (get_params, score, ...): their docs are
# scikit-learn's
autodoc_default_options = {
    "members": True,
    "inherited-members": "BaseEstimator, ClassifierMixin, RegressorMixin, "
                         "CallbackSupportMixin, object",
}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists the members
numpydoc_class_members_toctree = False
# a public object without a docstring, or a parameter its docstring does not
# describe (or describes but does not take), fails the -W build
numpydoc_validation_checks = {"GL08", "PR01", "PR02"}
# scikit-learn's inherited methods are its own docs' business

# scikit-learn's callback protocol: the estimator calls these, users never do
CALLBACK_HOOKS = {"setup", "teardown", "on_fit_task_begin", "on_fit_task_end"}


def skip_foreign_members(app, what, name, obj, skip, options):
    """Leave out of the API pages the protocol hooks of skdeep.callbacks and
    the methods scikit-learn attaches to every estimator class
    (``set_fit_request``, ``get_metadata_routing``, ...)."""
    module = getattr(obj, "__module__", None) or ""
    if name in CALLBACK_HOOKS and module.startswith("skdeep.callbacks"):
        return True
    if module.startswith("sklearn."):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign_members)

# Every reference to a skdeep object must resolve; other projects' names cannot
# without intersphinx (no network here), so they are written but not linked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(sklearn|numpy|np|scipy|pandas|pd|joblib|matplotlib|onnx|"
               r"onnxruntime|skl2onnx|dask|dask_ml|distributed|skops|os|"
               r"pathlib|collections|typing|zipfile)(\..*)?"),
    (r"py:.*", r"(int|float|str|bool|dict|list|tuple|None|bytes|object|callable|"
               r"ValueError|TypeError|ImportError|OSError|KeyboardInterrupt|"
               r"Exception|path-like|array-like|sparse matrix|ndarray|iterable|"
               r"file-like|function|Bunch|DataFrame|Series|Figure|Axes|Line2D)"),
]

# --- gallery ---------------------------------------------------------------------
warnings.filterwarnings("ignore", category=UserWarning,
                        message="Matplotlib is currently using agg")
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every example, not only plot_*.py
    "ignore_pattern": r"__init__\.py",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skdeep",),
    "reference_url": {"skdeep": None},
    "reset_modules": ("matplotlib", "gallery_env.quick_dask"),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "within_subsection_order": "FileNameSortKey",
}
