"""Plots of multi-objective searches: a history's trials in two objectives with its Pareto front.

Draws on matplotlib axes it is given (or makes a figure). Which trials are
non-dominated is computed by ``History.front`` (``naslib_mini.pareto``); this module
only draws: dominated trials grey, the front as a staircase, an optional true front
(a reference, e.g. from a benchmark table) and marked points such as a hand-designed
baseline. Knows nothing about how the trials were produced.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from naslib_mini.history import History, is_incumbent_candidate
from naslib_mini.objectives import Objective, parse_objectives
from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_front"]


def _staircase(ax, points: np.ndarray, objectives: Sequence[Objective], **style) -> None:
    """The attainment staircase through ``points`` (raw values), in the directions of ``objectives``."""
    if len(points) == 0:
        return
    order = np.argsort(points[:, 0] if objectives[0].direction == "min" else -points[:, 0], kind="stable")
    ax.step(points[order, 0], points[order, 1], where="post", **style)


def plot_front(history: History, objectives: Sequence[Objective | str], ax=None, *,
               true_front: np.ndarray | None = None, marks: Mapping[str, tuple[float, float]] | None = None,
               max_cost: float | None = None, log_x: bool = False, title: str | None = None):
    """Trials of ``history`` in two objectives: dominated ones grey, the non-dominated ones and their staircase.

    Args:
        history: A finished search whose measurements carry both objectives.
        objectives: Two objectives or metric names, x first (e.g. ``["flops", "val_accuracy"]``).
        ax: Matplotlib axes to draw on (a new figure if ``None``).
        true_front: Optional (n, 2) raw values of a reference front, drawn as a dashed staircase.
        marks: Optional labelled points (raw x, y), e.g. ``{"baseline": (17885, 0.9923)}``.
        max_cost: Only trials within this accumulated cost.
        log_x: A logarithmic x axis (FLOPs and params span orders of magnitude).
        title: Axes title.

    Returns:
        The axes.

    Example:
        >>> import naslib_mini as nm
        >>> h = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0),
        ...            nm.ESTIMATORS.create("nb201", dataset="cifar10", flops=True), nm.Budget(trials=20))
        >>> ax = plot_front(h, ["flops", "val_accuracy"])
        >>> ax.get_xlabel(), len(ax.collections)
        ('flops', 2)
    """
    objectives = parse_objectives(objectives)
    if len(objectives) != 2:
        raise ValueError(f"plot_front draws two objectives, got {[o.name for o in objectives]}")
    ax = axes_or_new(ax)
    pool = history.trials if max_cost is None else history.within(max_cost)
    pool = [t for t in pool if is_incumbent_candidate(t)]
    front = history.front(objectives, max_cost)
    on_front = {t.number for t in front}
    values = np.array([[o.value(t) for o in objectives] for t in pool]).reshape(-1, 2)
    mask = np.array([t.number in on_front for t in pool], dtype=bool)
    ax.scatter(values[~mask, 0], values[~mask, 1], s=12, color="0.75", label="dominated")
    ax.scatter(values[mask, 0], values[mask, 1], s=24, color="C0", zorder=3, label="non-dominated")
    _staircase(ax, values[mask], objectives, color="C0")
    if true_front is not None:
        _staircase(ax, np.asarray(true_front, dtype=float), objectives, color="C3", linestyle="--",
                   label="true front")
    for label, (x, y) in (marks or {}).items():
        ax.scatter([x], [y], marker="*", s=120, color="C1", zorder=4)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(6, 4))
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(objectives[0].name)
    ax.set_ylabel(objectives[1].name)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax
