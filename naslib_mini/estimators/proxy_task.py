"""Proxy tasks: a cheaper version of a task and network to rank candidates with.

The proxies of the NAS literature besides fewer epochs (which is the training estimator's
budget): a class-stratified fraction of the training split, a narrower network (every channel
count times ``width_multiplier``, applied by the one builder, ``naslib_mini.networks``) and,
for images, a lower input resolution (area averaging, ``torch.nn.functional.interpolate``).
Validation and test splits keep all their examples, so scores stay comparable between
fractions. ``ProxyTask`` checks the options and turns a task into its proxy; it knows nothing
about training or search.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from naslib_mini.tasks.base import Task
from naslib_mini.types import ConfigurationError

__all__ = ["ProxyTask", "stratified_subset"]


def stratified_subset(labels: torch.Tensor, fraction: float, seed: int) -> torch.Tensor:
    """Sorted indices of about ``fraction`` of each class's examples (at least one per class), drawn by ``seed``.

    Example:
        >>> idx = stratified_subset(torch.tensor([0, 0, 0, 0, 1, 1]), 0.5, seed=0)
        >>> torch.bincount(torch.tensor([0, 0, 0, 0, 1, 1])[idx]).tolist()
        [2, 1]
    """
    rng = np.random.default_rng(seed)
    y = labels.cpu().numpy()
    keep = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        count = max(1, int(round(fraction * len(members))))
        keep.append(rng.choice(members, size=count, replace=False))
    return torch.as_tensor(np.sort(np.concatenate(keep)), dtype=torch.long)


@dataclass(frozen=True)
class ProxyTask:
    """How much cheaper than the real task a candidate is trained.

    Attributes:
        data_fraction: Fraction of the training split kept, per class, in ``(0, 1]``.
        width_multiplier: Factor on every channel count of the network, ``> 0``
            (``0.5`` halves widths; counts are rounded and at least 1).
        resolution: Spatial size of 2D inputs after area downsampling, an int (square) or a
            pair; ``None`` keeps the task's size. Only for 2D tasks, and no larger than the task.

    Example:
        >>> ProxyTask(data_fraction=0.5).metrics()
        {'data_fraction': 0.5}
        >>> ProxyTask(width_multiplier=0)
        Traceback (most recent call last):
        ...
        ValueError: width_multiplier must be a positive number, got 0
    """

    data_fraction: float = 1.0
    width_multiplier: float = 1.0
    resolution: int | tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.data_fraction, (int, float)) and 0 < self.data_fraction <= 1):
            raise ValueError(f"data_fraction must lie in (0, 1], got {self.data_fraction!r}")
        if not (isinstance(self.width_multiplier, (int, float)) and self.width_multiplier > 0
                and math.isfinite(self.width_multiplier)):
            raise ValueError(f"width_multiplier must be a positive number, got {self.width_multiplier!r}")
        if self.resolution is not None:
            size = self.resolution if isinstance(self.resolution, (tuple, list)) else (self.resolution,) * 2
            if len(size) != 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in size):
                raise ValueError(f"resolution must be a positive integer or a pair of them, "
                                 f"got {self.resolution!r}")

    def size(self) -> tuple[int, ...]:
        """``resolution`` as a pair (``()`` when it is ``None``)."""
        if self.resolution is None:
            return ()
        return (self.resolution,) * 2 if isinstance(self.resolution, int) else tuple(self.resolution)

    @property
    def is_identity(self) -> bool:
        """Whether the proxy is the task itself."""
        return self.data_fraction == 1 and self.width_multiplier == 1 and self.resolution is None

    def metrics(self) -> dict[str, float]:
        """The options that differ from the real task, as metrics (a resolution as its two sides)."""
        out: dict[str, float] = {}
        if self.data_fraction != 1:
            out["data_fraction"] = float(self.data_fraction)
        if self.width_multiplier != 1:
            out["width_multiplier"] = float(self.width_multiplier)
        if self.resolution is not None:
            out["resolution_height"], out["resolution_width"] = map(float, self.size())
        return out

    def apply(self, task: Task, seed: int) -> Task:
        """The proxy of ``task``: its training split subsampled by ``seed``, its inputs downsampled.

        Raises:
            ConfigurationError: ``resolution`` is set for a task that is not 2D, or is larger
                than the task's inputs.
        """
        x_train, y_train = task.x_train, task.y_train
        if self.data_fraction != 1:
            keep = stratified_subset(y_train, self.data_fraction, seed)
            x_train, y_train = x_train[keep], y_train[keep]
        spec, splits = task.spec, [x_train, task.x_val, task.x_test]
        if self.resolution is not None:
            size = self.size()
            if spec.ndim != 2:
                raise ConfigurationError(f"resolution={self.resolution!r} needs a 2D task, but task "
                                         f"{spec.name!r} has input shape {spec.input_shape} ({spec.ndim}D)")
            if any(s > t for s, t in zip(size, spec.input_shape[1:])):
                raise ConfigurationError(f"resolution={self.resolution!r} is larger than the inputs of task "
                                         f"{spec.name!r}, {spec.input_shape[1:]}; choose at most that")
            splits = [F.interpolate(x, size=size, mode="area") if len(x) else x.new_zeros((0, x.shape[1], *size))
                      for x in splits]
            spec = replace(spec, input_shape=(spec.input_shape[0], *size))
        return Task(spec, splits[0], y_train, splits[1], task.y_val, splits[2], task.y_test)
