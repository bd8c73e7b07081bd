"""The torch body of a chain architecture: layers in series, with skips, dense
concatenations or parallel branches (see ``naslib_mini.spaces.chain``).

Every operation comes from the one table (``spaces/ops.py``), built for 1D, 2D or
3D inputs. A skip projects with a 1x1 convolution and batch norm when the shape
changes, as ResNet does (He et al. 2016); a dense layer concatenates every map
at the previous map's resolution, as in a DenseNet block (Huang et al. 2017).
"Same resolution" means the same number of stride-2 layers before the map: all
operations pad, so a stride-2 layer turns a side ``n`` into ``ceil(n / 2)``, and
maps at one level always have equal sizes. Levels, not measured sizes, decide
which maps a dense layer reads, so the wiring of an architecture does not
depend on the input size (on tiny inputs several levels may be 1x1).

Knows nothing about search spaces, canonical forms or training; builds layer
lists literally, canonical or not.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import torch
from torch import nn

from naslib_mini.spaces.ops import batch_norm, conv, get_op

__all__ = ["ChainBody", "ChainLayer", "projection"]


class LayerSpec(Protocol):
    op: str
    channels: int
    stride: int
    connection: str


def projection(c_in: int, c_out: int, stride: int, ndim: int) -> nn.Module:
    """The skip path: identity when the shape is kept, else 1x1 convolution (stride) + batch norm."""
    if c_in == c_out and stride == 1:
        return nn.Identity()
    return nn.Sequential(conv(ndim)(c_in, c_out, 1, stride, bias=False), batch_norm(ndim)(c_out))


class ChainLayer(nn.Module):
    """One layer: ``op`` over its sources (concatenated), plus an optional branch on the previous map.

    Args:
        op: The layer's operation, built for the channels of all ``sources``.
        sources: Indices of the maps ``op`` reads (the previous map alone unless dense).
        branch: The skip projection or the parallel branch, applied to the previous map
            and added; ``None`` for series and dense layers.
    """

    def __init__(self, op: nn.Module, sources: tuple[int, ...], branch: nn.Module | None = None) -> None:
        super().__init__()
        self.op, self.sources, self.branch = op, sources, branch

    def forward(self, maps: list[torch.Tensor]) -> torch.Tensor:
        if len(self.sources) == 1:
            x = maps[self.sources[0]]
        else:
            x = torch.cat([maps[j] for j in self.sources], dim=1)
        y = self.op(x)
        if self.branch is not None:
            y = y + self.branch(maps[-1])
        return y


class ChainBody(nn.Module):
    """The body for a list of layers, from ``in_channels`` maps of spatial size ``input_size``.

    Args:
        layers: Objects with ``op`` (a key of ``OPS``), ``channels``, ``stride`` and
            ``connection`` (``series``, ``skip``, ``dense`` or ``parallel``).
        in_channels: Channels of the stem's output.
        input_size: Spatial size of the stem's output; its length (1-3) is the
            dimensionality of every operation.

    Attributes:
        out_channels: Channels of the last layer.
        output_size: Spatial size of the output.

    Example:
        >>> from naslib_mini.spaces.chain import Layer
        >>> body = ChainBody([Layer("conv3x3", 8, 2, "series"), Layer("maxpool3x3", 16, 1, "dense"),
        ...                   Layer("zero", 16, 2, "skip")], in_channels=4, input_size=(9, 9))
        >>> body.out_channels, body.output_size, tuple(body(torch.zeros(2, 4, 9, 9)).shape)
        (16, (3, 3), (2, 16, 3, 3))
    """

    def __init__(self, layers: Sequence[LayerSpec], in_channels: int, input_size: Sequence[int]) -> None:
        super().__init__()
        input_size = tuple(int(n) for n in input_size)
        ndim = len(input_size)
        conv(ndim)  # validates the dimensionality
        if not layers:
            raise ValueError("a chain body needs at least one layer")
        if in_channels < 1 or min(input_size) < 1:
            raise ValueError(f"need in_channels >= 1 and sizes >= 1, got {in_channels!r}, {input_size!r}")
        channels, levels, size = [in_channels], [0], input_size
        modules = []
        for i, spec in enumerate(layers):
            if spec.connection == "dense":
                sources = tuple(j for j in range(i + 1) if levels[j] == levels[i])
            elif spec.connection in ("series", "skip", "parallel"):
                sources = (i,)
            else:
                raise ValueError(f"unknown connection {spec.connection!r}; valid choices: "
                                 "series, skip, dense, parallel")
            c_in = sum(channels[j] for j in sources)
            op = get_op(spec.op).build(c_in, spec.channels, spec.stride, ndim)
            branch = None
            if spec.connection == "skip":
                branch = projection(channels[i], spec.channels, spec.stride, ndim)
            elif spec.connection == "parallel" and i > 0:
                branch = get_op(layers[i - 1].op).build(channels[i], spec.channels, spec.stride, ndim)
            modules.append(ChainLayer(op, sources, branch))
            channels.append(spec.channels)
            levels.append(levels[i] + (spec.stride == 2))
            size = tuple(-(-n // spec.stride) for n in size)
        self.layers = nn.ModuleList(modules)
        self.out_channels = channels[-1]
        self.output_size = size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = [x]
        for layer in self.layers:
            maps.append(layer(maps))
        return maps[-1]
