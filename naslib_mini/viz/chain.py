"""A drawing of a chain architecture: its layers left to right, each with its operation, width and stride.

Each layer is a box (convolutions filled, parameter-free operations outlined, ``zero``
grey), its connection written under it: ``+ skip`` (a residual sum around the layer),
``dense`` (the layer reads the concatenation of every earlier map at its resolution) or
``parallel`` (a branch with the previous layer's operation runs beside the layer on the
same input, and the two are summed); see
``naslib_mini.spaces.chain_network`` for what each builds. Knows nothing about search.
"""
from __future__ import annotations

from naslib_mini.spaces.chain import ChainArch
from naslib_mini.spaces.ops import get_op
from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_chain"]

CONNECTION_LABELS = {"series": "", "skip": "+ skip", "dense": "dense", "parallel": "parallel"}


def plot_chain(arch: ChainArch, ax=None, *, title: str | None = None):
    """The chain as a row of layer boxes from the input (left) to the head (right).

    Raises:
        TypeError: ``arch`` is not a ``ChainArch``.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from naslib_mini.spaces.chain import Layer
        >>> ax = plot_chain(ChainArch((Layer("conv3x3", 32, 1, "series"), Layer("maxpool3x3", 32, 2, "skip"))))
        >>> [t.get_text() for t in ax.texts if t.get_text()][:3]  # arrows are unlabelled texts
        ['input', 'conv3x3\\n32 ch', 'maxpool3x3\\n32 ch /2']
    """
    if not isinstance(arch, ChainArch):
        raise TypeError(f"plot_chain draws a chain architecture (ChainArch), got {type(arch).__name__}: {arch!r}")
    n = arch.depth
    ax = axes_or_new(ax, figsize=(1.3 * (n + 2), 1.8))
    ax.text(0, 0, "input", ha="center", va="center", fontsize=8)
    for i, layer in enumerate(arch.layers, start=1):
        op = get_op(layer.op)
        face = "#dddddd" if op.is_zero else ("#cfe2f3" if op.has_weights else "white")
        label = f"{layer.op}\n{layer.channels} ch" + (" /2" if layer.stride == 2 else "")
        ax.text(i, 0, label, ha="center", va="center", fontsize=7,
                bbox=dict(boxstyle="round,pad=0.3", fc=face, ec="black", lw=0.8))
        ax.annotate("", xy=(i - 0.42, 0), xytext=(i - 0.58, 0), arrowprops=dict(arrowstyle="->", lw=0.8))
        if CONNECTION_LABELS[layer.connection]:
            ax.text(i, -0.45, CONNECTION_LABELS[layer.connection], ha="center", va="center", fontsize=7,
                    color="tab:red")
    ax.annotate("", xy=(n + 0.6, 0), xytext=(n + 0.42, 0), arrowprops=dict(arrowstyle="->", lw=0.8))
    ax.text(n + 0.9, 0, "head", ha="center", va="center", fontsize=8)
    ax.set(xlim=(-0.5, n + 1.3), ylim=(-0.7, 0.5))
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    return ax
