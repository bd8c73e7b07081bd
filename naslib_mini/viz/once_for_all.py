"""Plots of Once-for-All (Cai et al. 2020): sub-networks of one supernet against training from scratch.

``plot_once_for_all`` draws, in accuracy against measured latency, the size-spread sub-networks
with inherited weights and trained from scratch (mean and standard deviation over seeds), and
the sub-networks specialised to latency limits (each limit a dotted vertical line).
``plot_shrinking`` draws the accuracy of probe sub-networks after each phase of progressive
shrinking; ``plot_elastic_arch`` a sub-network (one box per block: width the kernel, height the
expansion ratio, dashed the blocks its stages drop); ``plot_elastic_kernel`` a 1D block's
depthwise kernel at each size (the centre crop, and what the transformation matrix makes of it).
The first two read the record ``benchmarks/once_for_all.py`` writes; none knows how anything was
measured or trained.
"""
from __future__ import annotations

from typing import Mapping

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_elastic_arch", "plot_elastic_kernel", "plot_once_for_all", "plot_shrinking"]


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
    ax.plot(latency, [100 * r["inherited_test_accuracy"] for r in subnets], "o", color="tab:blue",
            label="inherited weights (no retraining)")
    if any("finetuned_test_accuracy" in r for r in subnets):
        ax.plot(latency, [100 * r["finetuned_test_accuracy"] for r in subnets], "^", color="tab:cyan", ms=5,
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


def plot_elastic_arch(space, arch, ax=None, *, title: str | None = None):
    """A sub-network of an ``ElasticSpace``: per stage its blocks (kept solid, dropped dashed).

    Example:
        >>> from naslib_mini.spaces.elastic import ElasticSpace
        >>> space = ElasticSpace()
        >>> len(plot_elastic_arch(space, space.from_str("k3e3,k7e6|k5e4,k5e4,k3e3|k7e6,k7e6")).patches)
        12
    """
    from matplotlib.patches import Rectangle

    ax = axes_or_new(ax, figsize=(8, 2.6))
    c = space.config
    kmax, emax, colours = max(c.kernels), max(c.expansions), ("tab:blue", "tab:orange", "tab:green", "tab:purple")
    x = 0.0
    for s, stage in enumerate(space.check(arch).stages):
        colour = colours[s % len(colours)]
        for b in range(c.depths[-1]):
            kept = b < len(stage)
            kernel, expansion = stage[b] if kept else (kmax, emax)
            width, height = 0.9 * kernel / kmax, expansion / emax
            ax.add_patch(Rectangle((x + (0.9 - width) / 2, (1 - height) / 2), width, height,
                                   facecolor=colour if kept else "none", edgecolor=colour,
                                   alpha=0.75 if kept else 0.5, linestyle="-" if kept else "--"))
            if kept:
                ax.text(x + 0.45, 0.5, f"k{kernel}\ne{expansion}", ha="center", va="center", fontsize=7)
            x += 1.0
        ax.text(x - c.depths[-1] / 2 - 0.05, 1.08, f"stage {s + 1}: {c.stage_channels[s]} ch, "
                f"stride {c.stage_strides[s]}", ha="center", fontsize=8)
        x += 0.4
    ax.set_xlim(-0.2, x)
    ax.set_ylim(-0.05, 1.2)
    ax.axis("off")
    ax.set_title(title or space.to_str(arch), fontsize=9)
    return ax


def plot_elastic_kernel(block, channel: int = 0, ax=None):
    """One hidden channel's depthwise kernel of a 1D ``ElasticBlock`` at every kernel size.

    Example:
        >>> from naslib_mini.supernet.elastic import ElasticBlock
        >>> len(plot_elastic_kernel(ElasticBlock(4, 4, 1, 1, (3, 5, 7), (6,))).lines)
        3
    """
    import torch

    if block.ndim != 1:
        raise ValueError(f"plot_elastic_kernel draws 1D blocks, got a block of {block.ndim} dimensions")
    ax = axes_or_new(ax, figsize=(5, 3))
    kmax = max(block.kernels)
    with torch.no_grad():
        for kernel in sorted(block.kernels, reverse=True):
            weights = block.kernel_weight(kernel)[channel, 0].numpy()
            offset = (kmax - kernel) // 2
            ax.plot(range(offset, offset + kernel), weights, "o-", label=f"kernel {kernel}")
    ax.set_xlabel("tap (centred)")
    ax.set_ylabel("weight")
    ax.set_title(f"channel {channel}: smaller kernels from the centre, transformed")
    ax.legend(fontsize=8)
    return ax
