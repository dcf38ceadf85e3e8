"""The README's Python examples run, in order, as a reader would paste them."""

import importlib.util
import re
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(_blocks()) >= 5


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the quickstart writes a model file
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {}
    has_matplotlib = importlib.util.find_spec("matplotlib") is not None
    ran = 0
    for block in _blocks():
        if block.startswith("# not run"):
            continue
        if "skdeep.plotting" in block and not has_matplotlib:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            exec(compile(block, str(README), "exec"), namespace)
        ran += 1
    assert ran >= 5
    assert (tmp_path / "shots.skdeep").exists()
