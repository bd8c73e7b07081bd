"""Plots of volumes: one slice beside a network's class probabilities for its volume.

Knows nothing about how the slice was cut or the probabilities computed
(``naslib_mini.volume_slices`` does both).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["plot_slice_prediction"]


def plot_slice_prediction(image: np.ndarray, probabilities: Sequence[float], classes: Sequence[str], label: int,
                          axes=None, title: str = ""):
    """Draw a 2D slice (grey) and the class probabilities (bars, the true class in green); returns the figure.

    Args:
        image: The slice, a 2D array.
        probabilities: One probability per class.
        classes: Class names.
        label: The true class's index.
        axes: Two matplotlib axes (slice, bars), or ``None`` for a new figure.
        title: Title of the slice's axes.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        figure, axes = plt.subplots(1, 2, figsize=(8, 3.4), gridspec_kw={"width_ratios": [1, 1.2]})
    left, right = axes
    left.imshow(image, cmap="gray", interpolation="nearest")
    left.set(title=title, xticks=[], yticks=[])
    colours = ["C2" if i == label else "C0" for i in range(len(classes))]
    right.barh(range(len(classes)), probabilities, color=colours)
    right.set(yticks=range(len(classes)), yticklabels=list(classes), xlim=(0, 1), xlabel="predicted probability",
              title=f"true class: {classes[label]} (green)")
    right.invert_yaxis()
    return left.figure
