"""The chain (macro) search space: a sequence of layers, each an operation, a width,
a stride and a connection to earlier layers.

The chain-structured space of the NAS survey by Elsken, Metzen & Hutter (2019,
Sec. 2), with the skip connections of ResNet (He et al. 2016), the dense
connections of DenseNet (Huang et al. 2017) and parallel branches. With ``x``
the previous layer's output (the stem's for layer 1), a layer computes:

* ``series``: ``op(x)``;
* ``skip``: ``op(x) + proj(x)`` (``proj`` is the identity when channels match and
  the stride is 1, else a 1x1 convolution with that stride and batch norm);
* ``dense``: ``op(concat)`` of every earlier map (stem output included) at ``x``'s
  resolution, that is every map after the last stride-2 layer;
* ``parallel``: ``op(x) + prev(x)``, ``prev`` a fresh instance of the previous
  layer's operation with this layer's channels and stride.

**Canonical form.** Layer lists that compute the same maps are one architecture;
``chain_canonical.py`` holds the rewrites that merge them (on layer 1, for
instance, ``dense`` and ``parallel`` mean ``series``, and ``zero`` never takes
``dense`` or ``parallel``). Every architecture the space returns is canonical;
``size`` is their exact count, ``sample`` draws one uniformly (a uniform big
integer, unranked) and iteration lists each once, depth by depth.

Knows nothing about torch (``chain_network.py`` builds the body), scores or
strategies.
"""
from __future__ import annotations

import operator
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Iterator, Sequence

import numpy as np

from naslib_mini.spaces.base import SPACES, Decision, SearchSpace, scale_channels
from naslib_mini.spaces.chain_canonical import ChainGrammar, Layer, grammar
from naslib_mini.spaces.chain_network import ChainBody
from naslib_mini.spaces.ops import OPS

__all__ = ["CONNECTIONS", "SMALL", "ChainArch", "ChainConfig", "ChainSpace", "Layer", "chain_small"]

CONNECTIONS = ("series", "skip", "dense", "parallel")
DEFAULT_OPS = ("conv3x3", "conv5x5", "conv7x7", "sepconv3x3", "sepconv5x5", "maxpool3x3",
               "avgpool3x3", "identity", "zero")
FIELDS = (("op", "ops"), ("channels", "channels"), ("stride", "strides"), ("connection", "connections"))


@dataclass(frozen=True)
class ChainArch:
    """An architecture of the chain space: its layers, input to output."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))

    @property
    def depth(self) -> int:
        return len(self.layers)


def _unknown(kind: str, value: object, valid: Sequence) -> ValueError:
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
                    raise _unknown(name[:-1], value, allowed)
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


@SPACES.register("chain")
class ChainSpace(SearchSpace):
    """Chains of ``min_depth..max_depth`` layers, each an operation, channels, stride, connection.

    Args:
        ops: Operation names, keys of ``OPS`` (default: convolutions 3x3/5x5/7x7,
            separable 3x3/5x5, max and average pooling, identity, zero).
        channels: Output channels a layer may take.
        strides: Strides a layer may take (1 and 2).
        connections: Connections a layer may take (``series``, ``skip``, ``dense``, ``parallel``).
        min_depth, max_depth: Bounds on the number of layers.
        stem_channels: Channels of the stem's output, the input of layer 1.

    Strings read ``op-channels-sSTRIDE-connection`` per layer, joined by ``|``. The
    decision view is the depth, then op, channels, stride and connection of each
    of ``max_depth`` layers (layers past the depth are ignored, written as index 0).
    A move edits one layer's field, or inserts or removes one layer.

    Example:
        >>> space = ChainSpace(ops=("conv3x3", "zero"), channels=(8, 16), max_depth=3)
        >>> space.to_str(space.from_str("conv3x3-16-s2-dense|zero-16-s1-skip"))  # layer 1: dense is series
        'conv3x3-16-s2-series|zero-16-s1-skip'
        >>> space.size(), len(space.decisions())
        (6552, 13)
        >>> ChainSpace().size()
        16880542683160783084337950
    """

    name = "chain"

    def __init__(self, ops: Sequence[str] = DEFAULT_OPS, channels: Sequence[int] = (16, 32, 64, 128, 256, 512),
                 strides: Sequence[int] = (1, 2), connections: Sequence[str] = CONNECTIONS,
                 min_depth: int = 1, max_depth: int = 10, stem_channels: int = 16) -> None:
        self.config = ChainConfig(ops, channels, strides, connections, min_depth, max_depth, stem_channels)

    @property
    def stem_channels(self) -> int:
        return self.config.stem_channels

    @property
    def _grammar(self) -> ChainGrammar:
        return grammar(self.config)

    def canonicalize(self, arch: ChainArch) -> ChainArch:
        """The canonical architecture equivalent to ``arch`` (see ``chain_canonical``).

        Example:
            >>> space = ChainSpace()
            >>> raw = ChainArch((Layer("conv3x3", 16, 1, "series"), Layer("zero", 32, 1, "parallel")))
            >>> space.to_str(space.canonicalize(raw))
            'conv3x3-16-s1-series|conv3x3-32-s1-series'
        """
        return ChainArch(self._grammar.canonicalize(self._check(arch).layers))

    def _check(self, arch: object) -> ChainArch:
        """``arch`` if every layer uses the configured choices and the depth is in bounds."""
        if not isinstance(arch, ChainArch):
            raise ValueError(f"expected a ChainArch, got {type(arch).__name__}: {arch!r}")
        cfg = self.config
        if not cfg.min_depth <= arch.depth <= cfg.max_depth:
            raise ValueError(f"depth {arch.depth} outside {cfg.min_depth}..{cfg.max_depth}")
        for layer in arch.layers:
            if layer not in self._layer_set:
                self._check_layer(layer)
        return arch

    def _check_layer(self, layer: object, token: str | None = None) -> None:
        """Raise ``ValueError`` naming the first field of ``layer`` outside the choices."""
        if not isinstance(layer, Layer):
            raise ValueError(f"expected Layer values, got {type(layer).__name__}: {layer!r}")
        for field, choices in FIELDS:
            if getattr(layer, field) not in getattr(self.config, choices):
                error = _unknown(field, getattr(layer, field), getattr(self.config, choices))
                raise ValueError(f"bad layer {token!r}: {error}") if token else error

    @cached_property
    def _layer_set(self) -> frozenset[Layer]:
        return frozenset(self._grammar.layers)

    def size(self) -> int:
        return sum(self._grammar.count(d) for d in range(self.config.min_depth, self.config.max_depth + 1))

    def sample(self, rng: np.random.Generator) -> ChainArch:
        total = self.size()
        bits = total.bit_length()
        while True:  # a uniform integer below total, by rejection (accepted with probability > 1/2)
            rank = int.from_bytes(rng.bytes((bits + 7) // 8), "little") >> (-bits % 8)
            if rank < total:
                break
        for depth in range(self.config.min_depth, self.config.max_depth + 1):
            if rank < self._grammar.count(depth):
                return ChainArch(self._grammar.unrank(rank, depth))
            rank -= self._grammar.count(depth)
        raise AssertionError("unreachable: ranks are below size()")

    def __iter__(self) -> Iterator[ChainArch]:
        """Every canonical architecture once: depth by depth, then in choice order."""
        for depth in range(self.config.min_depth, self.config.max_depth + 1):
            yield from map(ChainArch, self._grammar.enumerate(depth))

    # -- the decision view and strings -------------------------------------------------
    def decisions(self) -> tuple[Decision, ...]:
        cfg = self.config
        per_layer = [Decision(f"layer{j}.{field}", getattr(cfg, choices))
                     for j in range(1, cfg.max_depth + 1) for field, choices in FIELDS]
        return (Decision("depth", tuple(range(cfg.min_depth, cfg.max_depth + 1))), *per_layer)

    def to_decisions(self, arch: ChainArch) -> tuple[int, ...]:
        cfg = self.config
        self._check(arch)
        indices = [arch.depth - cfg.min_depth]
        for layer in arch.layers:
            indices += [getattr(cfg, choices).index(getattr(layer, field)) for field, choices in FIELDS]
        return tuple(indices + [0] * (4 * (cfg.max_depth - arch.depth)))

    def from_decisions(self, indices: Sequence[int]) -> ChainArch:
        decisions = self.decisions()
        if len(indices) != len(decisions):
            raise ValueError(f"expected {len(decisions)} decision indices, got {len(indices)}")
        values = []
        for decision, index in zip(decisions, indices):
            if not 0 <= operator.index(index) < len(decision.choices):
                raise ValueError(f"index {index!r} out of range for decision {decision.name!r} "
                                 f"with {len(decision.choices)} choices")
            values.append(decision.choices[index])
        return self.canonicalize(ChainArch(tuple(Layer(*values[1 + 4 * j:5 + 4 * j]) for j in range(values[0]))))

    def to_str(self, arch: ChainArch) -> str:
        return "|".join(f"{x.op}-{x.channels}-s{x.stride}-{x.connection}" for x in self._check(arch).layers)

    def from_str(self, text: str) -> ChainArch:
        """Parse ``to_str``'s format; a non-canonical spelling gives its canonical architecture."""
        layers = []
        for token in str(text).split("|"):
            parts = token.rsplit("-", 3)
            if len(parts) != 4 or not parts[1].isdigit() or parts[2][:1] != "s" or not parts[2][1:].isdigit():
                raise ValueError(f"bad layer {token!r} in {text!r}; expected op-channels-sSTRIDE-connection "
                                 f"such as 'conv3x3-{self.config.channels[0]}-s1-series'")
            layers.append(Layer(parts[0], int(parts[1]), int(parts[2][1:]), parts[3]))
            self._check_layer(layers[-1], token)
        return self.canonicalize(ChainArch(tuple(layers)))

    # -- moves ---------------------------------------------------------------------------
    def _edits(self, arch: ChainArch) -> Iterator[tuple[Layer, ...]]:
        """Every layer list one edit away: one field changed, one layer removed or inserted."""
        cfg, layers = self.config, arch.layers
        for i, layer in enumerate(layers):
            for field, choices in FIELDS:
                for value in getattr(cfg, choices):
                    if value != getattr(layer, field):
                        yield layers[:i] + (replace(layer, **{field: value}),) + layers[i + 1:]
        if len(layers) > cfg.min_depth:
            yield from (layers[:i] + layers[i + 1:] for i in range(len(layers)))
        if len(layers) < cfg.max_depth:
            yield from (layers[:i] + (new,) + layers[i:] for i in range(len(layers) + 1)
                        for new in self._grammar.layers)

    def neighbours(self, arch: ChainArch) -> list[ChainArch]:
        """Distinct canonical architectures one edit away (change a field, remove or insert a layer)."""
        found = dict.fromkeys(self.canonicalize(ChainArch(layers)) for layers in self._edits(self._check(arch)))
        found.pop(arch, None)
        return list(found)

    def mutate(self, arch: ChainArch, rng: np.random.Generator) -> ChainArch:
        """One random edit (change a field, insert or remove a layer, each kind equally likely)."""
        cfg, layers = self.config, self._check(arch).layers
        for _ in range(100):
            edit, i = int(rng.integers(3)), int(rng.integers(len(layers) + 1))
            if edit == 0 and i < len(layers):
                field, choices = FIELDS[int(rng.integers(len(FIELDS)))]
                value = getattr(cfg, choices)[int(rng.integers(len(getattr(cfg, choices))))]
                child = layers[:i] + (replace(layers[i], **{field: value}),) + layers[i + 1:]
            elif edit == 1 and len(layers) < cfg.max_depth:
                new = self._grammar.layers[int(rng.integers(len(self._grammar.layers)))]
                child = layers[:i] + (new,) + layers[i:]
            elif edit == 2 and i < len(layers) and len(layers) > cfg.min_depth:
                child = layers[:i] + layers[i + 1:]
            else:
                continue
            child_arch = self.canonicalize(ChainArch(child))
            if child_arch != arch:
                return child_arch
        return super().mutate(arch, rng)  # tiny spaces: a uniform neighbour, or a clear error

    def crossover(self, first: ChainArch, second: ChainArch, rng: np.random.Generator) -> ChainArch:
        """A prefix of one parent (chosen at random) and a suffix of the other, of valid depth."""
        a, b = self._check(first).layers, self._check(second).layers
        if rng.random() < 0.5:
            a, b = b, a
        cfg = self.config
        cuts = [(i, j) for i in range(len(a) + 1) for j in range(len(b) + 1)
                if cfg.min_depth <= i + len(b) - j <= cfg.max_depth]
        i, j = cuts[int(rng.integers(len(cuts)))]
        return self.canonicalize(ChainArch(a[:i] + b[j:]))

    # -- networks --------------------------------------------------------------------------
    def build_body(self, arch: ChainArch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> ChainBody:
        layers = self._check(arch).layers
        if width_multiplier != 1:
            layers = tuple(replace(layer, channels=scale_channels(layer.channels, width_multiplier))
                           for layer in layers)
        return ChainBody(layers, in_channels, input_size)


#: The configuration registered as ``"chain-small"``: every connection, grid-searchable, fast to train.
SMALL = ChainConfig(ops=("conv3x3", "maxpool3x3", "identity", "zero"), channels=(16, 32), max_depth=3)


@SPACES.register("chain-small")
def chain_small(**overrides) -> ChainSpace:
    """The chain space with ``SMALL``'s choices; ``overrides`` replace any of them.

    Example:
        >>> SPACES.create("chain-small").size()
        61899
    """
    space = ChainSpace(**{**asdict(SMALL), **overrides})
    space.name = "chain-small"
    return space
