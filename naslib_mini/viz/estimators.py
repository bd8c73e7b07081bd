"""Drawings of the estimator study: rank correlation against cost, and one estimator's scatter.

Draws the rows that ``naslib_mini.estimator_study.StudyRow.to_dict`` writes and the
per-architecture estimates of ``benchmarks/estimator_study.py``; knows nothing about how
they were measured.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_estimate_scatter", "plot_rank_against_cost"]

#: Marker and colour of each family of estimators.
FAMILY_STYLE = {"zero-cost proxy": ("o", "tab:blue"), "learning curve": ("s", "tab:orange"),
                "proxy task": ("^", "tab:green"), "full training": ("D", "black"),
                "weight sharing": ("v", "tab:purple")}
CEILING = "second training seed"


def plot_rank_against_cost(rows: Sequence[Mapping[str, Any]], axes=None, *, max_seconds: float | None = None,
                           highlight: str | None = None):
    """Kendall tau (95% interval) against CPU seconds per architecture, one panel per space.

    Args:
        rows: Study rows (``estimator``, ``family``, ``space``, ``seconds``, ``kendall``,
            ``kendall_low``, ``kendall_high``); the row named "second training seed" is drawn as
            the noise ceiling, a grey band.
        axes: One matplotlib axes per space, or ``None`` for a new figure.
        max_seconds: Shade the costs above this budget (the widget's cost slider).
        highlight: Name of an estimator to circle in red.

    Returns:
        The figure.
    """
    import matplotlib.pyplot as plt

    spaces = list(dict.fromkeys(r["space"] for r in rows))
    if axes is None:
        figure, axes = plt.subplots(1, len(spaces), figsize=(6.2 * len(spaces), 4.6), squeeze=False)
        axes = axes[0]
    figure = axes[0].figure
    for ax, space in zip(axes, spaces):
        mine = [r for r in rows if r["space"] == space]
        for r in mine:
            if r["estimator"] == CEILING:
                ax.axhspan(r["kendall_low"], r["kendall_high"], color="grey", alpha=0.2)
                ax.axhline(r["kendall"], color="grey", lw=1, ls="--", label=f"noise ceiling (n={r['n']})")
                continue
            marker, colour = FAMILY_STYLE.get(r["family"], ("x", "tab:red"))
            # a percentile bootstrap interval need not contain the estimate (few architectures, ties)
            ax.errorbar([r["seconds"]], [r["kendall"]], yerr=[[max(0.0, r["kendall"] - r["kendall_low"])],
                                                              [max(0.0, r["kendall_high"] - r["kendall"])]],
                        fmt=marker, color=colour, ms=6, elinewidth=0.8, capsize=2)
            ax.annotate(r["estimator"], (r["seconds"], r["kendall"]), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
            if r["estimator"] == highlight:
                ax.plot([r["seconds"]], [r["kendall"]], "o", ms=16, mfc="none", mec="tab:red", mew=2)
        for family, (marker, colour) in FAMILY_STYLE.items():
            if any(r["family"] == family and r["estimator"] != CEILING for r in mine):
                ax.plot([], [], marker, color=colour, ls="", label=family)
        if max_seconds is not None:
            ax.axvspan(max_seconds, ax.get_xlim()[1] * 10, color="tab:red", alpha=0.07, label="over the budget")
        ax.set_xscale("log")
        ax.axhline(0, color="black", lw=0.5)
        ax.set_xlabel("CPU seconds per architecture (log)")
        ax.set_ylabel("Kendall tau with stand-alone test accuracy")
        ax.set_title(f"{space}: {mine[0]['n'] if mine else 0} architectures")
        ax.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    return figure


def plot_estimate_scatter(estimates: Sequence[float | None], truth: Sequence[float], ax=None, *,
                          name: str = "estimate", kendall: float | None = None):
    """One estimator's estimates against the ground truth, one point per architecture (missing ones left out)."""
    ax = axes_or_new(ax, figsize=(4.8, 4.2))
    x = np.array([np.nan if e is None else e for e in estimates], dtype=float)
    y = np.asarray(truth, dtype=float)
    keep = np.isfinite(x)
    ax.scatter(x[keep], y[keep], s=12, alpha=0.6)
    if keep.any() and (np.nanmin(x) > 0) and np.nanmax(x) / np.nanmin(x) > 1e3:
        ax.set_xscale("log")
    ax.set_xlabel(name)
    ax.set_ylabel("stand-alone test accuracy")
    title = name if kendall is None else f"{name}: Kendall tau {kendall:.2f}"
    ax.set_title(title + (f" ({(~keep).sum()} failed)" if (~keep).any() else ""), fontsize=10)
    return ax
