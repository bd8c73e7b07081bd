"""Plots of object detection: a scene with its true and predicted boxes, predicted heatmaps, precision-recall.

Knows nothing about how the predictions or the curves were computed
(``naslib_mini.detection`` does both).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_heatmaps", "plot_precision_recall", "plot_scene"]


def plot_scene(image: np.ndarray, objects=None, detections=None, categories: Sequence[str] = (), ax=None,
               threshold: float = 0.3, title: str = ""):
    """Draw an image ``(1, H, W)`` or ``(H, W)`` with true boxes (green, class above) and predictions scoring
    above ``threshold`` (red, dashed, class and score below); returns the axes."""
    from matplotlib.patches import Rectangle

    ax = axes_or_new(ax, figsize=(3.6, 3.6))
    image = np.asarray(image)
    ax.imshow(image[0] if image.ndim == 3 else image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    name = (lambda k: categories[k]) if categories else str
    if objects is not None:
        for (x, y, w, h), k in zip(objects.boxes.tolist(), objects.labels.tolist()):
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), w, h, fill=False, edgecolor="lime", linewidth=1.5))
            ax.text(x - 0.5, y - 1, name(k), color="lime", fontsize=8, va="bottom")
    if detections is not None:
        keep = detections.scores > threshold
        for (x, y, w, h), k, s in zip(detections.boxes[keep].tolist(), detections.labels[keep].tolist(),
                                      detections.scores[keep].tolist()):
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), w, h, fill=False, edgecolor="red", linewidth=1.2,
                                   linestyle="--"))
            ax.text(x - 0.5, y + h, f"{name(k)} {s:.2f}", color="red", fontsize=7, va="top")
    ax.set(xticks=[], yticks=[], title=title)
    return ax


def plot_heatmaps(image: np.ndarray, heatmaps: np.ndarray, categories: Sequence[str], classes: Sequence[int],
                  axes=None):
    """Draw the image and the predicted centre heatmaps (probabilities) of ``classes``; returns the figure."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(classes) + 1, figsize=(2.2 * (len(classes) + 1), 2.4))
    image = np.asarray(image)
    axes[0].imshow(image[0] if image.ndim == 3 else image, cmap="gray", vmin=0, vmax=1)
    axes[0].set(xticks=[], yticks=[], title="scene")
    for ax, k in zip(axes[1:], classes):
        ax.imshow(heatmaps[k], cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        ax.set(xticks=[], yticks=[], title=f"class {categories[k]}: max {heatmaps[k].max():.2f}")
    return axes[0].figure


def plot_precision_recall(curves: dict, ax=None, title: str = "precision-recall (COCO)"):
    """Draw precision against recall, one line per entry of ``curves`` (label -> (recall, precision))."""
    ax = axes_or_new(ax, figsize=(4.5, 3.6))
    for label, (recall, precision) in curves.items():
        ax.plot(recall, precision, label=label)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title=title)
    ax.legend(loc="lower left", fontsize=8)
    return ax
