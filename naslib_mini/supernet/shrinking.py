"""Progressive shrinking: how Once-for-All trains its elastic supernet (Cai et al. 2020, Sec. 3.2).

The largest network is trained first; then, phase by phase, smaller sub-networks join the
ones sampled at each step, in the paper's order: elastic kernel, then elastic depth (the
deepest two depths, then all), then elastic width (the widest two expansion ratios, then
all; the hidden channels are sorted by importance as each width phase begins,
``ElasticSupernet.sort_channels``). In every phase after the first, the largest network,
frozen after the first phase, is the knowledge-distillation teacher: the loss is the
cross-entropy with the labels plus ``kd_ratio`` times the cross-entropy with the teacher's
soft targets (Hinton et al. 2015; the paper's ``kd_ratio`` is 1).

Each phase is one call of the training routine ``fit``: the sub-network of each step is
sampled in its ``on_batch_start`` hook (every dimension uniform over the phase's choices) and
the distillation enters through its ``loss`` hook, so there is no second training loop.
``inherited_accuracy`` scores a sub-network with the weights it inherits, after the
supernet's batch-norm recalibration (``Supernet.recalibrate``). Knows nothing about search.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.estimators.routines import TrainingConfig, evaluate, fit, torch_threads
from naslib_mini.spaces.elastic import ElasticArch
from naslib_mini.supernet.elastic import ElasticSupernet

__all__ = ["Phase", "PhaseRecord", "distillation_loss", "inherited_accuracy", "paper_schedule",
           "progressive_shrinking"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Phase:
    """One phase of progressive shrinking: the choices sampled, for how long, at what learning rate.

    Attributes:
        name: ``"full"``, ``"kernel"``, ``"depth"`` or ``"width"`` (a phase may repeat a name).
        epochs: Epochs of the phase (``fit``'s ``epochs``).
        kernels, depths, expansions: The values each dimension is sampled from.
        lr: Peak learning rate of the phase (cosine decay within it).
        sort_channels: Sort the hidden channels by importance before the phase.
    """

    name: str
    epochs: float
    kernels: tuple[int, ...]
    depths: tuple[int, ...]
    expansions: tuple[int, ...]
    lr: float
    sort_channels: bool = False

    def __post_init__(self) -> None:
        if not self.epochs > 0:
            raise ValueError(f"phase {self.name!r}: epochs must be positive, got {self.epochs!r}")
        if not self.lr > 0:
            raise ValueError(f"phase {self.name!r}: lr must be positive, got {self.lr!r}")


@dataclass(frozen=True)
class PhaseRecord:
    """What one phase cost: its name, epochs, CPU seconds of this process and the last epoch's mean loss."""

    name: str
    epochs: float
    seconds: float
    loss: float


def paper_schedule(space, *, full_epochs: float = 10, epochs: float = 5, lr: float = 0.1,
                   shrink_lr: float = 0.03) -> tuple[Phase, ...]:
    """The paper's schedule over ``space``'s choices: full, kernel, depth (2 steps), width (2 steps).

    ``full_epochs`` train the largest network at ``lr``; every later phase runs ``epochs`` at
    ``shrink_lr`` (the paper fine-tunes the shrinking phases at lower rates than the full network).

    Example:
        >>> from naslib_mini.spaces.elastic import ElasticSpace
        >>> [(p.name, p.kernels, p.depths, p.expansions) for p in paper_schedule(ElasticSpace())][::2]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('full', (7,), (4,), (6,)), ('depth', (3, 5, 7), (3, 4), (6,)),
         ('width', (3, 5, 7), (2, 3, 4), (4, 6))]
    """
    c = space.config
    k, d, e = c.kernels, c.depths, c.expansions
    return (Phase("full", full_epochs, k[-1:], d[-1:], e[-1:], lr),
            Phase("kernel", epochs, k, d[-1:], e[-1:], shrink_lr),
            Phase("depth", epochs, k, d[-2:], e[-1:], shrink_lr),
            Phase("depth", epochs, k, d, e[-1:], shrink_lr),
            Phase("width", epochs, k, d, e[-2:], shrink_lr, sort_channels=True),
            Phase("width", epochs, k, d, e, shrink_lr, sort_channels=True))


def distillation_loss(teacher: nn.Module, kd_ratio: float = 1.0,
                      temperature: float = 1.0) -> Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]:
    """``fit``'s loss hook: cross-entropy with the labels plus ``kd_ratio`` times the soft cross-entropy
    with ``teacher``'s softened outputs (scaled by ``temperature**2``, Hinton et al. 2015).

    Example:
        >>> teacher = nn.Linear(3, 2)
        >>> loss = distillation_loss(teacher, kd_ratio=0.0)
        >>> x, y = torch.ones(4, 3), torch.tensor([0, 1, 0, 1])
        >>> bool(torch.isclose(loss(teacher(x), x, y), F.cross_entropy(teacher(x), y)))
        True
    """
    if not kd_ratio >= 0 or not temperature > 0:
        raise ValueError(f"need kd_ratio >= 0 and temperature > 0, got {kd_ratio!r}, {temperature!r}")

    def loss(logits: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        hard = F.cross_entropy(logits, y)
        if kd_ratio == 0:
            return hard
        with torch.no_grad():
            soft = F.softmax(teacher(x) / temperature, dim=1)
        kd = -(soft * F.log_softmax(logits / temperature, dim=1)).sum(1).mean() * temperature ** 2
        return hard + kd_ratio * kd

    return loss


def progressive_shrinking(supernet: ElasticSupernet, x: torch.Tensor, y: torch.Tensor, config: TrainingConfig,
                          schedule: Sequence[Phase], *, seed: int = 0, kd_ratio: float = 1.0,
                          temperature: float = 1.0,
                          on_phase_end: Callable[[PhaseRecord, ElasticSupernet], None] | None = None,
                          ) -> list[PhaseRecord]:
    """Train ``supernet`` in place on ``(x, y)`` through the phases of ``schedule``.

    Args:
        supernet: The elastic supernet.
        x, y: Training inputs and classes.
        config: The training recipe (optimizer, batch size, threads); each phase overrides its
            learning rate.
        schedule: The phases (``paper_schedule``); the first trains without a teacher and, if it
            trains only the largest network, becomes the teacher of every later phase.
        seed: Seed of the sampled sub-networks and of each phase's data order.
        kd_ratio, temperature: The distillation loss (``distillation_loss``); ``kd_ratio=0`` trains
            on the labels alone.
        on_phase_end: Called with each phase's record and the supernet.

    Returns:
        One ``PhaseRecord`` per phase.
    """
    if not schedule:
        raise ValueError("progressive shrinking needs at least one phase")
    space, rng = supernet.space, np.random.default_rng(seed)
    teacher: nn.Module | None = None
    records = []
    with torch_threads(config.threads):
        for index, phase in enumerate(schedule):
            for name, values in (("kernels", phase.kernels), ("depths", phase.depths),
                                 ("expansions", phase.expansions)):
                allowed = getattr(space.config, name)
                if not values or not set(values) <= set(allowed):
                    raise ValueError(f"phase {phase.name!r}: {name} {values!r} must be among {allowed!r}")
            if phase.sort_channels:
                supernet.sort_channels()

            def sample(step: int, model: ElasticSupernet, phase: Phase = phase) -> None:
                model.select(space.sample_elastic(rng, phase.kernels, phase.depths, phase.expansions))

            loss = distillation_loss(teacher, kd_ratio, temperature) if teacher is not None else None
            started = time.process_time()
            final = fit(supernet, x, y, replace(config, lr=phase.lr), epochs=phase.epochs,
                        seed=seed * 1000 + index, on_batch_start=sample, loss=loss)
            record = PhaseRecord(phase.name, phase.epochs, time.process_time() - started, final)
            log.info("phase %d (%s): %.1f epochs, %.1f CPU s, loss %.4f", index, phase.name, phase.epochs,
                     record.seconds, final)
            records.append(record)
            largest_only = all(len(values) == 1 for values in (phase.kernels, phase.depths, phase.expansions))
            if index == 0 and kd_ratio > 0 and largest_only and space.largest() == _largest_of(space, phase):
                teacher = supernet.extract(space.largest()).eval().requires_grad_(False)
            if on_phase_end is not None:
                on_phase_end(record, supernet)
    return records


def _largest_of(space, phase: Phase) -> ElasticArch:
    """The largest sub-network a phase samples."""
    return ElasticArch(((phase.kernels[-1], phase.expansions[-1]),) * max(phase.depths)
                       for _ in range(space.num_stages))


def inherited_accuracy(supernet: ElasticSupernet, arch: ElasticArch, x_calib: torch.Tensor,
                       x: torch.Tensor, y: torch.Tensor, *, batch_size: int = 256) -> float:
    """Accuracy (a fraction) of ``arch`` on ``(x, y)`` with inherited weights, after recalibrating its
    batch-norm statistics on ``x_calib`` (training inputs). The supernet's statistics are reset.

    Example:
        >>> import naslib_mini as nm
        >>> from naslib_mini.spaces.elastic import ElasticSpace
        >>> space = ElasticSpace(stage_channels=(4,), stage_strides=(1,), depths=(1,))
        >>> supernet = ElasticSupernet(space, nm.TaskSpec("toy", (1, 8), 2))
        >>> x, y = torch.randn(16, 1, 8), torch.arange(16) % 2
        >>> 0 <= inherited_accuracy(supernet, space.largest(), x, x, y) <= 1
        True
    """
    supernet.select(arch)
    supernet.recalibrate(x_calib, batch_size)
    return evaluate(supernet, x, y)[0]
