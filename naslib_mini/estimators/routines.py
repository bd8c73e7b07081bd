"""Training routines: train a network on tensors, predict, evaluate; thread and seed control.

What every estimator and final training share: ``TrainingConfig`` (how a network is
trained), ``fit`` (the lean loop: full tensors in memory, a seeded permutation per
epoch, no DataLoader, so its overhead over a hand-written loop stays small:
``benchmarks/estimator_overhead.py``), ``predict``/``evaluate``/``accuracy_and_loss``/
``misclassified``, and the ``torch_threads``/``seeded`` context managers. Plain
functions over an ``nn.Module`` and tensors: knows nothing about search spaces, tasks,
strategies or scores.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.estimators.base import CandidateFailed

__all__ = ["OPTIMIZERS", "SCHEDULES", "BatchHook", "EpochHook", "LossHook", "TrainingConfig", "accuracy_and_loss", "configure",
           "evaluate", "fit", "make_optimizer", "misclassified", "predict", "seeded", "torch_threads"]

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("cosine", "onecycle", "constant")

#: Called by ``fit`` after each complete epoch with the epoch's number (from 1) and the
#: model; a true return value stops training there.
EpochHook = Callable[[int, nn.Module], bool]

#: Called by ``fit`` before each training step with the step's number (from 0) and the model:
#: single-path one-shot training samples the supernet's path for the batch here (Guo et al. 2020).
BatchHook = Callable[[int, nn.Module], None]

#: Called by ``fit`` for each training step's loss with the model's outputs, the batch's inputs and its
#: targets: knowledge distillation adds a teacher's soft targets here (Hinton et al. 2015; Cai et al. 2020);
#: a detector's targets are packed heatmaps and boxes (``naslib_mini.detection.centernet_training_loss``).
LossHook = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


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
        epochs: float, seed: int, deadline: float | None = None,
        on_epoch_end: EpochHook | None = None, on_batch_start: BatchHook | None = None,
        loss: LossHook | None = None) -> float:
    """Train ``model`` in place on ``(x, y)`` (already on the model's device).

    ``epochs`` may be fractional: training runs ``round(epochs * batches_per_epoch)``
    steps. Raises ``CandidateFailed`` if the loss stops being finite or
    ``time.perf_counter()`` passes ``deadline`` (checked between batches).

    ``on_epoch_end(epoch, model)``, if given, is called after every complete epoch
    (``epoch`` counts from 1; a final partial epoch of fractional ``epochs`` is not
    reported); if it returns true, training stops there. The hook may evaluate the model
    (the model is put back in training mode after it); it must not change the weights.
    The learning-rate schedule still spans ``epochs``, so a run that is never stopped is
    the same with or without a hook.

    ``on_batch_start(step, model)``, if given, is called before every training step
    (``step`` counts from 0); a supernet uses it to select the path the batch trains.

    ``loss(outputs, x_batch, y_batch)``, if given, replaces the cross-entropy (with the
    config's label smoothing) as the training loss; ``y`` is then any tensor indexed by
    example, such as a CenterNet detector's packed targets.

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
            if on_batch_start is not None:
                on_batch_start(step, model)
            inputs = x[idx]
            logits = model(inputs)
            if loss is None:
                batch_loss = F.cross_entropy(logits, y[idx], label_smoothing=config.label_smoothing)
            else:
                batch_loss = loss(logits, inputs, y[idx])
            optimizer.zero_grad(set_to_none=True)
            batch_loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            value = batch_loss.item()
            if not math.isfinite(value):
                raise CandidateFailed(f"training loss became {value} at step {step + 1} of {total} "
                                      f"(lr={config.lr}); the network diverged")
            epoch_loss += value
            epoch_steps += 1
            step += 1
            if deadline is not None and time.perf_counter() > deadline:
                raise CandidateFailed(f"training exceeded timeout_seconds={config.timeout_seconds} "
                                      f"after {step} of {total} steps")
        if on_epoch_end is not None and epoch_steps == per_epoch:
            stop = on_epoch_end(step // per_epoch, model)
            model.train()
            if stop:
                break
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


def configure(config: TrainingConfig | None, overrides: dict[str, Any]) -> TrainingConfig:
    """``config`` (``TrainingConfig()`` if ``None``) with the keyword ``overrides`` applied.

    Example:
        >>> configure(None, {"epochs": 3}).epochs
        3

    Raises:
        TypeError: An override is not a ``TrainingConfig`` field (the message lists the fields).
        ValueError: An overridden value is invalid (``TrainingConfig`` checks it).
    """
    config = TrainingConfig() if config is None else config
    fields = {f.name for f in dataclasses.fields(TrainingConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise TypeError(f"unknown training option(s) {', '.join(unknown)}; valid choices: "
                        f"{', '.join(sorted(fields))}")
    return dataclasses.replace(config, **overrides)
