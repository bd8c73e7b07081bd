"""DARTS and GDAS as architecture steps: what each does to alpha before a weight step, and how the weights see alpha.

Both alternate, as the papers do, one step on the architecture parameters (a batch of
the *validation* split, Adam) with one step on the network weights (a batch of the
training split, the one training loop ``routines.fit``):

* **DARTS** (Liu et al., ICLR 2019, Algorithm 1): the supernet's edges output the
  softmax(alpha)-weighted sum of every candidate. ``order=1`` uses the plain gradient
  of the validation loss (the unrolled step ignored, xi = 0); ``order=2`` the unrolled
  hypergradient with the finite-difference Hessian-vector product
  (``hypergradient.unrolled_hypergradient``), xi being the weights' learning rate at
  that step (as in the paper) unless ``xi`` is given. The unrolled step's training batch
  is drawn by the method's own generator (the authors reuse the next weight step's batch).
* **GDAS** (Dong & Yang, CVPR 2019): each forward pass draws one operation per edge by
  a hard Gumbel-softmax (``relaxation.gumbel_hard``), computes only it and passes the
  straight-through gradient to alpha; the temperature falls linearly from ``tau_max``
  to ``tau_min`` over the epochs.

The configs hold the options of a method (registered by name in ``METHODS``) and the
options every one-shot search shares: the architecture optimizer (Adam, lr 3e-4, betas
(0.5, 0.999), weight decay 1e-3 as in both papers), the per-epoch Hessian eigenvalue
(Zela et al. 2020) and its early stop (DARTS-ES). Knows nothing about histories or tasks.
"""
from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.one_shot.hypergradient import unrolled_hypergradient
from naslib_mini.one_shot.relaxation import ArchParameters, gdas_temperature, gumbel_hard, relax
from naslib_mini.registry import Registry

__all__ = ["METHODS", "DartsConfig", "GdasConfig", "OneShotConfig"]

#: One-shot methods by name: ``METHODS.create("darts", order=2)`` gives the method's config.
METHODS: Registry = Registry("one-shot method")

#: Draws a batch ``(x, y)`` of a split.
Batches = Callable[[], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class OneShotConfig(abc.ABC):
    """What every one-shot search shares.

    Attributes:
        arch_lr: Adam learning rate of alpha.
        arch_weight_decay: Adam weight decay of alpha.
        arch_betas: Adam betas of alpha.
        eigen_iterations: Power iterations (Hessian-vector products) for the epoch's dominant
            eigenvalue of the validation loss's Hessian w.r.t. alpha; 0 skips it.
        eigen_samples: Validation samples the eigenvalue's loss is computed on (the first ones).
        early_stop_window: ``k`` of DARTS-ES (Zela et al. 2020), or ``None`` for no early stop:
            stop at epoch ``i`` once the mean eigenvalue over epochs ``i-k+1..i`` exceeds
            ``early_stop_ratio`` times the mean over epochs ``i-2k+1..i-k``, and return the
            cell derived at epoch ``i-k``.
        early_stop_ratio: The growth that stops the search (the paper's 1 / 0.75).
        calibration_batches: Training batches on which the derived cell's batch norm is
            recalibrated before its validation accuracy is measured.
    """

    arch_lr: float = 3e-4
    arch_weight_decay: float = 1e-3
    arch_betas: tuple[float, float] = (0.5, 0.999)
    eigen_iterations: int = 10
    eigen_samples: int = 256
    early_stop_window: int | None = None
    early_stop_ratio: float = 4 / 3
    calibration_batches: int = 10

    name = "one-shot"

    def __post_init__(self) -> None:
        for field_name in ("arch_lr", "early_stop_ratio"):
            value = getattr(self, field_name)
            if not (isinstance(value, (int, float)) and value > 0 and math.isfinite(value)):
                raise ValueError(f"{field_name} must be a positive number, got {value!r}")
        if not self.arch_weight_decay >= 0:
            raise ValueError(f"arch_weight_decay must be >= 0, got {self.arch_weight_decay!r}")
        for field_name, low in (("eigen_iterations", 0), ("eigen_samples", 1), ("calibration_batches", 1)):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{field_name} must be an integer >= {low}, got {value!r}")
        window = self.early_stop_window
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
            raise ValueError(f"early_stop_window must be a positive integer or None, got {window!r}")
        if window is not None and self.eigen_iterations == 0:
            raise ValueError("early_stop_window needs the eigenvalue: set eigen_iterations >= 1")

    def arch_optimizer(self, arch: ArchParameters) -> torch.optim.Optimizer:
        return torch.optim.Adam(arch.parameters(), lr=self.arch_lr, betas=self.arch_betas,
                                weight_decay=self.arch_weight_decay)

    @abc.abstractmethod
    def arch_step(self, supernet: nn.Module, arch: ArchParameters, optimizer: torch.optim.Optimizer,
                  val: Batches, train: Batches, epoch: int, epochs: int, lr: float,
                  generator: torch.Generator) -> None:
        """One step on alpha (from a batch of ``val``), then set the supernet's edges for the next weight step."""

    def info(self, epoch: int, epochs: int) -> dict[str, float]:
        """Method state worth recording with the epoch's trial (GDAS: its temperature)."""
        return {}


def _loss(supernet: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    return F.cross_entropy(supernet(batch[0]), batch[1])


@METHODS.register("darts")
@dataclass(frozen=True)
class DartsConfig(OneShotConfig):
    """DARTS (Liu et al. 2019): ``order`` 1 (first-order) or 2 (unrolled), ``xi`` the unrolled step's rate.

    Example:
        >>> DartsConfig(order=2).name
        'darts-2'
        >>> DartsConfig(order=3)
        Traceback (most recent call last):
        ...
        ValueError: DARTS order must be 1 (first order) or 2 (unrolled, second order), got 3
    """

    order: int = 1
    xi: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.order not in (1, 2) or isinstance(self.order, bool):
            raise ValueError(f"DARTS order must be 1 (first order) or 2 (unrolled, second order), got {self.order!r}")
        if self.xi is not None and not (self.xi >= 0 and math.isfinite(self.xi)):
            raise ValueError(f"xi must be a finite number >= 0 or None (the weights' learning rate), got {self.xi!r}")

    @property
    def name(self) -> str:
        return f"darts-{self.order}"

    def arch_step(self, supernet, arch, optimizer, val, train, epoch, epochs, lr, generator) -> None:
        optimizer.zero_grad(set_to_none=True)
        val_batch = val()
        if self.order == 1:
            relax(supernet, arch.softmax())
            arch.alpha.grad = torch.autograd.grad(_loss(supernet, val_batch), [arch.alpha])[0]
        else:
            train_batch = train()

            def relaxed_loss(batch):
                relax(supernet, arch.softmax())
                return _loss(supernet, batch)

            weights = [p for p in supernet.parameters() if p.requires_grad]
            arch.alpha.grad = unrolled_hypergradient(lambda: relaxed_loss(train_batch), lambda: relaxed_loss(val_batch),
                                                     weights, [arch.alpha], lr if self.xi is None else self.xi)[0]
        optimizer.step()
        relax(supernet, arch.softmax().detach())


@METHODS.register("gdas")
@dataclass(frozen=True)
class GdasConfig(OneShotConfig):
    """GDAS (Dong & Yang 2019): hard Gumbel-softmax samples, temperature linear from ``tau_max`` to ``tau_min``.

    Example:
        >>> [round(GdasConfig().info(epoch, 5)["tau"], 3) for epoch in range(5)]
        [10.0, 7.525, 5.05, 2.575, 0.1]
    """

    tau_max: float = 10.0
    tau_min: float = 0.1

    name = "gdas"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.tau_min <= self.tau_max < math.inf:
            raise ValueError(f"GDAS needs 0 < tau_min <= tau_max < inf, got tau_min={self.tau_min!r}, "
                             f"tau_max={self.tau_max!r}")

    def tau(self, epoch: int, epochs: int) -> float:
        return gdas_temperature(epoch, epochs, self.tau_max, self.tau_min)

    def info(self, epoch: int, epochs: int) -> dict[str, float]:
        return {"tau": self.tau(epoch, epochs)}

    def arch_step(self, supernet, arch, optimizer, val, train, epoch, epochs, lr, generator) -> None:
        tau = self.tau(epoch, epochs)
        optimizer.zero_grad(set_to_none=True)
        weights, index = gumbel_hard(arch.alpha, tau, generator)
        relax(supernet, weights, index)
        arch.alpha.grad = torch.autograd.grad(_loss(supernet, val()), [arch.alpha])[0]
        optimizer.step()
        weights, index = gumbel_hard(arch.alpha.detach(), tau, generator)
        relax(supernet, weights, index)
