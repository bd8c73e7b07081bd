"""The supernet interface: one module holding the weights of every network of a space.

A supernet runs one architecture at a time, its *path*: ``select(arch)`` chooses it,
``forward`` runs it, and ``subnet_state_dict(arch)`` returns the path's weights under
the names of the stand-alone network that the one builder (``naslib_mini.networks``)
builds for ``arch``, so ``build_network(...).load_state_dict(..., strict=True)`` gives
a network with the same outputs. ``recalibrate`` re-estimates the batch-norm statistics
of the selected path on training batches, as single-path one-shot NAS does before it
evaluates a path (Guo et al. 2020, Sec. 3.3): statistics gathered while training
random paths do not describe any one of them. Knows nothing about training loops,
estimators or strategies.
"""
from __future__ import annotations

import abc
from typing import Hashable, Iterator

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from naslib_mini.networks import Network, build_network
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import TaskSpec

__all__ = ["Supernet", "base_space"]


def base_space(space: SearchSpace) -> SearchSpace:
    """The space whose networks ``space`` builds: ``space`` itself, or the base of a ``SubsetSpace``."""
    while hasattr(space, "base") and isinstance(space.base, SearchSpace):
        space = space.base
    return space


class Supernet(nn.Module, abc.ABC):
    """Weights shared by every architecture of ``space`` on a task of ``spec``; runs one path at a time.

    Subclasses build their modules in ``__init__`` and implement ``select``,
    ``subnet_state_dict`` and ``forward``.
    """

    def __init__(self, space: SearchSpace, spec: TaskSpec) -> None:
        super().__init__()
        self.space, self.spec = space, spec

    @abc.abstractmethod
    def select(self, arch: Hashable) -> None:
        """Make ``forward`` run the sub-network of ``arch``."""

    @abc.abstractmethod
    def subnet_state_dict(self, arch: Hashable) -> dict[str, torch.Tensor]:
        """The weights and statistics of ``arch``'s path, named as in ``build_network``'s network (copies)."""

    def path_modules(self) -> Iterator[nn.Module]:
        """The modules whose settings (batch-norm momentum) govern the selected path's forward pass."""
        return self.modules()

    def subnet(self, arch: Hashable) -> Network:
        """The stand-alone network of ``arch`` (the one builder's), carrying the supernet's weights for it."""
        net = build_network(self.space, arch, self.spec)
        net.load_state_dict(self.subnet_state_dict(arch), strict=True)
        return net

    @torch.no_grad()
    def recalibrate(self, x: torch.Tensor, batch_size: int) -> None:
        """Reset every batch-norm statistic, then set the selected path's to their mean over ``x``.

        Runs the path in training mode on ``x`` in batches of ``batch_size``, with a
        cumulative average (``momentum=None``), so the result does not depend on what
        the supernet ran before. The training mode is restored afterwards.
        """
        if len(x) == 0 or batch_size < 1:
            raise ValueError(f"recalibration needs samples and a positive batch size, got {len(x)} "
                             f"samples and batch_size={batch_size!r}")
        for module in self.modules():
            if isinstance(module, _BatchNorm):
                module.reset_running_stats()
        norms = [m for m in self.path_modules() if isinstance(m, _BatchNorm)]
        momenta = [m.momentum for m in norms]
        was_training = self.training
        try:
            for m in norms:
                m.momentum = None
            self.train()
            for start in range(0, len(x), batch_size):
                self(x[start:start + batch_size])
        finally:
            for m, momentum in zip(norms, momenta):
                m.momentum = momentum
            self.train(was_training)
