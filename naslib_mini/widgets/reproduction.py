"""Widget: explore a NAS-Bench-201 reproduction: the table beside the paper's, and anytime curves.

A thin view: the table is ``reproduction_table`` and the curves are
``reproduction_curves`` (``naslib_mini.reproductions.nb201_results``), drawn by
``naslib_mini.viz.plot_reproduction``; the widget only lets a reader pick the
reported dataset, the methods and the band. It never runs a search.
"""
from __future__ import annotations

import html
import io
import os
from typing import Any, Sequence

from naslib_mini.reproductions.nb201 import DATASETS, Protocol
from naslib_mini.reproductions.nb201_results import (Runs, check_dataset, cost_grid, paper_figures,
                                                      reproduction_curves, reproduction_table, selected_methods)
from naslib_mini.viz.reproduction import plot_reproduction

__all__ = ["ReproductionExplorer", "reproduction_explorer"]


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
        self.runs, self.search_dataset = runs, check_dataset(search_dataset)
        self.cost_budget, self.data_dir = float(cost_budget), data_dir
        self.dataset = w.Dropdown(options=list(DATASETS), value=check_dataset(dataset), description="dataset")
        self.methods = w.SelectMultiple(options=list(runs), value=tuple(selected_methods(runs, methods)),
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

        chosen, dataset = list(self.methods.value), self.dataset.value
        if not chosen:
            self.table.value = "<pre>choose at least one method</pre>"
            self.plot.value = b""
            return
        text = reproduction_table(self.runs, dataset, chosen, self.search_dataset, self.cost_budget, self.data_dir)
        self.table.value = f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"
        grid = cost_grid(self.cost_budget)
        curves = reproduction_curves(self.runs, dataset, chosen, grid, self.data_dir)
        paper = paper_figures(chosen, Protocol(dataset, self.search_dataset, self.cost_budget))
        fig, ax = plt.subplots(figsize=(7, 4))
        try:
            plot_reproduction(curves, grid, paper, band=self.band.value, ax=ax,
                              title=f"{dataset} (searched on {self.search_dataset})")
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
        data_dir: The benchmark data directory (see ``naslib_mini.data.data_dir``).

    Example:
        >>> from naslib_mini.reproductions.nb201 import search_once
        >>> explorer = reproduction_explorer({"rs": [search_once("rs", seed=s) for s in range(2)]})
        >>> explorer.dataset.value = "cifar100"
        >>> "cifar100" in explorer.table.value
        True
    """
    return ReproductionExplorer(runs, dataset, methods, search_dataset, cost_budget, data_dir)
