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
    assert len(_blocks()) >= 2


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
    assert ran >= 2
    assert shown, "some README block shows its output"
    assert (tmp_path / "shots.skdeep").exists()


def test_readme_is_a_front_door():
    # the long content lives in docs/; the README stays a page one reads whole
    assert len(README.read_text().splitlines()) <= 150


def test_readme_setup_commands_are_the_ones_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    commands = re.findall(r"```bash\n(.*?)\n```", README.read_text(), flags=re.S)
    ran_by_ci = [line for line in ci.splitlines() if line.startswith("python -m pip")]
    assert ran_by_ci == ["python -m pip install . && python -m skdeep demo",
                         'python -m pip install -e ".[test]" && python -m pytest']
    assert all(command in commands for command in ran_by_ci)


def test_readme_links_point_at_files_that_exist():
    links = re.findall(r"\]\(([^)#]+)\)", README.read_text())
    local = [link for link in links if "://" not in link]
    assert local, "the README links into docs/"
    missing = [link for link in local if not (README.parent / link).exists()]
    assert not missing, missing
