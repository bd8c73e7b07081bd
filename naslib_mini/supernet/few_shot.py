"""Few-shot supernets: the one-shot supernet split on one edge's operations (Zhao et al., ICML 2021).

Few-shot NAS (Zhao, Wang, Jiang, Li & Tian 2021, "Few-shot Neural Architecture Search")
divides the architectures of a one-shot supernet by the operation of one compound edge:
one *sub-supernet* per candidate operation, each holding only the paths that use it, so
fewer architectures share each weight. The sub-supernets start from the one-shot
supernet trained part of the way (the paper's transfer from the one-shot supernet,
Sec. 3.2) and are then trained on their own paths only.

* ``FewShotSupernet`` holds the sub-supernets of the NAS-Bench-201 cell supernet split on
  ``edge`` and routes a path to the one whose edge carries the path's operation. It is a
  ``Supernet``: ``select``, ``forward``, ``recalibrate`` and ``subnet_state_dict`` work
  as on the one-shot supernet.
* ``FewShotEstimator`` (``ESTIMATORS.create("few-shot-supernet", ...)``) is the SPOS
  estimator (``estimators/supernet.py``) with that supernet: of a budget of ``E`` epochs,
  ``split_fraction * E`` train the one-shot supernet by uniform path sampling, then each
  of the 5 sub-supernets trains ``(1 - split_fraction) * E / 5`` epochs on uniformly
  sampled paths through its operation, all through the one training loop
  (``routines.fit``). The total is ``E`` epochs of training, as the one-shot supernet's,
  and its CPU time is charged like the one-shot supernet's.

Only the NAS-Bench-201 cell space is split (its edges are the compound edges the paper
splits). Knows nothing about strategies; never sees the test split.
"""
from __future__ import annotations

import copy
import logging
import time
from typing import Any, Hashable

import numpy as np
import torch
from torch import nn

from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed
from naslib_mini.estimators.routines import TrainingConfig, fit, seeded, torch_threads
from naslib_mini.estimators.supernet import SupernetEstimator, TrainedSupernet
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.spaces.nb201 import NB201Space
from naslib_mini.spaces.nb201_cell import N_EDGES, OP_NAMES
from naslib_mini.supernet.base import Supernet
from naslib_mini.supernet.cell import CellSupernet
from naslib_mini.tasks.base import Task
from naslib_mini.types import ConfigurationError

__all__ = ["FewShotEstimator", "FewShotSupernet"]

log = logging.getLogger(__name__)


def _check_edge(edge: Any) -> int:
    if isinstance(edge, bool) or not isinstance(edge, int) or not 0 <= edge < N_EDGES:
        raise ValueError(f"edge must be an index of the NB201 cell's edges, 0 to {N_EDGES - 1}, got {edge!r}")
    return edge


class FewShotSupernet(Supernet):
    """The sub-supernets of a cell supernet split on ``edge``: one copy per operation of that edge.

    Args:
        supernet: The one-shot supernet (of an ``NB201Space``) whose weights every sub-supernet starts from.
        edge: The edge whose operation splits the architectures (0 to 5, NB201's edge order).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> few = FewShotSupernet(CellSupernet(space, nm.TaskSpec("toy", (1, 12), 3)), edge=0)
        >>> arch = space.sample(nm.default_rng(0))
        >>> few.select(arch)
        >>> few.part(arch) == OP_NAMES.index(arch.ops[0]), tuple(few(torch.zeros(2, 1, 12)).shape)
        (True, (2, 3))
    """

    def __init__(self, supernet: CellSupernet, edge: int = 0) -> None:
        if not isinstance(supernet, CellSupernet) or not isinstance(supernet.space, NB201Space):
            raise ConfigurationError(f"few-shot supernets split the NAS-Bench-201 cell supernet (a CellSupernet of "
                                     f"an NB201Space), got {type(supernet).__name__}")
        super().__init__(supernet.space, supernet.spec)
        self.edge = _check_edge(edge)
        self.parts = nn.ModuleList(copy.deepcopy(supernet) for _ in OP_NAMES)
        self.current = 0

    def part(self, arch: Hashable) -> int:
        """Index of the sub-supernet holding ``arch``: the operation ``arch`` puts on the split edge."""
        return int(self.space.to_decisions(arch)[self.edge])

    def select(self, arch: Hashable) -> None:
        self.current = self.part(arch)
        self.parts[self.current].select(arch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.parts[self.current](x)

    def subnet_state_dict(self, arch: Hashable) -> dict[str, torch.Tensor]:
        return self.parts[self.part(arch)].subnet_state_dict(arch)

    def path_modules(self):
        return self.parts[self.current].modules()


@ESTIMATORS.register("few-shot-supernet", aliases=("few-shot",))
class FewShotEstimator(SupernetEstimator):
    """Scores NB201 cells with few-shot supernets (Zhao et al. 2021) trained within the one-shot budget.

    Args:
        task: A ``Task`` or the name of one in ``TASKS``.
        space: The NAS-Bench-201 cell space (an ``NB201Space`` or its name).
        config: How the supernets are trained; ``epochs`` is the whole budget (warm-up and sub-supernets).
        edge: The edge whose operation splits the supernet (0 to 5).
        split_fraction: Share of the epochs spent on the one-shot supernet before the split, in [0, 1).
        **kwargs: As for ``SupernetEstimator`` (``task_seed``, ``calibration_batches``, ``TrainingConfig``
            fields such as ``epochs=3``).

    Metrics: as the supernet estimator's (``val_accuracy``, ``val_loss``, ``params``, ``epochs``,
    ``supernet_seconds``: the warm-up and all sub-supernets).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> est = nm.ESTIMATORS.create("few-shot-supernet", task="digits", space=space, epochs=1, threads=1)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> 0 <= m.score <= 1, m.cost >= m.metrics["supernet_seconds"] > 0
        (True, True)
    """

    name = "few-shot-supernet"

    def __init__(self, task: Task | str, space: SearchSpace | str, config: TrainingConfig | None = None, *,
                 edge: int = 0, split_fraction: float = 0.5, **kwargs: Any) -> None:
        if isinstance(split_fraction, bool) or not isinstance(split_fraction, (int, float)) \
                or not 0 <= split_fraction < 1:
            raise ValueError(f"split_fraction must be a number in [0, 1) (the share of epochs before the split), "
                             f"got {split_fraction!r}")
        self.edge, self.split_fraction = _check_edge(edge), float(split_fraction)
        super().__init__(task, space, config, **kwargs)
        if not isinstance(space, str) and not isinstance(space, NB201Space):
            raise ConfigurationError(f"few-shot supernets split the NAS-Bench-201 cell space, got "
                                     f"{getattr(space, 'name', space)!r} ({type(space).__name__}); use "
                                     "SPACES.create('nb201', ...) or the one-shot 'supernet' estimator")

    def _train(self, supernet: Supernet, epochs: float, sample, tag: str, deadline: float | None) -> float:
        """Train ``supernet`` for ``epochs`` on paths drawn by ``sample(rng)`` (the one training loop)."""
        config, task = self.config, self.task
        device = torch.device(config.device)
        rng = np.random.default_rng(derive_seed(config.seed, "supernet paths", tag))

        def sample_path(step: int, model: Supernet) -> None:
            model.select(sample(rng))

        try:
            return fit(supernet, task.x_train.to(device), task.y_train.to(device), config, epochs=epochs,
                       seed=derive_seed(config.seed, "supernet data", tag), deadline=deadline,
                       on_batch_start=sample_path)
        except CandidateFailed as exc:
            raise ConfigurationError(f"the few-shot supernet's training ({tag}) failed, so no architecture can be "
                                     f"scored: {exc}; lower lr or raise timeout_seconds") from exc

    def fit(self, budget: float | None = None) -> "FewShotEstimator":
        """Train the one-shot supernet, split it on ``edge`` and train every sub-supernet (``budget`` epochs in all).

        Raises:
            ConfigurationError: The space is not the NB201 cell space, or a training diverged or timed out.
        """
        epochs = self._epochs(budget)
        if epochs in self.supernets_:
            return self
        space, config = self.space, self.config
        if not isinstance(space, NB201Space):
            raise ConfigurationError(f"few-shot supernets split the NAS-Bench-201 cell space, got {space.name!r}")
        warm_up, per_part = epochs * self.split_fraction, epochs * (1 - self.split_fraction) / len(OP_NAMES)
        started, started_wall = time.process_time(), time.perf_counter()
        deadline = None if config.timeout_seconds is None else started_wall + config.timeout_seconds
        with torch_threads(config.threads):
            with seeded(derive_seed(config.seed, "supernet")):
                supernet = CellSupernet(space, self.task.spec).to(torch.device(config.device))
            loss = self._train(supernet, warm_up, space.sample, "one-shot", deadline) if warm_up > 0 else float("nan")
            few = FewShotSupernet(supernet, self.edge)
            for k, part in enumerate(few.parts):
                def sample(rng: np.random.Generator, k: int = k) -> Hashable:
                    decisions = list(space.to_decisions(space.sample(rng)))
                    decisions[self.edge] = k
                    return space.from_decisions(decisions)
                loss = self._train(part, per_part, sample, f"part {k}", deadline)
        seconds, wall = time.process_time() - started, time.perf_counter() - started_wall
        log.info("few-shot supernets (edge %d, %.3g + 5 x %.3g epochs) trained in %.1f CPU s", self.edge, warm_up,
                 per_part, seconds)
        self.supernets_[epochs] = TrainedSupernet(few, epochs, seconds, wall, loss)
        return self

    def __repr__(self) -> str:
        inner = super().__repr__().removeprefix("SupernetEstimator(")[:-1]
        return f"FewShotEstimator({inner}, edge={self.edge}, split_fraction={self.split_fraction})"
