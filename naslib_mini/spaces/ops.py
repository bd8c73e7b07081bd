"""The one table of candidate operations, shared by every space, network and supernet.

Each ``Operation`` carries its properties (kind, kernel, dilation, whether it
has weights) and builds its own ``torch.nn.Module`` for 1D, 2D or 3D inputs, so
no code ever parses an operation's name. Convolutions follow the ReLU-Conv-BN
order of DARTS and NAS-Bench-201 (Liu et al. 2019; Dong & Yang 2020).
Operations that cannot change the number of channels (pooling, identity) add a
1x1 ReLU-Conv-BN projection when a layer asks for other channels, as
NAS-Bench-201's pooling does. Knows nothing about spaces or search.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["OPS", "Operation", "batch_norm", "conv", "get_op", "op_names"]

KINDS = ("conv", "sepconv", "maxpool", "avgpool", "identity", "zero")


def conv(ndim: int) -> type[nn.Module]:
    """``nn.Conv1d``, ``nn.Conv2d`` or ``nn.Conv3d``."""
    return _per_ndim(ndim, (nn.Conv1d, nn.Conv2d, nn.Conv3d))


def batch_norm(ndim: int) -> type[nn.Module]:
    """``nn.BatchNorm1d``, ``nn.BatchNorm2d`` or ``nn.BatchNorm3d``."""
    return _per_ndim(ndim, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))


def _per_ndim(ndim: int, classes: tuple) -> type:
    if ndim not in (1, 2, 3):
        raise ValueError(f"inputs must have 1, 2 or 3 spatial dimensions, got {ndim}")
    return classes[ndim - 1]


class ReLUConvBN(nn.Sequential):
    """ReLU, convolution (optionally depthwise-separable), batch norm."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, ndim: int,
                 dilation: int = 1, separable: bool = False) -> None:
        padding = dilation * (kernel - 1) // 2
        Conv = conv(ndim)
        if separable:
            layers = [Conv(c_in, c_in, kernel, stride, padding, dilation=dilation, groups=c_in, bias=False),
                      Conv(c_in, c_out, 1, bias=False)]
        else:
            layers = [Conv(c_in, c_out, kernel, stride, padding, dilation=dilation, bias=False)]
        super().__init__(nn.ReLU(inplace=False), *layers, batch_norm(ndim)(c_out))


class Pool(nn.Module):
    """3x3 max or average pooling; ``stride`` 2 halves each side (rounding up)."""

    def __init__(self, kind: str, kernel: int, stride: int, ndim: int) -> None:
        super().__init__()
        if kind == "maxpool":
            self.pool = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)[ndim - 1](kernel, stride, kernel // 2)
        else:
            self.pool = (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)[ndim - 1](
                kernel, stride, kernel // 2, count_include_pad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)


class Subsample(nn.Module):
    """Identity that keeps every ``stride``-th position (identity when ``stride`` is 1)."""

    def __init__(self, stride: int, ndim: int) -> None:
        super().__init__()
        self.index = (Ellipsis,) + (slice(None, None, stride),) * ndim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[self.index]


class Zero(nn.Module):
    """Outputs zeros of ``c_out`` channels at the strided resolution (the 'none' edge)."""

    def __init__(self, c_out: int, stride: int, ndim: int) -> None:
        super().__init__()
        self.c_out = c_out
        self.index = (Ellipsis,) + (slice(None, None, stride),) * ndim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = list(x[self.index].shape)
        shape[1] = self.c_out
        return x.new_zeros(shape)


@dataclass(frozen=True)
class Operation:
    """One candidate operation and its properties.

    Attributes:
        name: Key in ``OPS``.
        kind: One of ``conv``, ``sepconv``, ``maxpool``, ``avgpool``, ``identity``, ``zero``.
        kernel: Kernel size (1 for identity and zero).
        dilation: Dilation of a convolution.
    """

    name: str
    kind: str
    kernel: int = 1
    dilation: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown operation kind {self.kind!r}; valid kinds: {', '.join(KINDS)}")

    @property
    def has_weights(self) -> bool:
        """Whether the operation itself learns (convolutions do; pools, identity and zero do not)."""
        return self.kind in ("conv", "sepconv")

    @property
    def is_zero(self) -> bool:
        return self.kind == "zero"

    @property
    def passes_signal(self) -> bool:
        """Whether the output depends on the input (every kind but ``zero``, whose output is zeros)."""
        return not self.is_zero

    def build(self, c_in: int, c_out: int, stride: int, ndim: int) -> nn.Module:
        """The module for ``c_in`` -> ``c_out`` channels at ``stride`` on ``ndim``-D inputs.

        Example:
            >>> m = OPS["conv3x3"].build(8, 16, 2, ndim=2)
            >>> tuple(m(torch.zeros(1, 8, 7, 7)).shape)
            (1, 16, 4, 4)
        """
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride!r}")
        conv(ndim)  # validates ndim
        if self.kind in ("conv", "sepconv"):
            return ReLUConvBN(c_in, c_out, self.kernel, stride, ndim, self.dilation, self.kind == "sepconv")
        if self.kind == "zero":
            return Zero(c_out, stride, ndim)
        if self.kind == "identity":
            if c_in == c_out:
                return Subsample(stride, ndim)
            return ReLUConvBN(c_in, c_out, 1, stride, ndim)
        pool = Pool(self.kind, self.kernel, stride, ndim)
        if c_in == c_out:
            return pool
        return nn.Sequential(ReLUConvBN(c_in, c_out, 1, 1, ndim), pool)


OPS: dict[str, Operation] = {op.name: op for op in (
    Operation("conv1x1", "conv", 1),
    Operation("conv3x3", "conv", 3),
    Operation("conv5x5", "conv", 5),
    Operation("conv7x7", "conv", 7),
    Operation("dilconv3x3", "conv", 3, dilation=2),
    Operation("dilconv5x5", "conv", 5, dilation=2),
    # Wider dilations grow the receptive field exponentially when stacked, as in
    # WaveNet (van den Oord et al. 2016) and Yu & Koltun (2016): for 1D signals.
    Operation("dil4conv3x3", "conv", 3, dilation=4),
    Operation("dil4conv5x5", "conv", 5, dilation=4),
    Operation("dil8conv3x3", "conv", 3, dilation=8),
    Operation("sepconv3x3", "sepconv", 3),
    Operation("sepconv5x5", "sepconv", 5),
    Operation("maxpool3x3", "maxpool", 3),
    Operation("avgpool3x3", "avgpool", 3),
    Operation("identity", "identity"),
    Operation("zero", "zero"),
)}


def op_names() -> list[str]:
    """Names of every operation in the table."""
    return list(OPS)


def get_op(name: str) -> Operation:
    """The operation called ``name``; unknown names list the valid ones."""
    try:
        return OPS[name]
    except KeyError:
        raise ValueError(f"unknown operation {name!r}; valid choices: {', '.join(OPS)}") from None
