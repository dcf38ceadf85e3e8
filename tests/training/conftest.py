"""What the compiled-step tests share: both dtypes, the tolerance of the two
paths' agreement, a run of the engine on either path (``paths``), and a spy on
the path each estimator fit took (``chosen``)."""

import numpy as np
import pytest

from skdeep.network import MLP
from skdeep.optim import SGD, Adam, AdamW
from skdeep.training import Progress, TrainingSettings, loop
from skdeep.training import compiled as compiled_module

# agreement of the two paths after two epochs: float64 to about 1e3 ulps of
# weights near 1, float32 to a few hundred (the two paths sum the products'
# rows and the losses in different orders)
TOLERANCE = {np.float32: {"rtol": 1e-4, "atol": 1e-5},
             np.float64: {"rtol": 1e-10, "atol": 1e-12}}


@pytest.fixture(params=[np.float32, np.float64], ids=["float32", "float64"])
def dtype(request):
    """Each training dtype in turn (a test parametrizing ``dtype`` itself wins)."""
    return request.param


def optimizer_for(kind, network, weight_decay=0.1):
    """A fresh optimizer of ``kind`` (adam, adamw, sgd, momentum, nesterov);
    ``weight_decay`` is AdamW's."""
    n, dtype = network.n_params, network.params.dtype
    adam = {"learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    if kind == "adam":
        return Adam(n, dtype, **adam)
    if kind == "adamw":
        return AdamW(n, dtype, **adam, weight_decay=weight_decay,
                     n_decayed=network.n_weights)
    momentum = {"sgd": 0.0, "momentum": 0.9, "nesterov": 0.9}[kind]
    return SGD(n, dtype, learning_rate=0.05, momentum=momentum,
               nesterov=kind == "nesterov")


class Paths:
    """Two epochs of the engine on the compiled or the NumPy path.

    ``config`` keys: loss (softmax cross-entropy), activations (relu), hidden
    widths (7, 5), optimizer (adam), weight_decay (AdamW's; 0.1), sizes (of
    the trailing categorical code columns of X; none), and the
    ``TrainingSettings`` batch_size (32), shuffle (True), alpha, dropout,
    clip_norm and target_scaling.
    """

    optimizer = staticmethod(optimizer_for)

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def network(self, problem, config):
        sizes, hidden = config.get("sizes", ()), config.get("hidden", (7, 5))
        n_inputs = problem.X.shape[1] - len(sizes) + sum(sizes)
        return MLP((n_inputs, *hidden, problem.targets.shape[1]),
                   config.get("activations", ("relu",) * len(hidden)),
                   config.get("loss", "softmax_cross_entropy"), problem.X.dtype,
                   categorical_sizes=sizes).initialize(np.random.default_rng(2))

    def train(self, engine, problem, config):
        """The network, optimizer, epoch losses and the rng after two epochs."""
        self._monkeypatch.setenv("SKDEEP_COMPILED",
                                 "1" if engine == "compiled" else "0")
        network = self.network(problem, config)
        optimizer = self.optimizer(config.get("optimizer", "adam"), network,
                                   config.get("weight_decay", 0.1))
        settings = TrainingSettings(
            max_epochs=2, batch_size=config.get("batch_size", 32),
            shuffle=config.get("shuffle", True), alpha=config.get("alpha", 0.0),
            dropout=config.get("dropout", ()), clip_norm=config.get("clip_norm"),
            target_scaling=config.get("target_scaling"))
        run = loop._epoch_runner(network, optimizer, problem, settings,
                                 settings.batch_size)
        chosen = getattr(run, "__self__", None)
        assert (isinstance(chosen, compiled_module.CompiledEpochs)
                == (engine == "compiled"))
        rng, losses = np.random.default_rng(3), []
        for epoch in (1, 2):
            losses.append(run(rng=rng, progress=Progress(0, 2), epoch=epoch))
        return network, optimizer, losses, rng

    def assert_agree(self, config, problem):
        """Both paths reach the same weights, optimizer state and losses to
        ``TOLERANCE``, and drew the same numbers from the stream."""
        reference = self.train("numpy", problem, config)
        compiled = self.train("compiled", problem, config)
        tolerance = TOLERANCE[problem.X.dtype.type]
        np.testing.assert_allclose(compiled[0].params, reference[0].params,
                                   **tolerance)
        for name, value in reference[1].__getstate__().items():
            if isinstance(value, np.ndarray):
                np.testing.assert_allclose(getattr(compiled[1], name), value,
                                           **tolerance, err_msg=name)
        assert compiled[1].t == reference[1].t
        np.testing.assert_allclose(compiled[2], reference[2], rtol=tolerance["rtol"])
        # both paths drew the same numbers from the stream (order, dropout masks)
        assert compiled[3].random() == reference[3].random()

    def assert_reproducible(self, config, problem):
        """Two compiled runs from the same seeds are bitwise identical."""
        first = self.train("compiled", problem, config)
        second = self.train("compiled", problem, dict(config))
        np.testing.assert_array_equal(first[0].params, second[0].params)
        np.testing.assert_array_equal(first[1].second_moments,
                                      second[1].second_moments)
        assert first[2] == second[2]


@pytest.fixture
def paths(monkeypatch):
    return Paths(monkeypatch)


@pytest.fixture
def chosen(monkeypatch):
    """The engine each fit trained on, in order ('compiled' or 'numpy')."""
    engines, select = [], loop.compiled_epochs

    def spy(*args, **kwargs):
        runner = select(*args, **kwargs)
        engines.append("numpy" if runner is None else "compiled")
        return runner

    monkeypatch.setattr(loop, "compiled_epochs", spy)
    return engines
