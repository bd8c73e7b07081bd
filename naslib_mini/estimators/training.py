"""The training estimator: train each candidate briefly, score it on the validation split.

The plain, honest estimator of early NAS (Zoph & Le 2017; the "train from
scratch" baseline of Li & Talwalkar 2019): build the network, train it for a
number of epochs (the budget, so multi-fidelity methods such as Hyperband can ask
for fewer) and report validation accuracy. The training loop is deliberately
lean (full tensors in memory, a seeded permutation per epoch, no DataLoader) so
its overhead over a hand-written loop stays small (``benchmarks/estimator_overhead.py``).
Also holds ``fit``, ``predict`` and ``evaluate``, which final training reuses. Knows nothing
about strategies; never sees the test split.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Hashable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.calibration import temperature_scaled_loss
from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator
from naslib_mini.networks import build_network, count_flops, count_params
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.tasks.base import TASKS, Task
from naslib_mini.types import Measurement

__all__ = ["TrainingConfig", "TrainingEstimator", "accuracy_and_loss", "evaluate", "fit", "misclassified",
           "predict", "resolve", "seeded", "torch_threads"]

log = logging.getLogger(__name__)

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("cosine", "onecycle", "constant")
#: What a trial's score is: validation accuracy, the negative validation
#: cross-entropy (finer-grained once accuracy saturates: 800 validation samples
#: at 99.5% hold four errors, and accuracy ties where loss does not), or the
#: negative cross-entropy at the best temperature (``naslib_mini.calibration``:
#: the loss without its confidence part, which label smoothing makes a matter of
#: how tightly a network fits the smoothed targets).
OBJECTIVES = ("accuracy", "loss", "calibrated-loss")


@dataclass(frozen=True)
class TrainingConfig:
    """How a candidate is trained.

    Attributes:
        epochs: Epochs when no budget is given.
        batch_size: Mini-batch size (the last incomplete batch of an epoch is dropped).
        optimizer: ``"sgd"`` (with momentum), ``"adam"`` or ``"adamw"``.
        lr: Peak learning rate.
        weight_decay: L2 penalty (decoupled for ``adamw``).
        momentum: SGD momentum (ignored by Adam).
        schedule: ``"cosine"`` decay to 0, ``"onecycle"`` warm-up and decay, or ``"constant"``;
            stepped every batch over the whole run.
        label_smoothing: Label smoothing of the training loss (validation loss is plain).
        device: Torch device to train on.
        threads: CPU threads for the run (restored afterwards); ``None`` keeps torch's setting.
        seed: Seed of weight initialisation and data order (combined with the architecture).
        timeout_seconds: Fail a candidate whose training runs longer; ``None`` for no limit.
        eval_batch_size: Batch size of evaluation (no gradients, so it can be large).
    """

    epochs: float = 10
    batch_size: int = 64
    optimizer: str = "sgd"
    lr: float = 0.1
    weight_decay: float = 5e-4
    momentum: float = 0.9
    schedule: str = "cosine"
    label_smoothing: float = 0.0
    device: str = "cpu"
    threads: int | None = None
    seed: int = 0
    timeout_seconds: float | None = None
    eval_batch_size: int = 1024

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; valid choices: {', '.join(OPTIMIZERS)}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; valid choices: {', '.join(SCHEDULES)}")
        positive = {"epochs": self.epochs, "lr": self.lr, "batch_size": self.batch_size,
                    "eval_batch_size": self.eval_batch_size}
        for name, value in positive.items():
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not self.weight_decay >= 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        if not 0 <= self.label_smoothing < 1:
            raise ValueError(f"label_smoothing must lie in [0, 1), got {self.label_smoothing!r}")
        if self.threads is not None and not (isinstance(self.threads, int) and self.threads >= 1):
            raise ValueError(f"threads must be a positive integer or None, got {self.threads!r}")
        if self.timeout_seconds is not None and not self.timeout_seconds > 0:
            raise ValueError(f"timeout_seconds must be positive or None, got {self.timeout_seconds!r}")
        try:
            torch.device(self.device)
        except RuntimeError as exc:
            raise ValueError(f"invalid device {self.device!r}: {exc}") from None


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Use ``threads`` CPU threads inside the block and restore the previous number after."""
    if threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed torch's CPU generator inside the block; the global state is restored after.

    Example:
        >>> with seeded(1):
        ...     a = torch.rand(2)
        >>> with seeded(1):
        ...     b = torch.rand(2)
        >>> bool((a == b).all())
        True
    """
    with torch.random.fork_rng(devices=[]):
        # Networks are built on the CPU, so seeding the CPU generator is enough;
        # torch.manual_seed would also reseed every GPU, outside the fork.
        torch.default_generator.manual_seed(seed)
        yield


def make_optimizer(model: nn.Module, config: TrainingConfig, total_steps: int):
    """The optimizer and per-step learning-rate scheduler (or ``None``) for ``config``."""
    params = model.parameters()
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                                    weight_decay=config.weight_decay)
    elif config.optimizer == "adam":
        optimizer = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    else:
        optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.schedule == "cosine":
        return optimizer, torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    if config.schedule == "onecycle":
        return optimizer, torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr,
                                                              total_steps=total_steps)
    return optimizer, None


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, config: TrainingConfig, *,
        epochs: float, seed: int, deadline: float | None = None) -> float:
    """Train ``model`` in place on ``(x, y)`` (already on the model's device).

    ``epochs`` may be fractional: training runs ``round(epochs * batches_per_epoch)``
    steps. Raises ``CandidateFailed`` if the loss stops being finite or
    ``time.perf_counter()`` passes ``deadline`` (checked between batches).

    Returns:
        The mean training loss over the last (possibly partial) epoch.
    """
    n = len(x)
    batch = min(config.batch_size, n)
    per_epoch = n // batch
    total = max(1, round(epochs * per_epoch))
    optimizer, scheduler = make_optimizer(model, config, total)
    order = torch.Generator().manual_seed(seed)
    model.train()
    step, epoch_loss, epoch_steps = 0, 0.0, 0
    while step < total:
        perm = torch.randperm(n, generator=order).to(x.device)
        epoch_loss, epoch_steps = 0.0, 0
        for start in range(0, min(per_epoch, total - step) * batch, batch):
            idx = perm[start:start + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx], label_smoothing=config.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            value = loss.item()
            if not math.isfinite(value):
                raise CandidateFailed(f"training loss became {value} at step {step + 1} of {total} "
                                      f"(lr={config.lr}); the network diverged")
            epoch_loss += value
            epoch_steps += 1
            step += 1
            if deadline is not None and time.perf_counter() > deadline:
                raise CandidateFailed(f"training exceeded timeout_seconds={config.timeout_seconds} "
                                      f"after {step} of {total} steps")
    return epoch_loss / epoch_steps


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """The logits of ``model`` (put in eval mode) on ``x``, computed ``batch_size`` rows at a time."""
    model.eval()
    return torch.cat([model(x[start:start + batch_size]) for start in range(0, len(x), batch_size)])


def accuracy_and_loss(logits: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Accuracy (a fraction in [0, 1]) and mean cross-entropy of ``logits`` against classes ``y``."""
    correct = int((logits.argmax(1) == y).sum())
    return correct / len(y), F.cross_entropy(logits, y).item()


def misclassified(logits: torch.Tensor, y: torch.Tensor) -> tuple[int, ...]:
    """Indices of the examples whose highest logit is not their class ``y``, ascending."""
    return tuple(torch.nonzero(logits.argmax(1) != y).flatten().tolist())


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1024) -> tuple[float, float]:
    """Accuracy (a fraction in [0, 1]) and mean cross-entropy of ``model`` on ``(x, y)``."""
    return accuracy_and_loss(predict(model, x, batch_size), y)


def resolve(task: Task | str, space: SearchSpace | str, config: TrainingConfig | None,
            task_seed: int, overrides: dict[str, Any]) -> tuple[Task, SearchSpace, TrainingConfig]:
    """Turn names into a task and a space, and apply keyword overrides to the config."""
    config = TrainingConfig() if config is None else config
    fields = {f.name for f in dataclasses.fields(TrainingConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise TypeError(f"unknown training option(s) {', '.join(unknown)}; valid choices: "
                        f"{', '.join(sorted(fields))}")
    config = dataclasses.replace(config, **overrides)
    task = TASKS.create(task, seed=task_seed) if isinstance(task, str) else task
    space = SPACES.create(space) if isinstance(space, str) else space
    return task, space, config


@ESTIMATORS.register("training", aliases=("train",))
class TrainingEstimator(Estimator):
    """Trains each candidate on the training split and scores it on the validation split.

    Weights and data order are seeded from ``config.seed`` and the architecture's
    string, so a repeat gives identical metrics on the CPU with the same thread
    count; on a GPU, cuDNN kernels may change the last digits of the losses.

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name) the architectures come from.
        config: How to train; ``TrainingConfig()`` by default.
        task_seed: Split seed used when ``task`` is a name.
        objective: The score: ``"accuracy"`` (validation accuracy, default),
            ``"loss"`` (minus the validation cross-entropy; both are always in the
            metrics) or ``"calibrated-loss"`` (minus the validation cross-entropy at
            the best temperature, added to the metrics as ``val_loss_calibrated``
            with ``val_temperature``).
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
                 *, task_seed: int = 0, objective: str = "accuracy", **overrides: Any) -> None:
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}; valid choices: {', '.join(OBJECTIVES)}")
        self.objective = objective
        self.task, self.space, self.config = resolve(task, space, config, task_seed, overrides)
        self._sizes: dict[Hashable, tuple[int, int]] = {}

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
        key = self.space.to_str(arch)
        device = torch.device(config.device)
        with torch_threads(config.threads):
            with seeded(derive_seed(config.seed, key)):
                model = build_network(self.space, arch, self.task.spec)
            if arch not in self._sizes:
                self._sizes[arch] = (count_params(model), count_flops(model, self.task.spec.input_shape))
            params, flops = self._sizes[arch]
            model.to(device)
            task = self.task
            train_loss = fit(model, task.x_train.to(device), task.y_train.to(device), config,
                             epochs=epochs, seed=derive_seed(config.seed, key, "data"), deadline=deadline)
            y_val = task.y_val.to(device)
            logits = predict(model, task.x_val.to(device), config.eval_batch_size)
            val_accuracy, val_loss = accuracy_and_loss(logits, y_val)
        if not math.isfinite(val_loss):
            raise CandidateFailed(f"validation loss is {val_loss}; the trained network is unusable")
        seconds = time.perf_counter() - started
        log.debug("%s: val_accuracy %.4f after %s epochs in %.2fs", key, val_accuracy, epochs, seconds)
        metrics = {"val_accuracy": val_accuracy, "val_loss": val_loss, "train_loss": train_loss,
                   "params": float(params), "flops": float(flops), "epochs": float(epochs)}
        if self.objective == "accuracy":
            score = val_accuracy
        elif self.objective == "loss":
            score = -val_loss
        else:
            metrics["val_loss_calibrated"], metrics["val_temperature"] = temperature_scaled_loss(logits, y_val)
            score = -metrics["val_loss_calibrated"]
        return Measurement(score=score, cost=seconds, metrics=metrics)

    def __repr__(self) -> str:
        return (f"TrainingEstimator(task={self.task.spec.name!r}, space={self.space.name!r}, "
                f"config={self.config!r})")
