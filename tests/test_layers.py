"""The package's imports point down the layers, and only the estimators layer
(and the edge modules above it) import scikit-learn."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skdeep"

# What each core layer may import from skdeep; the exceptions module is a leaf
# every layer may raise from.
ALLOWED = {
    "ops": {"ops"},
    "optim": {"optim"},
    "network": {"network", "ops"},
    "training": {"training", "network", "optim", "ops"},
    "estimators": {"estimators", "training", "network", "optim", "ops"},
}
LEAVES = {"exceptions"}
NO_SKLEARN = {"ops", "optim", "network", "training"}


def _skdeep_imports(path):
    """(line, top-level skdeep module, imports sklearn?) for each import."""
    tree = ast.parse(path.read_text())
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                if not node.module:
                    for alias in node.names:
                        yield node.lineno, parts + [alias.name]
                    continue
                yield node.lineno, parts
            else:
                yield node.lineno, node.module.split(".")


def _layer_files():
    for layer in ALLOWED:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            yield layer, path


@pytest.mark.parametrize("layer, path", list(_layer_files()),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_imports_point_down(layer, path):
    for line, parts in _skdeep_imports(path):
        if parts[0] == "sklearn":
            assert layer not in NO_SKLEARN, f"{path}:{line} imports sklearn"
        if parts[0] != "skdeep" or len(parts) < 2:
            continue
        target = parts[1]
        assert target in ALLOWED[layer] | LEAVES, (
            f"{path.relative_to(PACKAGE)}:{line} imports skdeep.{target}, "
            f"above the {layer} layer"
        )


def test_walker_sees_relative_imports():
    """Guard the test itself: it must resolve the relative imports it checks."""
    path = PACKAGE / "network" / "mlp.py"
    targets = {parts[1] for _, parts in _skdeep_imports(path)
               if parts[0] == "skdeep"}
    assert {"ops", "network"} <= targets


def test_subpackages_are_attributes_of_a_bare_import():
    """``import skdeep`` alone reaches every subpackage as an attribute, and
    ``dir(skdeep)`` lists the public face, not the modules it imports."""
    import subprocess
    import sys

    code = ("import skdeep\n"
            "bunch = skdeep.datasets.load_shot_log()\n"
            "print(len(bunch.target) > 0, 'importlib' in dir(skdeep),\n"
            "      {'datasets', 'callbacks', 'load'} <= set(dir(skdeep)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120,
                            cwd=str(PACKAGE.parent))
    assert result.stdout.split() == ["True", "False", "True"], result.stderr
