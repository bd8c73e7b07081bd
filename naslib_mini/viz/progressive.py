"""Drawings of progressive search (PNAS): the candidates level by level, one round's ranking, equal budgets.

``plot_growth`` draws a PNAS history by size: every evaluated architecture at its
number of blocks, joined to the parent it grew from; ``plot_round`` draws one
round's expansions, the surrogate's predicted rank score against the truth, with
the ones it chose; ``plot_budgets`` draws strategies' results at several query
budgets (``reproductions.progressive``). Draws what the strategy records
(``Candidate.info``, ``PNAS.rounds_``); knows nothing about how it was searched.
"""
from __future__ import annotations

from typing import Callable, Hashable, Mapping, Sequence

import numpy as np
from scipy.stats import kendalltau

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_budgets", "plot_growth", "plot_round"]

ROLE_COLOURS = {"first": "tab:blue", "grow": "tab:green", "refine": "tab:orange", "random": "tab:grey"}


def plot_growth(history, ax=None, *, score: Callable[[Hashable], float] | None = None, label: str = "score"):
    """Each evaluated architecture at (blocks, score), coloured by role, a line to its parent.

    Args:
        history: A ``History`` of a ``pnas`` search (its candidates carry ``info["blocks"]``).
        ax: Axes to draw on (a new figure if ``None``).
        score: Maps an architecture to the plotted value (default: the trial's score).
        label: The y axis' name.
    """
    ax = axes_or_new(ax, figsize=(7, 4.5))
    trials = [t for t in history if t.ok]
    space = history.space
    value = {space.to_str(t.arch): (score(t.arch) if score else t.score) for t in trials}
    points: dict[str, tuple[float, float]] = {}
    for i, t in enumerate(trials):
        key = space.to_str(t.arch)
        # a small fixed spread inside a level, so equal sizes do not hide each other
        points[key] = (t.candidate.info["blocks"] + 0.5 * ((i * 0.618) % 1 - 0.5), value[key])
    for t in trials:
        parent = t.candidate.info.get("parent")
        if parent in points:
            (x0, y0), (x1, y1) = points[parent], points[space.to_str(t.arch)]
            ax.plot([x0, x1], [y0, y1], color="lightgrey", lw=0.7, zorder=1)
    for role, colour in ROLE_COLOURS.items():
        xy = [points[space.to_str(t.arch)] for t in trials if t.candidate.info.get("role") == role]
        if xy:
            ax.scatter(*zip(*xy), s=18, color=colour, label=role, zorder=2)
    best = max(trials, key=lambda t: t.score)
    ax.scatter(*points[space.to_str(best.arch)], marker="*", s=200, color="tab:red", label="best signal", zorder=3)
    ax.set_xlabel("blocks")
    ax.set_ylabel(label)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_round(record: Mapping, truth: Sequence[float], ax=None, *, label: str = "true score"):
    """One round of ``PNAS.rounds_``: predicted rank score of every child against ``truth``, chosen ones red.

    ``truth`` holds the true score of ``record["children"]``, in order.
    """
    ax = axes_or_new(ax, figsize=(5.5, 4.5))
    truth, predicted = np.asarray(truth, dtype=float), np.asarray(record["predicted"], dtype=float)
    chosen = np.zeros(len(truth), dtype=bool)
    chosen[list(record["chosen"])] = True
    ax.scatter(truth[~chosen], predicted[~chosen], s=14, alpha=0.6, label="expansions not trained")
    ax.scatter(truth[chosen], predicted[chosen], s=40, color="tab:red", label="chosen by the surrogate")
    ax.axvline(truth.max(), color="black", lw=0.8, ls=":", label="best expansion")
    tau = kendalltau(truth, predicted).statistic if len(truth) > 1 else float("nan")
    ax.set_title(f"round {record['round']} ({record['role']}): {len(truth)} expansions, Kendall tau {tau:.2f}")
    ax.set_xlabel(label)
    ax.set_ylabel("predicted rank score")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_budgets(scores: Mapping[str, Mapping[int, Sequence[float]]], ax=None, *, label: str = "accuracy (%)",
                 percent: bool = True):
    """Mean ± standard deviation over runs of each strategy at each query budget."""
    ax = axes_or_new(ax, figsize=(6, 4))
    factor = 100.0 if percent else 1.0
    for offset, (name, by_budget) in enumerate(scores.items()):
        budgets = list(by_budget)
        means = [factor * np.mean(by_budget[q]) for q in budgets]
        stds = [factor * np.std(by_budget[q]) for q in budgets]
        x = np.arange(len(budgets)) + 0.08 * (offset - (len(scores) - 1) / 2)
        ax.errorbar(x, means, yerr=stds, marker="o", capsize=3, label=name)
    ax.set_xticks(range(len(budgets)), [str(q) for q in budgets])
    ax.set_xlabel("queries")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
    return ax
