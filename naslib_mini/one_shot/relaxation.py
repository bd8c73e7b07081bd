"""The continuous relaxation of the NAS-Bench-201 cell: architecture parameters and how they weigh edges.

``ArchParameters`` holds the one place where the architecture parameters live: alpha,
one row per cell edge and one column per candidate operation (6 x 5 for NB201), shared
by every cell of the supernet, as in DARTS (Liu et al. 2019, Sec. 2.2). From alpha come

* the DARTS weights ``softmax(alpha)`` (eq. 2), a weighted sum over all candidates;
* a GDAS sample (Dong & Yang 2019, eq. 3-5): a Gumbel-softmax at temperature ``tau``
  whose forward value is the one-hot of its argmax and whose backward pass is the
  softmax's (straight-through), with ``tau`` annealed linearly from ``tau_max`` to
  ``tau_min`` over the search (``gdas_temperature``);
* the derived cell (``derive``): per edge the argmax of alpha over **all** candidates.
  This is NAS-Bench-201's convention (Dong & Yang 2020, which keeps ``none`` as a
  candidate); the original DARTS derivation excludes ``none`` from the argmax (and keeps
  the two strongest inputs per node, which NB201's fixed cell does not need).

``relax`` and ``discretize`` put the supernet's ``MixedOp`` edges (``spaces/mixed_op.py``)
into a weighted mode or back to running one chosen path. ``parameter_free_share`` reads
from the operations table which candidates have no weights. Knows nothing about
training, losses or the search loop.
"""
from __future__ import annotations

from typing import Hashable

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.spaces.mixed_op import MixedOp
from naslib_mini.spaces.nb201_cell import N_EDGES, N_OPS, OP_NAMES, TABLE_OPS, NB201Arch
from naslib_mini.spaces.nb201_network import NB201Cell

__all__ = ["ArchParameters", "derive", "discretize", "gdas_temperature", "gumbel_hard", "parameter_free_share",
           "relax"]


class ArchParameters(nn.Module):
    """The architecture parameters alpha of the NB201 cell: ``(6 edges, 5 operations)``.

    Kept out of the supernet module on purpose, so the weight optimizer (which takes the
    supernet's ``parameters()``) never updates alpha and the architecture optimizer never
    updates the weights (the bilevel split of DARTS, eq. 3-4).

    Args:
        generator: Draws the initial alpha as ``1e-3 * N(0, 1)``, as the DARTS code does.

    Example:
        >>> alpha = ArchParameters(torch.Generator().manual_seed(0))
        >>> tuple(alpha.softmax().shape), bool(torch.allclose(alpha.softmax().sum(1), torch.ones(6)))
        ((6, 5), True)
    """

    def __init__(self, generator: torch.Generator) -> None:
        super().__init__()
        self.alpha = nn.Parameter(1e-3 * torch.randn(N_EDGES, N_OPS, generator=generator))

    def softmax(self) -> torch.Tensor:
        """The DARTS weights: softmax of alpha over each edge's candidates (differentiable)."""
        return F.softmax(self.alpha, dim=-1)

    def derive(self) -> NB201Arch:
        """The derived cell: per edge the operation of the largest alpha (``derive``)."""
        return derive(self.alpha.detach())


def derive(alpha: torch.Tensor) -> NB201Arch:
    """The cell whose edge ``e`` carries the candidate of the largest ``alpha[e]``, ``none`` included.

    NAS-Bench-201's convention (argmax over all operations); DARTS' own derivation would
    exclude ``none``. Ties go to the first candidate in ``OP_NAMES`` order.

    Raises:
        ValueError: ``alpha`` is not of shape (6, 5).

    Example:
        >>> a = torch.zeros(6, 5); a[:, 3] = 1.0; a[0, 0] = 2.0
        >>> derive(a).ops[:2]
        ('none', 'nor_conv_3x3')
    """
    if tuple(alpha.shape) != (N_EDGES, N_OPS):
        raise ValueError(f"alpha must have shape ({N_EDGES}, {N_OPS}) (edges, operations), got {tuple(alpha.shape)}")
    return NB201Arch(tuple(OP_NAMES[int(k)] for k in alpha.argmax(dim=-1)))


def parameter_free_share(arch: NB201Arch) -> float:
    """The fraction of the cell's edges whose operation has no weights (``none``, skip, pooling).

    Read from the operations table's ``has_weights``, the quantity DARTS' collapse drives up
    (Zela et al. 2020; Chen & Hsieh 2020).

    Example:
        >>> parameter_free_share(NB201Arch(("none", "skip_connect", "avg_pool_3x3") + ("nor_conv_3x3",) * 3))
        0.5
    """
    return sum(not TABLE_OPS[op].has_weights for op in arch.ops) / len(arch.ops)


def gumbel_hard(alpha: torch.Tensor, tau: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """A GDAS sample per edge: one-hot forward, straight-through Gumbel-softmax backward.

    Returns ``(weights, index)``: ``weights`` equals the one-hot of ``index`` in value, and
    its gradient is that of ``softmax((log_softmax(alpha) + g) / tau)`` with Gumbel noise
    ``g`` drawn from ``generator``.

    Raises:
        ValueError: ``tau`` is not a positive number.

    Example:
        >>> a = torch.zeros(6, 5, requires_grad=True)
        >>> w, index = gumbel_hard(a, 1.0, torch.Generator().manual_seed(0))
        >>> bool((w.sum(1) == 1).all()), bool((w.max(1).values == 1).all())
        (True, True)
    """
    if not tau > 0:
        raise ValueError(f"the Gumbel-softmax temperature tau must be positive, got {tau!r}")
    gumbel = -torch.empty(alpha.shape).exponential_(generator=generator).log().to(alpha.device)
    soft = F.softmax((F.log_softmax(alpha, dim=-1) + gumbel) / tau, dim=-1)
    index = soft.detach().argmax(dim=-1)
    hard = F.one_hot(index, alpha.shape[-1]).to(soft.dtype)
    return hard - soft.detach() + soft, index


def gdas_temperature(epoch: int, epochs: int, tau_max: float = 10.0, tau_min: float = 0.1) -> float:
    """GDAS's temperature at ``epoch`` (from 0): linear from ``tau_max`` to ``tau_min`` over ``epochs``.

    Example:
        >>> [round(gdas_temperature(e, 3), 2) for e in range(3)]
        [10.0, 5.05, 0.1]
    """
    if epochs <= 1:
        return tau_max
    return tau_max - (tau_max - tau_min) * epoch / (epochs - 1)


def _edges(supernet: nn.Module):
    for cell in supernet.modules():
        if isinstance(cell, NB201Cell):
            yield from ((e, op) for e, op in enumerate(cell.ops) if isinstance(op, MixedOp))


def relax(supernet: nn.Module, weights: torch.Tensor, sample: torch.Tensor | None = None) -> None:
    """Make every cell's edge ``e`` output the weighted sum with ``weights[e]`` (GDAS: only ``sample[e]`` computed).

    Every cell shares the weights, as every cell shares the architecture.
    """
    for e, op in _edges(supernet):
        op.weights = weights[e]
        op.sample = None if sample is None else int(sample[e])


def discretize(supernet: nn.Module, arch: Hashable) -> None:
    """Back to single-path mode: every edge runs its operation in ``arch`` (``supernet.select``)."""
    for _, op in _edges(supernet):
        op.weights, op.sample = None, None
    supernet.select(arch)
