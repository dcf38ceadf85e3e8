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
   ``obj.__dict__.get("_name")``, ``"_name" in vars(obj)``, or a name bound
   to ``vars(obj)``). A name the reading unit also defines is its own, except
   the estimators' private state, which an edge reaches through the contract
   whatever names it has itself. Replacing an object's whole attribute dict
   (``vars(obj).update(...)``, ``obj.__dict__ = ...``, ``__setstate__``) is
   the contract's ``adopt_state`` alone. The allow-lists below held the
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
    """False for ``self``, ``cls`` and ``super()``."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "super"):
        return False
    return not (isinstance(node, ast.Name) and node.id in ("self", "cls"))


def _dict_expression(node):
    """The object whose attribute dict ``node`` spells: ``vars(obj)``,
    ``obj.__dict__``, ``getattr(obj, "__dict__")``, or a ``dict(...)`` copy
    of one; else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "vars" and len(node.args) == 1:
            return node.args[0]
        if (node.func.id == "getattr" and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "__dict__"):
            return node.args[0]
        if node.func.id == "dict" and len(node.args) == 1:
            return _dict_expression(node.args[0])
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return node.value
    return None


def _dict_aliases(tree):
    """Names bound to another object's attribute dict (``state = vars(obj)``),
    anywhere in the module (a name-level reading, not a scope analysis)."""
    return {target.id for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and _state_of(node.value, ())
            for target in node.targets if isinstance(target, ast.Name)}


def _state_of(node, aliases):
    """True when ``node`` is the attribute dict of an object other than self
    or cls (see ``_dict_expression``), or a name bound to one."""
    if isinstance(node, ast.Name) and node.id in aliases:
        return True
    owner = _dict_expression(node)
    return owner is not None and _not_self(owner)


def _private_text(node):
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _private(node.value))


# functions that reach an attribute by the name in their second argument
_BY_NAME = ("getattr", "setattr", "hasattr", "delattr", "__getattribute__",
            "__setattr__", "__delattr__", "getattr_static")


def _attribute_uses(source):
    """(line, name) of each private attribute of an object other than self or
    cls, named in the source: ``obj._name``; a literal private name given to
    the getattr family (``_BY_NAME``), ``attrgetter`` (each dotted part) or
    ``methodcaller``; and the object's attribute dict (``vars(obj)``,
    ``obj.__dict__``, a name bound to one) read or written at a literal
    private key (``[...]``, ``.get``, ``.pop``, ``.setdefault``, ``in``)."""
    tree = _tree(source)
    aliases = _dict_aliases(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and _not_self(node.value)):
            yield node.lineno, node.attr
        elif isinstance(node, ast.Call):
            function = getattr(node.func, "id", getattr(node.func, "attr", None))
            if (function in _BY_NAME and len(node.args) >= 2
                    and _private_text(node.args[1]) and _not_self(node.args[0])):
                yield node.lineno, node.args[1].value
            elif function in ("attrgetter", "methodcaller"):
                texts = node.args if function == "attrgetter" else node.args[:1]
                yield from ((node.lineno, part) for arg in texts
                            if isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str)
                            for part in arg.value.split(".") if _private(part))
            elif (isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "pop", "setdefault")
                  and node.args and _private_text(node.args[0])
                  and _state_of(node.func.value, aliases)):
                yield node.lineno, node.args[0].value
        elif (isinstance(node, ast.Subscript) and _private_text(node.slice)
              and _state_of(node.value, aliases)):
            yield node.lineno, node.slice.value
        elif (isinstance(node, ast.Compare) and _private_text(node.left)
              and isinstance(node.ops[0], (ast.In, ast.NotIn))
              and _state_of(node.comparators[0], aliases)):
            yield node.lineno, node.left.value


def _state_replacements(source):
    """Lines where the attribute dict of an object other than self or cls is
    rewritten: ``vars(obj).update(...)``, ``.clear()``, ``.popitem()`` or
    ``|=`` on it (or on a name bound to it), ``obj.__dict__ = ...``,
    ``obj.__setstate__(...)``. One key's ``pop`` is an attribute's use
    (``_attribute_uses``), and reading a dict into one's own
    (``options.update(vars(args))``) is neither."""
    tree = _tree(source)
    aliases = _dict_aliases(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and ((node.func.attr in ("update", "clear", "popitem")
                      and _state_of(node.func.value, aliases))
                     or (node.func.attr == "__setstate__"
                         and _not_self(node.func.value)))):
            yield node.lineno
        elif (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.BitOr)
              and _state_of(node.target, aliases)):
            yield node.lineno
        elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Attribute) and target.attr == "__dict__"
                and _not_self(target.value) for target in node.targets):
            yield node.lineno


def _foreign(unit, source, owned):
    """The private names of other units that ``source``, in ``unit``, touches.

    A name the reading unit also defines is its own (two units may each have
    a ``_float``), except the estimators' private state: an edge reaches it
    through the contract even where it has a private name spelt the same."""
    for _, name in _attribute_uses(source):
        others = {other for other, names in owned.items()
                  if other != unit and name in names}
        if others and (name not in owned.get(unit, ()) or "estimators" in others):
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


def _adopt_state_lines():
    """The lines of ``contract.adopt_state``, the one place allowed to
    replace an object's state."""
    contract = PACKAGE / "estimators" / "contract.py"
    [function] = [node for node in ast.walk(_tree(_source(contract)))
                  if isinstance(node, ast.FunctionDef) and node.name == "adopt_state"]
    return contract, range(function.lineno, function.end_lineno + 1)


def test_only_the_contract_replaces_an_objects_whole_state():
    contract, allowed = _adopt_state_lines()
    where = [f"{path.relative_to(PACKAGE)}:{line}" for path in _modules()
             for line in _state_replacements(_source(path))
             if not (path == contract and line in allowed)]
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
             "    '_c' in vars(model)\n    operator.attrgetter('_d.x', 'y._e')(m)\n"
             "    vars(model).pop('_f', None)\n    getattr(self, '_own')\n"
             "    vars(self)['_own']\n    vars(model)['public_']\n"
             "    object.__getattribute__(model, '_g')\n"
             "    inspect.getattr_static(model, '_h')\n"
             "    methodcaller('_i')(model)\n    state = vars(model)\n"
             "    state['_j']\n    dict(vars(model))['_k']\n"
             "    getattr(model, '__dict__')['_l']\n")
    assert sorted(name for _, name in _attribute_uses(probe)) == [
        "_a", "_b", "_c", "_d", "_e", "_f", "_g", "_h", "_i", "_j", "_k", "_l",
        "_network", "_skdeep"]
    replacing = ("def g(self, a, b, options):\n    vars(a).clear()\n"
                 "    a.__dict__.update(b.__dict__)\n    vars(self).update(x=1)\n"
                 "    options.update(vars(b))\n    state = vars(a)\n"
                 "    state.update({})\n    a.__dict__ = {}\n"
                 "    a.__setstate__(b.__getstate__())\n    state |= {}\n"
                 "    self.__dict__ = {}\n")
    assert sorted(_state_replacements(replacing)) == [2, 3, 7, 8, 9, 10]
    # a name the reading unit also uses is its own, except the estimators'
    owned = {"streaming": {"_labels", "_float"}, "estimators": {"_labels"},
             "persistence": {"_float"}}
    reading = ("def h(self, model, d):\n    self._labels()\n    model._labels()\n"
               "    d._float\n")
    assert sorted(_foreign("streaming", reading, owned)) == ["_labels"]
    assert sorted(_foreign("export", reading, owned)) == ["_float", "_labels"]


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
