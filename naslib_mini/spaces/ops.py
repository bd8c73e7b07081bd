"""The one table of candidate operations, shared by every space, network and supernet.

Each ``Operation`` carries its properties (kind, kernel, dilation, whether it
has weights) and builds its own ``torch.nn.Module`` for 1D, 2D or 3D inputs, so
no code ever parses an operation's name. Convolutions follow the ReLU-Conv-BN
order of DARTS and NAS-Bench-201 (Liu et al. 2019; Dong & Yang 2020).
Operations that cannot change the number of channels (pooling, identity) add a
1x1 ReLU-Conv-BN projection when a layer asks for other channels, as
NAS-Bench-201's pooling does, or a linear Conv-BN one where the operation says so
(``projection="conv-bn"``, the identity of NAS-Bench-Macro, Su et al. 2021). The
``mbconv`` kind is MobileNetV2's inverted residual block (Sandler et al. 2018):
1x1 expansion, depthwise ``kernel``, linear 1x1 projection, and a residual when
the shape is kept. The ``attention`` kind is the attention gate of Attention U-Net
(Oktay et al. 2018, ``attention_gate.py``) and the ``multiscale`` kind the
multi-scale fusion block of parallel kernels or dilations (Inception, Szegedy et
al. 2015; ASPP, Chen et al. 2017; ``multiscale.py``). Every kind builds for 1D, 2D
and 3D: on volumes ``conv3x3`` is a 3x3x3 convolution, ``sepconv3x3`` a depthwise
3x3x3 one followed by a pointwise one, ``dilconv3x3`` a 3x3x3 one of dilation 2 and
``maxpool3x3`` a 3x3x3 pooling. Knows nothing about spaces or search.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.spaces.multiscale import FUSIONS

__all__ = ["OPS", "ConvBN", "InvertedResidual", "Operation", "batch_norm", "conv", "get_op", "op_names"]

KINDS = ("conv", "sepconv", "mbconv", "maxpool", "avgpool", "identity", "zero", "attention", "multiscale")
#: Kinds whose operation learns weights.
WEIGHTED_KINDS = ("conv", "sepconv", "mbconv", "attention", "multiscale")
#: How an operation that cannot change channels projects: after a ReLU (DARTS, NAS-Bench-201) or linearly.
PROJECTIONS = ("relu-conv-bn", "conv-bn")


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


class ConvBN(nn.Sequential):
    """A linear 1x1 projection: convolution (``stride``) and batch norm, no activation (MobileNetV2, ResNet)."""

    def __init__(self, c_in: int, c_out: int, stride: int, ndim: int) -> None:
        super().__init__(conv(ndim)(c_in, c_out, 1, stride, bias=False), batch_norm(ndim)(c_out))


class InvertedResidual(nn.Module):
    """MobileNetV2's inverted residual block (Sandler et al. 2018), as NAS-Bench-Macro builds it.

    1x1 convolution to ``expansion * c_in`` channels, BN, ReLU; depthwise ``kernel``
    convolution with ``stride``, BN, ReLU; linear 1x1 convolution to ``c_out``, BN.
    The input is added when the shape is kept (``c_in == c_out`` and stride 1).
    Convolutions have no bias; ReLU, not ReLU6, as in the benchmark's ``model.py``.
    """

    def __init__(self, c_in: int, c_out: int, kernel: int, expansion: int, stride: int, ndim: int) -> None:
        super().__init__()
        hidden = int(round(c_in * expansion))
        Conv, BN = conv(ndim), batch_norm(ndim)
        self.conv = nn.Sequential(
            Conv(c_in, hidden, 1, bias=False), BN(hidden), nn.ReLU(inplace=False),
            Conv(hidden, hidden, kernel, stride, kernel // 2, groups=hidden, bias=False), BN(hidden),
            nn.ReLU(inplace=False),
            Conv(hidden, c_out, 1, bias=False), BN(c_out))
        self.residual = c_in == c_out and stride == 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return y + x if self.residual else y


class Pool(nn.Module):
    """3x3 max or average pooling; ``stride`` 2 halves each side (rounding up)."""

    def __init__(self, kind: str, kernel: int, stride: int, ndim: int) -> None:
        super().__init__()
        if kind == "maxpool":
            self.pool = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)[ndim - 1](kernel, stride, kernel // 2)
        elif ndim == 3:
            self.pool = PaddedAvgPool3d(kernel, stride)
        else:
            self.pool = (nn.AvgPool1d, nn.AvgPool2d)[ndim - 1](kernel, stride, kernel // 2, count_include_pad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)


class PaddedAvgPool3d(nn.Module):
    """3D average pooling over the real voxels of each window (``count_include_pad=False``), on any size.

    ``nn.AvgPool3d`` refuses volumes smaller than its kernel even when its padding would
    cover them, and a chain of stride-2 layers shrinks a 16^3 volume to 2^3 and 1^3; so
    the volume is zero-padded first and each window's sum is divided by its number of
    real voxels (the same pool applied to padded ones), which is the same average.
    """

    def __init__(self, kernel: int, stride: int) -> None:
        super().__init__()
        self.padding = (kernel // 2,) * 6
        self.pool = nn.AvgPool3d(kernel, stride, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        total = self.pool(F.pad(x, self.padding))
        count = self.pool(F.pad(torch.ones_like(x[:, :1]), self.padding))
        return total / count


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
        kind: One of ``conv``, ``sepconv``, ``mbconv``, ``maxpool``, ``avgpool``, ``identity``, ``zero``,
            ``attention``, ``multiscale``.
        kernel: Kernel size (1 for identity and zero; the depthwise kernel of ``mbconv``; the
            kernel of the convolution that computes an attention gate's gating signal; the
            largest branch kernel of a ``multiscale`` block).
        dilation: Dilation of a convolution.
        expansion: Expansion ratio of an ``mbconv`` block (hidden channels = ratio x input channels).
        projection: How a pool or identity changes channels: ``"relu-conv-bn"`` (a 1x1
            ReLU-Conv-BN, as NAS-Bench-201) or ``"conv-bn"`` (a linear 1x1 Conv-BN, as
            NAS-Bench-Macro's identity downsample).
        branches: ``(kernel, dilation)`` of each parallel branch of a ``multiscale`` block
            (at least two; empty for every other kind).
        fusion: How a ``multiscale`` block fuses its branches: ``"concat"`` (and a 1x1
            Conv-BN) or ``"sum"``.
    """

    name: str
    kind: str
    kernel: int = 1
    dilation: int = 1
    expansion: int = 1
    projection: str = "relu-conv-bn"
    branches: tuple[tuple[int, int], ...] = ()
    fusion: str = "concat"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown operation kind {self.kind!r}; valid kinds: {', '.join(KINDS)}")
        if self.projection not in PROJECTIONS:
            raise ValueError(f"unknown projection {self.projection!r}; valid choices: {', '.join(PROJECTIONS)}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {self.fusion!r}; valid choices: {', '.join(FUSIONS)}")
        branches = tuple(tuple(branch) for branch in self.branches)
        object.__setattr__(self, "branches", branches)
        if (self.kind == "multiscale") != bool(branches) or (branches and len(branches) < 2):
            raise ValueError(f"operation {self.name!r}: a multiscale block needs at least two (kernel, dilation) "
                             f"branches and no other kind takes any, got kind {self.kind!r} with {branches!r}")
        for branch in branches:
            if len(branch) != 2 or not all(isinstance(v, int) and v >= 1 for v in branch) or branch[0] % 2 == 0:
                raise ValueError(f"operation {self.name!r}: a branch must be (odd kernel >= 1, dilation >= 1), "
                                 f"got {branch!r}")

    @property
    def has_weights(self) -> bool:
        """Whether the operation itself learns (convolutions, gates and fusion blocks do; pools, identity
        and zero do not)."""
        return self.kind in WEIGHTED_KINDS

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
        if self.kind == "attention":
            from naslib_mini.spaces.attention_gate import AttentionGate
            return AttentionGate(c_in, c_out, stride, ndim, self.kernel)
        if self.kind == "multiscale":
            from naslib_mini.spaces.multiscale import MultiScaleFusion
            return MultiScaleFusion(c_in, c_out, stride, ndim, self.branches, self.fusion)
        if self.kind == "mbconv":
            return InvertedResidual(c_in, c_out, self.kernel, self.expansion, stride, ndim)
        if self.kind == "zero":
            return Zero(c_out, stride, ndim)
        linear = self.projection == "conv-bn"
        if self.kind == "identity":
            if c_in == c_out:
                return Subsample(stride, ndim)
            return ConvBN(c_in, c_out, stride, ndim) if linear else ReLUConvBN(c_in, c_out, 1, stride, ndim)
        pool = Pool(self.kind, self.kernel, stride, ndim)
        if c_in == c_out:
            return pool
        return nn.Sequential(ConvBN(c_in, c_out, 1, ndim) if linear else ReLUConvBN(c_in, c_out, 1, 1, ndim), pool)


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
    # NAS-Bench-Macro's three choices (Su et al. 2021): MobileNetV2 blocks and an identity
    # whose stride-2 downsample is a linear Conv-BN.
    Operation("mb3_k3", "mbconv", 3, expansion=3),
    Operation("mb6_k5", "mbconv", 5, expansion=6),
    Operation("mb_identity", "identity", projection="conv-bn"),
    # The rest of Once-for-All's block grid (Cai et al. 2020): depthwise kernel 3, 5 or 7 and
    # expansion ratio 3, 4 or 6, the sub-network blocks of the elastic supernet (``supernet/elastic.py``).
    *(Operation(f"mb{e}_k{k}", "mbconv", k, expansion=e) for e in (3, 4, 6) for k in (3, 5, 7)
      if (e, k) not in ((3, 3), (6, 5))),
    # Operations of medical 3D networks: the attention gate of Attention U-Net (Oktay et al. 2018)
    # and multi-scale fusion of parallel kernels (Inception) or dilations (ASPP), concatenated and
    # projected by a 1x1 Conv-BN, or summed.
    Operation("attention_gate", "attention", 3),
    Operation("msfusion_k135", "multiscale", 5, branches=((1, 1), (3, 1), (5, 1))),
    Operation("msfusion_d124", "multiscale", 3, branches=((3, 1), (3, 2), (3, 4))),
    Operation("msfusion_sum_d12", "multiscale", 3, branches=((3, 1), (3, 2)), fusion="sum"),
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
