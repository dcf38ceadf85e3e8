"""The distribution has a name of its own on PyPI, and every install hint uses it.

``pip install skdeep`` installs an unrelated project; this one is published as
``scikit-deep`` and imported as ``skdeep`` (as scikit-learn is imported as
sklearn).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# an extra of the bare name, e.g. "skdeep[onnx]", but not "scikit-deep[onnx]"
BARE_EXTRA = re.compile(r"(?<![\w-])skdeep\\?\[")


def _texts():
    paths = [ROOT / "README.md", ROOT / "pyproject.toml",
             *sorted((ROOT / "skdeep").rglob("*.py")),
             *sorted((ROOT / "examples").glob("*.py")),
             *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "docs").rglob("*.rst")), ROOT / "docs" / "conf.py"]
    return [path for path in paths if path.name != Path(__file__).name]


def test_the_distribution_is_scikit_deep():
    # read as text: tomllib needs Python 3.11, the package supports 3.10
    pyproject = (ROOT / "pyproject.toml").read_text()
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^name = "scikit-deep"$', project, re.M)
    assert re.search(r'^test = \[[^]]*"scikit-deep\[', pyproject, re.M)


def test_no_install_hint_names_the_other_project():
    offending = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in _texts()
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if BARE_EXTRA.search(line)]
    assert not offending, "install hints must name scikit-deep[...]:\n" + \
        "\n".join(offending)


def test_readme_says_the_pypi_name():
    readme = (ROOT / "README.md").read_text()
    assert "pip install scikit-deep" in readme


@pytest.mark.parametrize("implementation, machine, installs", [
    ("CPython", "x86_64", True), ("CPython", "AMD64", True),
    ("CPython", "aarch64", True), ("CPython", "arm64", True),
    ("PyPy", "x86_64", False), ("CPython", "riscv64", False),
    ("CPython", "ppc64le", False), ("CPython", "armv7l", False),
])
def test_numba_is_required_only_where_it_has_wheels(implementation, machine,
                                                     installs):
    """Elsewhere pip would build Numba and LLVM from source and fail: the
    install goes on without it, and training takes the NumPy path."""
    from packaging.requirements import Requirement

    pyproject = (ROOT / "pyproject.toml").read_text()
    [line] = re.findall(r'^    "(numba[^"]*)",$', pyproject, re.M)
    marker = Requirement(line).marker
    assert marker.evaluate({"platform_python_implementation": implementation,
                            "platform_machine": machine}) is installs
