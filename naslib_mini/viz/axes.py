"""The one helper every plot shares: draw on the axes given, or on a new figure.

Knows nothing about what is plotted.
"""
from __future__ import annotations

__all__ = ["axes_or_new"]


def axes_or_new(ax=None, figsize: tuple[float, float] = (6, 4)):
    """``ax`` itself, or the axes of a new figure of ``figsize`` inches when ``ax`` is ``None``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]
