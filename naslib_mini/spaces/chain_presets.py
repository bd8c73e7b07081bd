"""Named configurations of the chain space, registered under their own names.

``chain-small`` (every connection, grid-searchable, fast to train), ``chain-3d`` (the
operations of medical 3D networks at small widths) and ``chain-detection`` (backbones of a
CenterNet detector on small 2D scenes). Each is a ``ChainConfig`` and one
registered factory whose keyword arguments replace any of its choices. Knows nothing about
torch or search.
"""
from __future__ import annotations

from dataclasses import asdict

from naslib_mini.spaces.base import SPACES
from naslib_mini.spaces.chain import ChainConfig, ChainSpace

__all__ = ["DETECTION", "SMALL", "THREE_D", "chain_3d", "chain_detection", "chain_small"]

#: The configuration registered as ``"chain-small"``: every connection, grid-searchable, fast to train.
SMALL = ChainConfig(ops=("conv3x3", "maxpool3x3", "identity", "zero"), channels=(16, 32), max_depth=3)

#: The configuration registered as ``"chain-3d"``: the operations of medical 3D networks (3x3x3
#: convolutions, a dilated and a depthwise-separable one, pooling, the attention gate, multi-scale
#: fusion) at small widths, so a 16^3 or 28^3 volume trains in seconds on a CPU.
THREE_D = ChainConfig(ops=("conv3x3", "dilconv3x3", "sepconv3x3", "maxpool3x3", "avgpool3x3", "attention_gate",
                           "msfusion_d124", "identity", "zero"),
                      channels=(4, 8, 16), connections=("series", "skip"), max_depth=4, stem_channels=4)

#: The configuration registered as ``"chain-detection"``: 2D backbones for a CenterNet head on 64x64
#: scenes: plain, dilated (a wider receptive field at the same cost) and separable convolutions,
#: pooling, residual skips, 16 or 32 channels, up to 5 layers.
DETECTION = ChainConfig(ops=("conv3x3", "conv5x5", "dilconv3x3", "sepconv3x3", "sepconv5x5", "maxpool3x3",
                             "identity"),
                        channels=(16, 32), connections=("series", "skip"), max_depth=5, stem_channels=16)


def _preset(name: str, config: ChainConfig, overrides: dict) -> ChainSpace:
    space = ChainSpace(**{**asdict(config), **overrides})
    space.name = name
    return space


@SPACES.register("chain-small")
def chain_small(**overrides) -> ChainSpace:
    """The chain space with ``SMALL``'s choices; ``overrides`` replace any of them.

    Example:
        >>> SPACES.create("chain-small").size()
        51088
    """
    return _preset("chain-small", SMALL, overrides)


@SPACES.register("chain-3d")
def chain_3d(**overrides) -> ChainSpace:
    """The chain space with ``THREE_D``'s choices (for volumes); ``overrides`` replace any of them.

    Example:
        >>> space = SPACES.create("chain-3d")
        >>> space.to_str(space.from_str("conv3x3-8-s2-series|attention_gate-16-s1-skip"))
        'conv3x3-8-s2-series|attention_gate-16-s1-skip'
    """
    return _preset("chain-3d", THREE_D, overrides)


@SPACES.register("chain-detection")
def chain_detection(**overrides) -> ChainSpace:
    """The chain space with ``DETECTION``'s choices (detector backbones); ``overrides`` replace any of them.

    Example:
        >>> space = SPACES.create("chain-detection")
        >>> space.to_str(space.from_str("conv3x3-16-s2-series|dilconv3x3-32-s2-skip"))
        'conv3x3-16-s2-series|dilconv3x3-32-s2-skip'
    """
    return _preset("chain-detection", DETECTION, overrides)
