"""Plots of Once-for-All (Cai et al. 2020): sub-networks of one supernet against training from scratch.

``plot_once_for_all`` draws, in accuracy against measured latency, the size-spread sub-networks
with inherited weights and trained from scratch (mean and standard deviation over seeds), and
the sub-networks specialised to latency limits (each limit a dotted vertical line).
``plot_shrinking`` draws the accuracy of probe sub-networks after each phase of progressive
shrinking. Both read the record ``benchmarks/once_for_all.py`` writes; they know nothing about
how it was measured.
"""
from __future__ import annotations

from typing import Mapping

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_once_for_all", "plot_shrinking"]


def plot_once_for_all(record: Mapping, ax=None, *, title: str | None = None):
    """Test accuracy (%) against measured latency (ms) of the record's sub-networks and specialised picks.

    Args:
        record: The JSON object of ``benchmarks/once_for_all.py`` (``subnets`` and ``specialisation``).
        ax: Matplotlib axes (a new figure if ``None``).
        title: Axes title.

    Returns:
        The axes.

    Example:
        >>> rec = {"subnets": [{"latency_ms": 0.5, "inherited_test_accuracy": 0.8, "scratch_mean": 0.82,
        ...                     "scratch_std": 0.01}],
        ...        "specialisation": {"picks": [{"limit_ms": 0.6, "arch": "k3e3", "measured_latency_ms": 0.55,
        ...                                      "test_accuracy": 0.81}]}}
        >>> len(plot_once_for_all(rec).lines) > 0
        True
    """
    ax = axes_or_new(ax)
    subnets = sorted(record["subnets"], key=lambda r: r["latency_ms"])
    latency = [r["latency_ms"] for r in subnets]
    ax.errorbar(latency, [100 * r["scratch_mean"] for r in subnets], yerr=[100 * r["scratch_std"] for r in subnets],
                fmt="s", color="tab:gray", label="trained from scratch (mean ± sd)", capsize=3)
    ax.plot(latency, [100 * r["inherited_test_accuracy"] for r in subnets], "o-", color="tab:blue",
            label="inherited weights (no retraining)")
    if any("finetuned_test_accuracy" in r for r in subnets):
        ax.plot(latency, [100 * r["finetuned_test_accuracy"] for r in subnets], ".--", color="tab:cyan",
                label="inherited + short fine-tune")
    picks = [p for p in record["specialisation"]["picks"] if p.get("arch")]
    for i, p in enumerate(picks):
        ax.axvline(p["limit_ms"], color="tab:red", linestyle=":", alpha=0.6)
        ax.plot(p["measured_latency_ms"], 100 * p["test_accuracy"], "*", color="tab:red", markersize=14,
                label="specialised to a latency limit (dotted)" if i == 0 else None)
    ax.set_xlabel("measured latency (ms, batch 1, one thread)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title or "Once-for-All sub-networks on MNIST-1D")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_shrinking(record: Mapping, ax=None):
    """Validation accuracy (%) of the largest, a middle and the smallest sub-network after each phase.

    Example:
        >>> rec = {"phases": [{"phase": "full", "largest_val_accuracy": 0.9, "middle_val_accuracy": 0.5,
        ...                    "smallest_val_accuracy": 0.3}]}
        >>> len(plot_shrinking(rec).lines)
        3
    """
    ax = axes_or_new(ax)
    phases = record["phases"]
    steps = range(len(phases))
    for name, style in (("largest", "o-"), ("middle", "s-"), ("smallest", "^-")):
        ax.plot(steps, [100 * p[f"{name}_val_accuracy"] for p in phases], style, label=name)
    ax.set_xticks(list(steps), [p["phase"] for p in phases])
    ax.set_xlabel("after phase")
    ax.set_ylabel("validation accuracy (%), inherited weights")
    ax.set_title("Progressive shrinking")
    ax.legend(fontsize=8)
    return ax
