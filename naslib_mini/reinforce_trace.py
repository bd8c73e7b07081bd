"""Trace a REINFORCE controller's learning: rewards, baseline, entropy and probabilities per update.

``trace_reinforce`` runs the registered ``reinforce`` (per-decision categorical, the
NAS-Bench-201 paper's policy) or ``reinforce-lstm`` (the Zoph & Le 2017 controller)
strategy through ``naslib_mini.loop.run`` several times and records, after every update,
the reward, the moving-average baseline, the policy's probabilities and its entropy
(``ReinforceTrace``); ``trace_summary`` says it in a few lines. The drawings are in
``naslib_mini.viz.reinforce``. Knows nothing about how rewards are produced: any estimator
will do, the NAS-Bench-201 table is only the default.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from naslib_mini.estimators import ESTIMATORS
from naslib_mini.estimators.base import Estimator
from naslib_mini.history import History
from naslib_mini.loop import Budget, run
from naslib_mini.seeding import run_seeds
from naslib_mini.spaces import SPACES
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies import STRATEGIES

__all__ = ["POLICIES", "ReinforceTrace", "trace_reinforce", "trace_summary"]

#: The registered REINFORCE strategies, by the policy they use.
POLICIES = ("reinforce", "reinforce-lstm")


@dataclass(frozen=True)
class ReinforceTrace:
    """What a controller did, step by step, over several runs.

    Attributes:
        policy: The strategy's registered name.
        learning_rate: Its learning rate.
        decisions: Decision names (e.g. ``"edge(0->1)"``).
        choices: Each decision's choices, as strings.
        rewards: Reward of each update, shape ``(runs, steps)``.
        baselines: Baseline after each update, shape ``(runs, steps)``.
        probabilities: Policy probabilities before any update and after each one,
            shape ``(runs, steps + 1, decisions, widest decision)``, NaN-padded.
        entropy: Summed entropy of the decisions (nats), shape ``(runs, steps + 1)``.
        distinct: Distinct architectures queried so far, shape ``(runs, steps)``.
        histories: The searches themselves.
    """

    policy: str
    learning_rate: float
    decisions: tuple[str, ...]
    choices: tuple[tuple[str, ...], ...]
    rewards: np.ndarray
    baselines: np.ndarray
    probabilities: np.ndarray
    entropy: np.ndarray
    distinct: np.ndarray
    histories: tuple[History, ...]

    @property
    def max_entropy(self) -> float:
        """The entropy of the uniform policy, where every run starts."""
        return float(sum(math.log(len(c)) for c in self.choices))


def _padded(probabilities: list[np.ndarray], width: int) -> np.ndarray:
    out = np.full((len(probabilities), width), np.nan)
    for d, p in enumerate(probabilities):
        out[d, :len(p)] = p
    return out


def _entropy(padded: np.ndarray) -> float:
    p = padded[np.isfinite(padded) & (padded > 0)]
    return float(-(p * np.log(p)).sum())


def trace_reinforce(policy: str = "reinforce", learning_rate: float | None = None, runs: int = 3,
                    trials: int = 200, seed: int = 0, *, dataset: str = "cifar10", space: SearchSpace | None = None,
                    estimator: Estimator | None = None,
                    data_dir: str | os.PathLike | None = None) -> ReinforceTrace:
    """Run a REINFORCE strategy ``runs`` times for ``trials`` queries and record its learning.

    Args:
        policy: ``"reinforce"`` (one categorical per decision) or ``"reinforce-lstm"``.
        learning_rate: Adam step size (the strategy's default if ``None``).
        runs: Independent runs; run ``i`` uses ``run_seeds(policy, runs, seed)[i]``.
        trials: Queries per run.
        seed: Base seed.
        dataset: NAS-Bench-201 dataset of the default table estimator.
        space, estimator: Search elsewhere (e.g. real training); give both or neither.
        data_dir: The benchmark data directory of the default estimator.

    Returns:
        The trace; failed trials are skipped (they teach the policy nothing), so a
        run with failures has fewer steps and the arrays are cut to the shortest run.

    Example:
        >>> trace = trace_reinforce(runs=2, trials=30)
        >>> trace.rewards.shape, trace.probabilities.shape, round(float(trace.entropy[0, 0]), 2)
        ((2, 30), (2, 31, 6, 5), 9.66)
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown REINFORCE policy {policy!r}; valid choices: {', '.join(POLICIES)}")
    for name, value in (("runs", runs), ("trials", trials)):
        if not (isinstance(value, (int, np.integer)) and value >= 1):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if (space is None) != (estimator is None):
        raise ValueError("give both space and estimator, or neither (the NAS-Bench-201 table)")
    if space is None:
        space = SPACES.create("nb201", data_dir=data_dir)
        estimator = ESTIMATORS.create("nb201", dataset=dataset, data_dir=data_dir)
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    decisions = space.decisions()
    width = max(len(d.choices) for d in decisions)
    per_run: list[dict[str, list]] = []
    histories = []
    lr = None
    for run_seed in run_seeds(policy, runs, seed):
        strategy = STRATEGIES.create(policy, space=space, seed=run_seed, **options)
        lr = strategy.learning_rate
        first = _padded(strategy.policy.probabilities(), width)
        record: dict[str, list] = {"probabilities": [first], "entropy": [_entropy(first)], "distinct": []}
        seen: set = set()

        def observe(trial, history, strategy=strategy, record=record, seen=seen):
            seen.add(trial.arch)
            if trial.ok:
                snapshot = _padded(strategy.policy.probabilities(), width)
                record["probabilities"].append(snapshot)
                record["entropy"].append(_entropy(snapshot))
                record["distinct"].append(len(seen))

        histories.append(run(strategy, estimator, Budget(trials=trials), callbacks=[observe]))
        record["rewards"] = [r["reward"] for r in strategy.records]
        record["baselines"] = [r["baseline"] for r in strategy.records]
        per_run.append(record)
    steps = min(len(r["rewards"]) for r in per_run)
    if steps == 0:
        raise RuntimeError(f"every trial of {policy!r} failed: nothing was learned")

    def stack(key: str, extra: int = 0) -> np.ndarray:
        return np.array([r[key][:steps + extra] for r in per_run], dtype=float)

    return ReinforceTrace(policy, float(lr), tuple(d.name for d in decisions),
                          tuple(tuple(str(c) for c in d.choices) for d in decisions),
                          stack("rewards"), stack("baselines"), stack("probabilities", 1), stack("entropy", 1),
                          stack("distinct"), tuple(histories))


def trace_summary(trace: ReinforceTrace) -> str:
    """Plain text: entropy at the start and end, distinct architectures, mean best reward."""
    best = np.mean([h.best().score for h in trace.histories if h.best() is not None])
    return (f"{trace.policy}, learning rate {trace.learning_rate:g}, {len(trace.histories)} runs of "
            f"{trace.rewards.shape[1]} updates\n"
            f"entropy: {trace.entropy[:, 0].mean():.2f} -> {trace.entropy[:, -1].mean():.2f} nats "
            f"(uniform {trace.max_entropy:.2f})\n"
            f"distinct architectures per run: {trace.distinct[:, -1].mean():.0f} of {trace.rewards.shape[1]} queries\n"
            f"best reward per run (mean): {best:.2f}")
