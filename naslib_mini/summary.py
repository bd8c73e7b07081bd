"""A readable summary of the network an architecture builds: shapes, parameters, FLOPs.

Used by notebooks and the architecture-composer widget. Builds through the one
builder (``naslib_mini.networks``); knows nothing about search.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

import torch

from naslib_mini.networks import build_network, count_flops, count_params
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import TaskSpec

__all__ = ["NetworkSummary", "summarize"]


@dataclass(frozen=True)
class NetworkSummary:
    """Per-block output shapes and parameters, and totals for the whole network.

    Attributes:
        rows: ``(block name, output shape without batch, parameters)`` per block, in order.
        params: Trainable parameters of the network.
        flops: FLOPs of one forward pass on one input.
    """

    rows: tuple[tuple[str, tuple[int, ...], int], ...]
    params: int
    flops: int

    def to_frame(self):
        """The rows as a pandas table."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=["block", "output shape", "params"])

    def __str__(self) -> str:
        width = max([12] + [len(name) for name, _, _ in self.rows])
        lines = [f"{name:<{width}} {str(shape):<18} {params:>10,}" for name, shape, params in self.rows]
        lines.append(f"{'total':<{width}} {'':<18} {self.params:>10,}   FLOPs {self.flops:,}")
        return "\n".join(lines)


def summarize(space: SearchSpace, arch: Hashable, spec: TaskSpec) -> NetworkSummary:
    """Summarise the network of ``arch`` on a task: the stem, each block of the body, the head.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> s = summarize(space, space.from_index(0), nm.TaskSpec("toy", (1, 8, 8), 10))
        >>> s.rows[0][:2], s.params == sum(r[2] for r in s.rows)
        (('stem', (4, 8, 8)), True)
    """
    net = build_network(space, arch, spec)
    blocks = [("stem", net.stem)]
    for name, module in net.body.named_children():
        if isinstance(module, torch.nn.ModuleList):  # a chain's layers: one row each
            blocks += [(f"body.{name}.{index}", layer) for index, layer in module.named_children()]
        else:
            blocks.append((f"body.{name}", module))
    blocks.append(("head", net.head))
    shapes: dict[str, tuple[int, ...]] = {}
    hooks = [module.register_forward_hook(
        lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:])))
        for name, module in blocks]
    net.eval()
    with torch.no_grad():
        net(torch.zeros(1, *spec.input_shape))
    for hook in hooks:
        hook.remove()
    rows = tuple((name, shapes.get(name, ()), count_params(module)) for name, module in blocks
                 if name in shapes or count_params(module))
    return NetworkSummary(rows, count_params(net), count_flops(net, spec.input_shape))
