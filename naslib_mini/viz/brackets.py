"""Drawings of successive-halving and Hyperband brackets: the plan, and a search's promotions.

Draws what ``naslib_mini.strategies.brackets`` computes (``bracket_schedule`` rows,
``bracket_records`` of a history); knows nothing about how scores are produced.
"""
from __future__ import annotations

from typing import Any, Sequence

from naslib_mini.history import History
from naslib_mini.strategies.brackets import bracket_records
from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_brackets", "plot_schedule"]

def plot_schedule(rows: Sequence[dict[str, Any]], ax=None, unit: str = "epochs"):
    """One row per bracket: a circle per rung at its budget, its area and label the number of configurations."""
    if not rows:
        raise ValueError("no rungs to draw")
    brackets = sorted({r["bracket"] for r in rows})
    ax = axes_or_new(ax, figsize=(7, 0.7 * len(brackets) + 1.4))
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
