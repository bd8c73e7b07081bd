"""Every registered strategy on NAS-Bench-Macro (Su et al., CVPR 2021) under one query budget.

A reproduction-style comparison on the second tabular benchmark, in the manner of
NAS-Bench-201's (``reproductions/nb201.py``): each strategy searches the
``nas-bench-macro`` space through ``naslib_mini.loop.run`` with the table as its
estimator, ``queries`` training queries per run (``Budget(cost=queries)``, one
simulated second per query; the warm-up's zero-cost queries are free), and
reports the mean test accuracy of its three runs of the architecture with the
best search signal (``History.best(max_cost=queries)``). The signal is the
three runs' mean, or with ``noisy`` one run drawn per query (the estimator's
seed is derived from the run's). Strategies run with their default settings:
nothing is fitted to this table. Multi-fidelity strategies (SH, Hyperband, BOHB)
have only one schedule to query, so, as in NAS-Bench-201's BOHB script, their
brackets only choose which architectures are queried (``honour_budget=False``).
The paper compares one-shot methods, not these strategies, so there are no
published figures to set beside ours: the table shows the table's optimum,
random search's mean, each strategy's difference to it and its regret.

Run ``i`` of a strategy uses seed ``strategy_seeds(name, runs, seed)[i]``
(``naslib_mini.seeding.run_seeds``), as in the NAS-Bench-201 reproduction.
Accuracies are fractions; the printed table shows percent. Knows strategies and
estimators only by their registered names.
"""
from __future__ import annotations

import concurrent.futures
import logging
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from naslib_mini.data import macro_path
from naslib_mini.estimators import ESTIMATORS
from naslib_mini.estimators.macro import COST_PER_QUERY
from naslib_mini.history import History
from naslib_mini.loop import Budget, run
from naslib_mini.reproductions.nb201 import _init_worker, requested_strategies, strategy_seeds, summarise
from naslib_mini.reproductions.tables import Column, percent, strategy_table
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces import SPACES
from naslib_mini.strategies import STRATEGIES

__all__ = ["DEFAULT_QUERIES", "DEFAULT_RUNS", "MacroProtocol", "format_macro_table", "reproduce_macro",
           "run_once", "search_once", "searchable"]

log = logging.getLogger(__name__)

#: Training queries per search, and searches per strategy, of the command's defaults.
DEFAULT_QUERIES, DEFAULT_RUNS = 100, 100
#: The reference row every table holds.
RANDOM = "random"


@dataclass(frozen=True)
class MacroProtocol:
    """One NAS-Bench-Macro search setting.

    Attributes:
        queries: Training queries per search (the warm-up's zero-cost queries are free).
        noisy: Search on one of the three runs drawn per query instead of their mean.
    """

    queries: int = DEFAULT_QUERIES
    noisy: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.queries, bool) or not isinstance(self.queries, int) or self.queries < 1:
            raise ValueError(f"queries must be a positive integer, got {self.queries!r}")
        if not isinstance(self.noisy, bool):
            raise ValueError(f"noisy must be True or False, got {self.noisy!r}")

    @property
    def cost_budget(self) -> float:
        """Simulated seconds per search: ``queries`` table queries."""
        return self.queries * COST_PER_QUERY


def _estimator(name: str, seed: int, protocol: MacroProtocol, data_dir: str | None):
    return ESTIMATORS.create("nas-bench-macro", noisy=protocol.noisy, seed=derive_seed(seed, "noise"),
                             honour_budget=not STRATEGIES.get(name).uses_budget, data_dir=data_dir)


def search_once(name: str, seed: int, protocol: MacroProtocol = MacroProtocol(),
                data_dir: str | os.PathLike | None = None) -> History:
    """One search of ``protocol``: the whole history.

    Example:
        >>> history = search_once("rea", seed=0, protocol=MacroProtocol(queries=20))
        >>> len(history), history.total_cost
        (20, 20.0)
    """
    name = STRATEGIES.canonical(name)
    data_dir = None if data_dir is None else str(data_dir)
    strategy = STRATEGIES.create(name, space=SPACES.create("nas-bench-macro"), seed=seed)
    return run(strategy, _estimator(name, seed, protocol, data_dir), Budget(cost=protocol.cost_budget))


def run_once(name: str, seed: int, protocol: MacroProtocol = MacroProtocol(),
             data_dir: str | os.PathLike | None = None) -> float:
    """One search; the mean test accuracy (a fraction) of the architecture it chose.

    Example:
        >>> round(run_once("random", seed=0, protocol=MacroProtocol(queries=20)), 4)
        0.9261
    """
    history = search_once(name, seed, protocol, data_dir)
    best = history.best(max_cost=protocol.cost_budget)
    if best is None:
        raise RuntimeError(f"strategy {name!r} found no architecture within {protocol.queries} queries")
    return ESTIMATORS.create("nas-bench-macro", data_dir=data_dir).test_accuracy(best.arch)


def _run_chunk(name: str, seeds: Sequence[int], protocol: MacroProtocol, data_dir: str | None) -> list[float]:
    return [run_once(name, seed, protocol, data_dir) for seed in seeds]


def searchable(names: Iterable[str], protocol: MacroProtocol = MacroProtocol(),
               data_dir: str | os.PathLike | None = None) -> list[str]:
    """The strategies of ``names`` that can search the table (one short search each); others are logged and skipped."""
    kept = []
    for name in names:
        try:
            run_once(name, 0, MacroProtocol(2, protocol.noisy), data_dir)
        except Exception as exc:  # a strategy that cannot run here is skipped, not fatal
            log.warning("skipping strategy %r: %s: %s", name, type(exc).__name__, exc)
            continue
        kept.append(name)
    return kept


def reproduce_macro(strategies: Sequence[str] = ("all",), runs: int = DEFAULT_RUNS, queries: int = DEFAULT_QUERIES,
                    seed: int = 0, noisy: bool = False, processes: int | None = None,
                    data_dir: str | os.PathLike | None = None) -> dict[str, dict[str, float]]:
    """Run each strategy ``runs`` times on NAS-Bench-Macro with ``queries`` queries per search.

    Args:
        strategies: Registered names (aliases allowed), or ``("all",)`` for every registered
            strategy that can search the table. Random search is always run, first, as the reference.
        runs: Searches per strategy.
        queries: Training queries per search.
        seed: Run ``i`` of strategy ``name`` uses ``strategy_seeds(name, runs, seed)[i]``.
        noisy: Search on one run drawn per query instead of the mean of three.
        processes: Worker processes (default: the number of CPUs); 1 runs inline.
        data_dir: The benchmark data directory; by default ``$NASLIB_MINI_DATA`` or the shipped copy.

    Returns:
        ``{name: {"mean", "std", "runs"}}`` of the chosen architectures' mean test accuracy (fractions).

    Example:
        >>> result = reproduce_macro(("rea",), runs=3, queries=20, processes=1)
        >>> list(result), result["rea"]["runs"]
        (['random', 'rea'], 3)
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be an integer >= 1, got {runs!r}")
    protocol = MacroProtocol(queries, noisy)
    data_dir = None if data_dir is None else str(data_dir)
    macro_path(data_dir)  # a missing table is one clear error, not thousands of failed trials
    names = requested_strategies(strategies, lambda: searchable(STRATEGIES.names(), protocol, data_dir))
    names = [RANDOM] + [n for n in names if STRATEGIES.canonical(n) != RANDOM]
    processes = processes or os.cpu_count() or 1
    jobs = []
    for name in names:
        seeds = strategy_seeds(name, runs, seed)
        size = max(1, -(-runs // (4 * processes)))
        jobs += [(name, seeds[k:k + size]) for k in range(0, runs, size)]
    scores: dict[str, list[float]] = {name: [] for name in names}
    if processes == 1:
        for name, chunk in jobs:
            scores[name] += _run_chunk(name, chunk, protocol, data_dir)
    else:
        with concurrent.futures.ProcessPoolExecutor(processes, initializer=_init_worker, initargs=(1,)) as pool:
            futures = [(name, pool.submit(_run_chunk, name, chunk, protocol, data_dir)) for name, chunk in jobs]
            for name, future in futures:  # in submission order, so results are in seed order
                scores[name] += future.result()
    return {name: summarise(values) for name, values in scores.items()}


def format_macro_table(result: Mapping[str, Mapping[str, Any]], protocol: MacroProtocol = MacroProtocol(),
                       data_dir: str | os.PathLike | None = None) -> str:
    """``reproduce_macro``'s result as plain text in percent, with the table's optimum and random search.

    Example:
        >>> print(format_macro_table({"random": {"mean": 0.9277, "std": 0.002, "runs": 100},
        ...                           "rea": {"mean": 0.9300, "std": 0.001, "runs": 100}}))
        ... # doctest: +NORMALIZE_WHITESPACE
        NAS-Bench-Macro (CIFAR-10): mean test accuracy of the chosen architecture, 100 queries per search, signal: mean of 3 runs
        strategy          runs             found   vs random    regret
        random             100      92.77 ± 0.20       +0.00      0.36
        rea                100      93.00 ± 0.10       +0.23      0.13
        (optimum of the table: 93.13; mean of its 6561 architectures: 90.25; random search: 92.77 ± 0.20)
    """
    estimator = ESTIMATORS.create("nas-bench-macro", data_dir=data_dir)
    optimum, reference = estimator.best_test_accuracy(), result.get(RANDOM)
    columns: list[Column] = [
        ("vs random", 12, lambda name, row: f"{100 * (row['mean'] - reference['mean']):+.2f}" if reference else "-"),
        ("regret", 10, lambda name, row: percent(optimum - row["mean"]))]
    signal = "one of 3 runs drawn per query" if protocol.noisy else "mean of 3 runs"
    footer = (f"(optimum of the table: {percent(optimum)}; mean of its {SPACES.create('macro').size()} architectures: "
              f"{percent(estimator.mean_test_accuracy())}; random search: "
              + (percent(reference["mean"], reference["std"]) if reference else "not run") + ")")
    return "\n".join([f"NAS-Bench-Macro (CIFAR-10): mean test accuracy of the chosen architecture, "
                      f"{protocol.queries} queries per search, signal: {signal}",
                      *strategy_table(result, columns, label="found"), footer])
