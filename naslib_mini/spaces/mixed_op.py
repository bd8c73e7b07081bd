"""The mixed operation of a supernet edge: every candidate operation, one of them chosen.

A ``MixedOp`` holds one module per candidate ``Operation`` of the one table
(``spaces/ops.py``), each built exactly as a stand-alone network builds it, so a
sub-network's edge *is* the chosen candidate and its weights copy over unchanged.
Single-path one-shot training (SPOS, Guo et al. 2020) runs one candidate per
forward pass (``chosen``). The continuous relaxations set ``weights`` (one per
candidate) instead: DARTS (Liu et al. 2019, eq. 2) outputs the weighted sum over
``candidates`` of softmax(alpha); GDAS (Dong & Yang 2019, eq. 5) also sets ``sample``,
the candidate drawn by a hard Gumbel-softmax, and computes only that one: the others
contribute their weight, which is zero in value but carries the straight-through
gradient to every architecture parameter, as in the authors' code. The weights come
from ``naslib_mini.one_shot.relaxation``. Knows nothing about spaces, architectures
or training.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from naslib_mini.spaces.ops import Operation

__all__ = ["MixedOp"]


class MixedOp(nn.Module):
    """Every candidate operation of one edge; ``forward`` runs the ``chosen`` one.

    Args:
        operations: The candidates, in the order of the edge's decision choices.
        c_in, c_out, stride, ndim: What each candidate is built for (``Operation.build``).

    Attributes:
        candidates: One module per operation; ``candidates[k]`` has the state of the
            stand-alone edge whose operation is ``operations[k]``.
        chosen: Index of the candidate ``forward`` runs (``None`` until a path is selected).
        weights: ``None`` (run ``chosen``), or one weight per candidate (a 1-D tensor): the
            output is their weighted sum, which may carry gradients to the weights.
        sample: With ``weights``, ``None`` for the full weighted sum, or the index of the
            only candidate to compute (GDAS's hard sample; the other terms are their weights).

    Example:
        >>> from naslib_mini.spaces.ops import OPS
        >>> edge = MixedOp([OPS["conv3x3"], OPS["identity"]], 4, 4, 1, ndim=1)
        >>> edge.chosen = 1
        >>> x = torch.randn(2, 4, 6)
        >>> bool(torch.equal(edge(x), x))
        True
    """

    def __init__(self, operations: Sequence[Operation], c_in: int, c_out: int, stride: int, ndim: int) -> None:
        super().__init__()
        if not operations:
            raise ValueError("a mixed operation needs at least one candidate operation")
        self.operations = tuple(operations)
        self.candidates = nn.ModuleList(op.build(c_in, c_out, stride, ndim) for op in self.operations)
        self.chosen: int | None = None
        self.weights: torch.Tensor | None = None
        self.sample: int | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.weights is not None:
            if self.sample is None:
                return sum(w * op(x) for w, op in zip(self.weights, self.candidates))
            return sum(w * op(x) if k == self.sample else w for k, (w, op) in
                       enumerate(zip(self.weights, self.candidates)))
        if self.chosen is None:
            raise RuntimeError("no path selected: call the supernet's select(arch) before running it")
        return self.candidates[self.chosen](x)

    def extra_repr(self) -> str:
        mode = "chosen" if self.weights is None else ("sampled" if self.sample is not None else "weighted")
        return f"chosen={self.chosen}, mode={mode}"
