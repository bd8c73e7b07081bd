"""The training estimator: train each candidate briefly, score it on the validation split.

The plain, honest estimator of early NAS (Zoph & Le 2017; the "train from
scratch" baseline of Li & Talwalkar 2019): build the network, train it for a
number of epochs (the budget, so multi-fidelity methods such as Hyperband can ask
for fewer) and report validation accuracy. Options make it cheaper or more
informative: proxy tasks (``proxy_task.py``: a fraction of the data, a narrower
network, a lower resolution), the validation accuracy after every epoch (the
learning curve), an early-termination rule (``early_termination.py``) that the
per-epoch hook of the one training loop consults, and the trained network's hardware
metrics (``naslib_mini.hardware.hardware_metrics``: measured CPU latency at batch 1 and
peak forward memory), so a multi-objective search can minimise latency as MnasNet
(Tan et al. 2019) does. The training itself (``fit``,
``predict``, thread and seed control) lives in ``naslib_mini.estimators.routines``,
which final training shares; this module holds the estimator and ``resolve``, which
turns task and space names into objects. The constructor only checks and stores
its arguments; the task (which can take seconds to generate, as MNIST-1D does) and
the space are built on first use. Knows nothing about strategies; never sees the
test split.
"""
from __future__ import annotations

import functools
import logging
import math
import time
from typing import Any, Hashable, Mapping, Sequence

import torch
from torch import nn

from naslib_mini.calibration import temperature_scaled_loss
from naslib_mini.estimators.auc import roc_auc
from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator, arch_key
from naslib_mini.estimators.early_termination import DomhanTermination, TerminationDecision
from naslib_mini.estimators.proxy_task import ProxyTask
from naslib_mini.estimators.routines import (TrainingConfig, accuracy_and_loss, configure, evaluate, fit,
                                             misclassified, predict, seeded, torch_threads)
from naslib_mini.hardware.latency import RUNTIMES
from naslib_mini.hardware.metrics import hardware_metrics
from naslib_mini.networks import build_network, count_flops, count_params
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.tasks.base import TASKS, Task
from naslib_mini.types import ConfigurationError, Measurement

# The routines are re-exported: notebooks, scripts and tests import them from here.
__all__ = ["CURVE_METRIC", "OBJECTIVES", "RUN_OPTIONS", "TrainingConfig", "TrainingEstimator", "accuracy_and_loss",
           "check_names", "curve_from_metrics", "evaluate", "fit", "misclassified", "predict", "resolve", "seeded",
           "torch_threads"]

log = logging.getLogger(__name__)

#: What a trial's score is: validation accuracy, the negative validation
#: cross-entropy (finer-grained once accuracy saturates: 800 validation samples
#: at 99.5% hold four errors, and accuracy ties where loss does not), or the
#: negative cross-entropy at the best temperature (``naslib_mini.calibration``:
#: the loss without its confidence part, which label smoothing makes a matter of
#: how tightly a network fits the smoothed targets), or the validation ROC AUC
#: (``estimators/auc.py``: one-vs-rest for several classes, as medical papers report it).
OBJECTIVES = ("accuracy", "loss", "calibrated-loss", "auc")

#: Options of ``TrainingEstimator`` beyond ``TrainingConfig``: the learning curve, early
#: termination and the proxy task.
RUN_OPTIONS = ("record_curve", "early_termination", "data_fraction", "width_multiplier", "resolution",
               "hardware", "latency_repeats")

#: The metric name of the validation accuracy after epoch ``k``: ``CURVE_METRIC.format(k)``.
#: Metrics are floats, so a learning curve is stored one epoch per metric.
CURVE_METRIC = "val_accuracy_epoch_{}"


def curve_from_metrics(metrics: Mapping[str, float]) -> tuple[list[int], list[float]]:
    """The epochs and validation accuracies of a learning curve recorded in ``metrics``, in epoch order.

    Example:
        >>> curve_from_metrics({"val_accuracy_epoch_10": 0.9, "val_accuracy_epoch_2": 0.5, "params": 7.0})
        ([2, 10], [0.5, 0.9])
    """
    prefix = CURVE_METRIC.format("")
    points = sorted((int(name[len(prefix):]), value) for name, value in metrics.items()
                    if name.startswith(prefix) and name[len(prefix):].isdigit())
    return [epoch for epoch, _ in points], [value for _, value in points]


class _EpochCurve:
    """The per-epoch hook of one run: records validation accuracy and asks the termination rule."""

    def __init__(self, x_val: torch.Tensor, y_val: torch.Tensor, batch_size: int,
                 rule: DomhanTermination | None, total_epochs: float) -> None:
        self.x_val, self.y_val, self.batch_size = x_val, y_val, batch_size
        self.rule, self.total_epochs = rule, total_epochs
        self.values: list[float] = []
        self.decision = TerminationDecision(False)

    def __call__(self, epoch: int, model: nn.Module) -> bool:
        self.values.append(evaluate(model, self.x_val, self.y_val, self.batch_size)[0])
        if self.rule is not None:
            self.decision = self.rule.decide(list(range(1, epoch + 1)), self.values, self.total_epochs)
        return self.decision.stop


def build_task(source: Task | str, task_seed: int, owner: str) -> Task:
    """``source`` itself, or the task of that name split by ``task_seed``.

    Raises:
        ConfigurationError: The named task cannot be built; the message names ``owner`` (the
            estimator) and the task, since every trial would fail the same way.
    """
    if not isinstance(source, str):
        return source
    try:
        return TASKS.create(source, seed=task_seed)
    except Exception as exc:
        raise ConfigurationError(f"the {owner} cannot build task {source!r} "
                                 f"(task_seed={task_seed}): {type(exc).__name__}: {exc}") from exc


def check_names(task: Task | str, space: SearchSpace | str) -> None:
    """Raise if ``task`` or ``space`` is a name that ``TASKS`` or ``SPACES`` does not know; builds nothing.

    Raises:
        KeyError: The message lists the valid names.
    """
    if isinstance(task, str):
        TASKS.canonical(task)
    if isinstance(space, str):
        SPACES.canonical(space)


def resolve(task: Task | str, space: SearchSpace | str, config: TrainingConfig | None,
            task_seed: int, overrides: dict[str, Any]) -> tuple[Task, SearchSpace, TrainingConfig]:
    """Turn names into a task and a space (built now), and apply keyword overrides to the config."""
    config = configure(config, overrides)
    check_names(task, space)
    task = TASKS.create(task, seed=task_seed) if isinstance(task, str) else task
    space = SPACES.create(space) if isinstance(space, str) else space
    return task, space, config


@ESTIMATORS.register("training", aliases=("train",))
class TrainingEstimator(Estimator):
    """Trains each candidate on the training split and scores it on the validation split.

    Weights and data order are seeded from ``config.seed`` and the architecture's
    string, so a repeat gives identical metrics on the CPU with the same thread
    count; on a GPU, cuDNN kernels may change the last digits of the losses.

    The constructor checks its arguments (objective, overrides, configuration, the
    names of task and space) and stores them; ``task`` and ``space`` are built from
    their names on first use, so creating an estimator never generates data.

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name) the architectures come from.
        config: How to train; ``TrainingConfig()`` by default.
        task_seed: Split seed used when ``task`` is a name.
        objective: The score: ``"accuracy"`` (validation accuracy, default),
            ``"loss"`` (minus the validation cross-entropy; both are always in the
            metrics) or ``"calibrated-loss"`` (minus the validation cross-entropy at
            the best temperature, added to the metrics as ``val_loss_calibrated``
            with ``val_temperature``) or ``"auc"`` (the validation ROC AUC, ``val_auc``).
            Tasks whose spec sets ``report_auc`` (the medical ones) add ``val_auc`` to the
            metrics whatever the objective.
        record_curve: Evaluate the validation accuracy after every epoch and record it as
            metrics ``val_accuracy_epoch_<k>`` (``curve_from_metrics`` reads them back); each
            evaluation is part of the trial's cost.
        early_termination: A ``DomhanTermination`` rule consulted after every epoch (which
            records the curve). A run it stops is a complete trial scored by its predicted
            final accuracy, with metrics ``stopped_epoch``, ``predicted_accuracy`` and
            ``predicted_std`` and ``epochs`` the epochs it ran; its cost is the time it ran.
            Every run trained to the end is reported to the rule (``observe``). Needs
            ``objective="accuracy"``.
        data_fraction: Train on this class-stratified fraction of the training split, in
            ``(0, 1]``, the same subset (drawn from ``task_seed``) for every candidate;
            validation keeps every example.
        width_multiplier: Factor on every channel count of the network (``> 0``).
        resolution: Downsample 2D inputs to this size (an int or a pair); ``None`` keeps it.
            The three proxy options (``ProxyTask``) appear in the metrics when set.
        hardware: Runtimes (``naslib_mini.hardware.RUNTIMES``: ``"torch"``, ``"onnxruntime"``)
            whose batch-1 latency of the trained network is measured after training with
            ``config.threads`` threads (``hardware_metrics``): the metrics gain ``latency_ms``
            and ``latency_iqr_ms`` (``onnx_`` first for onnxruntime) and ``peak_memory_mb``,
            objectives and constraints of a multi-objective search. Empty (the default):
            no hardware measurement. The measuring time is part of the trial's cost.
        latency_repeats: Timed samples of each latency (the median is reported).
        **overrides: ``TrainingConfig`` fields to change (``epochs=3``), handy from
            the CLI or a notebook's parameters.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> est = nm.ESTIMATORS.create("training", task="digits", space=space, epochs=1, threads=1)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> 0 <= m.score <= 1, sorted(m.metrics)
        (True, ['epochs', 'flops', 'params', 'train_loss', 'val_accuracy', 'val_loss'])
    """

    name = "training"

    def __init__(self, task: Task | str, space: SearchSpace | str, config: TrainingConfig | None = None,
                 *, task_seed: int = 0, objective: str = "accuracy", record_curve: bool = False,
                 early_termination: DomhanTermination | None = None, data_fraction: float = 1.0,
                 width_multiplier: float = 1.0, resolution: int | tuple[int, int] | None = None,
                 hardware: Sequence[str] = (), latency_repeats: int = 30, **overrides: Any) -> None:
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}; valid choices: {', '.join(OBJECTIVES)}")
        if early_termination is not None and not isinstance(early_termination, DomhanTermination):
            raise TypeError(f"early_termination must be a DomhanTermination or None, got {early_termination!r}")
        if early_termination is not None and objective != "accuracy":
            raise ValueError(f"early_termination predicts validation accuracy, so it needs objective='accuracy', "
                             f"got objective={objective!r}")
        hardware = (hardware,) if isinstance(hardware, str) else tuple(hardware)
        unknown = [runtime for runtime in hardware if runtime not in RUNTIMES]
        if unknown:
            raise ValueError(f"unknown hardware runtime {unknown[0]!r}; valid choices: {', '.join(RUNTIMES)}")
        if isinstance(latency_repeats, bool) or not isinstance(latency_repeats, int) or latency_repeats < 1:
            raise ValueError(f"latency_repeats must be a positive integer, got {latency_repeats!r}")
        self.hardware, self.latency_repeats = hardware, latency_repeats
        self.config = configure(config, overrides)
        self.proxy = ProxyTask(data_fraction, width_multiplier, resolution)
        check_names(task, space)
        self.objective = objective
        self.record_curve, self.early_termination = record_curve, early_termination
        self.task_seed = task_seed
        self._task_source, self._space_source = task, space
        self._sizes: dict[Hashable, tuple[int, int]] = {}

    @functools.cached_property
    def task(self) -> Task:
        """The task candidates are trained on: built from its name (split by ``task_seed``) on
        first use, then reduced to the proxy task if ``data_fraction`` or ``resolution`` is set.

        Raises:
            ConfigurationError: The task cannot be built (its data cannot be generated or
                read), or the proxy does not fit it; every trial would fail the same way, so
                the search stops.
        """
        source = build_task(self._task_source, self.task_seed, "training estimator")
        return source if self.proxy.is_identity else self.proxy.apply(source, derive_seed(self.task_seed, "proxy"))

    @functools.cached_property
    def space(self) -> SearchSpace:
        """The search space, built from its name on first use.

        Raises:
            ConfigurationError: The space cannot be built from its name.
        """
        source = self._space_source
        if not isinstance(source, str):
            return source
        try:
            return SPACES.create(source)
        except Exception as exc:
            raise ConfigurationError(f"the training estimator cannot build space {source!r}: "
                                     f"{type(exc).__name__}: {exc}") from exc

    @property
    def task_name(self) -> str:
        """The task's name, known without building it."""
        source = self._task_source
        return TASKS.canonical(source) if isinstance(source, str) else source.spec.name

    @property
    def space_name(self) -> str:
        """The space's name, known without building it."""
        source = self._space_source
        return SPACES.canonical(source) if isinstance(source, str) else source.name

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Train ``arch`` for ``budget`` epochs (``config.epochs`` if ``None``) and score it (``objective``).

        Raises:
            CandidateFailed: The loss became NaN or infinite, or training ran past
                ``config.timeout_seconds``.
        """
        config = self.config
        epochs = config.epochs if budget is None else budget
        if not (epochs > 0 and math.isfinite(epochs)):
            raise ValueError(f"budget must be a positive number of epochs, got {budget!r}")
        started = time.perf_counter()
        deadline = None if config.timeout_seconds is None else started + config.timeout_seconds
        key = arch_key(self.space, arch, "training")
        device = torch.device(config.device)
        task = self.task
        with torch_threads(config.threads):
            with seeded(derive_seed(config.seed, key)):
                model = build_network(self.space, arch, task.spec, width_multiplier=self.proxy.width_multiplier)
            if arch not in self._sizes:
                self._sizes[arch] = (count_params(model), count_flops(model, task.spec.input_shape))
            params, flops = self._sizes[arch]
            model.to(device)
            x_val, y_val = task.x_val.to(device), task.y_val.to(device)
            curve = None
            if self.record_curve or self.early_termination is not None:
                curve = _EpochCurve(x_val, y_val, config.eval_batch_size, self.early_termination, epochs)
            train_loss = fit(model, task.x_train.to(device), task.y_train.to(device), config,
                             epochs=epochs, seed=derive_seed(config.seed, key, "data"), deadline=deadline,
                             on_epoch_end=curve)
            logits = predict(model, x_val, config.eval_batch_size)
            val_accuracy, val_loss = accuracy_and_loss(logits, y_val)
            hardware = {}
            if self.hardware and math.isfinite(val_loss):
                hardware = hardware_metrics(model.cpu(), task.spec.input_shape, runtimes=self.hardware,
                                            threads=config.threads, repeats=self.latency_repeats)
                hardware = {name: value for name, value in hardware.items() if name not in ("params", "flops")}
        if not math.isfinite(val_loss):
            raise CandidateFailed(f"validation loss is {val_loss}; the trained network is unusable")
        seconds = time.perf_counter() - started
        stopped = curve is not None and curve.decision.stop
        trained = float(len(curve.values)) if stopped else float(epochs)
        log.debug("%s: val_accuracy %.4f after %s epochs in %.2fs", key, val_accuracy, trained, seconds)
        metrics = {"val_accuracy": val_accuracy, "val_loss": val_loss, "train_loss": train_loss,
                   "params": float(params), "flops": float(flops), "epochs": trained, **self.proxy.metrics(),
                   **hardware}
        if task.spec.report_auc or self.objective == "auc":
            metrics["val_auc"] = roc_auc(logits, y_val)
        if curve is not None:
            metrics.update({CURVE_METRIC.format(k): value for k, value in enumerate(curve.values, start=1)})
        if stopped:
            decision = curve.decision
            metrics.update(stopped_epoch=trained, predicted_accuracy=decision.predicted_accuracy,
                           predicted_std=decision.predicted_std)
            return Measurement(score=decision.predicted_accuracy, cost=seconds, metrics=metrics)
        if self.early_termination is not None:
            self.early_termination.observe(val_accuracy)
        if self.objective == "accuracy":
            score = val_accuracy
        elif self.objective == "loss":
            score = -val_loss
        elif self.objective == "auc":
            if not math.isfinite(metrics["val_auc"]):
                raise ConfigurationError(f"objective='auc' needs two classes or more in the validation split of "
                                         f"task {task.spec.name!r}, which holds one; use objective='accuracy'")
            score = metrics["val_auc"]
        else:
            metrics["val_loss_calibrated"], metrics["val_temperature"] = temperature_scaled_loss(logits, y_val)
            score = -metrics["val_loss_calibrated"]
        return Measurement(score=score, cost=seconds, metrics=metrics)

    def __repr__(self) -> str:
        options = "" if self.proxy.is_identity else f", proxy={self.proxy!r}"
        if self.record_curve:
            options += ", record_curve=True"
        if self.early_termination is not None:
            options += f", early_termination={self.early_termination!r}"
        if self.hardware:
            options += f", hardware={self.hardware!r}"
        return (f"TrainingEstimator(task={self.task_name!r}, space={self.space_name!r}, "
                f"config={self.config!r}{options})")
