"""The detection estimator: train a CenterNet detector on a searched backbone, score it by validation COCO AP.

``DetectionEstimator`` (registered as ``detection-training``) is the training estimator for
detection tasks (``tasks/digit_scenes.DetectionTask``): it builds the detector of an
architecture (``detection/centernet.build_detector``: the one builder's backbone plus a
CenterNet head), trains it with the one training routine (``routines.fit`` with
``loss=centernet_training_loss``), decodes the validation images and scores AP@[.5:.95] computed
by pycocotools (``detection/coco.py``), a fraction, higher is better. ``train_detector``
retrains a chosen architecture (on train + validation by default) and reports test AP
with the evaluator a paired bootstrap needs; the search never sees the test split.
Knows nothing about strategies.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Hashable

import torch

from naslib_mini.detection.centernet import build_detector, centernet_training_loss, decode, encode_targets
from naslib_mini.detection.coco import SCENE_AREAS, CocoResult, evaluate_detections
from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator, arch_key
from naslib_mini.estimators.routines import TrainingConfig, configure, fit, predict, seeded, torch_threads
from naslib_mini.networks import count_flops, count_params
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.tasks.base import TASKS
from naslib_mini.tasks.digit_scenes import DetectionTask
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["DETECTION_CONFIG", "DetectionEstimator", "DetectionResult", "detection_task", "train_detector"]

log = logging.getLogger(__name__)

#: The recipe detectors train with unless told otherwise: Adam at 2e-3, cosine decay, batch 32.
DETECTION_CONFIG = TrainingConfig(epochs=4, batch_size=32, optimizer="adam", lr=2e-3, weight_decay=0.0,
                                  eval_batch_size=256)


def detection_task(task: DetectionTask | str, seed: int = 0, **settings: Any) -> DetectionTask:
    """``task``, or the registered task of that name built with ``seed``; it must be a ``DetectionTask``.

    Raises:
        ConfigurationError: The task holds no boxes (a classification task).
    """
    if isinstance(task, str):
        task = TASKS.create(task, seed=seed, **settings)
    if not isinstance(task, DetectionTask):
        raise ConfigurationError(f"detection needs a task with boxes (a DetectionTask such as 'digit-scenes'), got "
                                 f"{type(task).__name__} {task.spec.name!r}")
    return task


def _evaluate(model, x, objects, task: DetectionTask, config: TrainingConfig, stride: int,
              device) -> tuple[CocoResult, torch.Tensor]:
    outputs = predict(model, x.to(device), config.eval_batch_size)
    if not bool(torch.isfinite(outputs).all()):
        raise CandidateFailed("the trained detector outputs NaN or infinite values")
    detections = decode(outputs, stride=stride)
    result = evaluate_detections(objects, detections, image_size=tuple(task.spec.input_shape[1:]),
                                 num_classes=task.spec.num_classes, area_ranges=SCENE_AREAS)
    return result, outputs


@ESTIMATORS.register("detection-training")
class DetectionEstimator(Estimator):
    """Trains each candidate backbone under a CenterNet head; the score is validation AP@[.5:.95].

    Args:
        task: A ``DetectionTask`` or the name of one (built with ``task_seed``).
        space: The 2D search space (or its name) of the backbones.
        config: How to train; ``DETECTION_CONFIG`` by default.
        task_seed: Split seed used when ``task`` is a name.
        stride: Pixels per output cell of the head (4, CenterNet's).
        head_channels: Channels of each head branch.
        max_params: Fail candidates whose detector has more parameters (a cost constraint).
        **overrides: ``TrainingConfig`` fields to change (``epochs=2``).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> task = nm.TASKS.create("digit-scenes", num_train=16, num_val=8, num_test=4, canvas=32, scale=(10, 16))
        >>> est = DetectionEstimator(task, space, epochs=1, threads=1)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> 0 <= m.score <= 1, m.score == m.metrics["val_ap"]
        (True, True)
    """

    name = "detection-training"

    def __init__(self, task: DetectionTask | str, space: SearchSpace | str, config: TrainingConfig | None = None,
                 *, task_seed: int = 0, stride: int = 4, head_channels: int = 32, max_params: int | None = None,
                 **overrides: Any) -> None:
        self.config = configure(config or DETECTION_CONFIG, overrides)
        if isinstance(task, str) and task not in TASKS:
            TASKS.get(task)  # raises, listing the valid names
        if isinstance(space, str) and space not in SPACES:
            SPACES.get(space)
        if max_params is not None and not (isinstance(max_params, int) and max_params > 0):
            raise ValueError(f"max_params must be a positive integer or None, got {max_params!r}")
        self.task_seed, self.stride, self.head_channels, self.max_params = task_seed, stride, head_channels, max_params
        self._task_source, self._space_source = task, space

    @functools.cached_property
    def task(self) -> DetectionTask:
        """The task, built on first use."""
        return detection_task(self._task_source, self.task_seed)

    @functools.cached_property
    def space(self) -> SearchSpace:
        """The search space, built on first use."""
        return SPACES.create(self._space_source) if isinstance(self._space_source, str) else self._space_source

    @functools.cached_property
    def _targets(self) -> torch.Tensor:
        task = self.task
        return encode_targets(task.objects_train, task.spec.num_classes, task.spec.input_shape[1:], self.stride)

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Train ``arch``'s detector for ``budget`` epochs (``config.epochs`` if ``None``); score validation AP.

        Raises:
            CandidateFailed: The loss became NaN or infinite, training ran past the timeout, the
                outputs are not finite, or the detector has more than ``max_params`` parameters.
        """
        config, task = self.config, self.task
        epochs = config.epochs if budget is None else budget
        if not (epochs > 0 and math.isfinite(epochs)):
            raise ValueError(f"budget must be a positive number of epochs, got {budget!r}")
        started = time.perf_counter()
        deadline = None if config.timeout_seconds is None else started + config.timeout_seconds
        key = arch_key(self.space, arch, self.name)
        device = torch.device(config.device)
        with torch_threads(config.threads):
            with seeded(derive_seed(config.seed, key)):
                model = build_detector(self.space, arch, task.spec, stride=self.stride,
                                       head_channels=self.head_channels)
            params = count_params(model)
            if self.max_params is not None and params > self.max_params:
                raise CandidateFailed(f"the detector has {params} parameters, more than max_params={self.max_params}")
            flops = count_flops(model, task.spec.input_shape)
            model.to(device)
            train_loss = fit(model, task.x_train.to(device), self._targets.to(device), config, epochs=epochs,
                             seed=derive_seed(config.seed, key, "data"), deadline=deadline,
                             loss=centernet_training_loss)
            result, _ = _evaluate(model, task.x_val, task.objects_val, task, config, self.stride, device)
        seconds = time.perf_counter() - started
        log.debug("%s: val AP %.4f after %s epochs in %.1fs", key, result.ap, epochs, seconds)
        metrics = {f"val_{name}": value for name, value in result.metrics.items()}
        metrics.update(train_loss=train_loss, params=float(params), flops=float(flops), epochs=float(epochs))
        return Measurement(score=result.ap, cost=seconds, metrics=metrics)

    def __repr__(self) -> str:
        task = self._task_source if isinstance(self._task_source, str) else self._task_source.spec.name
        return f"DetectionEstimator(task={task!r}, config={self.config!r})"


@dataclass(frozen=True, eq=False)
class DetectionResult:
    """A detector trained once and scored on the test split.

    Attributes:
        model: The trained ``Detector``, in eval mode.
        test: COCO's metrics and evaluator on the test images (for ``bootstrap_ap_difference``).
        params, flops: Parameters and FLOPs of one forward pass on one image.
        seconds: Wall-clock seconds of training and evaluation.
        train_loss: Mean training loss of the last epoch.
    """

    model: torch.nn.Module
    test: CocoResult
    params: int
    flops: int
    seconds: float
    train_loss: float

    def metrics(self) -> dict[str, float]:
        """Test metrics under ``test_<name>`` with params, FLOPs and seconds."""
        return {**{f"test_{k}": v for k, v in self.test.metrics.items()}, "params": float(self.params),
                "flops": float(self.flops), "seconds": self.seconds, "train_loss": self.train_loss}


def train_detector(task: DetectionTask | str, space: SearchSpace | str, arch: Hashable,
                   config: TrainingConfig | None = None, *, merge_validation: bool = True, stride: int = 4,
                   head_channels: int = 32, task_seed: int = 0, **overrides: Any) -> DetectionResult:
    """Train ``arch``'s detector from scratch (on train + validation by default) and score test AP.

    Raises:
        CandidateFailed: The loss became NaN or infinite, or training ran past the timeout.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> task = nm.TASKS.create("digit-scenes", num_train=16, num_val=8, num_test=4, canvas=32, scale=(10, 16))
        >>> result = train_detector(task, space, space.sample(nm.default_rng(0)), epochs=1, threads=1)
        >>> 0 <= result.test.ap <= 1
        True
    """
    task = detection_task(task, task_seed)
    space = SPACES.create(space) if isinstance(space, str) else space
    config = configure(config or DETECTION_CONFIG, overrides)
    started = time.perf_counter()
    key = space.to_str(arch)
    device = torch.device(config.device)
    x, objects = task.x_train, task.objects_train
    if merge_validation:
        x, objects = torch.cat([x, task.x_val]), objects + task.objects_val
    targets = encode_targets(objects, task.spec.num_classes, task.spec.input_shape[1:], stride)
    deadline = None if config.timeout_seconds is None else started + config.timeout_seconds
    with torch_threads(config.threads):
        with seeded(derive_seed(config.seed, key, "final")):
            model = build_detector(space, arch, task.spec, stride=stride, head_channels=head_channels)
        params, flops = count_params(model), count_flops(model, task.spec.input_shape)
        model.to(device)
        train_loss = fit(model, x.to(device), targets.to(device), config, epochs=config.epochs,
                         seed=derive_seed(config.seed, key, "final-data"), deadline=deadline,
                         loss=centernet_training_loss)
        result, _ = _evaluate(model, task.x_test, task.objects_test, task, config, stride, device)
    seconds = time.perf_counter() - started
    log.info("final training of %s: test AP %.4f in %.1fs", key, result.ap, seconds)
    return DetectionResult(model.eval(), result, params, flops, seconds, train_loss)
