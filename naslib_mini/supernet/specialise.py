"""Specialise a trained Once-for-All supernet to a latency limit without retraining (Cai et al. 2020, Sec. 3.3).

An accuracy predictor (a small ReLU network on the architecture encoding, ``ElasticSpace.encode``;
the ensemble of ``strategies/bananas.py``) is fitted on sub-networks whose accuracy was measured
with inherited, recalibrated weights; the latency of a sub-network is the sum of its blocks'
entries in a ``LatencyTable`` measured on this machine (``hardware/lookup_table.py``, shapes
traced on the ``meta`` device). ``SpecialisationEstimator`` answers a search with both, in
microseconds, and ``specialise`` runs regularized evolution (``nm.run`` with ``"rea"``) under
the constraint ``latency_ms <= limit``. Knows nothing about how the supernet was trained.
"""
from __future__ import annotations

import time
from functools import cached_property
from typing import Hashable, Sequence

import numpy as np

from naslib_mini.estimators.base import Estimator
from naslib_mini.hardware.lookup_table import LatencyTable, operation_calls
from naslib_mini.history import History
from naslib_mini.loop import Budget, run
from naslib_mini.networks import build_network, meta_network
from naslib_mini.spaces.elastic import ElasticArch, ElasticSpace
from naslib_mini.strategies.bananas import MLPEnsemble
from naslib_mini.strategies.base import STRATEGIES
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.types import Measurement

__all__ = ["AccuracyPredictor", "SpecialisationEstimator", "best_under_limit", "fill_latency_table",
           "specialise"]


class AccuracyPredictor:
    """Predicts a sub-network's accuracy from ``space.encode(arch)`` with an ensemble of small MLPs.

    Args:
        space: The elastic space.
        hidden: Hidden widths of each member.
        steps: Full-batch Adam steps.
        seed: Seed of the members' initial weights.

    Example:
        >>> space = ElasticSpace(stage_channels=(8,), stage_strides=(1,), depths=(1, 2))
        >>> rng = np.random.default_rng(0)
        >>> archs = [space.sample(rng) for _ in range(40)]
        >>> acc = [sum(k for k, _ in a.blocks) / 20 for a in archs]  # a made-up target
        >>> predictor = AccuracyPredictor(space, steps=300).fit(archs, acc)
        >>> bool(np.corrcoef(predictor.predict(archs), acc)[0, 1] > 0.9)
        True
    """

    def __init__(self, space: ElasticSpace, *, hidden: tuple[int, ...] = (64,), steps: int = 400,
                 seed: int = 0) -> None:
        self.space = space
        self.model = MLPEnsemble(num_members=5, hidden=hidden, steps=steps, learning_rate=0.01, seed=seed)

    def _encode(self, archs: Sequence[ElasticArch]) -> np.ndarray:
        return np.stack([self.space.encode(a) for a in archs])

    def fit(self, archs: Sequence[ElasticArch], accuracies: Sequence[float]) -> "AccuracyPredictor":
        if len(archs) != len(accuracies) or len(archs) < 2:
            raise ValueError(f"need at least two architectures with one accuracy each, got {len(archs)} "
                             f"architectures and {len(accuracies)} accuracies")
        self.model.fit(self._encode(archs), np.asarray(accuracies, dtype=float))
        return self

    def predict(self, archs: Sequence[ElasticArch]) -> np.ndarray:
        """Predicted accuracies (fractions; not clipped)."""
        return self.model.predict(self._encode(archs))[0]


def fill_latency_table(table: LatencyTable, space: ElasticSpace, spec: TaskSpec) -> int:
    """Time every block configuration of ``space`` once: one network per (kernel, expansion) at full depth
    holds every block at every position's input shape. Returns the entries added."""
    c, added = space.config, 0
    for kernel in c.kernels:
        for expansion in c.expansions:
            arch = ElasticArch(((kernel, expansion),) * c.depths[-1] for _ in range(space.num_stages))
            added += table.add(build_network(space, arch, spec).eval(), spec.input_shape)
    return added


class SpecialisationEstimator(Estimator):
    """Score: the predicted accuracy; metrics ``predicted_accuracy`` and ``latency_ms`` (from the table).

    The cost is the seconds of the prediction itself: no sub-network is trained or run.
    """

    name = "ofa-predictor"

    def __init__(self, space: ElasticSpace, spec: TaskSpec, predictor: AccuracyPredictor,
                 table: LatencyTable) -> None:
        self.space, self.spec, self.predictor, self.table = space, spec, predictor, table

    def latency_ms(self, arch: ElasticArch) -> float:
        """The table's prediction for ``arch``: stem, head and each kept block at its position.

        The same sum as ``table.predict`` on the sub-network (a test checks it), read from entries
        gathered once per (stage, block, kernel, expansion): a block's input shape does not depend on
        how many blocks its stage keeps, so a full-depth network of each (kernel, expansion) holds them all.
        """
        fixed, blocks = self._entries
        return fixed + sum(blocks[s, b, k, e] for s, stage in enumerate(self.space.check(arch).stages)
                           for b, (k, e) in enumerate(stage))

    @cached_property
    def _entries(self) -> tuple[float, dict[tuple[int, int, int, int], float]]:
        c, entries, blocks = self.space.config, self.table.entries_, {}
        depth = c.depths[-1]
        for k in c.kernels:
            for e in c.expansions:
                arch = ElasticArch(((k, e),) * depth for _ in range(self.space.num_stages))
                calls = operation_calls(meta_network(self.space, arch, self.spec), self.spec.input_shape)
                missing = [call.name for call in calls if call.key not in entries]
                if missing:
                    raise KeyError(f"operations {missing} are not in the latency table ({len(entries)} entries); "
                                   "fill it first with fill_latency_table(table, space, spec)")
                fixed = entries[calls[0].key] + entries[calls[-1].key]  # stem and head
                for i, call in enumerate(calls[1:-1]):
                    blocks[i // depth, i % depth, k, e] = entries[call.key]
        return fixed, blocks

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        started = time.perf_counter()
        accuracy = float(self.predictor.predict([arch])[0])
        latency = self.latency_ms(arch)
        return Measurement(accuracy, time.perf_counter() - started,
                           {"predicted_accuracy": accuracy, "latency_ms": latency})


def specialise(estimator: SpecialisationEstimator, limit_ms: float, *, trials: int = 300, seed: int = 0,
               population_size: int = 50, sample_size: int = 10) -> History:
    """Regularized evolution (Real et al. 2019) for the most accurate predicted sub-network under
    ``latency_ms <= limit_ms``; ``history.best()`` is the pick (``None`` if nothing met the limit)."""
    if not limit_ms > 0:
        raise ValueError(f"limit_ms must be a positive number of milliseconds, got {limit_ms!r}")
    strategy = STRATEGIES.create("rea", space=estimator.space, seed=seed, population_size=population_size,
                                 sample_size=sample_size)
    return run(strategy, estimator, Budget(trials=trials), constraints=[f"latency_ms <= {limit_ms!r}"])


def best_under_limit(latencies: Sequence[float], accuracies: Sequence[float], limit_ms: float) -> int | None:
    """Index of the most accurate candidate whose latency is at most ``limit_ms`` (the fastest on ties);
    ``None`` when none is fast enough. How a table of specialised candidates answers a new limit.

    Example:
        >>> best_under_limit([1.0, 2.0, 3.0], [0.7, 0.9, 0.95], 2.5), best_under_limit([1.0], [0.7], 0.5)
        (1, None)
    """
    if len(latencies) != len(accuracies):
        raise ValueError(f"latencies and accuracies must have one entry per candidate, got {len(latencies)} "
                         f"and {len(accuracies)}")
    if not limit_ms > 0:
        raise ValueError(f"limit_ms must be a positive number of milliseconds, got {limit_ms!r}")
    feasible = [i for i, t in enumerate(latencies) if t <= limit_ms]
    if not feasible:
        return None
    return max(feasible, key=lambda i: (accuracies[i], -latencies[i]))
