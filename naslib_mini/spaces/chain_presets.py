"""Named configurations of the chain space, registered under their own names.

``chain-small`` (every connection, grid-searchable, fast to train) and ``chain-3d`` (the
operations of medical 3D networks at small widths). Each is a ``ChainConfig`` and one
registered factory whose keyword arguments replace any of its choices. Knows nothing about
torch or search.
"""
from __future__ import annotations

from dataclasses import asdict

from naslib_mini.spaces.base import SPACES
from naslib_mini.spaces.chain import ChainConfig, ChainSpace

__all__ = ["SMALL", "THREE_D", "chain_3d", "chain_small"]

#: The configuration registered as ``"chain-small"``: every connection, grid-searchable, fast to train.
SMALL = ChainConfig(ops=("conv3x3", "maxpool3x3", "identity", "zero"), channels=(16, 32), max_depth=3)

#: The configuration registered as ``"chain-3d"``: the operations of medical 3D networks (3x3x3
#: convolutions, a dilated and a depthwise-separable one, pooling, the attention gate, multi-scale
#: fusion) at small widths, so a 16^3 or 28^3 volume trains in seconds on a CPU.
THREE_D = ChainConfig(ops=("conv3x3", "dilconv3x3", "sepconv3x3", "maxpool3x3", "avgpool3x3", "attention_gate",
                           "msfusion_d124", "identity", "zero"),
                      channels=(4, 8, 16), connections=("series", "skip"), max_depth=4, stem_channels=4)


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
