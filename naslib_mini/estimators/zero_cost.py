"""The zero-cost estimator: score each candidate by a proxy of its untrained network.

Builds the candidate's network with the one builder, its weights seeded from
``seed`` and the architecture's string, and scores it with a zero-cost proxy of
``naslib_mini.proxies`` on one batch of the task's *training* split, the same batch
for every architecture (chosen by ``seed``), as Abdelfattah et al. (ICLR 2021) score
every cell of a benchmark on one batch. The measurement's cost is the CPU time the
process spent building and scoring the network, so a budget in seconds charges a
proxy what it really costs beside training. The constructor only checks and
stores; the task and the space are built on first use (as the training estimator
does). Knows nothing about strategies; never sees the validation or test split.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from typing import Any, Hashable

import numpy as np
import torch

from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator, arch_key
from naslib_mini.estimators.routines import seeded, torch_threads
from naslib_mini.estimators.training import build_task, check_names
from naslib_mini.networks import build_network, count_flops, count_params
from naslib_mini.proxies import PROXIES, compute_proxy
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.tasks.base import Task, TaskSpec
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["ZeroCostEstimator", "proxy_of_architecture", "training_batch"]

log = logging.getLogger(__name__)


def training_batch(task: Task, batch_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch_size`` samples of the task's training split, drawn without replacement by ``seed``.

    Example:
        >>> import naslib_mini as nm
        >>> x, y = training_batch(nm.TASKS.create("digits"), 8, seed=0)
        >>> tuple(x.shape), bool((y == training_batch(nm.TASKS.create("digits"), 8, seed=0)[1]).all())
        ((8, 1, 8, 8), True)
    """
    n = len(task.y_train)
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must lie in 1..{n} (the training split's size), got {batch_size!r}")
    rows = np.random.default_rng(derive_seed(seed, "zero-cost batch")).choice(n, batch_size, replace=False)
    rows = torch.from_numpy(np.sort(rows))
    return task.x_train[rows], task.y_train[rows]


def proxy_of_architecture(proxy: str, space: SearchSpace, arch: Hashable, spec: TaskSpec,
                          inputs: torch.Tensor, labels: torch.Tensor, seed: int) -> tuple[float, torch.nn.Module]:
    """The proxy of ``arch``'s network, its weights initialised under ``derive_seed(seed, space.to_str(arch))``.

    Returns:
        The score and the network it was computed on (unchanged by the proxy).
    """
    with seeded(derive_seed(seed, space.to_str(arch))):
        net = build_network(space, arch, spec)
    return compute_proxy(proxy, net, inputs, labels), net


@ESTIMATORS.register("zero-cost", aliases=("zero_cost", "proxy"))
class ZeroCostEstimator(Estimator):
    """Scores each candidate by a zero-cost proxy of its untrained network (higher is better).

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name) the architectures come from.
        proxy: A name in ``naslib_mini.proxies.PROXIES`` (``synflow``, ``naswot``, ``params``, ...).
        batch_size: Training samples the proxy sees (the same batch for every architecture).
        seed: Seed of the weights (combined with the architecture) and of the batch.
        task_seed: Split seed used when ``task`` is a name.
        threads: CPU threads while scoring (restored afterwards); ``None`` keeps torch's setting.

    The measurement's metrics hold the proxy's value under its name, ``params``
    and ``flops``. A proxy has no fidelity: ``estimate`` refuses a budget.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> est = nm.ESTIMATORS.create("zero-cost", proxy="synflow", task="digits", space=space, batch_size=16)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> m.score == m.metrics["synflow"] > 0, sorted(m.metrics)
        (True, ['flops', 'params', 'synflow'])
    """

    name = "zero-cost"

    def __init__(self, task: Task | str, space: SearchSpace | str, proxy: str = "synflow", *,
                 batch_size: int = 64, seed: int = 0, task_seed: int = 0, threads: int | None = None) -> None:
        self.proxy = PROXIES.canonical(proxy)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
        check_names(task, space)
        self.batch_size, self.seed, self.task_seed, self.threads = batch_size, seed, task_seed, threads
        self._task_source, self._space_source = task, space

    @functools.cached_property
    def task(self) -> Task:
        """The task, built from its name on first use.

        Raises:
            ConfigurationError: The task cannot be built; every trial would fail the same way.
        """
        return build_task(self._task_source, self.task_seed, "zero-cost estimator")

    @functools.cached_property
    def space(self) -> SearchSpace:
        """The search space, built from its name on first use (``ConfigurationError`` if it cannot be)."""
        if not isinstance(self._space_source, str):
            return self._space_source
        try:
            return SPACES.create(self._space_source)
        except Exception as exc:
            raise ConfigurationError(f"the zero-cost estimator cannot build space {self._space_source!r}: "
                                     f"{type(exc).__name__}: {exc}") from exc

    @functools.cached_property
    def batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The training batch every architecture is scored on (``ConfigurationError`` if too large)."""
        try:
            return training_batch(self.task, self.batch_size, self.seed)
        except ValueError as exc:
            raise ConfigurationError(f"the zero-cost estimator cannot draw its batch: {exc}") from exc

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Score ``arch`` by the proxy; ``budget`` must be ``None`` (a proxy trains nothing).

        Raises:
            ConfigurationError: A budget was given (a multi-fidelity strategy cannot use a proxy).
            CandidateFailed: The proxy is NaN or infinite, or the network fails on the batch.
        """
        if budget is not None:
            raise ConfigurationError(f"the zero-cost estimator has no fidelity: budget must be None, got {budget!r}; "
                                     "use it with a strategy that does not ask for budgets")
        inputs, labels = self.batch
        key = arch_key(self.space, arch, "zero-cost")
        started = time.process_time()
        with torch_threads(self.threads):
            try:
                value, net = proxy_of_architecture(self.proxy, self.space, arch, self.task.spec,
                                                   inputs, labels, self.seed)
            except (RuntimeError, FloatingPointError) as exc:
                raise CandidateFailed(f"{self.proxy} of {key} failed: {type(exc).__name__}: {exc}") from exc
            seconds = time.process_time() - started
            params, flops = count_params(net), count_flops(net, self.task.spec.input_shape)
        if not math.isfinite(value):
            raise CandidateFailed(f"{self.proxy} of {key} is {value}; the proxy cannot rank this network")
        log.debug("%s: %s %.4g in %.3f CPU s", key, self.proxy, value, seconds)
        metrics: dict[str, Any] = {"params": float(params), "flops": float(flops), self.proxy: value}
        return Measurement(score=value, cost=seconds, metrics=metrics)

    def __repr__(self) -> str:
        task = self._task_source if isinstance(self._task_source, str) else self._task_source.spec.name
        return (f"ZeroCostEstimator(task={task!r}, space={self.space!r}, proxy={self.proxy!r}, "
                f"batch_size={self.batch_size}, seed={self.seed})")
