"""The README's Python examples run, in order, as a reader would paste them."""

import contextlib
import importlib.util
import io
import re
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def _shown_output():
    """Python block -> the text block right below it: the output it shows."""
    block = r"((?:(?!```).)*)```"  # the text up to the closing fence
    return dict(re.findall(rf"```python\n{block}\s*```text\n{block}",
                           README.read_text(), flags=re.S))


def test_readme_has_examples():
    assert len(_blocks()) >= 5


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the quickstart writes a model file
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {}
    has_matplotlib = importlib.util.find_spec("matplotlib") is not None
    ran, shown = 0, _shown_output()
    for block in _blocks():
        if block.startswith("# not run"):
            continue
        if "skdeep.plotting" in block and not has_matplotlib:
            continue
        # a ConvergenceWarning would reach the reader, and the README shows none
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()) \
                as printed:
            warnings.simplefilter("error", ConvergenceWarning)
            exec(compile(block, str(README), "exec"), namespace)
        if block in shown:
            assert printed.getvalue() == shown[block], block
        ran += 1
    assert ran >= 5
    assert shown, "some README block shows its output"
    assert (tmp_path / "shots.skdeep").exists()


def test_readme_lists_every_type_skdeep_save_accepts():
    from skdeep.persistence._sklearn import ALLOWED_TYPES

    text = re.sub(r"\s+", " ", README.read_text())
    sentence = text.split("`skdeep.save` takes ")[1].split(". ")[0]
    missing = [name for name in ALLOWED_TYPES if f"`{name}" not in sentence]
    assert not missing, f"the README's list of what skdeep.save takes lacks {missing}"
