"""Settings the gallery's examples run under while the docs build."""

import os


def quick_dask(gallery_conf, fname, when):
    """Run ``dask_scaling.py`` with its short settings, every other example whole.

    Starting a Dask cluster, not the training, takes the time there, so the
    gallery shows the same steps on smaller data (``SKDEEP_EXAMPLES_QUICK=1``).
    """
    if when == "before":
        quick = os.path.basename(fname) == "dask_scaling.py"
        os.environ["SKDEEP_EXAMPLES_QUICK"] = "1" if quick else "0"
