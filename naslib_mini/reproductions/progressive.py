"""Strategies compared at equal query budgets, paired over runs: the protocol of the PNAS comparison.

Progressive NAS (Liu et al. 2018) is compared with regularized evolution (Real et
al. 2019) and random search the way its paper compares search methods: the same
number of evaluated architectures for each, many independent runs. Here run ``i``
of every strategy uses seed ``strategy_seeds(name, runs, seed)[i]`` and the runs
are paired by ``i``; ``paired_test`` reports the Wilcoxon signed-rank test
(Wilcoxon 1945; ``scipy.stats.wilcoxon``, ties dropped) of the paired
differences with the wins, ties and losses. ``macro_at_budgets`` runs the
comparison on NAS-Bench-Macro's table (``reproductions.macro.run_once``: the
mean test accuracy of the architecture with the best search signal). Any other
estimator (real training) goes through ``search_at_budgets``. Accuracies are
fractions. Knows strategies and estimators only by name or through the loop.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Hashable, Mapping, Sequence

import numpy as np
from scipy.stats import wilcoxon

from naslib_mini.estimators.base import Estimator
from naslib_mini.loop import Budget, run
from naslib_mini.reproductions.macro import MacroProtocol, run_once
from naslib_mini.reproductions.nb201 import strategy_seeds
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies import STRATEGIES

__all__ = ["PairedRuns", "format_budget_table", "macro_at_budgets", "paired_test", "search_at_budgets"]


@dataclass(frozen=True)
class PairedRuns:
    """Run ``i`` of one strategy against run ``i`` of another.

    Attributes:
        wins, ties, losses: Runs where the first found a better, equal or worse architecture.
        mean_difference: Mean of first minus second (a fraction).
        p_value: Two-sided Wilcoxon signed-rank p-value (1.0 when every pair ties).
    """

    wins: int
    ties: int
    losses: int
    mean_difference: float
    p_value: float

    def as_dict(self) -> dict:
        return asdict(self)


def paired_test(first: Sequence[float], second: Sequence[float]) -> PairedRuns:
    """Wins, ties, losses and the Wilcoxon signed-rank test of paired runs.

    Example:
        >>> paired_test([0.9, 0.8, 0.7, 0.9, 0.95, 0.9], [0.8, 0.8, 0.6, 0.85, 0.9, 0.7])
        PairedRuns(wins=5, ties=1, losses=0, mean_difference=0.0833..., p_value=0.0625)
    """
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"paired runs need two equally long, non-empty sequences, got {a.shape} and {b.shape}")
    diff = a - b
    nonzero = diff[diff != 0]
    p_value = float(wilcoxon(nonzero).pvalue) if len(nonzero) else 1.0
    return PairedRuns(int((diff > 0).sum()), int((diff == 0).sum()), int((diff < 0).sum()), float(diff.mean()),
                      p_value)


def macro_at_budgets(strategies: Sequence[str], budgets: Sequence[int], runs: int,
                     seed: int = 0) -> dict[str, dict[int, list[float]]]:
    """``{strategy: {queries: [test accuracy of run i]}}`` on NAS-Bench-Macro (mean-of-3 signal).

    Example:
        >>> result = macro_at_budgets(["pnas", "random"], [20], runs=2)
        >>> [len(result[name][20]) for name in result]
        [2, 2]
    """
    return {name: {q: [run_once(name, s, MacroProtocol(q)) for s in strategy_seeds(name, runs, seed)]
                   for q in budgets} for name in strategies}


def search_at_budgets(strategies: Sequence[str], budgets: Sequence[int], runs: int, space: SearchSpace,
                      estimator: Estimator, seed: int = 0,
                      score: Callable[[Hashable], float] | None = None) -> dict[str, dict[int, list[float]]]:
    """``{strategy: {queries: [score of run i's best]}}`` for any space and estimator.

    Each run searches once with the largest budget; the smaller budgets read its
    best among the first ``queries`` trials (a search does not know its budget).
    ``score`` maps the chosen architecture to the reported number (default: its
    search score).
    """
    result: dict[str, dict[int, list[float]]] = {name: {q: [] for q in budgets} for name in strategies}
    for name in strategies:
        for s in strategy_seeds(name, runs, seed):
            history = run(STRATEGIES.create(name, space=space, seed=s), estimator, Budget(trials=max(budgets)))
            for q in budgets:
                done = [t for t in list(history)[:q] if t.ok]
                best = max(done, key=lambda t: t.score)
                result[name][q].append(best.score if score is None else score(best.arch))
    return result


def format_budget_table(scores: Mapping[str, Mapping[int, Sequence[float]]], reference: str = "pnas",
                        title: str = "") -> str:
    """A table in percent: per budget, each strategy's mean ± std and ``reference`` paired against it.

    Example:
        >>> print(format_budget_table({"pnas": {10: [0.9, 0.92]}, "random": {10: [0.88, 0.9]}}))
        ... # doctest: +NORMALIZE_WHITESPACE
        queries  strategy  runs     found (%)  pnas - it  W/T/L  Wilcoxon p
             10  pnas         2  91.00 ± 1.00
             10  random       2  89.00 ± 1.00      +2.00  2/0/0         0.5
    """
    lines = [title] if title else []
    lines.append(f"{'queries':>7}  {'strategy':<8}  {'runs':>4}  {'found (%)':>12}  {reference + ' - it':>9}  "
                 f"{'W/T/L':>5}  {'Wilcoxon p':>10}")
    budgets = list(next(iter(scores.values())))
    for q in budgets:
        for name, by_budget in scores.items():
            values = 100 * np.asarray(by_budget[q])
            row = f"{q:>7}  {name:<8}  {len(values):>4}  {values.mean():6.2f} ± {values.std():4.2f}"
            if name != reference and reference in scores:
                paired = paired_test(scores[reference][q], by_budget[q])
                row += (f"  {100 * paired.mean_difference:+9.2f}  {paired.wins}/{paired.ties}/{paired.losses}"
                        f"  {paired.p_value:10.2g}")
            lines.append(row)
    return "\n".join(lines)
