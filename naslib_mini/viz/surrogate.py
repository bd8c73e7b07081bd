"""Drawing of a surrogate snapshot: predicted against true score, and the search's next pick.

Draws what ``naslib_mini.strategies.surrogate_snapshot.surrogate_snapshot`` computes;
knows nothing about surrogates or searches.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_snapshot"]

def plot_snapshot(snapshot: dict[str, Any], ax=None, *, label: str = "score"):
    """Predicted mean (± 2 std) against true score for the reference, and the next pick as a star."""
    ax = axes_or_new(ax, figsize=(5.5, 4.5))
    true, mean, std = snapshot["reference_true"], snapshot["reference_mean"], snapshot["reference_std"]
    ax.errorbar(true, mean, yerr=2 * std, fmt="o", ms=3, alpha=0.45, elinewidth=0.7, label="reference (± 2 std)")
    nxt = snapshot["next"]
    ax.errorbar([nxt["true"]], [nxt["mean"]], yerr=[2 * nxt["std"]], fmt="*", ms=14, color="tab:red",
                label=f"next pick (trial {nxt['number']})")
    ranks = snapshot.get("targets", "score") == "rank"
    if not ranks:  # predictions in score units: the diagonal is a perfect surrogate
        low = min(np.min(true), np.min(mean), nxt["true"])
        high = max(np.max(true), np.max(mean), nxt["true"])
        ax.plot([low, high], [low, high], color="grey", lw=1, ls="--")
    ax.axvline(snapshot["incumbent"], color="black", lw=0.8, ls=":", label="best so far")
    ax.set_xlabel(f"true {label}")
    ax.set_ylabel("predicted rank score" if ranks else f"predicted {label}")
    ax.set_title(f"after {snapshot['iteration']} results: Kendall tau {snapshot['kendall_tau']:.2f}")
    ax.legend(loc="upper left", fontsize=8)
    return ax
