"""Widget: successive-halving and Hyperband brackets, planned and as they ran.

Plain, unit-tested functions: ``bracket_schedule`` computes the rungs (configurations
and budget per rung, per bracket) that ``naslib_mini.strategies.hyperband`` will run
for a budget ladder and ``eta`` (successive halving, Jamieson & Talwalkar 2016;
Hyperband, Li et al. 2018, with the bracket sizes of the BOHB reference code,
Falkner et al. 2018); ``bracket_records`` reads back from a finished search which
configuration ran at which rung and which were promoted; ``plot_schedule`` and
``plot_brackets`` draw both. The widget lets a reader change ``eta`` and the
budgets and see the schedule. Knows nothing about how scores are produced and
never runs a search.
"""
from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from naslib_mini.history import History
from naslib_mini.strategies.hyperband import geometric_budgets, hyperband_plans

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEDULES", "BracketPlanner", "bracket_planner", "bracket_records", "bracket_schedule", "plot_brackets",
           "plot_schedule", "schedule_text"]

#: Strategies whose schedule ``bracket_schedule`` computes (BOHB runs Hyperband's brackets).
SCHEDULES = ("sh", "hyperband", "bohb")


def bracket_schedule(min_budget: float = 1, max_budget: float = 27, eta: float = 3, strategy: str = "hyperband",
                     budgets: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """The rungs of one round of brackets: how many configurations run at which budget.

    Args:
        min_budget, max_budget, eta: The ladder ``max_budget * eta**-k`` (see
            ``geometric_budgets``) and the promotion factor: each rung keeps the best
            ``1/eta`` of the previous one.
        strategy: ``"hyperband"`` or ``"bohb"`` (every bracket, most exploratory first)
            or ``"sh"`` (successive halving: the first bracket only, which it repeats).
        budgets: An explicit ladder instead, e.g. ``(12, 200)`` for the table's epochs.

    Returns:
        One dict per rung: ``bracket`` (0 = first run), ``rung``, ``configs``,
        ``budget`` and ``cost`` (``configs * budget``, in budget units).

    Example:
        >>> [(r["bracket"], r["configs"], r["budget"]) for r in bracket_schedule(1, 9, 3)]
        [(0, 9, 1.0), (0, 3, 3.0), (0, 1, 9.0), (1, 3, 3.0), (1, 1, 9.0), (2, 3, 9.0)]
    """
    if strategy not in SCHEDULES:
        raise ValueError(f"unknown bracket strategy {strategy!r}; valid choices: {', '.join(SCHEDULES)}")
    ladder = tuple(float(b) for b in budgets) if budgets is not None else geometric_budgets(min_budget, max_budget,
                                                                                           eta)
    plans = hyperband_plans(ladder, eta)
    if strategy == "sh":
        plans = plans[:1]
    rows = []
    for bracket, plan in enumerate(plans):
        for rung, (configs, budget) in enumerate(zip(plan.sizes, plan.budgets)):
            rows.append({"bracket": bracket, "rung": rung, "configs": int(configs), "budget": float(budget),
                         "cost": float(configs * budget)})
    return rows


def schedule_text(rows: Sequence[dict[str, Any]], unit: str = "epochs") -> str:
    """``bracket_schedule``'s rows as aligned text, with each bracket's and the round's totals.

    Example:
        >>> print(schedule_text(bracket_schedule(1, 3, 3, "sh")))
        bracket 0:   3 x 1 -> 1 x 3 epochs   (4 evaluations, 6 epochs)
        one round: 4 evaluations, 6 epochs
    """
    if not rows:
        raise ValueError("no rungs to show")
    lines, total_runs, total_cost = [], 0, 0.0
    for bracket in sorted({r["bracket"] for r in rows}):
        rungs = [r for r in rows if r["bracket"] == bracket]
        runs, cost = sum(r["configs"] for r in rungs), sum(r["cost"] for r in rungs)
        total_runs, total_cost = total_runs + runs, total_cost + cost
        steps = " -> ".join(f"{r['configs']} x {r['budget']:g}" for r in rungs)
        lines.append(f"bracket {bracket}:   {steps} {unit}   ({runs} evaluations, {cost:g} {unit})")
    lines.append(f"one round: {total_runs} evaluations, {total_cost:g} {unit}")
    return "\n".join(lines)


def plot_schedule(rows: Sequence[dict[str, Any]], ax=None, unit: str = "epochs"):
    """One row per bracket: a circle per rung at its budget, its area and label the number of configurations."""
    import matplotlib.pyplot as plt

    if not rows:
        raise ValueError("no rungs to draw")
    brackets = sorted({r["bracket"] for r in rows})
    if ax is None:
        ax = plt.subplots(figsize=(7, 0.7 * len(brackets) + 1.4))[1]
    largest = max(r["configs"] for r in rows)
    for bracket in brackets:
        rungs = [r for r in rows if r["bracket"] == bracket]
        xs = [r["budget"] for r in rungs]
        ax.plot(xs, [bracket] * len(xs), color="#999999", lw=1, zorder=1)
        ax.scatter(xs, [bracket] * len(xs), s=[40 + 900 * r["configs"] / largest for r in rungs],
                   color="tab:blue", alpha=0.5, zorder=2)
        for r in rungs:
            ax.annotate(str(r["configs"]), (r["budget"], bracket), ha="center", va="center", fontsize=9, zorder=3)
        cost = sum(r["cost"] for r in rungs)
        ax.annotate(f"{cost:g} {unit}", (max(xs), bracket), xytext=(22, 0), textcoords="offset points",
                    va="center", fontsize=8, color="#555555")
    budgets = sorted({r["budget"] for r in rows})
    if len(budgets) > 1:
        ax.set_xscale("log")
    ax.set_xticks(budgets, [f"{b:g}" for b in budgets])
    ax.minorticks_off()
    ax.set_xlim(budgets[0] / 1.6, budgets[-1] * 2.2)
    ax.set_yticks(brackets, [f"bracket {b}" for b in brackets])
    ax.set_ylim(max(brackets) + 0.6, -0.6)
    ax.set_xlabel(f"budget per evaluation ({unit})")
    ax.set_title("configurations per rung (circle area); right: each bracket's total", fontsize=10)
    return ax


def bracket_records(history: History) -> "pd.DataFrame":
    """One row per bracket job of a search: number, bracket, rung, config, budget, score, cost, arch, promoted.

    ``promoted`` says whether the configuration ran again at the bracket's next rung.
    Trials without bracket information (not proposed by SH, Hyperband or BOHB) are skipped.

    Raises:
        ValueError: No trial carries bracket information.
    """
    import pandas as pd

    rows = []
    for trial in history:
        info = trial.candidate.info
        if not {"bracket", "rung", "config"} <= set(info):
            continue
        arch = history.space.to_str(trial.arch) if history.space is not None else str(trial.arch)
        rows.append({"number": trial.number, "bracket": int(info["bracket"]), "rung": int(info["rung"]),
                     "config": int(info["config"]), "budget": float(trial.candidate.budget),
                     "score": trial.score if trial.ok else np.nan, "cost": trial.cost, "arch": arch})
    if not rows:
        raise ValueError("no trial of this history carries bracket information (bracket, rung, config); "
                         "was it run by sh, hyperband or bohb?")
    frame = pd.DataFrame(rows)
    ran = set(zip(frame["bracket"], frame["rung"], frame["config"]))
    frame["promoted"] = [(b, r + 1, c) in ran for b, r, c in zip(frame["bracket"], frame["rung"], frame["config"])]
    return frame


def plot_brackets(history: History, brackets: Sequence[int] | None = None, axes=None, unit: str = "epochs"):
    """One panel per bracket: each configuration's score at each rung it reached, promotions as lines.

    Args:
        history: A search by ``sh``, ``hyperband`` or ``bohb``.
        brackets: Which bracket ids to draw (all by default).
        axes: A sequence of matplotlib axes, one per bracket (a new figure if ``None``).
        unit: Name of the budget's unit for the axis label.
    """
    import matplotlib.pyplot as plt

    frame = bracket_records(history)
    ids = sorted(frame["bracket"].unique()) if brackets is None else list(brackets)
    missing = [b for b in ids if b not in set(frame["bracket"])]
    if missing:
        raise ValueError(f"no bracket(s) {missing} in this history; valid choices: "
                         f"{', '.join(map(str, sorted(frame['bracket'].unique())))}")
    if axes is None:
        axes = plt.subplots(1, len(ids), figsize=(4.2 * len(ids), 3.4), sharey=True, squeeze=False)[1][0]
    for ax, bracket in zip(axes, ids):
        part = frame[frame["bracket"] == bracket]
        for config, runs in part.groupby("config"):
            runs = runs.sort_values("rung")
            best = bool(runs["rung"].max() == part["rung"].max() and len(part["rung"].unique()) > 1)
            colour = "tab:green" if best else ("tab:orange" if len(runs) > 1 else "#aaaaaa")
            ax.plot(runs["budget"], runs["score"], "-o", color=colour, ms=4, lw=1.2 if len(runs) > 1 else 0)
        budgets = sorted(part["budget"].unique())
        if len(budgets) > 1:
            ax.set_xscale("log")
            ax.set_xlim(budgets[0] / 1.5, budgets[-1] * 1.5)
        ax.set_xticks(budgets, [f"{b:g}" for b in budgets])
        ax.minorticks_off()
        sizes = " -> ".join(str(n) for n in part.groupby("rung").size())
        ax.set_title(f"bracket {bracket}: {sizes} configs", fontsize=10)
        ax.set_xlabel(f"budget ({unit})")
    axes[0].set_ylabel("score")
    from matplotlib.lines import Line2D

    legend = [Line2D([], [], color=c, marker="o", ms=4, lw=1.2 if c != "#aaaaaa" else 0, label=label)
              for c, label in (("#aaaaaa", "stopped at its first rung"), ("tab:orange", "promoted, stopped later"),
                               ("tab:green", "reached the last rung"))]
    axes[0].legend(handles=legend, fontsize=7, loc="lower right")
    return axes


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
        import matplotlib.pyplot as plt

        try:
            self.rows = bracket_schedule(self.min_budget.value, self.max_budget.value, self.eta.value,
                                         self.strategy.value)
        except ValueError as error:
            self.text.value = f"<pre>{html.escape(str(error))}</pre>"
            self.plot.value = b""
            return
        self.text.value = f"<pre style='line-height:1.3'>{html.escape(schedule_text(self.rows, self.unit))}</pre>"
        ax = plot_schedule(self.rows, unit=self.unit)
        try:
            buffer = io.BytesIO()
            ax.figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        finally:
            plt.close(ax.figure)
        self.plot.value = buffer.getvalue()

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
