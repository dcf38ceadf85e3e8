"""The compiled step's one-off costs: first fit with an empty cache, and with it.

Each measurement is a fresh Python process fitting a tiny classifier
(``import skdeep`` excluded from the time): the first fit of a process either
compiles the kernels (an empty Numba cache: a new install or a fresh CI
environment) or loads them from the on-disk cache, and the NumPy path
(``SKDEEP_COMPILED=0``) is the baseline. Reported per dtype: seconds of the
first fit, and of a second fit in the same process.

Run ``python benchmarks/bench_compile.py --help`` for the options.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = """
import time, warnings
import numpy as np
import skdeep
warnings.simplefilter("ignore")
X = np.random.default_rng(0).normal(size=(200, 4)).astype("{dtype}")
y = np.arange(200) % 2
times = []
for _ in range(2):
    start = time.perf_counter()
    skdeep.DeepClassifier(max_iter=2, dtype="{dtype}").fit(X, y)
    times.append(time.perf_counter() - start)
print(times[0], times[1])
"""


def first_fits(dtype, env):
    done = subprocess.run([sys.executable, "-c", CHILD.format(dtype=dtype)], env=env,
                          capture_output=True, text=True, check=True)
    first, second = map(float, done.stdout.split())
    return first, second


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}")
    header = f"{'dtype':<8} {'case':<28} {'first fit s':>11} {'second fit s':>12}"
    print(header + "\n" + "-" * len(header))
    for dtype in ("float32", "float64"):
        rows = {"NumPy path": [], "compiled, empty cache": [],
                "compiled, cached": []}
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as cache:
                env = dict(os.environ, NUMBA_CACHE_DIR=cache, SKDEEP_COMPILED="1")
                rows["compiled, empty cache"].append(first_fits(dtype, env))
                rows["compiled, cached"].append(first_fits(dtype, env))
            env = dict(os.environ, SKDEEP_COMPILED="0")
            rows["NumPy path"].append(first_fits(dtype, env))
        for case, values in rows.items():
            first = statistics.median(v[0] for v in values)
            second = statistics.median(v[1] for v in values)
            print(f"{dtype:<8} {case:<28} {first:11.3f} {second:12.4f}", flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
