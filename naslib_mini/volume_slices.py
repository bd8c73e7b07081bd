"""Slices of volumes and a network's class probabilities per volume: what a slice browser shows.

A 3D classifier answers per volume, but a person reads a volume slice by slice (the
way a radiologist scrolls through a CT). This module cuts a slice out of a volume
``(1, D, H, W)`` or ``(D, H, W)`` along an axis, computes a trained network's class
probabilities (softmax of its logits) for every test volume once, and writes the
caption a browser shows beside a slice: the true class, the predicted one and every
class's probability. Knows nothing about widgets, plots or how the network was found.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn

from naslib_mini.estimators.routines import predict

__all__ = ["AXES", "class_probabilities", "slice_caption", "volume_slice"]

#: The axes a volume ``(D, H, W)`` can be cut along, by name.
AXES = {"axial": 0, "coronal": 1, "sagittal": 2}


def volume_slice(volume: torch.Tensor | np.ndarray, index: int, axis: str = "axial") -> np.ndarray:
    """Slice ``index`` of ``volume`` (``(1, D, H, W)`` or ``(D, H, W)``) along ``axis``, as a 2D float array.

    Raises:
        ValueError: The volume is not 3D (after a single channel), ``axis`` is unknown, or
            ``index`` lies outside the volume (the message gives the valid range).

    Example:
        >>> volume_slice(np.arange(24).reshape(1, 2, 3, 4), 1).shape
        (3, 4)
        >>> volume_slice(np.arange(24).reshape(2, 3, 4), 2, "sagittal").tolist()
        [[2.0, 6.0, 10.0], [14.0, 18.0, 22.0]]
    """
    array = volume.detach().cpu().numpy() if isinstance(volume, torch.Tensor) else np.asarray(volume)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 3:
        raise ValueError(f"volume must have shape (1, D, H, W) or (D, H, W), got {tuple(array.shape)}")
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; valid choices: {', '.join(AXES)}")
    depth = array.shape[AXES[axis]]
    if not (isinstance(index, (int, np.integer)) and 0 <= index < depth):
        raise ValueError(f"slice index must be an integer in 0..{depth - 1} along the {axis} axis, got {index!r}")
    return np.take(array, int(index), axis=AXES[axis]).astype(float)


def class_probabilities(model: nn.Module, x: torch.Tensor, batch_size: int = 64) -> np.ndarray:
    """The softmax of ``model``'s logits on volumes ``x``: ``(n, classes)``, rows summing to 1.

    The model is put in eval mode and run without gradients, ``batch_size`` volumes at a time.

    Example:
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(8, 3))
        >>> p = class_probabilities(model, torch.zeros(5, 1, 2, 2, 2))
        >>> p.shape, bool(np.allclose(p.sum(1), 1))
        ((5, 3), True)
    """
    with torch.no_grad():
        logits = predict(model, x, batch_size)
    return torch.softmax(logits.float(), dim=1).cpu().numpy()


def slice_caption(label: int, probabilities: Sequence[float], classes: Sequence[str]) -> str:
    """True class, predicted class (right or wrong) and each class's probability, one line each.

    Raises:
        ValueError: ``probabilities`` and ``classes`` differ in length, or ``label`` is not a class index.

    Example:
        >>> print(slice_caption(1, [0.2, 0.7, 0.1], ["round", "elongated", "multiple"]))
        true class: elongated
        predicted: elongated (right)
          round        0.200
          elongated    0.700 <
          multiple     0.100
    """
    if len(probabilities) != len(classes):
        raise ValueError(f"{len(probabilities)} probabilities for {len(classes)} classes; they must match")
    if not 0 <= label < len(classes):
        raise ValueError(f"label must be a class index in 0..{len(classes) - 1}, got {label!r}")
    predicted = int(np.argmax(probabilities))
    width = max(len(c) for c in classes) + 2
    lines = [f"true class: {classes[label]}",
             f"predicted: {classes[predicted]} ({'right' if predicted == label else 'wrong'})"]
    lines += [f"  {c:<{width}} {p:.3f}{' <' if i == predicted else ''}" for i, (c, p) in
              enumerate(zip(classes, probabilities))]
    return "\n".join(lines)
