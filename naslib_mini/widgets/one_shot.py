"""Widget: scrub through the epochs of one-shot searches (DARTS, GDAS) and watch alpha, the cell and the diagnostics.

A thin view over ``naslib_mini.one_shot_trace.OneShotTrace``: a dropdown of the search (when
several are given) and an epoch slider. It draws softmax(alpha) of the epoch as a heatmap
(``viz.plot_alphas``, one colour scale from the smallest to the largest weight over all epochs,
so colours compare), the derived cell
(``viz.plot_cell``) and the per-epoch collapse diagnostics with the epoch marked
(``viz.plot_collapse``), and prints ``OneShotTrace.describe``. Never trains anything.
"""
from __future__ import annotations

from typing import Any, Mapping

from naslib_mini.one_shot_trace import OneShotTrace
from naslib_mini.viz.one_shot import plot_alphas, plot_cell, plot_collapse
from naslib_mini.widgets.display import png, pre

__all__ = ["EpochScrubber", "epoch_figure", "epoch_scrubber"]


def epoch_figure(trace: OneShotTrace, epoch: int):
    """The scrubber's figure for ``epoch`` (from 1): alphas, derived cell, and the diagnostics marked at it."""
    import matplotlib.pyplot as plt

    epoch = trace.check_epoch(epoch)
    figure = plt.figure(figsize=(13, 6.4))
    grid = figure.add_gridspec(2, 3, height_ratios=[1.15, 1])
    plot_alphas(trace.alphas[epoch - 1], ax=figure.add_subplot(grid[0, 0:2]), vmin=float(trace.alphas.min()),
                vmax=float(trace.alphas.max()),
                title=f"{trace.method}: softmax(alpha) after epoch {epoch} (red: each edge's largest)")
    plot_cell(trace.cells[epoch - 1], ax=figure.add_subplot(grid[0, 2]), title=f"derived cell, epoch {epoch}")
    plot_collapse(trace, axes=[figure.add_subplot(grid[1, k]) for k in range(3)], epoch=epoch)
    figure.tight_layout()
    return figure


class EpochScrubber:
    """A search dropdown and an epoch slider over one-shot traces.

    Attributes:
        search, epoch: The controls.
        plot: Image widget holding ``epoch_figure`` as PNG (drawn to bytes, so a headless
            kernel never waits on an output capture).
        text: HTML widget holding ``OneShotTrace.describe``.
        widget: The container to display.
    """

    def __init__(self, traces: Mapping[str, OneShotTrace], search: str | None = None, epoch: int | None = None) -> None:
        import ipywidgets as w

        if not traces:
            raise ValueError("give at least one trace: {'DARTS': OneShotTrace.from_history(history), ...}")
        self.traces = dict(traces)
        first = search if search is not None else next(iter(self.traces))
        if first not in self.traces:
            raise ValueError(f"unknown search {first!r}; valid choices: {', '.join(self.traces)}")
        trace = self.traces[first]
        self.search = w.Dropdown(options=list(self.traces), value=first, description="search")
        self.epoch = w.IntSlider(value=trace.check_epoch(trace.epochs if epoch is None else epoch), min=1,
                                 max=trace.epochs, description="epoch", continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([w.HBox([self.search, self.epoch]), self.plot, self.text])
        self.search.observe(lambda _change: self._switch(), names="value")
        self.epoch.observe(lambda _change: self.update(), names="value")
        self.update()

    def _switch(self) -> None:
        trace = self.traces[self.search.value]
        self.epoch.max = trace.epochs  # may clamp the value, which redraws
        self.update()

    def update(self) -> None:
        """Redraw for the current controls."""
        trace = self.traces[self.search.value]
        self.plot.value = png(epoch_figure(trace, self.epoch.value))
        self.text.value = pre(trace.describe(self.epoch.value))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def epoch_scrubber(traces: Mapping[str, OneShotTrace] | OneShotTrace, search: str | None = None,
                   epoch: int | None = None) -> EpochScrubber:
    """A widget: pick a one-shot search and an epoch; see its alphas, derived cell and diagnostics.

    Args:
        traces: One trace, or several by name (``{"DARTS": trace, "GDAS": other}``).
        search: The name shown first (the first by default).
        epoch: The epoch shown first (the last by default).

    Raises:
        ValueError: No trace, an unknown ``search``, or an ``epoch`` outside the trace.
    """
    if isinstance(traces, OneShotTrace):
        traces = {traces.method: traces}
    return EpochScrubber(traces, search=search, epoch=epoch)
