"""Plots of searches: trajectories, anytime curves and score distributions.

Draws on matplotlib axes it is given (or makes a figure); knows nothing about how
the histories were produced.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np

from naslib_mini.history import History, is_incumbent_candidate
from naslib_mini.viz.axes import axes_or_new

__all__ = ["anytime_curve", "plot_anytime", "plot_history"]


def plot_history(history: History, ax=None, *, x: str = "number", label: str | None = None,
                 title: str | None = None):
    """Each trial's score (dots, failed trials as red crosses) and the incumbent (line).

    Args:
        history: A finished search.
        ax: Matplotlib axes to draw on (a new figure if ``None``).
        x: ``"number"`` (trial number) or ``"cost"`` (accumulated cost seconds).
        label: Legend label of the incumbent line.
        title: Axes title.

    Returns:
        The axes.
    """
    if x not in ("number", "cost"):
        raise ValueError(f"x must be 'number' or 'cost', got {x!r}")
    ax = axes_or_new(ax)
    rows = history.trajectory()
    xs = np.array([r[x] for r in rows], dtype=float)
    scores = np.array([r["score"] for r in rows], dtype=float)
    best = np.array([r["best_score"] for r in rows], dtype=float)
    ok = ~np.isnan(scores)
    ax.scatter(xs[ok], scores[ok], s=14, alpha=0.6, label="trial score")
    if (~ok).any():
        low = np.nanmin(scores) if ok.any() else 0.0
        ax.scatter(xs[~ok], np.full((~ok).sum(), low), marker="x", color="tab:red", label="failed trial")
    ax.step(xs, best, where="post", color="black", label=label or "incumbent")
    ax.set_xlabel("trial" if x == "number" else "accumulated cost (s)")
    ax.set_ylabel("score (higher is better)")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def anytime_curve(histories: Iterable[History], grid: Sequence[float], value=None, key=None) -> np.ndarray:
    """The incumbent's value at each accumulated cost in ``grid``, one row per history.

    Args:
        histories: Searches, e.g. repeated runs of one strategy.
        grid: Accumulated-cost points at which to read the incumbent.
        value: Function ``trial -> float`` giving the value to report for the incumbent
            (its score by default; e.g. a tabular test accuracy).
        key: Function ``trial -> comparable`` that picks the incumbent, the complete
            trial (never a proxy measurement, ``history.is_incumbent_candidate``) with the largest key (the earliest on ties). By default its score;
            multi-fidelity searches may prefer the largest budget first,
            ``lambda t: (t.candidate.budget, t.score)``. Never the reported value.

    Returns:
        Array of shape ``(n_histories, len(grid))``; NaN before the first complete trial.
    """
    value = value or (lambda trial: trial.score)
    key = key or (lambda trial: trial.score)
    grid = np.asarray(grid, dtype=float)
    rows = []
    for history in histories:
        row = np.full(len(grid), np.nan)
        spent, best, position = 0.0, None, 0
        for trial in history:
            spent += trial.cost
            while position < len(grid) and grid[position] < spent:
                row[position] = value(best) if best is not None else np.nan
                position += 1
            if is_incumbent_candidate(trial) and (best is None or key(trial) > key(best)):
                best = trial
        row[position:] = value(best) if best is not None else np.nan
        rows.append(row)
    return np.array(rows)


def plot_anytime(curves: Mapping[str, np.ndarray], grid: Sequence[float], ax=None, *,
                 band: str = "std", xlabel: str = "simulated seconds", ylabel: str = "accuracy (%)"):
    """Mean anytime curve per method with a band (``"std"`` or ``"quartiles"``)."""
    if band not in ("std", "quartiles"):
        raise ValueError(f"band must be 'std' or 'quartiles', got {band!r}")
    ax = axes_or_new(ax)
    for name, values in curves.items():
        mean = np.nanmean(values, axis=0)
        if band == "std":
            low, high = mean - np.nanstd(values, axis=0), mean + np.nanstd(values, axis=0)
        else:
            low, high = np.nanpercentile(values, 25, axis=0), np.nanpercentile(values, 75, axis=0)
        line, = ax.plot(grid, mean, label=name)
        ax.fill_between(grid, low, high, color=line.get_color(), alpha=0.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower right")
    return ax
