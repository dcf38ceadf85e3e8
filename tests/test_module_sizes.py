"""No module of skdeep above ~300 lines of code (STYLE.md, practice 10).

A module's code lines are its lines that are neither blank, nor a comment, nor
part of a docstring (of the module, a class or a function): the count issue 20
measures. No module is allowed above it: split a module that grows past it
along its seams.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skdeep"
LIMIT = 300


def code_lines(source):
    """Lines of ``source`` that are not blank, a comment or a docstring."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                             ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    return sum(1 for number, line in enumerate(source.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#")
               and number not in docstrings)


def _sizes():
    return {path.relative_to(PACKAGE).as_posix(): code_lines(path.read_text())
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_count_skips_docstrings_comments_and_blank_lines():
    source = '''"""Module docstring,
    on two lines."""

import numpy as np  # a trailing comment is code


# a comment
class Plan:
    """Class docstring."""

    LIMIT = 3

    def method(self):
        """One line."""
        text = """a string that is not a docstring
        counts"""
        return text


async def run():
    """Async docstring
    over two lines.
    """
    return 1
'''
    # the import, class, LIMIT, def, text (2 lines), return, async def, return
    assert code_lines(source) == 9


def test_no_module_above_the_limit():
    over = {module: count for module, count in _sizes().items()
            if count > LIMIT}
    assert not over, (
        f"modules above {LIMIT} lines of code (docstrings and comments "
        f"excluded): {over}; split them along their seams")

