"""The NAS-Bench-201 network body: three stages of cells joined by residual reductions.

Follows the benchmark's ``TinyNetwork``/``InferCell`` (Dong & Yang, ICLR 2020,
Figure 1): stages of ``N`` cells at ``C``, ``2C`` and ``4C`` channels, a
ResNet basic block with stride 2 between stages, and the final batch norm and
ReLU (``lastact``). The stem (3x3 convolution + batch norm) and the head
(global average pooling + linear classifier) come from the one builder in
``naslib_mini.networks``. Every edge operation is built from the one
operations table, which uses the benchmark's parameterisation: ReLU-Conv-BN
without bias, 3x3 average pooling with ``count_include_pad=False``, identity
and zero. Works on 1D, 2D and 3D inputs. Knows nothing about operation names,
strings or scores: the space hands it ``(from, to, Operation)`` edges. An edge
that carries a tuple of operations becomes a ``MixedOp`` of all of them, so the
supernet of ``naslib_mini.supernet`` is this same body, cell and reduction code.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from naslib_mini.spaces.mixed_op import MixedOp
from naslib_mini.spaces.ops import OPS, Operation, batch_norm, conv

__all__ = ["NB201Body", "NB201Cell", "ResidualReduction"]

#: A cell edge: (from node, to node, operation), or a tuple of candidate operations for a supernet.
Edge = tuple[int, int, "Operation | tuple[Operation, ...]"]

_AVG_POOL = (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)


class NB201Cell(nn.Module):
    """A DAG cell: node 0 is the input, node ``j`` sums ``op(node i)`` over its edges ``i -> j``.

    Args:
        edges: ``(from, to, operation)`` triples with ``from < to``; the last node is the output.
            A tuple of operations in place of one makes the edge a ``MixedOp`` (a supernet edge).
        channels: Channels of every node (edges keep the channels and the resolution).
        ndim: Spatial dimensions of the input (1, 2 or 3).

    Example:
        >>> cell = NB201Cell([(0, 1, OPS["conv3x3"]), (0, 2, OPS["identity"]), (1, 2, OPS["zero"])], 4, 1)
        >>> tuple(cell(torch.zeros(2, 4, 10)).shape)
        (2, 4, 10)
    """

    def __init__(self, edges: Sequence[Edge], channels: int, ndim: int) -> None:
        super().__init__()
        for source, target, _ in edges:
            if not 0 <= source < target:
                raise ValueError(f"cell edges must go from a lower to a higher node, got {source}->{target}")
        self.edges = tuple((source, target) for source, target, _ in edges)
        self.num_nodes = max(target for _, target in self.edges) + 1
        self.ops = nn.ModuleList(op.build(channels, channels, 1, ndim) if isinstance(op, Operation)
                                 else MixedOp(op, channels, channels, 1, ndim) for _, _, op in edges)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x] + [None] * (self.num_nodes - 1)
        for (source, target), op in zip(self.edges, self.ops):
            out = op(nodes[source])
            nodes[target] = out if nodes[target] is None else nodes[target] + out
        return nodes[-1]


class ResidualReduction(nn.Module):
    """The benchmark's ``ResNetBasicblock`` with stride 2, from ``c_in`` to ``c_out`` channels.

    ReLU-Conv3x3(stride 2)-BN, ReLU-Conv3x3-BN, plus a shortcut of 2x2 average
    pooling and a 1x1 convolution without bias. The shortcut pools with
    ``ceil_mode=True`` so odd sizes match the strided convolution (identical to
    the benchmark on even sizes).
    """

    def __init__(self, c_in: int, c_out: int, ndim: int) -> None:
        super().__init__()
        self.conv_a = OPS["conv3x3"].build(c_in, c_out, 2, ndim)
        self.conv_b = OPS["conv3x3"].build(c_out, c_out, 1, ndim)
        self.shortcut = nn.Sequential(_AVG_POOL[ndim - 1](2, 2, ceil_mode=True),
                                      conv(ndim)(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class NB201Body(nn.Sequential):
    """Cells at ``C``, ``2C``, ``4C`` channels with residual reductions between, then BN + ReLU.

    Args:
        edges: The cell's ``(from, to, operation)`` edges, shared by every cell.
        width: Channels ``C`` of the first stage (the stem's output channels).
        cells_per_stage: Cells ``N`` per stage (the benchmark uses 5).
        ndim: Spatial dimensions of the input (1, 2 or 3).

    Attributes:
        out_channels: ``4 * width``, what the head's classifier receives.

    Example:
        >>> body = NB201Body([(0, 1, OPS["conv1x1"])], width=4, cells_per_stage=1, ndim=2)
        >>> body.out_channels, tuple(body(torch.zeros(1, 4, 8, 8)).shape)
        (16, (1, 16, 2, 2))
    """

    def __init__(self, edges: Sequence[Edge], width: int, cells_per_stage: int, ndim: int) -> None:
        if width < 1 or cells_per_stage < 1:
            raise ValueError(f"width and cells_per_stage must be positive, got {width!r} and {cells_per_stage!r}")
        layers: list[nn.Module] = []
        for stage, channels in enumerate((width, 2 * width, 4 * width)):
            if stage > 0:
                layers.append(ResidualReduction(channels // 2, channels, ndim))
            layers.extend(NB201Cell(edges, channels, ndim) for _ in range(cells_per_stage))
        layers += [batch_norm(ndim)(4 * width), nn.ReLU(inplace=False)]
        super().__init__(*layers)
        self.out_channels = 4 * width
