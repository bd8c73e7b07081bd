"""What every widget shows its results in: preformatted text and PNG images of figures.

Knows nothing about what the text or the figures say.
"""
from __future__ import annotations

import html
import io

__all__ = ["png", "pre"]


def pre(text: str) -> str:
    """``text`` escaped into a ``<pre>`` block for an ``ipywidgets.HTML`` value.

    Example:
        >>> pre("a < b")
        "<pre style='line-height:1.3'>a &lt; b</pre>"
    """
    return f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"


def png(figure, dpi: int = 80, **savefig) -> bytes:
    """``figure`` as PNG bytes for an ``ipywidgets.Image``; the figure is closed afterwards."""
    import matplotlib.pyplot as plt

    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, **savefig)
    finally:
        plt.close(figure)
    return buffer.getvalue()
