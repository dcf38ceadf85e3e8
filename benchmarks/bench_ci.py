"""CI's time, step by step: ``.ci/run`` on a clean clone, each step timed.

A fresh clone of the repository's HEAD (so no Numba cache and no build
directory), then the steps of ``.ci/run`` one at a time: the virtual
environment, the README's install and demo, its test install and the suite.
Each step gets its wall time, the CPU time of the processes it ran, and the
load average when it started (the machine may be shared). ``--warm`` adds the
demo and the suite again with the Numba cache the first run left (the
difference is compile time), ``--pytest-args`` passes options to the suite's
runs (for example ``-n 0`` for one process).

Run ``python benchmarks/bench_ci.py --help`` for the options.
"""

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(label, command, cwd, env):
    """Run ``command`` (a shell line); print and return (wall, cpu) seconds."""
    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, shell=True, cwd=cwd, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (done.stdout.strip().splitlines() or [""])[-1][:70]
    print(f"{label:<26} {wall:8.1f} {cpu:8.1f}   {load[0]:4.2f} {load[1]:4.2f}"
          f"   {'ok' if done.returncode == 0 else 'FAILED'}  {last}", flush=True)
    if done.returncode:
        sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", action="store_true",
                        help="run the demo and the suite again on the warm cache")
    parser.add_argument("--pytest-args", default="",
                        help="options added to the suite's command")
    args = parser.parse_args(argv)
    pytest = "python -m pytest " + args.pytest_args
    with tempfile.TemporaryDirectory() as work:
        clone = Path(work) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        venv = clone / ".venv-ci"
        env = {key: value for key, value in os.environ.items()
               if key not in ("VIRTUAL_ENV", "PYTHONPATH", "NUMBA_CACHE_DIR")}
        active = {**env, "VIRTUAL_ENV": str(venv),
                  "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
        print(f"{os.cpu_count()} cores; clone of {ROOT} at "
              + subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone,
                               capture_output=True, text=True).stdout.strip())
        header = f"{'step (.ci/run)':<26} {'wall s':>8} {'cpu s':>8}   load 1/5 min"
        print(header + "\n" + "-" * len(header))
        steps = [("venv", "python3 -m venv .venv-ci", env),
                 ("pip install .", "python -m pip install -q .", active),
                 ("demo", "python -m skdeep demo", active),
                 ("pip install -e .[test]",
                  "python -m pip install -q -e " + shlex.quote(".[test]"), active),
                 ("pytest", pytest, active)]
        if args.warm:
            steps += [("demo, warm cache", "python -m skdeep demo", active),
                      ("pytest, warm cache", pytest, active)]
        total = [0.0, 0.0]
        for label, command, step_env in steps:
            wall, cpu = _run(label, command, clone, step_env)
            if "warm" not in label:
                total[0] += wall
                total[1] += cpu
        print(f"{'.ci/run in all':<26} {total[0]:8.1f} {total[1]:8.1f}")


if __name__ == "__main__":
    main()
