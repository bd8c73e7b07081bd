"""Widget: browse the slices of test volumes beside a network's predicted class probabilities.

A thin view: a dropdown over the test volumes (their index and true class), a slider over
the slice index and a dropdown of the axis to cut along; it shows the slice
(``volume_slices.volume_slice``), drawn with the probabilities the network gives its
volume (``viz.volumes.plot_slice_prediction``), and the caption of
``volume_slices.slice_caption``. The probabilities are computed once, before the
widget is built (``volume_slices.class_probabilities``); the widget never runs a network.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from naslib_mini.viz.volumes import plot_slice_prediction
from naslib_mini.volume_slices import AXES, slice_caption, volume_slice
from naslib_mini.widgets.display import png, pre

__all__ = ["SliceBrowser", "slice_browser"]


class SliceBrowser:
    """Dropdowns of volume and axis and a slider of the slice, over volumes and their predictions.

    Attributes:
        volume, axis, index: The controls.
        plot: Image widget holding the slice and the probabilities (PNG).
        text: HTML widget holding ``slice_caption``.
        widget: The container to display.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor, probabilities: np.ndarray, classes: Sequence[str],
                 volume: int = 0, axis: str = "axial") -> None:
        import ipywidgets as w

        self.x, self.y, self.probabilities, self.classes = x, y, np.asarray(probabilities), list(classes)
        options = [(f"{i}: {self.classes[int(label)]}", i) for i, label in enumerate(y.tolist())]
        self.volume = w.Dropdown(options=options, value=volume, description="volume")
        self.axis = w.Dropdown(options=list(AXES), value=axis, description="axis")
        depth = x.shape[-3 + AXES[axis]]
        self.index = w.IntSlider(value=depth // 2, min=0, max=depth - 1, description="slice", continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([w.HBox([self.volume, self.axis, self.index]), self.plot, self.text])
        self.axis.observe(lambda _change: self._rescale(), names="value")
        for control in (self.volume, self.index):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def _rescale(self) -> None:
        depth = self.x.shape[-3 + AXES[self.axis.value]]
        self.index.max = depth - 1
        self.index.value = min(self.index.value, depth - 1)
        self.update()

    def update(self) -> None:
        """Redraw for the current controls."""
        i, label = self.volume.value, int(self.y[self.volume.value])
        image = volume_slice(self.x[i], self.index.value, self.axis.value)
        figure = plot_slice_prediction(image, self.probabilities[i], self.classes, label,
                                       title=f"volume {i}, {self.axis.value} slice {self.index.value}")
        self.plot.value = png(figure, bbox_inches="tight")
        self.text.value = pre(slice_caption(label, self.probabilities[i], self.classes))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def slice_browser(x: torch.Tensor, y: torch.Tensor, probabilities: np.ndarray, classes: Sequence[str],
                  volume: int = 0, axis: str = "axial") -> SliceBrowser:
    """A widget: pick a test volume and scroll through its slices beside the predicted class probabilities.

    Args:
        x: Volumes ``(n, 1, D, H, W)`` (a task's ``x_test``).
        y: Their classes ``(n,)``.
        probabilities: ``(n, classes)``, e.g. ``volume_slices.class_probabilities(model, x)``.
        classes: Class names, one per column of ``probabilities``.
        volume: The volume shown first.
        axis: The axis cut along first (``axial``, ``coronal`` or ``sagittal``).

    Raises:
        ValueError: ``x``, ``y`` and ``probabilities`` disagree in length or shape, ``classes`` does not
            match the probabilities' columns, or ``volume`` or ``axis`` is out of range.
    """
    probabilities = np.asarray(probabilities)
    if x.ndim != 5 or x.shape[1] != 1:
        raise ValueError(f"x must hold volumes (n, 1, D, H, W), got shape {tuple(x.shape)}")
    if not len(x) == len(y) == len(probabilities):
        raise ValueError(f"x, y and probabilities must have one row per volume, got {len(x)}, {len(y)} and "
                         f"{len(probabilities)}")
    if probabilities.ndim != 2 or probabilities.shape[1] != len(classes):
        raise ValueError(f"probabilities must have one column per class ({len(classes)}), got shape "
                         f"{probabilities.shape}")
    if not (isinstance(volume, int) and 0 <= volume < len(x)):
        raise ValueError(f"volume must be an index in 0..{len(x) - 1}, got {volume!r}")
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; valid choices: {', '.join(AXES)}")
    return SliceBrowser(x, y, probabilities, classes, volume=volume, axis=axis)
