"""The compiled epoch: whole minibatch epochs without returning to Python.

``compiled_epochs`` is the one place that chooses it, once per fit: it returns
a ``CompiledEpochs`` when the run is covered and Numba imports, else None and
the NumPy path (``loop.NumPyEpochs``, the reference) trains. Both paths draw the
shuffling order and the dropout masks from the same stream in the same order,
so they reach the same weights to rounding. ``SKDEEP_COMPILED=0`` in the
environment turns the compiled path off.
"""

import ctypes
import functools
import glob
import importlib
import os

import numpy as np

from ..optim import SGD, Adam, AdamW
from .epochs import NonFiniteLoss

__all__ = ["CompiledEpochs", "compiled_epochs", "kernels_available"]

# dropout draws per call of the kernel: bounds the memory they take
MAX_UNIFORMS = 2**22
# the in-epoch progress bar (verbose=1 on a terminal) redraws this many times
PROGRESS_UPDATES = 30
_OPTIMIZER_KINDS = {Adam: 0, AdamW: 1, SGD: 2}
ACTIVATION_CODES = {"identity": 0, "relu": 1, "tanh": 2, "logistic": 3,
                    "leaky_relu": 4, "elu": 5, "selu": 6, "gelu": 7, "silu": 8,
                    "softplus": 9}
LOSS_CODES = {"squared_error": 0, "poisson": 1, "softmax_cross_entropy": 2,
              "sigmoid_cross_entropy": 3}


def _kernels():
    """The compiled kernels, or None when Numba is not importable."""
    try:  # through sys.modules, where a test can take numba away
        kernels = importlib.import_module(f"{__package__}._kernel_step")
        # the BLAS numba calls, loaded now so a thread limit sees it
        importlib.import_module("scipy.linalg.cython_blas")
    except ImportError:
        return None
    return kernels


@functools.cache
def gemm_address(dtype):
    """The address of ``cblas_sgemm`` / ``cblas_dgemm`` in NumPy's own BLAS
    (the ILP64 OpenBLAS its wheels bundle), or 0 when it is not found (the
    kernels then multiply through ``np.dot``, the BLAS Numba binds: SciPy's).

    The compiled step then multiplies with the library the NumPy path does,
    bit for bit; on this project's machine SciPy's bundled OpenBLAS (0.3.30)
    made the compiled epochs of four of the issue's five workloads 1.01-1.08x
    slower than NumPy's (0.3.31) did (``bench_peers.py``, 2026-12-07).
    """
    name = {np.dtype(np.float32): "scipy_cblas_sgemm64_",
            np.dtype(np.float64): "scipy_cblas_dgemm64_"}.get(np.dtype(dtype))
    if name is None:
        return 0
    site = os.path.dirname(os.path.dirname(np.__file__))
    for pattern in (os.path.join(site, "numpy.libs", "*openblas64*"),
                    os.path.join(os.path.dirname(np.__file__), ".dylibs",
                                 "*openblas64*")):
        for path in sorted(glob.glob(pattern)):
            try:  # already loaded by NumPy: the same library, not a second copy
                function = getattr(ctypes.CDLL(path), name)
            except (OSError, AttributeError):
                continue
            return ctypes.cast(function, ctypes.c_void_p).value or 0
    return 0


def _enabled():
    return os.environ.get("SKDEEP_COMPILED", "1") != "0"


def kernels_available():
    """True when the compiled step can run here: Numba imports, and
    ``SKDEEP_COMPILED=0`` does not turn it off (then nothing is imported)."""
    return _enabled() and _kernels() is not None


def compiled_epochs(network, optimizer, train, settings, batch_size):
    """A ``CompiledEpochs`` for this run, or None when it is not covered.

    Covered: Adam, AdamW and SGD (momentum, Nesterov), every hidden
    activation and loss of ``skdeep.ops``, dropout, L2, gradient clipping,
    sample weights, dense float32 / float64 input in the network's dtype,
    categorical input columns (the first layer gathers their weight rows and
    scatter-adds into them, as ``network.embedding`` does), and losses in
    y's units for the squared error on scaled targets. Codes outside their
    column's rows (which the estimators never pass) leave the run to the NumPy
    path, which refuses them.
    """
    if not _enabled():
        return None
    dtype = network.params.dtype
    scaling = settings.target_scaling
    covered = (
        type(optimizer) in _OPTIMIZER_KINDS
        and dtype in (np.float32, np.float64)
        and isinstance(train.X, np.ndarray) and train.X.dtype == dtype
        and train.targets.dtype == dtype
        and network.loss in LOSS_CODES
        and all(name in ACTIVATION_CODES for name in network.activations)
        and (scaling is None or scaling.loss_name == "squared_error")
        and all(vector.dtype == dtype for vector in _state_vectors(optimizer))
        and _valid_codes(network.categorical, train.X)
    )
    kernels = _kernels() if covered else None
    if kernels is None:
        return None
    epochs = CompiledEpochs(kernels, network, optimizer, train, settings=settings,
                            batch_size=batch_size)
    try:  # compiles (or loads) the kernels for these types, running no batch
        epochs.run_batches(0, 0, np.empty(0, np.int64), np.empty(0, dtype))
    except kernels.NumbaError:  # a Numba that cannot compile them: NumPy trains
        return None
    return epochs


def _numpy_blas():
    """False when ``SKDEEP_COMPILED_BLAS=numba`` asks for the BLAS Numba binds
    (a comparison in the benchmarks)."""
    return os.environ.get("SKDEEP_COMPILED_BLAS", "numpy") != "numba"


def _valid_codes(categorical, X):
    """True when every categorical column of X holds whole codes in [0, size):
    the compiled gather indexes weight rows without bounds checks."""
    if categorical is None:
        return True
    if X.shape[1] != categorical.n_columns:
        return False
    codes = X[:, categorical.n_dense:]
    sizes = np.asarray(categorical.sizes)
    with np.errstate(invalid="ignore"):
        return bool(((codes >= 0) & (codes < sizes) & (codes == np.floor(codes)))
                    .all())


def _code_offsets(categorical):
    """The compiled step's ``code_offsets``: the first weight row of each
    categorical column's block (none for numeric input only)."""
    if categorical is None:
        return np.empty(0, np.int64)
    return np.asarray(categorical.offsets, np.int64)


def _state_vectors(optimizer):
    return tuple(getattr(optimizer, name) for name in optimizer.STATE)


def _writeable(array):
    array = np.ascontiguousarray(array)
    return array if array.flags.writeable else array.copy()


class CompiledEpochs:
    """Runs epochs of one fit through the compiled kernels.

    Parameters
    ----------
    kernels : module
        ``_kernel_step``.
    network : MLP
    optimizer : Adam, AdamW or SGD
        Its state vectors are updated in place, its step count after each call.
    train : Dataset
    settings : TrainingSettings
    batch_size : int
    """

    def __init__(self, kernels, network, optimizer, train, *, settings, batch_size):
        self._run = kernels.run_batches
        self.network, self.optimizer, self.settings = network, optimizer, settings
        self.batch_size = batch_size
        dtype = network.params.dtype
        weight = (np.empty(0) if train.sample_weight is None
                  else np.ascontiguousarray(train.sample_weight, np.float64))
        # C order, and writeable: a read-only array (a memmap opened 'r') would
        # be another signature to compile, so it is copied once
        self._data = (_writeable(train.X), _writeable(train.targets), weight)
        self._net = (network.params, np.array(network.layer_sizes, np.int64),
                     np.array([ACTIVATION_CODES[name] for name in network.activations],
                              np.int64), LOSS_CODES[network.loss],
                     _code_offsets(network.categorical),
                     gemm_address(dtype) if _numpy_blas() else 0)
        n_hidden = len(network.layer_sizes) - 2
        self._rates = np.zeros(n_hidden)
        self._rates[: len(settings.dropout)] = settings.dropout
        scaling = settings.target_scaling
        self._scale = (np.empty(0) if scaling is None
                       else np.ascontiguousarray(scaling.target_scale, np.float64))
        self._dtype = dtype
        # the dropout draws of one batch row, in the NumPy path's layer order
        self._draws_per_row = sum(width for width, rate in zip(
            network.layer_sizes[1:-1], self._rates) if rate > 0)

    def _optimizer_args(self):
        optimizer, kind = self.optimizer, _OPTIMIZER_KINDS[type(self.optimizer)]
        config = np.zeros(8)
        config[0] = optimizer.learning_rate
        if kind == 2:
            config[5:7] = optimizer.momentum, bool(optimizer.nesterov)
            first, second = optimizer.velocities, np.empty(0, self._dtype)
        else:
            config[1:4] = optimizer.beta_1, optimizer.beta_2, optimizer.epsilon
            first, second = optimizer.first_moments, optimizer.second_moments
        if kind == 1:
            n_decayed = optimizer.n_decayed
            config[4] = optimizer.weight_decay
            config[7] = self.network.n_params if n_decayed is None else n_decayed
        return kind, first, second, config, np.array([optimizer.t], np.int64)

    def _chunks(self, n_batches, progress_bar):
        """Batch ranges of one kernel call each."""
        per_call = n_batches
        if self._draws_per_row:
            per_call = max(1, MAX_UNIFORMS // (self._draws_per_row * self.batch_size))
        if progress_bar:
            per_call = min(per_call, max(1, n_batches // PROGRESS_UPDATES))
        return [(first, min(first + per_call, n_batches))
                for first in range(0, n_batches, per_call)]

    def _uniforms(self, rng, order, first, stop, weight):
        """The dropout draws of batches first..stop-1, as the NumPy path draws
        them: per batch with a positive weight, per dropout layer."""
        if not self._draws_per_row:
            return np.empty(0, self._dtype)
        n_rows, size = 0, self.batch_size
        for b in range(first, stop):
            rows = order[b * size : (b + 1) * size]
            if weight.shape[0] == 0 or weight[rows].any():
                n_rows += len(rows)
        return rng.random(n_rows * self._draws_per_row, dtype=self._dtype)

    def run_batches(self, first, stop, order, uniforms, losses=None):
        """Train on batches ``first .. stop - 1`` of ``order`` (row indices);
        return how many ran (fewer: the last one's loss is not finite)."""
        settings, opt = self.settings, self._optimizer_args()
        clip = -1.0 if settings.clip_norm is None else float(settings.clip_norm)
        train = (float(settings.alpha), clip, self._rates, self._scale, uniforms)
        losses = np.zeros((0, 2)) if losses is None else losses
        try:
            return self._run(self._data, self._net, opt, train,
                             (order, first, stop, self.batch_size, losses))
        finally:
            self.optimizer.t = int(opt[4][0])

    def run_epoch(self, *, rng, progress, epoch):
        """One pass over the training set; return the sample-averaged loss as
        trained and in y's units (``loop.NumPyEpochs.run_epoch``'s contract)."""
        settings, data = self.settings, self._data
        n_samples, size = data[0].shape[0], self.batch_size
        order = (rng.permutation(n_samples) if settings.shuffle
                 else np.arange(n_samples))
        n_batches = -(-n_samples // size)
        losses = np.zeros((n_batches, 2))
        for first, stop in self._chunks(n_batches, progress.shows_batches):
            done = self.run_batches(first, stop, order,
                                    self._uniforms(rng, order, first, stop, data[2]),
                                    losses)
            if done < stop - first:
                raise NonFiniteLoss(losses[first + done - 1, 0])
            progress.batch(epoch, stop, n_batches)
        rows = np.full(n_batches, size, np.float64)
        rows[-1] = n_samples - size * (n_batches - 1)
        return (float(np.dot(losses[:, 0], rows)) / n_samples,
                float(np.dot(losses[:, 1], rows)) / n_samples)
