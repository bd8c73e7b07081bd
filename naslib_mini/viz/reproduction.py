"""Plots of a reproduction: anytime curves of each method beside the paper's final figures.

Draws what ``naslib_mini.reproductions.nb201_results`` computes (accuracies as
fractions) on the percent scale a paper prints. Knows nothing about how the
curves or the published figures were obtained.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from naslib_mini.viz.search import plot_anytime

__all__ = ["plot_reproduction"]


def plot_reproduction(curves: Mapping[str, np.ndarray], grid: Sequence[float],
                      paper: Mapping[str, tuple[float, float]] | None = None, *, band: str = "std", ax=None,
                      title: str | None = None):
    """Anytime curves (mean and band over runs) in percent, the paper's figures as error bars at the end.

    Args:
        curves: ``{method: (runs, len(grid)) array}`` of accuracies as fractions
            (``reproduction_curves``).
        grid: The simulated seconds of the columns.
        paper: ``{method: (mean, std)}`` published figures as fractions, for the
            methods that have one (``paper_figures``).
        band: ``"std"`` or ``"quartiles"``.
        ax: Matplotlib axes to draw on (a new figure if ``None``).
        title: Axes title.

    Returns:
        The axes.
    """
    paper = dict(paper or {})
    grid = np.asarray(grid, dtype=float)
    percent = {method: 100 * np.asarray(values, dtype=float) for method, values in curves.items()}
    ax = plot_anytime(percent, grid, ax=ax, band=band, xlabel="simulated training seconds",
                      ylabel="test accuracy of the incumbent (%)")
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    shown = [method for method in percent if method in paper]
    for k, method in enumerate(percent):
        if method in paper:
            mean, std = paper[method]
            x = grid[-1] * (1.01 + 0.012 * k)
            ax.errorbar([x], [100 * mean], yerr=[100 * std], fmt="D", ms=4, capsize=2, color=colours.get(method))
    if shown:  # one grey legend entry for the paper's markers
        ax.errorbar([], [], yerr=[], fmt="D", ms=4, capsize=2, color="grey", label="paper (mean ± std)")
    finals = np.concatenate([values[:, -1] for values in percent.values()])
    tops = [100 * (paper[m][0] + paper[m][1]) for m in shown]
    ax.set_ylim(np.nanpercentile(finals, 5) - 1.5, max([np.nanmax(finals), *tops]) + 0.3)
    if title:
        ax.set_title(title, fontsize=10)
    if shown:
        ax.legend(loc="lower right", fontsize=8)
    return ax
