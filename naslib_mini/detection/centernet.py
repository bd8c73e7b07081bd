"""CenterNet: objects as points (Zhou, Wang & Krähenbühl 2019), on a backbone of the one builder.

A detector is a backbone (any architecture of a 2D search space, built by
``networks.build_network`` without its classifier) and a ``CenterNetHead`` that predicts,
on a grid of ``stride`` (4) pixels per cell: a heatmap per class of object centres
(sigmoid, bias initialised to -2.19 so every cell starts at probability 0.1), the box
size and the sub-cell offset of the centre. The backbone's last feature map is resized to
that grid (bilinear upsampling when coarser, as CenterNet's ResNet variant upsamples with
deconvolutions; average pooling when finer).

Training targets (``encode_targets``) splat a Gaussian at each centre with CenterNet's
radius rule (the largest radius at which a box with the shifted corner still has IoU 0.7
with the true box, ``gaussian_radius``; sigma = diameter / 6). ``centernet_loss`` is the
penalty-reduced focal loss (alpha 2, beta 4) plus L1 losses of size (weight 0.1) and
offset (weight 1) at centre cells. ``decode`` keeps heatmap peaks (a 3x3 max-pool) and the
top-K scores. Targets and outputs are packed in one tensor per image (``C`` heatmap
channels, then width, height, x offset, y offset; targets add a centre mask), so the one
training routine (``estimators/routines.fit`` with ``loss=centernet_training_loss``) trains it.
Knows nothing about search, tasks or COCO.
"""
from __future__ import annotations

import math
from typing import Hashable, NamedTuple, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.networks import build_network
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import TaskSpec

__all__ = ["CenterNetHead", "Detections", "Detector", "build_detector", "centernet_loss", "centernet_training_loss",
           "decode", "draw_gaussian", "encode_targets", "gaussian_radius"]

#: Initial bias of the heatmap logits: sigmoid(-2.19) = 0.1 (Zhou et al. 2019, following focal loss).
HEATMAP_BIAS = -2.19
#: Loss weights of size and offset regression (CenterNet's lambda_size and lambda_off).
SIZE_WEIGHT, OFFSET_WEIGHT = 0.1, 1.0


class CenterNetHead(nn.Module):
    """Heatmap, size and offset branches (3x3 conv, ReLU, 1x1 conv each) on features resized to ``grid``."""

    def __init__(self, in_channels: int, num_classes: int, grid: tuple[int, int], channels: int = 32) -> None:
        super().__init__()
        self.grid = tuple(grid)

        def branch(out: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(in_channels, channels, 3, padding=1), nn.ReLU(inplace=True),
                                 nn.Conv2d(channels, out, 1))

        self.heatmap, self.size, self.offset = branch(num_classes), branch(2), branch(2)
        nn.init.constant_(self.heatmap[-1].bias, HEATMAP_BIAS)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if tuple(features.shape[-2:]) != self.grid:
            if features.shape[-2] > self.grid[0]:
                features = F.adaptive_avg_pool2d(features, self.grid)
            else:
                features = F.interpolate(features, size=self.grid, mode="bilinear", align_corners=False)
        return torch.cat([self.heatmap(features), self.size(features), self.offset(features)], 1)


class Detector(nn.Module):
    """A backbone (a ``Network`` without classifier) and a ``CenterNetHead``; outputs ``(n, C + 4, *grid)``."""

    def __init__(self, backbone: nn.Module, head: CenterNetHead, stride: int) -> None:
        super().__init__()
        self.backbone, self.head, self.stride = backbone, head, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))


def build_detector(space: SearchSpace, arch: Hashable, spec: TaskSpec, *, stride: int = 4,
                   head_channels: int = 32) -> Detector:
    """The CenterNet detector of ``arch``: the one builder's backbone and a head on a ``stride`` grid.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> det = build_detector(space, space.sample(nm.default_rng(0)), nm.TaskSpec("s", (1, 32, 32), 10))
        >>> tuple(det(torch.zeros(2, 1, 32, 32)).shape)
        (2, 14, 8, 8)
    """
    if spec.ndim != 2:
        raise ValueError(f"a CenterNet detector needs 2D images, got input_shape {spec.input_shape!r}")
    if stride not in (1, 2, 4, 8):
        raise ValueError(f"stride must be 1, 2, 4 or 8 pixels per output cell, got {stride!r}")
    height, width = spec.input_shape[1:]
    if height % stride or width % stride:
        raise ValueError(f"stride {stride} must divide the image size {height}x{width}")
    backbone = build_network(space, arch, spec, head=False)
    head = CenterNetHead(backbone.out_channels, spec.num_classes, (height // stride, width // stride), head_channels)
    return Detector(backbone, head, stride)


def gaussian_radius(height: float, width: float, min_overlap: float = 0.7) -> float:
    """CenterNet's radius: the smallest of the three corner-shift radii keeping IoU ``min_overlap``.

    The formula of CornerNet (Law & Deng 2018) that CenterNet's code uses
    (``gaussian_radius`` in ``utils/image.py``), in output-grid cells.

    Example:
        >>> round(gaussian_radius(4.0, 4.0), 3)
        1.093
    """
    b1, c1 = height + width, width * height * (1 - min_overlap) / (1 + min_overlap)
    r1 = (b1 + math.sqrt(b1 ** 2 - 4 * c1)) / 2
    b2, c2 = 2 * (height + width), (1 - min_overlap) * width * height
    r2 = (b2 + math.sqrt(b2 ** 2 - 16 * c2)) / 2
    a3, b3, c3 = 4 * min_overlap, -2 * min_overlap * (height + width), (min_overlap - 1) * width * height
    r3 = (b3 + math.sqrt(b3 ** 2 - 4 * a3 * c3)) / 2
    return min(r1, r2, r3)


def draw_gaussian(heatmap: np.ndarray, centre: tuple[int, int], radius: int) -> None:
    """Splat ``exp(-d^2 / (2 sigma^2))`` with ``sigma = (2 radius + 1) / 6`` at ``centre`` = (x, y), keeping
    the maximum with what ``heatmap`` holds; the peak is exactly 1."""
    sigma = (2 * radius + 1) / 6
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-(offsets[None] ** 2 + offsets[:, None] ** 2) / (2 * sigma ** 2))
    x, y = centre
    h, w = heatmap.shape
    top, bottom, left, right = min(y, radius), min(h - y, radius + 1), min(x, radius), min(w - x, radius + 1)
    region = heatmap[y - top:y + bottom, x - left:x + right]
    np.maximum(region, kernel[radius - top:radius + bottom, radius - left:radius + right], out=region)


def encode_targets(objects: Sequence, num_classes: int, image_size: tuple[int, int], stride: int = 4) -> torch.Tensor:
    """Packed CenterNet targets ``(n, C + 5, H / stride, W / stride)`` for a sequence of ``Objects``.

    Channels: ``C`` heatmaps, box width and height (grid cells), centre offset x and y
    within its cell, and a mask that is 1 at each object's centre cell.

    Example:
        >>> from naslib_mini.tasks.digit_scenes import make_objects
        >>> t = encode_targets([make_objects(np.array([[8, 4, 8, 12]]), np.array([3]))], 10, (32, 32))
        >>> t.shape, float(t[0, 3, 2, 3]), t[0, 10:, 2, 3].tolist()
        (torch.Size([1, 15, 8, 8]), 1.0, [2.0, 3.0, 0.0, 0.5, 1.0])
    """
    grid_h, grid_w = image_size[0] // stride, image_size[1] // stride
    target = np.zeros((len(objects), num_classes + 5, grid_h, grid_w), dtype=np.float32)
    for i, objs in enumerate(objects):
        for (x, y, w, h), label in zip(objs.boxes.tolist(), objs.labels.tolist()):
            cx, cy = (x + w / 2) / stride, (y + h / 2) / stride
            px, py = min(int(cx), grid_w - 1), min(int(cy), grid_h - 1)
            radius = max(0, int(gaussian_radius(h / stride, w / stride)))
            draw_gaussian(target[i, label], (px, py), radius)
            target[i, num_classes:, py, px] = (w / stride, h / stride, cx - px, cy - py, 1.0)
    return torch.from_numpy(target)


def focal_loss(logits: torch.Tensor, heatmap: torch.Tensor, alpha: float = 2.0, beta: float = 4.0) -> torch.Tensor:
    """Penalty-reduced pixel-wise focal loss (CenterNet eq. 1), summed and divided by the number of centres."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    positive = heatmap.eq(1).float()
    pos = torch.log(p) * (1 - p) ** alpha * positive
    neg = torch.log(1 - p) * p ** alpha * (1 - heatmap) ** beta * (1 - positive)
    return -(pos.sum() + neg.sum()) / positive.sum().clamp(min=1)


def centernet_loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Focal heatmap loss + 0.1 x size L1 + 1 x offset L1 (at centre cells) of packed outputs and targets.

    Example:
        >>> from naslib_mini.tasks.digit_scenes import make_objects
        >>> t = encode_targets([make_objects(np.array([[8, 4, 8, 12]]), np.array([3]))], 10, (32, 32))
        >>> perfect = torch.cat([torch.logit(t[:, :10].clamp(1e-6, 1 - 1e-6)), t[:, 10:14]], 1)
        >>> float(centernet_loss(perfect, t)) < 1e-3
        True
    """
    classes = targets.shape[1] - 5
    mask = targets[:, -1:]
    count = mask.sum().clamp(min=1)
    size = (torch.abs(outputs[:, classes:classes + 2] - targets[:, classes:classes + 2]) * mask).sum() / count
    offset = (torch.abs(outputs[:, classes + 2:classes + 4] - targets[:, classes + 2:classes + 4]) * mask).sum() / count
    return focal_loss(outputs[:, :classes], targets[:, :classes]) + SIZE_WEIGHT * size + OFFSET_WEIGHT * offset


def centernet_training_loss(outputs: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``centernet_loss`` as ``fit``'s ``loss`` hook, which also passes the batch's inputs (not needed here)."""
    return centernet_loss(outputs, targets)


class Detections(NamedTuple):
    """The detections of one image: ``boxes`` ``(k, 4)`` [x, y, w, h] pixels, ``scores`` ``(k,)``, ``labels`` ``(k,)``."""

    boxes: np.ndarray
    scores: np.ndarray
    labels: np.ndarray


@torch.no_grad()
def decode(outputs: torch.Tensor, stride: int = 4, top_k: int = 20, threshold: float = 0.0) -> list[Detections]:
    """Boxes of packed outputs ``(n, C + 4, h, w)``: 3x3 max-pool peaks of the heatmaps, the ``top_k`` best.

    A peak is a cell whose score equals the maximum of its 3x3 neighbourhood in its class;
    its box is centred at ``(cell + offset) * stride`` with the predicted size times ``stride``.
    Detections scoring ``threshold`` or less are dropped.
    """
    classes = outputs.shape[1] - 4
    heat = torch.sigmoid(outputs[:, :classes])
    peaks = heat * (F.max_pool2d(heat, 3, stride=1, padding=1) == heat)
    n, _, h, w = heat.shape
    scores, flat = peaks.flatten(1).topk(min(top_k, classes * h * w))
    labels, cells = flat // (h * w), flat % (h * w)
    ys, xs = cells // w, cells % w
    result = []
    for i in range(n):
        keep = scores[i] > threshold
        y, x = ys[i][keep], xs[i][keep]
        size = outputs[i, classes:classes + 2, y, x].T.clamp(min=0) * stride
        offset = outputs[i, classes + 2:classes + 4, y, x].T
        centre = (torch.stack([x, y], 1).float() + offset) * stride
        boxes = torch.cat([centre - size / 2, size], 1)
        result.append(Detections(boxes.cpu().numpy().astype(np.float32), scores[i][keep].cpu().numpy(),
                                 labels[i][keep].cpu().numpy().astype(np.int64)))
    return result
