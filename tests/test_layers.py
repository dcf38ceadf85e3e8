"""The package's layers, as skdeep's package docstrings state them.

skdeep is an engine (``ops`` and ``optim``, then ``network``, then ``training``)
under the scikit-learn estimators (``estimators``), with edge packages around
them (``persistence``, ``export``, ``callbacks``, ``streaming``, ``plotting``,
``datasets``, and ``cli`` on top) and leaf modules every unit may import
(``exceptions``, ``files``, ``_pipelines``). A *unit* is a subpackage or a
top-level module.

This module walks every import in the package (``import`` statements and
literal ``importlib.import_module`` calls, wherever they sit) and checks:

1. imports point down: each unit imports only the units ``MAY_IMPORT`` lists;
2. which units may import which third-party packages (``THIRD_PARTY``):
   scikit-learn, SciPy and pandas among them;
3. the contract between units: a unit uses another only through its public
   names. An edge reaches the estimators through ``skdeep.estimators.contract``
   (the fitted engine handed out and taken back, what a running fit gives its
   callbacks, the estimators' facts the command line needs) and their public
   fitted attributes. Importing another unit's private module or private name,
   or touching an attribute another unit keeps private, fails: ``obj._name``,
   ``getattr(obj, "_name")`` (and setattr, hasattr, delattr, attrgetter), or
   the object's attribute dict at that key (``vars(obj)["_name"]``,
   ``obj.__dict__.get("_name")``, ``"_name" in vars(obj)``), whether or not
   the reading unit has a private name of its own spelt the same. Replacing
   an object's whole attribute dict (``vars(obj).update(...)``) is the
   contract's ``adopt_state`` alone. The allow-lists below held the
   violations older than this rule; they are empty now and stay so (an
   entry whose violation is gone fails too).

What a static reading cannot see stays outside: a name computed at run time
(``getattr(obj, name)``, ``import_module(variable)``), which the package
uses only for its own modules (the face's lazy imports, the command table of
``cli``) and for public names.
"""

import ast
import functools
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skdeep"
FACE = "skdeep"  # skdeep/__init__.py: the public names, imported lazily

# Each unit and the other units it may import (besides itself and LEAVES).
# The core points down: ops, optim < network < training < estimators. The
# edges use the estimators and the engine's public modules (persistence
# rebuilds the fitted engine; export reads activation names from ops and never
# imports training); cli, on top, may import everything but the engine.
MAY_IMPORT = {
    "ops": set(),
    "optim": set(),
    "network": {"ops"},
    "training": {"network", "optim", "ops"},
    "estimators": {"training", "network", "optim", "ops"},
    "persistence": {"estimators", "training", "network", "optim", "ops"},
    "export": {"estimators", "ops"},
    "callbacks": {"estimators", "persistence"},
    "streaming": {"estimators", "callbacks"},
    "plotting": set(),
    "datasets": set(),
    "cli": {FACE, "estimators", "persistence", "export", "callbacks", "streaming",
            "plotting", "datasets"},
    "__main__": {"cli"},
    FACE: None,  # the face imports any unit (lazily, on first attribute access)
}
LEAVES = {"exceptions", "files", "_version", "_pipelines"}

# Which units may import each third-party package: None lets a unit import
# any of it, a tuple only those submodules. NumPy and the standard library are
# open to every unit; any other third-party import must be declared here.
THIRD_PARTY = {
    "sklearn": {unit: None for unit in ("estimators", "persistence", "export",
                                        "streaming", "cli", "datasets",
                                        "plotting")},
    # the engine: GELU's erf (ops), L-BFGS (optim), the BLAS the compiled
    # training step calls (training)
    "scipy": {"ops": ("scipy.special",), "optim": ("scipy.optimize",),
              "training": ("scipy.linalg",), "estimators": None, "export": None},
    # export: the feeds of an exported raw-table model, built from a frame
    "pandas": {unit: None for unit in ("estimators", "persistence", "export",
                                       "streaming", "cli", "datasets")},
    "numba": {"training": None},  # the compiled training step, optional
    # Numba's own dependency: the compiled step's call of NumPy's BLAS by address
    "llvmlite": {"training": None},
    "threadpoolctl": {"estimators": None},
    "matplotlib": {"plotting": None, "cli": None},
    "onnx": {"export": None},
    "skl2onnx": {"export": None},
}

# Upward imports that exist today: (importing unit, imported unit) -> count.
UPWARD_ALLOWED = Counter()

# Imports of another unit's private module or name that exist today:
# (importing unit, "skdeep.module.path:name") -> count. None: the edges use
# skdeep.estimators.contract and the other units' public names.
PRIVATE_IMPORTS_ALLOWED = Counter()

# Attributes another unit keeps private, touched today: (unit, name) -> count.
PRIVATE_ATTRIBUTES_ALLOWED = Counter()


def _private(name):
    return name.startswith("_") and not name.startswith("__")


@functools.cache
def _modules():
    return tuple(sorted(PACKAGE.rglob("*.py")))


@functools.cache
def _source(path):
    return path.read_text()


@functools.cache
def _tree(source):
    return ast.parse(source)


def _unit(path):
    """The unit a module of the package belongs to."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts == ("__init__",):
        return FACE
    return parts[0]


def _unit_of(dotted):
    """The unit of an absolute skdeep module path (``skdeep.a.b``)."""
    return FACE if len(dotted) == 1 else dotted[1]


def _package_of(path):
    return ("skdeep",) + path.relative_to(PACKAGE).with_suffix("").parts[:-1]


def _resolve(package, level, module):
    base = list(package[: len(package) - level + 1]) if level else []
    return base + (module.split(".") if module else [])


def _literal(node, path):
    """The string a call argument spells, resolving ``{__package__}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for value in node.values:
            if isinstance(value, ast.Constant):
                text += value.value
            elif (isinstance(value, ast.FormattedValue)
                  and isinstance(value.value, ast.Name)
                  and value.value.id == "__package__"):
                text += ".".join(_package_of(path))
            else:
                return None
        return text
    return None


def _imports(path):
    """(line, module path as a list, imported name or None) of each import."""
    package = _package_of(path)
    for node in ast.walk(_tree(_source(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split("."), None
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(package, node.level, node.module)
            for alias in node.names:
                yield node.lineno, module, alias.name
        elif (isinstance(node, ast.Call) and node.args
              and getattr(node.func, "attr", getattr(node.func, "id", None))
              == "import_module"):
            name = _literal(node.args[0], path)
            if name is None:
                continue
            level = len(name) - len(name.lstrip("."))
            yield node.lineno, _resolve(package, level, name.lstrip(".")), None


def _skdeep_target(module, name):
    """The full dotted path an import reaches: ``from skdeep.a import b``
    reaches the module ``skdeep.a.b`` when ``b`` is a submodule."""
    if name is None or name == "*":
        return module
    candidate = PACKAGE.parent.joinpath(*module, name)
    if candidate.with_suffix(".py").is_file() or candidate.is_dir():
        return module + [name]
    return module


def _edges():
    """(path, line, importing unit, imported unit, target path, name)."""
    for path in _modules():
        for line, module, name in _imports(path):
            if module and module[0] == "skdeep":
                target = _skdeep_target(module, name)
                yield path, line, _unit(path), _unit_of(target), module, name


def _upward():
    found = Counter()
    for _, _, unit, target, _, _ in _edges():
        if target == unit or target in LEAVES:
            continue
        allowed = MAY_IMPORT.get(unit, set())
        if allowed is not None and target not in allowed:
            found[unit, target] += 1
    return found


def _private_imports():
    found = Counter()
    for _, _, unit, target, module, name in _edges():
        if target == unit or target in LEAVES:
            continue
        names = [] if name is None else [name]
        if any(map(_private, module[1:] + names)):
            found[unit, ".".join(module) + (f":{name}" if name else "")] += 1
    return found


def _root(node):
    """The name an attribute chain starts from (``self`` for ``self.a.b``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _owned():
    """The private attribute names each unit defines: set on ``self`` or
    ``cls`` (or on an attribute of theirs), or defined in a class body or at
    module level."""
    owned = {}
    for path in _modules():
        names = owned.setdefault(_unit(path), set())
        for node in ast.walk(_tree(_source(path))):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and _root(node.value) in ("self", "cls")):
                names.add(node.attr)
            elif isinstance(node, (ast.ClassDef, ast.Module)):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef,
                                         ast.ClassDef)):
                        names.add(item.name)
                    targets = (item.targets if isinstance(item, ast.Assign) else
                               [item.target] if isinstance(item, ast.AnnAssign)
                               else [])
                    names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {unit: set(filter(_private, names)) for unit, names in owned.items()}


def _not_self(node):
    return not (isinstance(node, ast.Name) and node.id in ("self", "cls"))


def _state_of(node):
    """The object whose attribute dict ``node`` spells (``vars(obj)`` or
    ``obj.__dict__``), or None."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "vars" and len(node.args) == 1):
        return node.args[0]
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return node.value
    return None


def _private_text(node):
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _private(node.value))


def _attribute_uses(source):
    """(line, name) of each private attribute of an object other than self or
    cls, named in the source: ``obj._name``; ``getattr``/``setattr``/
    ``hasattr``/``delattr`` or ``attrgetter`` of a literal private name; and
    the object's attribute dict (``vars(obj)``, ``obj.__dict__``) read or
    written at a literal private key (``[...]``, ``.get``, ``.pop``,
    ``.setdefault``, ``in``)."""
    for node in ast.walk(_tree(source)):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and _not_self(node.value)):
            yield node.lineno, node.attr
        elif isinstance(node, ast.Call):
            function = getattr(node.func, "id", getattr(node.func, "attr", None))
            if (function in ("getattr", "setattr", "hasattr", "delattr")
                    and len(node.args) >= 2 and _private_text(node.args[1])
                    and _not_self(node.args[0])):
                yield node.lineno, node.args[1].value
            elif function == "attrgetter":
                yield from ((node.lineno, arg.value) for arg in node.args
                            if _private_text(arg))
            elif (isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "pop", "setdefault")
                  and node.args and _private_text(node.args[0])):
                owner = _state_of(node.func.value)
                if owner is not None and _not_self(owner):
                    yield node.lineno, node.args[0].value
        elif isinstance(node, ast.Subscript) and _private_text(node.slice):
            owner = _state_of(node.value)
            if owner is not None and _not_self(owner):
                yield node.lineno, node.slice.value
        elif (isinstance(node, ast.Compare) and _private_text(node.left)
              and isinstance(node.ops[0], (ast.In, ast.NotIn))):
            owner = _state_of(node.comparators[0])
            if owner is not None and _not_self(owner):
                yield node.lineno, node.left.value


def _state_replacements(source):
    """Lines where an object's whole attribute dict, other than self's, is
    rewritten or copied into another's: ``vars(obj).update(...)``,
    ``.clear()``, ``x.__dict__.update(vars(obj))``..."""
    for node in ast.walk(_tree(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "clear")):
            continue
        owners = [_state_of(node.func.value), *map(_state_of, node.args)]
        if any(owner is not None and _not_self(owner) for owner in owners):
            yield node.lineno


def _foreign(unit, source, owned):
    """The private names of other units that ``source``, in ``unit``, touches."""
    for _, name in _attribute_uses(source):
        if any(name in names for other, names in owned.items() if other != unit):
            yield name


def _private_attributes():
    owned = _owned()
    found = Counter()
    for path in _modules():
        unit = _unit(path)
        for name in _foreign(unit, _source(path), owned):
            found[unit, name] += 1
    return found


def _over(found, allowed):
    return {key: (count, allowed[key]) for key, count in found.items()
            if count > allowed[key]}


def test_every_unit_is_declared():
    units = {_unit(path) for path in _modules()} - LEAVES
    assert units <= set(MAY_IMPORT), (
        f"new units {sorted(units - set(MAY_IMPORT))}: declare what they may "
        "import in MAY_IMPORT and say it in their docstring")


def test_imports_point_down():
    over = _over(_upward(), UPWARD_ALLOWED)
    where = [f"{path.relative_to(PACKAGE)}:{line} imports skdeep.{target}"
             for path, line, unit, target, _, _ in _edges() if (unit, target) in over]
    assert not over, f"imports against the layers (found, allowed): {over}\n" + \
        "\n".join(where)


def test_third_party_imports_are_the_declared_ones():
    stdlib = sys.stdlib_module_names
    wrong = []
    for path in _modules():
        unit = _unit(path)
        for line, module, _ in _imports(path):
            top = module[0] if module else ""
            if top in stdlib or top in ("skdeep", "numpy", "__future__", ""):
                continue
            allowed = THIRD_PARTY.get(top, {})
            if unit not in allowed:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} {'.'.join(module)}")
            elif allowed[unit] is not None and not any(
                    ".".join(module).startswith(prefix) for prefix in allowed[unit]):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} {'.'.join(module)}"
                             f" (only {allowed[unit]} in {unit})")
    assert not wrong, "third-party imports not declared in THIRD_PARTY:\n" + \
        "\n".join(wrong)


def test_no_new_private_imports_across_units():
    over = _over(_private_imports(), PRIVATE_IMPORTS_ALLOWED)
    assert not over, (
        "imports of another unit's private module or name (found, allowed): "
        f"{over}; use or add a public name in that unit instead")


def test_only_the_contract_replaces_an_objects_whole_state():
    contract = PACKAGE / "estimators" / "contract.py"
    where = [f"{path.relative_to(PACKAGE)}:{line}" for path in _modules()
             if path != contract for line in _state_replacements(_source(path))]
    assert not where, (
        "an object's whole attribute dict rewritten outside "
        f"skdeep.estimators.contract.adopt_state: {where}; use adopt_state")


def test_no_new_private_attributes_across_units():
    over = _over(_private_attributes(), PRIVATE_ATTRIBUTES_ALLOWED)
    assert not over, (
        "attributes another unit keeps private, touched here (found, allowed): "
        f"{over}; read a public attribute (a fitted attribute, a named function) "
        "instead")


@pytest.mark.parametrize("found, allowed", [
    (_upward, UPWARD_ALLOWED), (_private_imports, PRIVATE_IMPORTS_ALLOWED),
    (_private_attributes, PRIVATE_ATTRIBUTES_ALLOWED)],
    ids=["upward", "private-imports", "private-attributes"])
def test_allow_lists_hold_no_fixed_entries(found, allowed):
    """An entry whose violation is gone is taken off its list, so the lists
    only shrink."""
    fixed = sorted(set(allowed) - set(found()))
    assert not fixed, f"fixed: remove {fixed} from the allow-list"


def test_the_walker_sees_what_it_checks():
    """Guard the checks themselves: relative, in-function and importlib imports
    resolve, the declared third-party uses are found, and a private read of
    another unit's attribute is seen."""
    network = {tuple(m[:2]) for _, m, _ in _imports(PACKAGE / "network" / "mlp.py")}
    assert {("skdeep", "ops"), ("skdeep", "network")} <= network
    compiled = {".".join(m) for _, m, _ in _imports(PACKAGE / "training"
                                                     / "compiled.py")}
    assert {"skdeep.training._kernel_step", "scipy.linalg.cython_blas"} <= compiled
    ops = {m[0] for _, m, _ in _imports(PACKAGE / "ops" / "activations.py")}
    assert "scipy" in ops
    assert _unit(PACKAGE / "streaming" / "_reader.py") == "streaming"
    assert "_network" in _owned()["estimators"]
    probe = ("def f(self, model, task):\n    model._network.params\n"
             "    getattr(task, '_skdeep', None)\n    self._own\n    m.__len__\n"
             "    vars(model)['_a']\n    model.__dict__.get('_b')\n"
             "    '_c' in vars(model)\n    operator.attrgetter('_d')(model)\n"
             "    vars(model).pop('_e', None)\n    getattr(self, '_own')\n"
             "    vars(self)['_own']\n    vars(model)['public_']\n")
    assert sorted(name for _, name in _attribute_uses(probe)) == [
        "_a", "_b", "_c", "_d", "_e", "_network", "_skdeep"]
    replacing = ("def g(self, a, b):\n    vars(a).clear()\n"
                 "    a.__dict__.update(b.__dict__)\n    vars(self).update(x=1)\n"
                 "    {}.update(vars(b))\n    d.update(e)\n")
    assert list(_state_replacements(replacing)) == [2, 3, 5]
    # a name the reading unit also uses privately is no excuse: streaming has
    # a _labels of its own, and the estimators' _labels stays theirs
    assert "_labels" in _owned()["streaming"] & _owned()["estimators"]
    reading = "def h(self, model):\n    self._labels()\n    model._labels()\n"
    assert list(_foreign("streaming", reading, _owned())) == ["_labels"]


@pytest.mark.slow  # a fresh interpreter
def test_layers_import_on_their_own_and_the_face_stays_lean():
    """Each engine layer imports without the layers above it (and without
    scikit-learn or pandas); then ``import skdeep`` alone reaches every
    subpackage as an attribute, and ``dir(skdeep)`` lists the public face, not
    the modules it imports. One fresh interpreter checks both, in that order."""
    code = ("import sys\n"
            "import skdeep.training, skdeep.network, skdeep.ops, skdeep.optim\n"
            "print(sorted(m for m in sys.modules if m.startswith('skdeep.')\n"
            "             and m.split('.')[1] in ('estimators', 'persistence',"
            " 'export', 'cli', 'callbacks', 'streaming')),\n"
            "      'sklearn' in sys.modules, 'pandas' in sys.modules)\n"
            "import skdeep\n"
            "bunch = skdeep.datasets.load_shot_log()\n"
            "print(len(bunch.target) > 0, 'importlib' in dir(skdeep),\n"
            "      {'datasets', 'callbacks', 'load'} <= set(dir(skdeep)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120, cwd=str(PACKAGE.parent))
    assert result.stdout.split() == ["[]", "False", "False", "True", "False",
                                     "True"], result.stderr
