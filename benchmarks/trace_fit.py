"""Trace: the skdeep functions one ``DeepClassifier().fit(X, y)`` enters.

Records, with ``sys.setprofile``, every call into a skdeep module during one
fit at the defaults on 500 x 10 rows of ``make_classification`` and prints:

- the call tree of skdeep functions (depth counts skdeep frames only; calls
  outside skdeep are skipped, their skdeep callees kept), each function once
  under its parent, first-call order, with the number of calls: epochs and
  batches fold into one line each;
- the changes of layer (``estimators -> training``, ...): how many calls cross
  from one subpackage of skdeep into another, and through which functions.

Options: ``--depth N`` (default 8) cuts the tree, ``--solver`` picks the
solver (default adam), ``--numpy`` sets ``SKDEEP_COMPILED=0`` (the NumPy loop
instead of the compiled epoch, whose kernels are not Python calls).
"""

import argparse
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _layer(module):
    """The skdeep subpackage a module belongs to ('skdeep' for the top)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else parts[-1] if len(parts) == 2 else "skdeep"


class Tracer:
    """Folds the calls into a tree keyed by the path of (module, function)."""

    def __init__(self):
        self.stack, self.tree, self.order = [()], Counter(), {}
        self.frames = []  # per Python frame: whether it is a skdeep frame

    def __call__(self, frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            inside = module == "skdeep" or module.startswith("skdeep.")
            self.frames.append(inside)
            if inside:
                path = (*self.stack[-1], (module, frame.f_code.co_qualname))
                self.stack.append(path)
                self.tree[path] += 1
                self.order.setdefault(path, len(self.order))
        elif event == "return" and self.frames:
            if self.frames.pop():
                self.stack.pop()


def trace_fit(solver):
    import numpy as np
    from sklearn.datasets import make_classification

    from skdeep import DeepClassifier

    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    X = np.asarray(X)
    tracer = Tracer()
    model = DeepClassifier(solver=solver, random_state=0)
    sys.setprofile(tracer)
    try:
        model.fit(X, y)
    finally:
        sys.setprofile(None)
    return tracer


def print_tree(tracer, depth):
    print(f"{'calls':>6}  function (module)")
    for path in sorted(tracer.tree, key=tracer.order.get):
        if len(path) > depth:
            continue
        module, name = path[-1]
        print(f"{tracer.tree[path]:6d}  {'  ' * (len(path) - 1)}{name} ({module})")


def print_layers(tracer):
    crossings, through = Counter(), {}
    for path, count in tracer.tree.items():
        if len(path) < 2:
            continue
        (caller_module, caller), (module, name) = path[-2], path[-1]
        pair = (_layer(caller_module), _layer(module))
        if pair[0] != pair[1]:
            crossings[pair] += count
            through.setdefault(pair, set()).add(f"{caller} -> {name}")
    print(f"\n{'calls':>6}  layer change: through")
    for pair, count in crossings.most_common():
        print(f"{count:6d}  {pair[0]} -> {pair[1]}: {', '.join(sorted(through[pair]))}")
    print(f"\n{len(tracer.tree)} distinct call sites, {sum(tracer.tree.values())} "
          "calls into skdeep")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--solver", default="adam")
    parser.add_argument("--numpy", action="store_true")
    args = parser.parse_args()
    if args.numpy:
        os.environ["SKDEEP_COMPILED"] = "0"
    sys.path.insert(0, ROOT)  # the checkout this script lives in
    tracer = trace_fit(args.solver)
    print_tree(tracer, args.depth)
    print_layers(tracer)


if __name__ == "__main__":
    main()
