"""Drawings of one-shot NAS: a NAS-Bench-201 cell, alphas as a heatmap, sampled paths, collapse diagnostics.

``plot_cell`` draws a cell as its graph (nodes 0-3, one arc per edge labelled with its
operation; parameter-free edges dashed, ``none`` dotted). ``plot_alphas`` draws any
edges-by-operations matrix (DARTS' softmax(alpha), or how often SPOS sampled each
operation), ``plot_sampled_paths`` the operation each training batch's path took on each
edge, and ``plot_collapse`` a ``naslib_mini.one_shot_trace.OneShotTrace``: the
parameter-free share, the dominant Hessian eigenvalue (Zela et al. 2020) and the
discretisation gap per epoch. Knows nothing about how the searches ran.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from naslib_mini.spaces.nb201_cell import EDGES, N_EDGES, N_OPS, OP_NAMES, TABLE_OPS, NB201Arch
from naslib_mini.viz.axes import axes_or_new

if TYPE_CHECKING:
    from naslib_mini.one_shot_trace import OneShotTrace

__all__ = ["plot_alphas", "plot_cell", "plot_collapse", "plot_sampled_paths"]

#: Short operation names for labels, in ``OP_NAMES`` order.
SHORT = {"none": "none", "skip_connect": "skip", "nor_conv_1x1": "conv1x1", "nor_conv_3x3": "conv3x3",
         "avg_pool_3x3": "avgpool"}
#: One colour per operation, in ``OP_NAMES`` order.
COLOURS = {"none": "#bbbbbb", "skip_connect": "tab:orange", "nor_conv_1x1": "tab:blue", "nor_conv_3x3": "tab:purple",
           "avg_pool_3x3": "tab:green"}
#: How far each edge's arc bends (neighbouring nodes: a straight line).
ARC_HEIGHT = {(0, 2): 0.4, (1, 3): -0.4, (0, 3): 0.75}
EDGE_LABELS = tuple(f"{a}\u2192{b}" for a, b in EDGES)


def _matrix(values, name: str) -> np.ndarray:
    matrix = np.asarray(values, dtype=float)
    if matrix.shape != (N_EDGES, N_OPS):
        raise ValueError(f"{name} must have shape ({N_EDGES}, {N_OPS}) (edges, operations), got {matrix.shape}")
    return matrix


def plot_cell(arch: NB201Arch, ax=None, *, title: str | None = None):
    """The cell as a graph: nodes 0 (input) to 3 (output), one arc per edge with its operation.

    Convolutions are solid, parameter-free operations (skip, pooling) dashed, ``none`` dotted
    and grey (the edge carries nothing).

    Raises:
        TypeError: ``arch`` is not an ``NB201Arch``.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_cell(NB201Arch(("nor_conv_3x3", "none", "skip_connect", "avg_pool_3x3", "none", "nor_conv_1x1")))
        >>> len(ax.texts)  # four nodes and four operations (the two none edges unlabelled)
        8
    """
    if not isinstance(arch, NB201Arch):
        raise TypeError(f"plot_cell draws a NAS-Bench-201 cell (NB201Arch), got {type(arch).__name__}: {arch!r}")
    ax = axes_or_new(ax, figsize=(4.2, 2.4))
    x = np.arange(4, dtype=float)
    for (a, b), op in zip(EDGES, arch.ops):
        height = ARC_HEIGHT.get((a, b), 0.0)
        t = np.linspace(0, 1, 40)
        xs, ys = x[a] + (x[b] - x[a]) * t, height * 4 * t * (1 - t)
        operation = TABLE_OPS[op]
        style = ":" if operation.is_zero else ("-" if operation.has_weights else "--")
        ax.plot(xs, ys, style, color=COLOURS[op], lw=2.2 if operation.has_weights else 1.6, zorder=1)
        if not operation.is_zero:
            ax.text(xs[20], ys[20], SHORT[op], fontsize=7, ha="center", va="center", zorder=3,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=COLOURS[op], lw=0.8))
    for node in range(4):
        ax.scatter([x[node]], [0], s=260, color="white", edgecolors="black", zorder=2)
        ax.text(x[node], 0, str(node), ha="center", va="center", fontsize=9, zorder=4)
    ax.set(xlim=(-0.3, 3.3), ylim=(-0.6, 0.95))
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_alphas(values: Sequence[Sequence[float]], ax=None, *, title: str | None = None,
                vmin: float = 0.0, vmax: float | None = None, colorbar: bool = True):
    """An edges-by-operations matrix as a heatmap, values written in, each edge's largest boxed.

    Args:
        values: A ``(6, 5)`` matrix: softmax(alpha), or sampling frequencies.
        ax: Matplotlib axes (a new figure if ``None``).
        title: Title of the axes.
        vmin: Bottom of the colour scale (0 by default; softmax weights that stay near uniform
            show more contrast with their smallest value over a search).
        vmax: Top of the colour scale (the matrix's maximum by default).
        colorbar: Whether to draw a colour bar.

    Raises:
        ValueError: ``values`` is not of shape (6, 5).

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_alphas(np.full((6, 5), 0.2), colorbar=False)
        >>> len(ax.texts), ax.get_ylabel()
        (30, 'edge')
    """
    from matplotlib.patches import Rectangle

    matrix = _matrix(values, "values")
    ax = axes_or_new(ax, figsize=(5.2, 3.4))
    top = float(matrix.max()) if vmax is None else vmax
    top = top if top > vmin else vmin + 1.0
    image = ax.imshow(matrix, cmap="viridis", vmin=vmin, vmax=top, aspect="auto")
    for e in range(N_EDGES):
        best = int(matrix[e].argmax())
        for k in range(N_OPS):
            light = matrix[e, k] < vmin + 0.6 * (top - vmin)
            ax.text(k, e, f"{matrix[e, k]:.3f}", ha="center", va="center", fontsize=7,
                    color="white" if light else "black", fontweight="bold" if k == best else "normal")
        ax.add_patch(Rectangle((best - 0.5, e - 0.5), 1, 1, fill=False, ec="red", lw=1.8))
    ax.set_xticks(range(N_OPS), [SHORT[op] for op in OP_NAMES], fontsize=8)
    ax.set_yticks(range(N_EDGES), EDGE_LABELS, fontsize=8)
    ax.set_xlabel("operation")
    ax.set_ylabel("edge")
    if title:
        ax.set_title(title, fontsize=10)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    return ax


def plot_sampled_paths(decisions: Sequence[Sequence[int]], ax=None, *, title: str | None = None):
    """The operation each training step's path took on each edge (SPOS: one path per batch).

    Args:
        decisions: One row per step, one operation index (``OP_NAMES`` order) per edge.

    Raises:
        ValueError: ``decisions`` is not a ``(steps, 6)`` array of operation indices.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_sampled_paths([[0, 1, 2, 3, 4, 0], [1, 1, 1, 1, 1, 1]])
        >>> ax.get_xlabel()
        'training step (one batch, one path)'
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    steps = np.asarray(decisions)
    if steps.ndim != 2 or steps.shape[1] != N_EDGES or steps.size == 0 \
            or not np.issubdtype(steps.dtype, np.integer) or steps.min() < 0 or steps.max() >= N_OPS:
        raise ValueError(f"decisions must be a (steps, {N_EDGES}) array of operation indices 0..{N_OPS - 1}, "
                         f"got shape {steps.shape} and dtype {steps.dtype}")
    ax = axes_or_new(ax, figsize=(10, 2.4))
    ax.imshow(steps.T, cmap=ListedColormap([COLOURS[op] for op in OP_NAMES]), vmin=-0.5, vmax=N_OPS - 0.5,
              aspect="auto", interpolation="nearest")
    ax.set_yticks(range(N_EDGES), EDGE_LABELS, fontsize=8)
    ax.set_xlabel("training step (one batch, one path)")
    ax.set_ylabel("edge")
    ax.legend(handles=[Patch(color=COLOURS[op], label=SHORT[op]) for op in OP_NAMES], fontsize=7, ncol=N_OPS,
              loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_collapse(trace: "OneShotTrace", axes=None, *, epoch: int | None = None, label: str | None = None):
    """Three panels per epoch: parameter-free share, dominant Hessian eigenvalue, the two validation accuracies.

    The third panel holds the derived cell's validation accuracy with the shared weights
    (solid) and the relaxed supernet's (dashed): the discretisation gap is the space between.
    Pass the same ``axes`` again to overlay another trace; ``epoch`` draws a vertical marker.

    Returns:
        The three axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if axes is None:
        axes = plt.subplots(1, 3, figsize=(14, 3.4))[1]
    label = label or trace.method
    x = np.arange(1, trace.epochs + 1)
    line, = axes[0].plot(x, trace.parameter_free_share, "o-", label=label)
    colour = line.get_color()
    axes[0].set(xlabel="epoch", ylabel="share of edges", ylim=(-0.05, 1.05),
                title="parameter-free operations in the derived cell")
    axes[1].plot(x, trace.eigenvalue, "o-", color=colour, label=label)
    axes[1].set(xlabel="epoch", ylabel="eigenvalue", title="dominant eigenvalue of the Hessian w.r.t. alpha")
    axes[2].plot(x, trace.val_accuracy, "o-", color=colour, label=f"{label}: derived cell")
    axes[2].plot(x, trace.relaxed_val_accuracy, "s--", color=colour, alpha=0.6, label=f"{label}: relaxed supernet")
    axes[2].set(xlabel="epoch", ylabel="validation accuracy", ylim=(0, 1.02),
                title="shared weights: derived cell vs relaxed")
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if epoch is not None:
            ax.axvline(trace.check_epoch(epoch), color="red", lw=1, alpha=0.6)
        ax.legend(fontsize=7, loc="best")
    if trace.result_epoch != trace.epochs:
        axes[1].axvline(trace.result_epoch, color=colour, ls=":", lw=1.5)
    return axes
