"""Drawings of a REINFORCE controller's learning: reward, baseline, entropy, and its probabilities.

Draws a ``naslib_mini.reinforce_trace.ReinforceTrace``; knows nothing about how it was recorded.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from naslib_mini.viz.axes import axes_or_new

if TYPE_CHECKING:
    from naslib_mini.reinforce_trace import ReinforceTrace

__all__ = ["plot_learning", "plot_policy_heatmap"]

def _band(ax, values: np.ndarray, label: str, x: np.ndarray | None = None, colour=None):
    mean, std = values.mean(axis=0), values.std(axis=0)
    x = np.arange(values.shape[1]) if x is None else x
    line, = ax.plot(x, mean, label=label, color=colour)
    if len(values) > 1:
        ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    return line


def plot_learning(trace: ReinforceTrace, axes=None, label: str | None = None):
    """Three panels, means over runs: reward (thin) and baseline (± std band), entropy, distinct architectures.

    Pass the same ``axes`` again to overlay another trace (e.g. another learning rate).
    """
    import matplotlib.pyplot as plt

    if axes is None:
        axes = plt.subplots(1, 3, figsize=(14, 3.6))[1]
    label = label or f"{trace.policy}, lr {trace.learning_rate:g}"
    steps = np.arange(1, trace.rewards.shape[1] + 1)
    reward, = axes[0].plot(steps, trace.rewards.mean(axis=0), alpha=0.35, lw=0.8)
    _band(axes[0], trace.baselines, label, steps, reward.get_color())
    axes[0].set(xlabel="update", ylabel="reward (score)", title="reward (thin) and baseline (thick)")
    _band(axes[1], trace.entropy, label, np.arange(trace.entropy.shape[1]), reward.get_color())
    axes[1].axhline(trace.max_entropy, color="grey", ls=":", lw=1)
    axes[1].set(xlabel="update", ylabel="entropy (nats)", title="policy entropy (dotted: uniform)",
                ylim=(0, 1.05 * trace.max_entropy))
    _band(axes[2], trace.distinct, label, steps, reward.get_color())
    axes[2].plot(steps, steps, color="grey", ls=":", lw=1)
    axes[2].set(xlabel="query", ylabel="distinct architectures", title="distinct architectures so far")
    for ax in axes:
        ax.legend(fontsize=8, loc="best")
    return axes


def plot_policy_heatmap(trace: ReinforceTrace, run_index: int = 0, ax=None, decisions: Sequence[str] | None = None):
    """One row per (decision, choice), one column per update: the probability of that choice.

    Args:
        trace: A trace.
        run_index: Which run to draw.
        ax: Matplotlib axes (a new figure if ``None``).
        decisions: Names of the decisions to draw (all by default).
    """
    if not 0 <= run_index < len(trace.histories):
        raise ValueError(f"run_index must be in 0..{len(trace.histories) - 1}, got {run_index!r}")
    chosen = list(trace.decisions) if decisions is None else list(decisions)
    unknown = [d for d in chosen if d not in trace.decisions]
    if unknown:
        raise ValueError(f"unknown decision(s) {unknown}; valid choices: {', '.join(trace.decisions)}")
    rows, labels, breaks = [], [], []
    for name in chosen:
        d = trace.decisions.index(name)
        for c, choice in enumerate(trace.choices[d]):
            rows.append(trace.probabilities[run_index, :, d, c])
            labels.append(f"{name}  {choice}")
        breaks.append(len(rows))
    ax = axes_or_new(ax, figsize=(12, 0.22 * len(rows) + 1.2))
    image = ax.imshow(np.array(rows), aspect="auto", interpolation="nearest", cmap="viridis", vmin=0, vmax=1)
    for b in breaks[:-1]:
        ax.axhline(b - 0.5, color="white", lw=1.5)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("update")
    ax.set_title(f"{trace.policy} (lr {trace.learning_rate:g}), run {run_index}: probability of each choice")
    ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    return ax
