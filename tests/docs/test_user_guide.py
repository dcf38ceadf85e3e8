"""The user guide's Python blocks run, page by page, as a reader pastes them.

A ``.. code-block:: python`` runs in one namespace per page, in order; a
``.. code-block:: text`` right below it is the output it shows, and must be
what it prints. A block whose first line is ``# not run`` is skipped (it
needs a cluster or a file the reader has).
"""

import contextlib
import io
import re
import textwrap
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted((DOCS / "user_guide").glob("*.rst"))


def _directives(text):
    """[(language, code, adjacent)] of every top-level ``code-block``, in
    order; ``adjacent``: only blank lines separate it from the one before."""
    lines, blocks, end = text.splitlines(), [], None
    for number, line in enumerate(lines):
        match = re.fullmatch(r"\.\. code-block:: (\w+)", line)
        if not match:
            continue
        body = []
        for following in lines[number + 1:]:
            if following.strip() and not following.startswith(" "):
                break
            body.append(following)
        adjacent = end is not None and not "".join(lines[end:number]).strip()
        blocks.append((match.group(1), textwrap.dedent("\n".join(body)).strip("\n"),
                       adjacent))
        end = number + 1 + len(body)
    return blocks


def code_blocks(text):
    """[(language, code)] of every ``code-block`` directive, in order."""
    return [(language, code) for language, code, _ in _directives(text)]


def python_with_output(text):
    """[(code, shown output or None)]: each Python block and the text block
    right below it (nothing but blank lines between)."""
    blocks = _directives(text) + [(None, None, False)]
    return [(code, after[1] if after[0] == "text" and after[2] else None)
            for (language, code, _), after in zip(blocks, blocks[1:])
            if language == "python"]


def test_reader_sees_blocks_as_the_parser_does():
    page = textwrap.dedent("""\
        Text.

        .. code-block:: python

           x = 1
           print(x)

        .. code-block:: text

           1

        .. code-block:: python

           y = 2

        Prose between: the text block below is not this block's output.

        .. code-block:: text

           2
        """)
    assert python_with_output(page) == [("x = 1\nprint(x)", "1"), ("y = 2", None)]


def test_the_guide_teaches_with_code():
    assert len(PAGES) >= 10
    python = [code for page in PAGES for language, code in code_blocks(page.read_text())
              if language == "python" and not code.startswith("# not run")]
    assert len(python) >= 15


@pytest.mark.slow  # trains the guide's models
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_python_blocks_run_and_print_what_they_show(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the pages write model and log files
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__"}
    for code, shown in python_with_output(page.read_text()):
        if code.startswith("# not run"):
            continue
        # a ConvergenceWarning would reach the reader, and the pages show none
        with warnings.catch_warnings(), \
                contextlib.redirect_stdout(io.StringIO()) as printed:
            warnings.simplefilter("error", ConvergenceWarning)
            exec(compile(code, str(page), "exec"), namespace)
        if shown is not None:
            assert printed.getvalue().rstrip("\n") == shown, code


def test_saving_page_lists_every_type_skdeep_save_accepts():
    from skdeep.persistence._sklearn import ALLOWED_TYPES

    text = re.sub(r"\s+", " ", (DOCS / "user_guide" / "saving.rst").read_text())
    sentence = text.split("`skdeep.save` takes ")[1].split(". ")[0]
    missing = [name for name in ALLOWED_TYPES if f"`{name}" not in sentence]
    assert not missing, f"the saving page's list of what save takes lacks {missing}"
