"""The documentation site builds with warnings as errors, and shows what it
promises: every example run with its output and plots, every public object's
API page.

The build runs on a copy of docs/ and examples/ in a temporary directory, so
neither the gallery's generated files nor the HTML land in the working tree.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# examples that draw: each must have at least one figure in the gallery
PLOTTING = {"confusion_matrix", "learning_curves", "validation_curves"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx")
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("numpydoc")
    pytest.importorskip("matplotlib")
    work = tmp_path_factory.mktemp("docs")
    generated = shutil.ignore_patterns("_build", "auto_examples", "generated",
                                       "gen_modules", "sg_execution_times.rst",
                                       "__pycache__")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=generated)
    shutil.copytree(ROOT / "examples", work / "examples", ignore=generated)
    html = work / "html"
    env = {**os.environ, "MPLBACKEND": "Agg", "TMPDIR": str(work)}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(work / "doctrees"), str(work / "docs"), str(html)],
        cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return html


def test_the_site_has_its_pages(site):
    pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    for page in ["index.html", "api.html", "auto_examples/index.html",
                 "user_guide/getting_started.html", "user_guide/coming_from_mlp.html",
                 "user_guide/training.html", "user_guide/raw_tables.html",
                 "user_guide/saving.html", "user_guide/onnx.html",
                 "user_guide/dask.html", "user_guide/command_line.html",
                 "user_guide/performance.html", "user_guide/design.html"]:
        assert page in pages


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_gallery_runs_the_example_and_shows_its_output(site, example):
    page = (site / "auto_examples" / f"{example.stem}.html").read_text()
    assert "sphx-glr-script-out" in page, "the printed output is shown"
    figures = list((site / "_images").glob(f"sphx_glr_{example.stem}_0*.png"))
    if example.stem in PLOTTING:
        assert figures, f"{example.name} draws, but the gallery shows no figure"


def test_forward_propagation_page_shows_the_lectures_numbers(site):
    page = (site / "auto_examples" / "forward_propagation.html").read_text()
    assert "output by hand 9.0" in page and "1.2382242525694254" in page


def test_every_entry_of_the_api_reference_has_its_page(site):
    # tests/docs/test_api_docstrings.py checks that api.rst lists every public
    # object; here each listed name got its generated page
    listed, current = set(), None
    for line in (ROOT / "docs" / "api.rst").read_text().splitlines():
        if line.startswith(".. currentmodule:: "):
            current = line.split(":: ")[1].strip()
        elif re.fullmatch(r"   [A-Za-z_][\w.]*", line):
            listed.add(f"{current}.{line.strip()}")
    generated = {path.stem for path in (site / "generated").glob("*.html")}
    assert len(listed) >= 16 and listed <= generated
    page = (site / "generated" / "skdeep.DeepClassifier.html").read_text()
    for method in ["fit", "partial_fit", "predict_proba", "summary", "layer_outputs"]:
        assert f'id="skdeep.DeepClassifier.{method}"' in page


def test_a_broken_reference_or_a_failing_example_fails_the_build(tmp_path):
    """The site's own configuration, on a two-page site with one broken
    cross-reference and one example that raises."""
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("numpydoc")
    docs, examples = tmp_path / "docs", tmp_path / "examples"
    docs.mkdir()
    examples.mkdir()
    shutil.copy(ROOT / "docs" / "conf.py", docs)
    shutil.copytree(ROOT / "docs" / "sphinxext", docs / "sphinxext")
    shutil.copytree(ROOT / "docs" / "_templates", docs / "_templates")
    (docs / "index.rst").write_text(
        "Title\n=====\n\nSee :func:`skdeep.no_such_function`.\n\n"
        ".. toctree::\n\n   auto_examples/index\n")
    (examples / "GALLERY_HEADER.rst").write_text("Examples\n========\n")
    (examples / "broken.py").write_text(
        '"""A broken example\n==================\n\nIt raises.\n"""\n\n'
        'raise RuntimeError("this example is broken")\n')
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(docs), str(tmp_path / "html")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "skdeep.no_such_function" in output
    assert "this example is broken" in output
