"""The weight-sharing estimator: train one supernet by single-path one-shot, score paths with its weights.

Single-path one-shot NAS with uniform sampling (SPOS, Guo et al., ECCV 2020): the
supernet of the space (``naslib_mini.supernet``) is trained by the one training loop
(``routines.fit``), whose ``on_batch_start`` hook selects a path drawn uniformly from
the space for every batch. An architecture is then scored without training: its
path's batch-norm statistics are recalibrated on a fixed set of training batches (the
same for every architecture, Sec. 3.3 of the paper) and its validation accuracy with
the shared weights is the score.

**Cost, charged honestly.** The supernet is trained on the first ``estimate`` (or by
``fit``). Its training time (CPU seconds of this process, ``time.process_time``) is
added to the cost of the *first* measurement that uses it; every measurement costs
its own recalibration and evaluation. So a ``History``'s total cost holds the
supernet's training exactly once, and the metric ``supernet_seconds`` of every
measurement says what it was. A budget is the supernet's training epochs: each
distinct budget trains (and charges) its own supernet with its own learning-rate
schedule, so multi-fidelity strategies pay for every fidelity they use.

The constructor checks and stores; the task and the space are built on first use.
Knows nothing about strategies; never sees the test split.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Hashable

import numpy as np
import torch

from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator, arch_key
from naslib_mini.estimators.routines import (TrainingConfig, accuracy_and_loss, configure, fit, predict, seeded,
                                             torch_threads)
from naslib_mini.estimators.training import build_task, check_names
from naslib_mini.estimators.zero_cost import training_batch
from naslib_mini.networks import build_network, count_params
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.supernet import Supernet, build_supernet, has_supernet
from naslib_mini.supernet import supported as supported_spaces
from naslib_mini.tasks.base import Task
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["SupernetEstimator", "TrainedSupernet"]

log = logging.getLogger(__name__)


@dataclass
class TrainedSupernet:
    """A supernet trained for ``epochs``, what it cost, and whether a measurement has paid for it yet."""

    supernet: Supernet
    epochs: float
    seconds: float
    wall_seconds: float
    train_loss: float
    charged: bool = False


@ESTIMATORS.register("supernet", aliases=("spos", "weight-sharing"))
class SupernetEstimator(Estimator):
    """Scores architectures with the shared weights of a supernet trained by SPOS (Guo et al. 2020).

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name): the NAS-Bench-201 cell space or a chain space,
            or a ``SubsetSpace`` of one. Training paths are drawn uniformly from it.
        config: How the supernet is trained (``epochs``, ``lr``, ``batch_size``, ``seed``, ...);
            ``TrainingConfig()`` by default. ``seed`` seeds the weights, the data order, the
            sampled paths and the calibration batches.
        task_seed: Split seed used when ``task`` is a name.
        calibration_batches: Training batches (of ``config.batch_size``) on which each
            path's batch-norm statistics are recalibrated before it is scored.
        **overrides: ``TrainingConfig`` fields to change (``epochs=3``).

    Metrics: ``val_accuracy`` (the score), ``val_loss``, ``params`` (of the sub-network),
    ``epochs`` (of the supernet's training) and ``supernet_seconds`` (its training CPU
    seconds, charged to the first measurement's cost).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> est = nm.ESTIMATORS.create("supernet", task="digits", space=space, epochs=1, threads=1)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> 0 <= m.score <= 1, m.cost >= m.metrics["supernet_seconds"], sorted(m.metrics)
        (True, True, ['epochs', 'params', 'supernet_seconds', 'val_accuracy', 'val_loss'])
    """

    name = "supernet"

    def __init__(self, task: Task | str, space: SearchSpace | str, config: TrainingConfig | None = None, *,
                 task_seed: int = 0, calibration_batches: int = 10, **overrides: Any) -> None:
        if isinstance(calibration_batches, bool) or not isinstance(calibration_batches, int) \
                or calibration_batches < 1:
            raise ValueError(f"calibration_batches must be a positive integer, got {calibration_batches!r}")
        self.config = configure(config, overrides)
        check_names(task, space)
        if not isinstance(space, str) and not has_supernet(space):
            raise ConfigurationError(f"the supernet estimator has no supernet for space {space!r}; "
                                     f"supernets exist for: {supported_spaces()}")
        self.task_seed, self.calibration_batches = task_seed, calibration_batches
        self._task_source, self._space_source = task, space
        self.supernets_: dict[float, TrainedSupernet] = {}

    @functools.cached_property
    def task(self) -> Task:
        """The task, built from its name on first use (``ConfigurationError`` if it cannot be)."""
        return build_task(self._task_source, self.task_seed, "supernet estimator")

    @functools.cached_property
    def space(self) -> SearchSpace:
        """The search space, built from its name on first use (``ConfigurationError`` if it cannot be)."""
        space = self._space_source
        if isinstance(space, str):
            space = SPACES.create(space)
            if not has_supernet(space):
                raise ConfigurationError(f"the supernet estimator has no supernet for space {space.name!r}; "
                                         f"supernets exist for: {supported_spaces()}")
        return space

    @functools.cached_property
    def calibration_data(self) -> torch.Tensor:
        """The training inputs every path's batch norm is recalibrated on (the same for every architecture)."""
        n = min(self.calibration_batches * self.config.batch_size, len(self.task.y_train))
        return training_batch(self.task, n, derive_seed(self.config.seed, "calibration"))[0]

    def _epochs(self, budget: float | None) -> float:
        epochs = self.config.epochs if budget is None else budget
        if isinstance(epochs, bool) or not isinstance(epochs, (int, float)) \
                or not (epochs > 0 and math.isfinite(epochs)):
            raise ConfigurationError(f"budget must be a positive number of supernet epochs, got {budget!r}; "
                                     "give the strategy budgets in epochs (a proxy budget of 0 has no supernet)")
        return float(epochs)

    def fit(self, budget: float | None = None) -> "SupernetEstimator":
        """Train the supernet for ``budget`` epochs (``config.epochs`` if ``None``) unless already trained.

        Raises:
            ConfigurationError: The supernet's training diverged or ran past ``timeout_seconds``:
                every architecture would be scored by it, so the search cannot go on.
        """
        epochs = self._epochs(budget)
        if epochs in self.supernets_:
            return self
        config, space, task = self.config, self.space, self.task
        device = torch.device(config.device)
        rng = np.random.default_rng(derive_seed(config.seed, "supernet paths"))

        def sample_path(step: int, supernet: Supernet) -> None:
            supernet.select(space.sample(rng))

        started, started_wall = time.process_time(), time.perf_counter()
        deadline = None if config.timeout_seconds is None else started_wall + config.timeout_seconds
        with torch_threads(config.threads), seeded(derive_seed(config.seed, "supernet")):
            supernet = build_supernet(space, task.spec).to(device)
            try:
                loss = fit(supernet, task.x_train.to(device), task.y_train.to(device), config, epochs=epochs,
                           seed=derive_seed(config.seed, "supernet data"), deadline=deadline,
                           on_batch_start=sample_path)
            except CandidateFailed as exc:
                raise ConfigurationError(f"the supernet's training failed, so no architecture can be scored: "
                                         f"{exc}; lower lr or raise timeout_seconds") from exc
        seconds, wall = time.process_time() - started, time.perf_counter() - started_wall
        log.info("supernet of %s trained for %s epochs in %.1f CPU s (train loss %.3f)",
                 space.name, epochs, seconds, loss)
        self.supernets_[epochs] = TrainedSupernet(supernet, epochs, seconds, wall, loss)
        return self

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Score ``arch`` with the weights of the supernet trained for ``budget`` epochs (trained now if needed).

        Raises:
            SpaceMismatch: ``arch`` is not an architecture of the estimator's space.
            ConfigurationError: The supernet cannot be trained (see ``fit``).
            CandidateFailed: The path's validation loss is not finite.
        """
        epochs = self._epochs(budget)
        key = arch_key(self.space, arch, "supernet")
        self.fit(epochs)
        trained = self.supernets_[epochs]
        charged = 0.0 if trained.charged else trained.seconds
        trained.charged = True
        config, task, supernet = self.config, self.task, trained.supernet
        device = torch.device(config.device)
        started = time.process_time()
        with torch_threads(config.threads):
            supernet.select(arch)
            supernet.recalibrate(self.calibration_data.to(device), config.batch_size)
            val_accuracy, val_loss = accuracy_and_loss(predict(supernet, task.x_val.to(device),
                                                               config.eval_batch_size), task.y_val.to(device))
            with torch.device("meta"):
                params = count_params(build_network(self.space, arch, task.spec))
        if not math.isfinite(val_loss):
            raise CandidateFailed(f"the validation loss of {key} with the shared weights is {val_loss}")
        seconds = time.process_time() - started
        log.debug("%s: val_accuracy %.4f with shared weights in %.3f CPU s", key, val_accuracy, seconds)
        metrics = {"val_accuracy": val_accuracy, "val_loss": val_loss, "params": float(params), "epochs": epochs,
                   "supernet_seconds": trained.seconds}
        return Measurement(score=val_accuracy, cost=charged + seconds, metrics=metrics)

    def __repr__(self) -> str:
        task = self._task_source if isinstance(self._task_source, str) else self._task_source.spec.name
        space = self._space_source if isinstance(self._space_source, str) else self._space_source.name
        return (f"SupernetEstimator(task={task!r}, space={space!r}, config={self.config!r}, "
                f"calibration_batches={self.calibration_batches})")
