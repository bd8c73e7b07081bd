"""The choices of a chain space: ``ChainConfig`` and the constants it draws on.

A typed, validated, hashable configuration (lists become tuples; a bad value
raises ``ValueError`` naming it and the valid choices), so the grammar of
``chain_canonical.py`` can be cached per configuration. Knows nothing about
architectures, counting or networks; ``chain.py`` builds the space on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from naslib_mini.spaces.ops import OPS

__all__ = ["CONNECTIONS", "DEFAULT_OPS", "FIELDS", "ChainConfig", "unknown_choice"]

CONNECTIONS = ("series", "skip", "dense", "parallel")
DEFAULT_OPS = ("conv3x3", "conv5x5", "conv7x7", "sepconv3x3", "sepconv5x5", "maxpool3x3",
               "avgpool3x3", "identity", "zero")
FIELDS = (("op", "ops"), ("channels", "channels"), ("stride", "strides"), ("connection", "connections"))


def unknown_choice(kind: str, value: object, valid: Sequence) -> ValueError:
    return ValueError(f"unknown {kind} {value!r}; valid choices: {', '.join(map(str, valid))}")


@dataclass(frozen=True)
class ChainConfig:
    """Choices of the chain space (lists become tuples; bad values raise ``ValueError``)."""

    ops: tuple[str, ...] = DEFAULT_OPS
    channels: tuple[int, ...] = (16, 32, 64, 128, 256, 512)
    strides: tuple[int, ...] = (1, 2)
    connections: tuple[str, ...] = CONNECTIONS
    min_depth: int = 1
    max_depth: int = 10
    stem_channels: int = 16

    def __post_init__(self) -> None:
        valid = {"ops": list(OPS), "strides": [1, 2], "connections": CONNECTIONS, "channels": None}
        for name, allowed in valid.items():
            if isinstance(getattr(self, name), (str, int)):
                raise ValueError(f"{name} must be a list of choices, got {getattr(self, name)!r}")
            values = tuple(getattr(self, name))
            object.__setattr__(self, name, values)
            if not values:
                raise ValueError(f"{name} must not be empty; valid choices: {allowed or 'positive integers'}")
            if len(set(values)) != len(values):
                raise ValueError(f"{name} has duplicate choices: {values!r}")
            for value in values:
                if allowed is None and not (_is_int(value) and value > 0):
                    raise ValueError(f"channels must be positive integers, got {value!r}")
                if allowed is not None and (value not in allowed or isinstance(value, bool)):
                    raise unknown_choice(name[:-1], value, allowed)
        if not (_is_int(self.stem_channels) and self.stem_channels > 0):
            raise ValueError(f"stem_channels must be a positive integer, got {self.stem_channels!r}")
        if not (_is_int(self.min_depth) and _is_int(self.max_depth) and 1 <= self.min_depth <= self.max_depth):
            raise ValueError(f"need integers 1 <= min_depth <= max_depth, got min_depth={self.min_depth!r}, "
                             f"max_depth={self.max_depth!r}")
        if {"dense", "parallel"} & set(self.connections) and "series" not in self.connections:
            raise ValueError(f"connections {self.connections!r} need 'series', which 'dense' and "
                             "'parallel' mean on the first layer")


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
