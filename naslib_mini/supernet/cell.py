"""The NAS-Bench-201 supernet: the benchmark's network with every operation on every edge.

Built by the same code as the stand-alone networks: the stem and head of the one
builder (``naslib_mini.networks``) and the ``NB201Body`` of ``spaces/nb201_network.py``,
whose cells receive, on each of the 6 edges, all 5 operations of the table as a
``MixedOp`` (Guo et al. 2020, SPOS; the same supernet DARTS relaxes, Liu et al. 2019).
Every cell of the network shares the architecture, as in the benchmark, but each cell
has its own weights. The stem, the residual reductions, the last batch norm and the
head are shared by every path. The stand-alone network of a cell is the supernet with
each ``MixedOp`` replaced by its chosen candidate, so ``subnet_state_dict`` renames
``...ops.<edge>.candidates.<choice>.<rest>`` to ``...ops.<edge>.<rest>`` and drops the
other candidates. Works in 1D, 2D and 3D (the task spec decides). Knows nothing about
training or scores.
"""
from __future__ import annotations

from typing import Hashable

import torch

from naslib_mini.networks import build_head, build_stem
from naslib_mini.spaces.mixed_op import MixedOp
from naslib_mini.spaces.nb201 import NB201Space
from naslib_mini.spaces.nb201_cell import EDGES, OP_NAMES, TABLE_OPS
from naslib_mini.spaces.nb201_network import NB201Body, NB201Cell
from naslib_mini.supernet.base import Supernet, base_space
from naslib_mini.tasks.base import TaskSpec

__all__ = ["CellSupernet"]

_CANDIDATES = ".candidates."


class CellSupernet(Supernet):
    """The SPOS supernet of the NAS-Bench-201 cell space (``NB201Space`` or a subset of it).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> supernet = CellSupernet(space, nm.TaskSpec("toy", (1, 12), 3))
        >>> arch = space.sample(nm.default_rng(0))
        >>> supernet.select(arch)
        >>> tuple(supernet(torch.zeros(2, 1, 12)).shape)
        (2, 3)
        >>> net = supernet.subnet(arch).eval()
        >>> bool(torch.allclose(net(torch.ones(2, 1, 12)), supernet.eval()(torch.ones(2, 1, 12))))
        True
    """

    def __init__(self, space: NB201Space, spec: TaskSpec) -> None:
        super().__init__(space, spec)
        base = base_space(space)
        if not isinstance(base, NB201Space):
            raise TypeError(f"CellSupernet needs an NB201Space, got {space!r}")
        candidates = tuple(TABLE_OPS[name] for name in OP_NAMES)  # choice k of an edge is candidates[k]
        self.stem = build_stem(spec, base.stem_channels)
        self.body = NB201Body([(i, j, candidates) for i, j in EDGES], base.stem_channels, base.cells_per_stage,
                              spec.ndim)
        self.head = build_head(spec, self.body.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(self.stem(x)))

    def select(self, arch: Hashable) -> None:
        choices = self.space.to_decisions(arch)  # one operation index per edge, in EDGES order
        for cell in self.body:
            if isinstance(cell, NB201Cell):
                for edge, choice in zip(cell.ops, choices):
                    edge.chosen = int(choice)

    def subnet_state_dict(self, arch: Hashable) -> dict[str, torch.Tensor]:
        self.select(arch)
        chosen = {name: module.chosen for name, module in self.named_modules() if isinstance(module, MixedOp)}
        state = {}
        for key, value in self.state_dict().items():
            edge, found, rest = key.partition(_CANDIDATES)
            if not found:
                state[key] = value.clone()
                continue
            index, _, name = rest.partition(".")
            if int(index) == chosen[edge]:
                state[f"{edge}.{name}"] = value.clone()
        return state
