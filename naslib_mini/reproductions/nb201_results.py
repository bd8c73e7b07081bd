"""Results of a NAS-Bench-201 reproduction: the table beside the paper's, and anytime curves.

The searches are run once, under the protocol of ``naslib_mini.reproductions.nb201``
(``search_once`` over ``strategy_seeds``), and kept as histories; the functions here
only *read* them: ``final_accuracies`` (each run's reported test accuracy),
``reproduction_result`` (their mean and std, as ``reproduce_nb201`` returns them),
``format_table`` and ``reproduction_table`` (that beside the paper's figures, Dong
& Yang, ICLR 2020, Table 5) and ``reproduction_curves`` (the incumbent's test
accuracy against simulated seconds, the paper's Figure 6). Accuracies are
fractions; the printed table shows percent, as the paper does. Knows nothing
about how the searches chose their architectures; never runs a search.
"""
from __future__ import annotations

import functools
import os
from typing import Mapping, Sequence

import numpy as np

from naslib_mini.estimators import ESTIMATORS
from naslib_mini.history import History
from naslib_mini.reproductions.nb201 import DATASETS, PAPER_OPTIMUM, Protocol, summarise
from naslib_mini.reproductions.tables import Column, percent, strategy_table
from naslib_mini.strategies import STRATEGIES
from naslib_mini.viz.search import anytime_curve

__all__ = ["Runs", "check_dataset", "cost_grid", "final_accuracies", "format_table", "paper_figures",
           "reproduction_curves", "reproduction_result", "reproduction_table", "selected_methods"]

#: Runs of a reproduction: histories per method name, in seed order.
Runs = Mapping[str, Sequence[History]]


@functools.lru_cache(maxsize=8)
def _report(dataset: str, data_dir: str | None):
    """The tabular estimator whose 200-epoch test accuracy is reported for ``dataset``."""
    return ESTIMATORS.create("nb201", dataset=dataset, data_dir=data_dir)


def check_dataset(dataset: str) -> str:
    """``dataset`` if it is a NAS-Bench-201 dataset, else a ValueError listing them."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown NAS-Bench-201 dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")
    return dataset


def selected_methods(runs: Runs, methods: Sequence[str] | None) -> list[str]:
    """``methods`` (all of ``runs`` by default), checked to have runs."""
    methods = list(runs) if methods is None else list(methods)
    unknown = [m for m in methods if m not in runs]
    if unknown:
        raise ValueError(f"no runs for method(s) {unknown}; valid choices: {', '.join(runs)}")
    empty = [m for m in methods if not runs[m]]
    if empty:
        raise ValueError(f"method(s) {empty} have no runs")
    return methods


def _dir(data_dir: str | os.PathLike | None) -> str | None:
    return None if data_dir is None else str(data_dir)


def paper_figures(methods: Sequence[str], protocol: Protocol) -> dict[str, tuple[float, float]]:
    """``{method: (mean, std)}``: the paper's figure (fractions) of each method it reports under ``protocol``.

    Example:
        >>> paper_figures(["rs", "reinforce-lstm"], Protocol())
        {'rs': (0.937, 0.0036)}
    """
    paper = protocol.paper()
    return {method: paper[STRATEGIES.canonical(method)] for method in methods
            if STRATEGIES.canonical(method) in paper}


def format_table(result: Mapping[str, Mapping[str, float]], protocol: Protocol) -> str:
    """``reproduce_nb201``'s result (fractions) beside the paper's figures, as plain text in percent.

    Example:
        >>> print(format_table({"rea": {"mean": 0.9392, "std": 0.003, "runs": 500}}, Protocol()))
        ... # doctest: +NORMALIZE_WHITESPACE
        NAS-Bench-201: searched on cifar10, test accuracy on cifar10 (200 epochs), budget 12000 s
        strategy          runs              ours             paper  difference
        rea                500      93.92 ± 0.30      93.92 ± 0.30       +0.00
        (best cell in the table: 94.37)
    """
    paper = paper_figures(list(result), protocol)
    columns: list[Column] = [
        ("paper", 18, lambda name, row: percent(*paper[name]) if name in paper else "-"),
        ("difference", 12, lambda name, row: f"{100 * (row['mean'] - paper[name][0]):+.2f}" if name in paper else "-")]
    lines = [f"NAS-Bench-201: searched on {protocol.search_dataset}, test accuracy on {protocol.dataset} "
             f"(200 epochs), budget {protocol.cost_budget:g} s", *strategy_table(result, columns)]
    if protocol.paper():
        lines.append(f"(best cell in the table: {PAPER_OPTIMUM[protocol.dataset]:.2f})")
    else:
        lines.append("(the paper's figures are for searches on cifar10 under 12000 s: none comparable)")
    return "\n".join(lines)


def cost_grid(cost_budget: float = 12_000.0, points: int = 40) -> np.ndarray:
    """Evenly spaced simulated seconds ``cost_budget / points, ..., cost_budget`` for anytime curves.

    Example:
        >>> cost_grid(12000, 4).tolist()
        [3000.0, 6000.0, 9000.0, 12000.0]
    """
    if not (isinstance(points, int) and points >= 1):
        raise ValueError(f"points must be an integer >= 1, got {points!r}")
    if not cost_budget > 0:
        raise ValueError(f"cost_budget must be positive, got {cost_budget!r}")
    return np.linspace(cost_budget / points, cost_budget, points)


def final_accuracies(histories: Sequence[History], dataset: str = "cifar10", cost_budget: float = 12_000.0,
                     data_dir: str | os.PathLike | None = None) -> np.ndarray:
    """The reported figure of each run: ``dataset``'s 200-epoch test accuracy (a fraction) of the trial
    with the best search signal within ``cost_budget`` simulated seconds (NaN for a run that found none).

    Example:
        >>> from naslib_mini.reproductions.nb201 import search_once
        >>> final_accuracies([search_once("rea", seed=0)]).round(4).tolist()
        [0.9437]
    """
    report = _report(check_dataset(dataset), _dir(data_dir))
    values = []
    for history in histories:
        best = history.best(max_cost=cost_budget)
        values.append(np.nan if best is None else report.test_accuracy(best.arch))
    return np.array(values, dtype=float)


def reproduction_result(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                        cost_budget: float = 12_000.0,
                        data_dir: str | os.PathLike | None = None) -> dict[str, dict[str, float]]:
    """``{method: {"mean", "std", "runs"}}`` of the reported test accuracy, as ``reproduce_nb201`` returns.

    Args:
        runs: Histories per method (e.g. ``search_once`` over ``strategy_seeds``).
        dataset: Whose 200-epoch test accuracy is reported.
        methods: Which methods, in this order (all of ``runs`` by default).
        cost_budget: Simulated seconds per search (12,000 in the paper).
        data_dir: The benchmark data directory (see ``naslib_mini.data.data_dir``).
    """
    return {method: summarise(final_accuracies(runs[method], dataset, cost_budget, data_dir))
            for method in selected_methods(runs, methods)}


def reproduction_table(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                       search_dataset: str = "cifar10", cost_budget: float = 12_000.0,
                       data_dir: str | os.PathLike | None = None) -> str:
    """``reproduction_result`` beside the paper's figures, as ``format_table`` writes it.

    ``search_dataset`` says whose validation accuracy guided the runs; the paper's
    figures are shown only for searches on CIFAR-10 under 12,000 s.
    """
    protocol = Protocol(check_dataset(dataset), check_dataset(search_dataset), float(cost_budget))
    return format_table(reproduction_result(runs, dataset, methods, cost_budget, data_dir), protocol)


def reproduction_curves(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                        grid: Sequence[float] | None = None,
                        data_dir: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The incumbent's ``dataset`` test accuracy (a fraction) at each simulated second of ``grid``.

    The incumbent is the trial with the best search signal so far (chosen by score,
    never by test accuracy); its column at ``cost_budget`` is ``final_accuracies``.

    Returns:
        ``{method: array of shape (runs, len(grid))}``, NaN before a run's first trial.
    """
    report = _report(check_dataset(dataset), _dir(data_dir))
    grid = cost_grid() if grid is None else np.asarray(grid, dtype=float)
    value = functools.lru_cache(maxsize=None)(report.test_accuracy)
    return {method: anytime_curve(runs[method], grid, value=lambda trial: value(trial.arch))
            for method in selected_methods(runs, methods)}
