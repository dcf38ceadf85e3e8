"""Every script in examples/ runs (quickly) and prints what it promises."""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

# each example runs in its own Python process
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

# a line some examples must print (others only have to run); the
# forward-propagation numbers are the lecture's
EXPECTED_OUTPUT = {
    "checkpoint_and_resume.py": "Epoch 7/12",
    "column_transformer.py": "a category never seen",
    "confusion_matrix.py": "confusion matrix (rows: true class",
    "cross_validation.py": "LinearRegression  R^2 per fold",
    "forward_propagation.py": "output by hand 9.0  predict 9.0",
    "grid_search_layers.py": "best hidden_layer_sizes:",
    "learning_curves.py": "curves drawn: loss, val_loss, val_r2",
    "save_and_reload.py": "reloaded model gives identical predictions",
    "shot_classification.py": "probability of a made shot",
    "transactions_regression.py": "LinearRegression + pairwise interactions",
    "validation_curves.py": "cross-validated accuracy",
}
NEEDS = {"learning_curves.py": "matplotlib", "validation_curves.py": "matplotlib"}
# run with their short settings: starting a Dask cluster takes the time, and the
# script hides its (deliberate) ConvergenceWarnings itself
QUICK = {"dask_scaling.py"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(path, tmp_path, repo_env):
    needed = NEEDS.get(path.name)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f"{path.name} needs {needed}")
    title = ast.get_docstring(ast.parse(path.read_text()))
    assert title and title.strip().splitlines()[0], "examples start with a title"
    # the others run as a reader runs them, so a ConvergenceWarning they would
    # print (and the README does not show) fails here
    env = {**repo_env, "MPLBACKEND": "Agg", "TMPDIR": str(tmp_path),
           "SKDEEP_EXAMPLES_QUICK": "1" if path.name in QUICK else "0"}
    result = subprocess.run([sys.executable, str(path)], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ConvergenceWarning" not in result.stderr, result.stderr[-2000:]
    assert result.stdout.strip(), "examples show their results"
    assert EXPECTED_OUTPUT.get(path.name, "") in result.stdout


def test_forward_propagation_reproduces_the_lecture(tmp_path, repo_env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "forward_propagation.py")],
        env=repo_env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()
    relu = next(line for line in lines if line.startswith("first slide, ReLU"))
    assert "hidden [5.0, 1.0]" in relu and "predict 9.0" in relu
    tanh = next(line for line in lines if line.startswith("first slide, tanh"))
    assert "predict 1.2382242525694254" in tanh


@pytest.mark.parametrize("name", sorted(NEEDS), ids=lambda name: name[:-3])
def test_example_without_its_extra_says_so_and_exits(name, tmp_path, repo_env):
    # the extra's package blocked, as if it were not installed
    blocked = (f"import runpy, sys; sys.modules[{NEEDS[name]!r}] = None; "
               f"runpy.run_path({str(ROOT / 'examples' / name)!r}, "
               "run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", blocked], env=repo_env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"needs {NEEDS[name]}" in result.stdout
    assert "scikit-deep[plot]" in result.stdout
