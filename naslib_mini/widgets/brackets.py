"""Widget: plan successive-halving and Hyperband brackets with sliders for ``eta`` and the budgets.

A thin view: the schedule is ``naslib_mini.strategies.brackets.bracket_schedule``, its
text ``schedule_text`` and its drawing ``naslib_mini.viz.brackets.plot_schedule``. Never
runs a search.
"""
from __future__ import annotations

from typing import Any

from naslib_mini.strategies.brackets import bracket_schedule, schedule_text
from naslib_mini.viz.brackets import plot_schedule
from naslib_mini.widgets.display import png, pre

__all__ = ["BracketPlanner", "bracket_planner"]

class BracketPlanner:
    """Sliders for ``eta`` and the budgets; shows the schedule as text and as a drawing.

    Attributes:
        strategy: Toggle between ``sh`` and ``hyperband``.
        eta: Promotion factor.
        min_budget, max_budget: The budget ladder's ends.
        text: HTML widget holding ``schedule_text``.
        plot: Image widget holding ``plot_schedule`` (PNG).
        rows: The last schedule.
        widget: The container to display.
    """

    def __init__(self, eta: int = 3, min_budget: int = 1, max_budget: int = 27, strategy: str = "hyperband",
                 unit: str = "epochs") -> None:
        import ipywidgets as w

        self.rows = bracket_schedule(min_budget, max_budget, eta, strategy)  # validates the start values
        self.unit = unit
        shown = "hyperband" if strategy == "bohb" else strategy  # the same brackets
        self.strategy = w.ToggleButtons(options=["sh", "hyperband"], value=shown, description="strategy")
        self.eta = w.IntSlider(value=eta, min=2, max=6, description="eta", continuous_update=False)
        self.min_budget = w.BoundedIntText(value=min_budget, min=1, max=10_000, description="min budget")
        self.max_budget = w.BoundedIntText(value=max_budget, min=1, max=10_000, description="max budget")
        self.text = w.HTML()
        self.plot = w.Image(format="png")
        self.widget = w.VBox([w.HBox([self.strategy, self.eta]), w.HBox([self.min_budget, self.max_budget]),
                              self.text, self.plot])
        for control in (self.strategy, self.eta, self.min_budget, self.max_budget):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Recompute and show the schedule; an impossible ladder shows its error instead."""
        try:
            self.rows = bracket_schedule(self.min_budget.value, self.max_budget.value, self.eta.value,
                                         self.strategy.value)
        except ValueError as error:
            self.text.value = pre(str(error))
            self.plot.value = b""
            return
        self.text.value = pre(schedule_text(self.rows, self.unit))
        self.plot.value = png(plot_schedule(self.rows, unit=self.unit).figure, bbox_inches="tight")

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def bracket_planner(eta: int = 3, min_budget: int = 1, max_budget: int = 27, strategy: str = "hyperband",
                    unit: str = "epochs") -> BracketPlanner:
    """A widget to choose ``eta`` and the budgets of successive halving or Hyperband and see the brackets.

    Example:
        >>> planner = bracket_planner(eta=3, min_budget=1, max_budget=9)
        >>> planner.eta.value = 2
        >>> [r["budget"] for r in planner.rows if r["bracket"] == 0]
        [1.125, 2.25, 4.5, 9.0]
    """
    return BracketPlanner(eta, min_budget, max_budget, strategy, unit)
