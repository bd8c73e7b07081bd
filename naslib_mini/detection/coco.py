"""COCO's mean average precision, computed by ``pycocotools`` itself, and a paired bootstrap over images.

``evaluate_detections`` hands ground-truth ``Objects`` and decoded ``Detections`` to
``pycocotools.cocoeval.COCOeval`` (bbox; Lin et al. 2014) and returns its summary as
fractions: AP@[.5:.95] (``ap``), AP50, AP75, AP by object size and AR@100. COCO's size
thresholds (32² and 96² pixels) are made for 640-pixel photographs; ``area_ranges`` sets
others (the digit-scenes estimator uses ``SCENE_AREAS``). pycocotools prints; its output
is swallowed here and the library logs instead.

``bootstrap_ap_difference`` compares two detectors on the same images. Average precision
is not a mean over images, so there is no per-image AP to resample; instead each bootstrap
replicate draws images with replacement and re-runs COCO's own ``accumulate`` over the
per-image matching records ``COCOeval.evaluate`` stored (``evalImgs``), each drawn image's
records entering as often as it was drawn. That is AP recomputed on the resampled test
set, exactly as COCO would on it, and the same draw is used for both detectors (paired;
Efron & Tibshirani 1993). Knows nothing about networks or search.
"""
from __future__ import annotations

import contextlib
import copy
import io
import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from naslib_mini.seeding import default_rng

__all__ = ["COCO_AREAS", "SCENE_AREAS", "BootstrapResult", "CocoResult", "bootstrap_ap_difference",
           "evaluate_detections", "precision_recall"]

log = logging.getLogger(__name__)

#: COCO's area ranges (square pixels): small below 32², medium to 96², large above.
COCO_AREAS = (32 ** 2, 96 ** 2)
#: Area thresholds for 64-pixel digit scenes: small below 12², medium to 18², large above.
SCENE_AREAS = (12 ** 2, 18 ** 2)
_NAMES = ("ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large", "ar1", "ar10", "ar100", "ar_small",
          "ar_medium", "ar_large")


@dataclass(frozen=True, eq=False)
class CocoResult:
    """COCO's summary and the evaluator that produced it.

    Attributes:
        metrics: ``ap``, ``ap50``, ``ap75``, ``ap_small``, ``ap_medium``, ``ap_large``, ``ar1``, ``ar10``,
            ``ar100`` and the ARs by size, as fractions; a size without ground truth is left out
            (COCO reports -1 for it).
        evaluator: The ``COCOeval`` after ``evaluate`` and ``accumulate``: ``evaluator.eval['precision']``
            ``[iou, recall, class, area, max_dets]`` holds the precision-recall curves.
    """

    metrics: dict
    evaluator: object

    @property
    def ap(self) -> float:
        """AP@[.5:.95], a fraction."""
        return self.metrics["ap"]


def _quiet():
    return contextlib.redirect_stdout(io.StringIO())


def _coco(images: list, categories: list, annotations: list):
    from pycocotools.coco import COCO

    coco = COCO()
    coco.dataset = {"images": images, "categories": categories, "annotations": annotations}
    with _quiet():
        coco.createIndex()
    return coco


def evaluate_detections(objects: Sequence, detections: Sequence, *, image_size: tuple[int, int], num_classes: int,
                        area_ranges: tuple[float, float] = COCO_AREAS, max_detections: int = 100) -> CocoResult:
    """COCO bbox evaluation of ``detections`` (one ``Detections`` per image) against ``objects``.

    Image ``i`` gets COCO id ``i + 1``, class ``k`` category id ``k + 1``.

    Raises:
        ValueError: ``objects`` and ``detections`` differ in length, or there are none.

    Example:
        >>> from naslib_mini.tasks.digit_scenes import make_objects
        >>> from naslib_mini.detection.centernet import Detections
        >>> truth = [make_objects(np.array([[4, 4, 10, 12]]), np.array([1]))]
        >>> exact = [Detections(truth[0].boxes, np.array([0.9]), truth[0].labels)]
        >>> round(evaluate_detections(truth, exact, image_size=(32, 32), num_classes=2).ap, 6)
        1.0
    """
    from pycocotools.cocoeval import COCOeval

    if len(objects) != len(detections) or not len(objects):
        raise ValueError(f"need one Detections per image of ground truth, got {len(detections)} for "
                         f"{len(objects)} images")
    height, width = image_size
    images = [{"id": i + 1, "height": height, "width": width} for i in range(len(objects))]
    categories = [{"id": k + 1, "name": str(k)} for k in range(num_classes)]
    truth, found = [], []
    for i, (objs, dets) in enumerate(zip(objects, detections), start=1):
        for box, label in zip(objs.boxes.tolist(), objs.labels.tolist()):
            truth.append({"id": len(truth) + 1, "image_id": i, "category_id": label + 1, "bbox": box,
                          "area": box[2] * box[3], "iscrowd": 0})
        for box, score, label in zip(dets.boxes.tolist(), dets.scores.tolist(), dets.labels.tolist()):
            found.append({"id": len(found) + 1, "image_id": i, "category_id": int(label) + 1, "bbox": box,
                          "area": box[2] * box[3], "score": float(score), "iscrowd": 0})
    evaluator = COCOeval(_coco(images, categories, truth), _coco(images, categories, found), "bbox")
    small, medium = area_ranges
    evaluator.params.areaRng = [[0, 1e10], [0, small], [small, medium], [medium, 1e10]]
    evaluator.params.maxDets = [1, 10, max_detections]
    with _quiet():
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    metrics = {name: float(value) for name, value in zip(_NAMES, evaluator.stats) if value >= 0}
    for name in ("ap", "ap50", "ap75"):
        metrics.setdefault(name, 0.0)  # -1 only when no image holds an object: nothing was found either
    return CocoResult(metrics, evaluator)


def precision_recall(result: CocoResult, iou: float | None = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """COCO's interpolated precision at its 101 recall points, averaged over classes (all areas, most detections).

    Read from ``evaluator.eval['precision']`` ``[iou, recall, class, area, max_dets]``; ``iou`` is one
    of COCO's thresholds (0.5, 0.55, ..., 0.95) or ``None`` for the mean over them, whose area
    under the curve is AP@[.5:.95]. Classes without objects are left out.

    Raises:
        ValueError: ``iou`` is not one of COCO's thresholds.

    Example:
        >>> from naslib_mini.tasks.digit_scenes import make_objects
        >>> from naslib_mini.detection.centernet import Detections
        >>> truth = [make_objects(np.array([[4, 4, 10, 12]]), np.array([1]))]
        >>> result = evaluate_detections(truth, [Detections(truth[0].boxes, np.array([0.9]), truth[0].labels)],
        ...                              image_size=(32, 32), num_classes=2)
        >>> recall, precision = precision_recall(result)
        >>> len(recall), round(float(precision.min()), 6)
        (101, 1.0)
    """
    evaluator = result.evaluator
    thresholds = evaluator.params.iouThrs
    precision = evaluator.eval["precision"][:, :, :, 0, -1]
    if iou is not None:
        index = np.flatnonzero(np.isclose(thresholds, iou))
        if not len(index):
            raise ValueError(f"iou must be one of COCO's thresholds {np.round(thresholds, 2).tolist()} or None, "
                             f"got {iou!r}")
        precision = precision[index]
    present = (precision > -1).all(axis=(0, 1))
    curve = precision[:, :, present].mean(axis=(0, 2)) if present.any() else np.zeros(precision.shape[1])
    return np.asarray(evaluator.params.recThrs), curve


def _resampled_ap(evaluator, draw: np.ndarray) -> float:
    """AP@[.5:.95] (all areas, the largest max_dets) that COCO's ``accumulate`` gives on images ``draw``."""
    pe = evaluator._paramsEval
    n_images, n_areas = len(pe.imgIds), len(pe.areaRng)
    boot = copy.copy(evaluator)
    boot.evalImgs = [evaluator.evalImgs[k * n_areas * n_images + j] for k in range(len(pe.catIds))
                     for a in range(n_areas) for j in (draw if a == 0 else ())]
    ids = [pe.imgIds[j] for j in draw]
    boot._paramsEval = copy.copy(pe)
    boot._paramsEval.imgIds, boot._paramsEval.areaRng = ids, [pe.areaRng[0]]
    params = copy.copy(evaluator.params)
    params.imgIds, params.areaRng, params.maxDets = ids, [pe.areaRng[0]], [pe.maxDets[-1]]
    boot._paramsEval.maxDets = [pe.maxDets[-1]]
    with _quiet():
        boot.accumulate(params)
    precision = boot.eval["precision"][:, :, :, 0, 0]
    valid = precision > -1
    return float(precision[valid].mean()) if valid.any() else 0.0


@dataclass(frozen=True)
class BootstrapResult:
    """A paired bootstrap of mean AP@[.5:.95] of detectors ``a`` minus ``b`` over resampled images.

    Attributes:
        difference: Observed mean AP of ``a``'s runs minus ``b``'s, a fraction.
        low, high: The percentile confidence interval of the difference (``level``).
        p_value: Two-sided: twice the smaller share of replicates on either side of 0 (at most 1).
        resamples: Bootstrap replicates.
        level: Confidence level of the interval.
    """

    difference: float
    low: float
    high: float
    p_value: float
    resamples: int
    level: float

    def as_dict(self) -> dict:
        return {"difference": self.difference, "low": self.low, "high": self.high, "p_value": self.p_value,
                "resamples": self.resamples, "level": self.level}


def bootstrap_ap_difference(results_a: Sequence[CocoResult], results_b: Sequence[CocoResult], *,
                            resamples: int = 1000, level: float = 0.95, seed: int = 0) -> BootstrapResult:
    """Paired bootstrap over images of the mean AP of ``results_a`` (runs of one detector) minus ``results_b``.

    Every result must come from ``evaluate_detections`` on the same images. Each replicate
    draws the images once, with replacement, and recomputes every run's AP on that draw.

    Raises:
        ValueError: No runs, runs on different numbers of images, ``resamples`` < 1 or ``level`` outside (0, 1).
    """
    if not results_a or not results_b:
        raise ValueError("need at least one run of each detector")
    sizes = {len(r.evaluator._paramsEval.imgIds) for r in (*results_a, *results_b)}
    if len(sizes) != 1:
        raise ValueError(f"all runs must be evaluated on the same images, got image counts {sorted(sizes)}")
    if not (isinstance(resamples, (int, np.integer)) and resamples >= 1):
        raise ValueError(f"resamples must be a positive integer, got {resamples!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    n = sizes.pop()
    rng = default_rng(seed)
    observed = np.mean([r.ap for r in results_a]) - np.mean([r.ap for r in results_b])
    differences = np.empty(resamples)
    for b in range(resamples):
        draw = rng.integers(0, n, n)
        differences[b] = (np.mean([_resampled_ap(r.evaluator, draw) for r in results_a])
                          - np.mean([_resampled_ap(r.evaluator, draw) for r in results_b]))
    tail = (1 - level) / 2
    p = min(1.0, 2 * min(np.mean(differences <= 0), np.mean(differences >= 0)))
    log.info("paired bootstrap over %d images: AP difference %.4f, p=%.4f", n, observed, p)
    return BootstrapResult(float(observed), float(np.quantile(differences, tail)),
                           float(np.quantile(differences, 1 - tail)), float(p), int(resamples), float(level))
