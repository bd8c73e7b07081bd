"""The NAS-Bench-Macro network body: eight searched layers in three stages, then a 1x1 head convolution.

Follows the benchmark's ``train/model.py`` (Su et al., CVPR 2021; github.com/xiusu/NAS-Bench-Macro):
after the stem, stages of 2, 3 and 3 layers at ``2C``, ``4C`` and ``8C`` channels
(``C = 32`` in the benchmark), the first layer of each stage with stride 2; each
layer is an identity (a linear 1x1 Conv-BN downsample where the shape changes) or
a MobileNetV2 block; then a 1x1 convolution to 1280 channels, batch norm and
ReLU. The layers are a chain built by ``ChainBody`` from the one operations
table. The benchmark's stem is convolution, BN and ReLU; the one builder's stem
(``naslib_mini.networks``) has no ReLU, so the body starts with it, and the
builder's head (global average pooling, linear classifier) is the benchmark's.
Parameters therefore equal the benchmark's exactly (tested for every
architecture). Works on 1D, 2D and 3D inputs. Knows nothing about keys, strings
or scores: the space hands it operation names.
"""
from __future__ import annotations

from typing import Sequence

from torch import nn

from naslib_mini.spaces.chain_canonical import Layer
from naslib_mini.spaces.chain_network import ChainBody
from naslib_mini.spaces.ops import batch_norm, conv

__all__ = ["HEAD_CHANNELS", "STAGES", "MacroBody", "macro_layers"]

#: Searched layers per stage; the first of each stage halves the resolution and doubles the channels.
STAGES = (2, 3, 3)
#: Channels of the benchmark's 1x1 head convolution.
HEAD_CHANNELS = 1280


def macro_layers(ops: Sequence[str], width: int) -> list[Layer]:
    """The chain layers of a Macro network: ``ops[i]`` at the channels and stride of position ``i``.

    Example:
        >>> [(l.channels, l.stride) for l in macro_layers(["mb3_k3"] * 8, 32)][:3]
        [(64, 2), (64, 1), (128, 2)]
    """
    if len(ops) != sum(STAGES):
        raise ValueError(f"a NAS-Bench-Macro network has {sum(STAGES)} layers, got {len(ops)}: {list(ops)!r}")
    layers, channels, position = [], width, 0
    for stage in STAGES:
        channels *= 2
        for i in range(stage):
            layers.append(Layer(ops[position], channels, 2 if i == 0 else 1, "series"))
            position += 1
    return layers


class MacroBody(nn.Sequential):
    """ReLU (the end of the benchmark's stem), the eight layers, and the 1x1 head convolution with BN and ReLU.

    Args:
        ops: Eight operation names, keys of ``OPS``.
        width: Channels ``C`` of the stem's output (32 in the benchmark).
        input_size: Spatial size of the stem's output (its length is the dimensionality).
        head_channels: Channels of the head convolution (1280 in the benchmark).

    Attributes:
        out_channels: ``head_channels``, what the classifier receives.

    Example:
        >>> import torch
        >>> body = MacroBody(["mb_identity", "mb3_k3", "mb6_k5"] + ["mb_identity"] * 5, 4, (8, 8), 16)
        >>> body.out_channels, tuple(body(torch.zeros(2, 4, 8, 8)).shape)
        (16, (2, 16, 1, 1))
    """

    def __init__(self, ops: Sequence[str], width: int, input_size: Sequence[int],
                 head_channels: int = HEAD_CHANNELS) -> None:
        if width < 1 or head_channels < 1:
            raise ValueError(f"width and head_channels must be positive, got {width!r} and {head_channels!r}")
        chain = ChainBody(macro_layers(ops, width), width, input_size)
        ndim = len(tuple(input_size))
        super().__init__(nn.ReLU(inplace=False), chain,
                         conv(ndim)(chain.out_channels, head_channels, 1, bias=False),
                         batch_norm(ndim)(head_channels), nn.ReLU(inplace=False))
        self.out_channels = head_channels
