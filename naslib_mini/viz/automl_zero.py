"""Drawing an AutoML-Zero search: the fitness of every program evaluated, and the best so far.

Draws ``SearchResult.fitnesses`` (``naslib_mini.automl_zero.search``) against the
individual's index; knows nothing about how the programs were searched or evaluated.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_program_search"]


def plot_program_search(results: Mapping[str, object], ax=None, *, target: float | None = 0.9999,
                        max_points: int = 4000, seed: int = 0):
    """Best-so-far fitness of each search (a line) over the fitness of a sample of its individuals (dots).

    Args:
        results: Name -> ``SearchResult`` (e.g. ``{"evolution": ..., "random search": ...}``).
        ax: Axes to draw on (a new figure if ``None``).
        target: A dashed line at this fitness (``None``: none).
        max_points: At most this many dots per search (a seeded sample).
        seed: Seeds the sample of dots.
    """
    ax = axes_or_new(ax, figsize=(7, 4))
    rng = np.random.default_rng(seed)
    for k, (name, result) in enumerate(results.items()):
        values = np.asarray(result.fitnesses, dtype=float)
        x = np.arange(1, len(values) + 1)
        colour = f"C{k}"
        shown = np.sort(rng.choice(len(values), size=min(max_points, len(values)), replace=False))
        ax.scatter(x[shown], values[shown], s=3, alpha=0.25, color=colour)
        ax.plot(x, np.maximum.accumulate(values), color=colour, lw=2, label=f"{name} (best so far)")
    if target is not None:
        ax.axhline(target, color="grey", ls="--", lw=1, label=f"target {target}")
    ax.set_xlabel("programs evaluated")
    ax.set_ylabel("fitness (1 - squashed RMS error)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower right")
    return ax
