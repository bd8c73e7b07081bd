"""What a reader checks on one image: which predictions above a score threshold hit an object.

``match_predictions`` pairs predictions with objects greedily by score, as COCO does at one
IoU threshold (same class, IoU at least ``iou``, each object matched once);
``prediction_caption`` lists the objects and the kept predictions with their scores and
whether they hit. Plain functions the detection widget calls and tests check; knows
nothing about networks, training or drawing.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["above", "box_iou", "match_predictions", "prediction_caption"]


def above(detections, threshold: float):
    """The detections scoring more than ``threshold``, as the same ``Detections`` type."""
    keep = detections.scores > threshold
    return type(detections)(detections.boxes[keep], detections.scores[keep], detections.labels[keep])


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix ``(len(a), len(b))`` of boxes ``[x, y, w, h]``.

    Example:
        >>> box_iou(np.array([[0, 0, 4, 4]]), np.array([[2, 0, 4, 4], [10, 10, 2, 2]])).round(3).tolist()
        [[0.333, 0.0]]
    """
    a, b = np.asarray(a, dtype=np.float64).reshape(-1, 4), np.asarray(b, dtype=np.float64).reshape(-1, 4)
    w = np.minimum(a[:, None, 0] + a[:, None, 2], b[None, :, 0] + b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 1] + a[:, None, 3], b[None, :, 1] + b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def match_predictions(objects, detections, threshold: float = 0.3, iou: float = 0.5) -> np.ndarray:
    """For each prediction above ``threshold`` (in ``above``'s order), the index of the object it hits or -1.

    Raises:
        ValueError: ``iou`` outside (0, 1].
    """
    if not 0 < iou <= 1:
        raise ValueError(f"iou must lie in (0, 1], got {iou!r}")
    kept = above(detections, threshold)
    overlaps = box_iou(kept.boxes, objects.boxes)
    hits = np.full(len(kept.scores), -1)
    taken = np.zeros(len(objects.labels), dtype=bool)
    for p in np.argsort(-kept.scores, kind="mergesort"):
        candidates = [(overlaps[p, k], k) for k in range(len(objects.labels))
                      if not taken[k] and objects.labels[k] == kept.labels[p] and overlaps[p, k] >= iou]
        if candidates:
            k = max(candidates)[1]
            hits[p], taken[k] = k, True
    return hits


def prediction_caption(objects, detections, categories: Sequence[str], threshold: float = 0.3) -> str:
    """Text listing the objects and the predictions above ``threshold`` (score, hit or miss at IoU 0.5).

    Example:
        >>> from naslib_mini.tasks.digit_scenes import make_objects
        >>> from naslib_mini.detection.centernet import Detections
        >>> truth = make_objects(np.array([[4, 4, 10, 12]]), np.array([1]))
        >>> dets = Detections(np.array([[5, 4, 10, 12], [30, 30, 8, 8]]), np.array([0.9, 0.2]), np.array([1, 3]))
        >>> print(prediction_caption(truth, dets, [str(d) for d in range(10)], threshold=0.1))
        objects: 1 (1)
        predictions above 0.10: 2, 1 hit at IoU 0.5
          1  score 0.90  hit
          3  score 0.20  miss
    """
    kept = above(detections, threshold)
    hits = match_predictions(objects, detections, threshold)
    names = ", ".join(categories[k] for k in objects.labels.tolist())
    lines = [f"objects: {len(objects.labels)} ({names})",
             f"predictions above {threshold:.2f}: {len(kept.scores)}, {int((hits >= 0).sum())} hit at IoU 0.5"]
    for p in np.argsort(-kept.scores, kind="mergesort"):
        lines.append(f"  {categories[int(kept.labels[p])]}  score {kept.scores[p]:.2f}  "
                     f"{'hit' if hits[p] >= 0 else 'miss'}")
    return "\n".join(lines)
