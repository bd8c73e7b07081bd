"""``python -m naslib_mini search`` on a detection task (``--task digit-scenes``): search a detector's backbone.

``search.main`` hands detection tasks here. Each trial trains a CenterNet detector on the
candidate backbone (the ``detection-training`` estimator in place of ``--estimator training``;
supernets do not serve detection) for ``--epochs`` and scores validation AP@[.5:.95]
(pycocotools); the best is retrained on training + validation and scored on the test
scenes. Writes the journal, ``best_arch.json`` (validation and test COCO metrics,
parameters, FLOPs), ``best_model.pt``, a checked ONNX export and ``search.png`` into
``--out``. Options, checks and printing live here; the work is library calls.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging

from naslib_mini.estimators.detection import DETECTION_CONFIG, DetectionEstimator, train_detector
from naslib_mini.spaces import SPACES
from naslib_mini.strategies import STRATEGIES

__all__ = ["main"]

log = logging.getLogger(__name__)


def main(args: argparse.Namespace, task, journal) -> int:
    """Search a detector on ``task``, retrain the best and write the outputs; returns the exit status."""
    from naslib_mini.cli.search import run_search, write_config

    if args.estimator != "training":
        raise ValueError(f"--estimator {args.estimator} cannot score detectors; --task {args.task} trains each "
                         "candidate detector (leave --estimator out)")
    space = SPACES.create(args.space)
    if len(task.spec.input_shape) != 3:
        raise ValueError(f"--space {args.space}: detection needs a 2D space")
    args.estimator = "detection-training"
    strategy = STRATEGIES.create(args.strategy, space=space, seed=args.seed)
    config = dataclasses.replace(DETECTION_CONFIG, epochs=args.epochs, seed=args.seed, threads=args.threads,
                                 timeout_seconds=args.trial_timeout)
    estimator = DetectionEstimator(task, space, config)
    write_config(args)
    history, best, failed = run_search(args, strategy, estimator, journal)
    if best is None:
        return 1
    final = train_detector(task, space, best.arch, config)
    write_outputs(args, history, space, best, final, task.spec.input_shape)
    test = final.test.metrics
    print(f"searched {len(history)} trials ({failed} failed) with {args.strategy} on {args.task}, space {args.space}, "
          f"estimator detection-training ({history.total_cost:.1f} s charged)")
    print(f"best architecture: {space.to_str(best.arch)}")
    print(f"validation AP@[.5:.95] (search): {best.score:.4f}")
    print(f"test AP@[.5:.95] (retrained on train+validation): {test['ap']:.4f}  AP50: {test['ap50']:.4f}  "
          f"AP75: {test['ap75']:.4f}")
    print(f"params: {final.params:,}  FLOPs: {final.flops:,}")
    print(f"outputs in {args.out}/: journal.jsonl, best_arch.json, best_model.pt, best_model.onnx, search.png")
    return 0


def write_outputs(args, history, space, best, final, input_shape) -> None:
    """Weights, architecture JSON with the COCO metrics, checked ONNX export and the search plot."""
    from naslib_mini.cli.search import write_search_outputs

    write_search_outputs(args.out, history, space, best, final.model, input_shape, "validation AP@[.5:.95]",
                         lambda difference: {
                             "val_ap": best.score,
                             **{k: v for k, v in best.measurement.metrics.items() if k.startswith("val_")},
                             **final.metrics(), "onnx_max_abs_difference": difference})
