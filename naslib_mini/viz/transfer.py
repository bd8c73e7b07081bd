"""Plots of transfer across datasets and tasks (``naslib_mini.transfer``, ``benchmarks/transfer_ucr.py``).

``plot_transfer_scatter`` draws every architecture's accuracy on a source dataset against
a target one, the source's top share highlighted: the picture behind Kendall's tau over
all cells and over the top (Dong & Yang 2020, NAS-Bench-201). ``plot_task_transfer`` draws the
test accuracies of architectures trained on several tasks (a results report of
``benchmarks/transfer_ucr.py``) as grouped bars with the published reference marked.
Knows nothing about how the values were produced.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_task_transfer", "plot_transfer_scatter"]


def plot_transfer_scatter(source: Sequence[float], target: Sequence[float], *, top_share: float = 0.01,
                          source_label: str = "source", target_label: str = "target", ax=None):
    """Each architecture's ``target`` value against its ``source`` value, in percent; the source's top marked.

    Args:
        source, target: One accuracy (a fraction) per architecture, in the same order.
        top_share: Share of architectures, by the source, drawn as the highlighted top.
        source_label, target_label: Axis labels.
        ax: Matplotlib axes to draw on (a new figure if ``None``).

    Returns:
        The axes: two scatter collections, all architectures then the source's top.

    Raises:
        ValueError: The two sequences differ in length or ``top_share`` is outside (0, 1].

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_transfer_scatter([0.1, 0.5, 0.9, 0.3], [0.2, 0.4, 0.8, 0.5], top_share=0.25)
        >>> len(ax.collections), len(ax.collections[1].get_offsets())
        (2, 1)
    """
    x, y = np.asarray(source, dtype=float), np.asarray(target, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"source and target must be 1-D of the same length, got shapes {x.shape} and {y.shape}")
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share must lie in (0, 1], got {top_share!r}")
    ax = axes_or_new(ax, (5, 4.5))
    top = np.argsort(-x, kind="stable")[:math.ceil(top_share * len(x))]
    ax.scatter(100 * x, 100 * y, s=2, color="0.6", alpha=0.4, label=f"all {len(x):,} architectures")
    ax.scatter(100 * x[top], 100 * y[top], s=8, color="C3", label=f"{source_label}'s top {100 * top_share:g}%")
    ax.set_xlabel(f"{source_label} accuracy (%)")
    ax.set_ylabel(f"{target_label} accuracy (%)")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_task_transfer(datasets: Mapping[str, Mapping], architectures: Sequence[str] = ("searched", "baseline",
                                                                                          "direct"), *, ax=None):
    """Mean test accuracy (percent, std as error bars) of each architecture on each task; published as a mark.

    Args:
        datasets: ``{name: {"runs": {arch: {"test_accuracy_mean", "test_accuracy_std"}}, "published"}}``, the
            ``datasets`` of a ``transfer_ucr`` report; ``published`` (a fraction) may be ``None``.
        architectures: Which architectures to draw, in this order.
        ax: Matplotlib axes to draw on (a new figure if ``None``).

    Returns:
        The axes: one ``BarContainer`` per architecture (with its error bars).

    Raises:
        ValueError: No dataset, or a dataset lacks one of ``architectures``.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> row = {"runs": {"a": {"test_accuracy_mean": 0.9, "test_accuracy_std": 0.01}}, "published": 0.95}
        >>> ax = plot_task_transfer({"GunPoint": row, "Coffee": {**row, "published": None}}, ["a"])
        >>> len(ax.patches), [t.get_text() for t in ax.get_xticklabels()]
        (2, ['GunPoint', 'Coffee'])
    """
    if not datasets:
        raise ValueError("plot_task_transfer needs at least one dataset")
    for name, row in datasets.items():
        missing = [a for a in architectures if a not in row["runs"]]
        if missing:
            raise ValueError(f"dataset {name!r} has no runs of {', '.join(missing)}; it has "
                             f"{', '.join(row['runs'])}")
    ax = axes_or_new(ax, (7, 4))
    names = list(datasets)
    width = 0.8 / len(architectures)
    for i, arch in enumerate(architectures):
        means = [100 * datasets[n]["runs"][arch]["test_accuracy_mean"] for n in names]
        stds = [100 * datasets[n]["runs"][arch]["test_accuracy_std"] for n in names]
        ax.bar(np.arange(len(names)) + (i - (len(architectures) - 1) / 2) * width, means, width, yerr=stds,
               capsize=3, label=arch)
    published = [(k, 100 * datasets[n]["published"]) for k, n in enumerate(names)
                 if datasets[n].get("published") is not None]
    if published:
        ax.scatter(*zip(*published), marker="_", s=600, color="black", zorder=3, label="published ResNet")
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize="small", loc="lower left")
    return ax
