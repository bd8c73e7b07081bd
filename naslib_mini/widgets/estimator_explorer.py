"""Widget: pick a space, an estimator and a cost budget, and see how far the estimate can be trusted.

A thin view over the results of ``benchmarks/estimator_study.py``: a dropdown of the space, a
dropdown of the estimator and a log slider of the CPU seconds one may spend per architecture.
It draws the estimator's estimates against the ground truth (``viz.plot_estimate_scatter``) and
every estimator's rank correlation against its cost with the budget shaded
(``viz.plot_rank_against_cost``), and names the best estimator within the budget
(``estimator_study.best_within``). Never trains or measures anything.
"""
from __future__ import annotations

import io
import math
from typing import Any, Mapping

from naslib_mini.estimator_study import best_within
from naslib_mini.viz.estimators import plot_estimate_scatter, plot_rank_against_cost
from naslib_mini.widgets.display import pre

__all__ = ["EstimatorExplorer", "estimator_explorer", "explorer_text"]


def explorer_text(study: Mapping[str, Any], space: str, estimator: str, max_seconds: float) -> str:
    """What the explorer says: the chosen estimator's agreement and cost, and the best one within the budget."""
    rows = [r for r in study["rows"] if r["space"] == space]
    row = next(r for r in rows if r["estimator"] == estimator)
    best = best_within(rows, space, max_seconds)
    ceiling = next((r for r in rows if r["estimator"] == "second training seed"), None)
    lines = [f"{estimator} on {space}: Kendall tau {row['kendall']:.3f} "
             f"[{row['kendall_low']:.2f}, {row['kendall_high']:.2f}], Spearman {row['spearman']:.3f}, "
             f"top-10% precision {row['top_precision']:.2f}, {row['seconds']:.3g} CPU s per architecture"]
    if best is None:
        lines.append(f"no estimator costs {max_seconds:.3g} CPU s or less")
    else:
        lines.append(f"best within {max_seconds:.3g} CPU s: {best['estimator']} (tau {best['kendall']:.3f}, "
                     f"{best['seconds']:.3g} s)")
    if ceiling is not None:
        lines.append(f"noise ceiling (a second training seed, {ceiling['n']} architectures): tau {ceiling['kendall']:.3f}")
    return "\n".join(lines)


class EstimatorExplorer:
    """Dropdowns of space and estimator and a cost slider over a study's results.

    Attributes:
        space, estimator, budget: The controls.
        plot: Image widget holding the two plots (PNG): drawn to bytes, so a headless kernel
            never waits on an output capture.
        text: HTML widget holding ``explorer_text``.
        widget: The container to display.
    """

    def __init__(self, study: Mapping[str, Any], space: str | None = None, estimator: str = "synflow",
                 max_seconds: float = 1.0) -> None:
        import ipywidgets as w

        spaces = list(study["estimates"])
        if not spaces:
            raise ValueError("the study holds no space")
        self.study = study
        self.space = w.Dropdown(options=spaces, value=space or spaces[0], description="space")
        self.estimator = w.Dropdown(description="estimator")
        self.budget = w.FloatLogSlider(value=max_seconds, base=10, min=-2, max=1.5, step=0.25,
                                       description="CPU s / arch", continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([w.HBox([self.space, self.estimator, self.budget]), self.plot, self.text])
        self._fill(estimator)
        self.space.observe(lambda _change: self._fill(self.estimator.value), names="value")
        for control in (self.estimator, self.budget):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def _choices(self) -> list[str]:
        estimates = self.study["estimates"][self.space.value]
        return [r["estimator"] for r in self.study["rows"]
                if r["space"] == self.space.value and r["estimator"] in estimates]

    def _fill(self, preferred: str) -> None:
        choices = self._choices()
        self.estimator.options = choices
        self.estimator.value = preferred if preferred in choices else choices[0]

    def update(self) -> None:
        """Redraw for the current controls."""
        import matplotlib.pyplot as plt

        space, name, budget = self.space.value, self.estimator.value, self.budget.value
        rows = [r for r in self.study["rows"] if r["space"] == space]
        row = next(r for r in rows if r["estimator"] == name)
        estimates = self.study["estimates"][space]
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1, 1.4]})
        try:
            plot_estimate_scatter(estimates[name], estimates["truth"], ax=left, name=name, kendall=row["kendall"])
            plot_rank_against_cost(rows, axes=[right], max_seconds=budget, highlight=name)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        finally:
            plt.close(figure)
        self.plot.value = buffer.getvalue()
        self.text.value = pre(explorer_text(self.study, space, name, budget))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def estimator_explorer(study: Mapping[str, Any], space: str | None = None, estimator: str = "synflow",
                       max_seconds: float = 1.0) -> EstimatorExplorer:
    """A widget: pick a space, an estimator and a cost budget, and see the estimates against the truth.

    Args:
        study: The JSON that ``benchmarks/estimator_study.py`` writes, loaded (``rows`` and ``estimates``).
        space: The space shown first (the study's first by default).
        estimator: The estimator shown first (the space's first if it has no such row).
        max_seconds: The starting budget, CPU seconds per architecture (``> 0``).

    Raises:
        ValueError: ``max_seconds`` is not a positive finite number, or the study holds no space.
    """
    if not (isinstance(max_seconds, (int, float)) and math.isfinite(max_seconds) and max_seconds > 0):
        raise ValueError(f"max_seconds must be a positive number of CPU seconds, got {max_seconds!r}")
    return EstimatorExplorer(study, space=space, estimator=estimator, max_seconds=max_seconds)
