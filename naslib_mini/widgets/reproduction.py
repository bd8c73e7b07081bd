"""Widget: explore a NAS-Bench-201 reproduction: the table beside the paper's, and anytime curves.

The searches are run once, under the protocol of ``naslib_mini.reproduce``
(``search_once`` with ``run_seeds``), and kept as histories. The plain,
unit-tested functions here only *read* those histories: ``reproduction_result``
(mean and std of the reported test accuracy, as ``reproduce_nb201`` computes
it), ``reproduction_table`` (that beside the paper's figures, Dong & Yang, ICLR
2020, Table 5) and ``reproduction_curves`` (the incumbent's test accuracy
against simulated seconds, the paper's Figure 6). The widget lets a reader pick
the reported dataset and the methods. Knows nothing about how the searches
chose their architectures; it never runs a search itself.
"""
from __future__ import annotations

import functools
import html
import io
import os
from typing import Any, Mapping, Sequence

import numpy as np

from naslib_mini.estimators import ESTIMATORS
from naslib_mini.history import History
from naslib_mini.reproduce import DATASETS, Protocol, format_table
from naslib_mini.strategies import STRATEGIES

__all__ = ["ReproductionExplorer", "cost_grid", "final_accuracies", "plot_reproduction", "reproduction_curves",
           "reproduction_explorer", "reproduction_result", "reproduction_table"]

#: Runs of a reproduction: histories per method name, in seed order.
Runs = Mapping[str, Sequence[History]]


@functools.lru_cache(maxsize=8)
def _report(dataset: str, data_dir: str | None):
    """The tabular estimator whose 200-epoch test accuracy is reported for ``dataset``."""
    return ESTIMATORS.create("nb201", dataset=dataset, data_dir=data_dir)


def _check_dataset(dataset: str) -> str:
    if dataset not in DATASETS:
        raise ValueError(f"unknown NAS-Bench-201 dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")
    return dataset


def _methods(runs: Runs, methods: Sequence[str] | None) -> list[str]:
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
    """The reported figure of each run: ``dataset``'s 200-epoch test accuracy of the trial with the
    best search signal within ``cost_budget`` simulated seconds (NaN for a run that found none).

    Example:
        >>> from naslib_mini.reproduce import search_once
        >>> final_accuracies([search_once("rea", seed=0)]).round(2).tolist()
        [94.37]
    """
    report = _report(_check_dataset(dataset), _dir(data_dir))
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
        runs: Histories per method (e.g. ``search_once`` over ``run_seeds``).
        dataset: Whose 200-epoch test accuracy is reported.
        methods: Which methods, in this order (all of ``runs`` by default).
        cost_budget: Simulated seconds per search (12,000 in the paper).
        data_dir: The benchmark data directory; by default ``$NASLIB_MINI_DATA``.
    """
    result = {}
    for method in _methods(runs, methods):
        values = final_accuracies(runs[method], dataset, cost_budget, data_dir)
        result[method] = {"mean": float(np.mean(values)), "std": float(np.std(values)), "runs": len(values)}
    return result


def reproduction_table(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                       search_dataset: str = "cifar10", cost_budget: float = 12_000.0,
                       data_dir: str | os.PathLike | None = None) -> str:
    """``reproduction_result`` beside the paper's figures, as ``reproduce.format_table`` writes it.

    ``search_dataset`` says whose validation accuracy guided the runs; the paper's
    figures are shown only for searches on CIFAR-10 under 12,000 s.
    """
    protocol = Protocol(_check_dataset(dataset), _check_dataset(search_dataset), float(cost_budget))
    return format_table(reproduction_result(runs, dataset, methods, cost_budget, data_dir), protocol)


def reproduction_curves(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                        grid: Sequence[float] | None = None,
                        data_dir: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The incumbent's ``dataset`` test accuracy at each simulated second of ``grid``, one row per run.

    The incumbent is the trial with the best search signal so far (chosen by score,
    never by test accuracy); its column at ``cost_budget`` is ``final_accuracies``.

    Returns:
        ``{method: array of shape (runs, len(grid))}``, NaN before a run's first trial.
    """
    from naslib_mini.viz import anytime_curve

    report = _report(_check_dataset(dataset), _dir(data_dir))
    grid = cost_grid() if grid is None else np.asarray(grid, dtype=float)
    value = functools.lru_cache(maxsize=None)(report.test_accuracy)
    return {method: anytime_curve(runs[method], grid, value=lambda trial: value(trial.arch))
            for method in _methods(runs, methods)}


def plot_reproduction(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                      search_dataset: str = "cifar10", grid: Sequence[float] | None = None, band: str = "std",
                      ax=None, data_dir: str | os.PathLike | None = None):
    """Anytime curves (mean and band over runs) with the paper's final figures as error bars at the end."""
    from naslib_mini.viz import plot_anytime

    grid = cost_grid() if grid is None else np.asarray(grid, dtype=float)
    curves = reproduction_curves(runs, dataset, methods, grid, data_dir)
    ax = plot_anytime(curves, grid, ax=ax, band=band, xlabel="simulated training seconds",
                      ylabel="test accuracy of the incumbent (%)")
    paper = Protocol(dataset, _check_dataset(search_dataset), float(grid[-1])).paper()
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    shown = False
    for k, method in enumerate(curves):
        figure = paper.get(STRATEGIES.canonical(method))
        if figure is not None:
            x = grid[-1] * (1.01 + 0.012 * k)
            ax.errorbar([x], [figure[0]], yerr=[figure[1]], fmt="D", ms=4, capsize=2, color=colours.get(method))
            shown = True
    if shown:  # one grey legend entry for the paper's markers
        ax.errorbar([], [], yerr=[], fmt="D", ms=4, capsize=2, color="grey", label="paper (mean ± std)")
    finals = np.concatenate([c[:, -1] for c in curves.values()])
    low = np.nanpercentile(finals, 5) - 1.5
    high = max(np.nanmax(finals), max((f[0] + f[1] for f in paper.values()), default=-np.inf)) + 0.3
    ax.set_ylim(low, high)
    ax.set_title(f"{dataset} (searched on {search_dataset})", fontsize=10)
    if shown:
        ax.legend(loc="lower right", fontsize=8)
    return ax


class ReproductionExplorer:
    """Pick the reported dataset and the methods; see the table and the anytime curves.

    Attributes:
        dataset: Dropdown of the three NAS-Bench-201 datasets.
        methods: Multiple selection of the methods with runs.
        band: Toggle between a std band and an interquartile band.
        table: HTML widget holding ``reproduction_table`` of the selection.
        plot: Image widget holding ``plot_reproduction`` of the selection (PNG).
        widget: The container to display.
    """

    def __init__(self, runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                 search_dataset: str = "cifar10", cost_budget: float = 12_000.0,
                 data_dir: str | os.PathLike | None = None) -> None:
        import ipywidgets as w

        if not runs:
            raise ValueError("no runs to explore")
        self.runs, self.search_dataset = runs, _check_dataset(search_dataset)
        self.cost_budget, self.data_dir = float(cost_budget), data_dir
        self.dataset = w.Dropdown(options=list(DATASETS), value=_check_dataset(dataset), description="dataset")
        self.methods = w.SelectMultiple(options=list(runs), value=tuple(_methods(runs, methods)),
                                        description="methods", rows=min(6, len(runs)))
        self.band = w.ToggleButtons(options=["std", "quartiles"], value="std", description="band")
        self.table = w.HTML()
        self.plot = w.Image(format="png")
        self.widget = w.VBox([w.HBox([self.dataset, self.methods, self.band]), self.table, self.plot])
        for control in (self.dataset, self.methods, self.band):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Recompute the table and the curves for the current selection."""
        import matplotlib.pyplot as plt

        chosen = list(self.methods.value)
        if not chosen:
            self.table.value = "<pre>choose at least one method</pre>"
            self.plot.value = b""
            return
        text = reproduction_table(self.runs, self.dataset.value, chosen, self.search_dataset, self.cost_budget,
                                  self.data_dir)
        self.table.value = f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"
        fig, ax = plt.subplots(figsize=(7, 4))
        try:
            plot_reproduction(self.runs, self.dataset.value, chosen, self.search_dataset,
                              cost_grid(self.cost_budget), self.band.value, ax, self.data_dir)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        finally:
            plt.close(fig)
        self.plot.value = buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def reproduction_explorer(runs: Runs, dataset: str = "cifar10", methods: Sequence[str] | None = None,
                          search_dataset: str = "cifar10", cost_budget: float = 12_000.0,
                          data_dir: str | os.PathLike | None = None) -> ReproductionExplorer:
    """A widget to choose the reported dataset and the methods of a finished reproduction.

    Args:
        runs: Histories per method, searched under the NAS-Bench-201 protocol.
        dataset: The dataset shown first.
        methods: The methods selected first (all by default).
        search_dataset: Whose validation accuracy guided the runs.
        cost_budget: Simulated seconds per search.
        data_dir: The benchmark data directory; by default ``$NASLIB_MINI_DATA``.

    Example:
        >>> from naslib_mini.reproduce import search_once
        >>> explorer = reproduction_explorer({"rs": [search_once("rs", seed=s) for s in range(2)]})
        >>> explorer.dataset.value = "cifar100"
        >>> "cifar100" in explorer.table.value
        True
    """
    return ReproductionExplorer(runs, dataset, methods, search_dataset, cost_budget, data_dir)
