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

**Dead architectures are one class.** A ``zero`` in series (or a mix of
connections) can leave no path from input to output (``chain_signal.py``): such a
network computes a constant, cannot learn and scores chance, however its layers
are spelt. ``is_dead`` tells them apart, and the space treats them all as one
architecture, ``dead_arch`` (the first of the smallest depth): ``canonicalize``
maps every dead list to it, ``size`` counts it once, ``sample`` draws it with
probability ``1 / size`` and iteration lists it last. Moves stay among networks
that can learn: ``neighbours`` and ``mutate`` never lead to it, and ``crossover``
takes a cut that carries signal whenever one exists. So random search and grid
search evaluate it at most once, evolution and local search only when a random
start draws it. We merge rather than drop them because ``zero`` on a skip or
parallel branch means something (it is the course's "none" edge), every decision
vector still names an architecture, and one trial on a constant network is a
fair price for a space that is honest about its size: in ``chain-small`` 10,812 of
the 61,899 canonical lists (17%) are dead, and uniform samples used to waste that share.

Knows nothing about torch (``chain_network.py`` builds the body), scores or
strategies.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Iterator, Sequence

import numpy as np

from naslib_mini.spaces.base import SPACES, Decision, SearchSpace, require_rng, require_str, scale_channels
from naslib_mini.spaces.chain_canonical import ChainGrammar, Layer, grammar
from naslib_mini.spaces.chain_config import CONNECTIONS, DEFAULT_OPS, FIELDS, ChainConfig, unknown_choice
from naslib_mini.spaces.chain_moves import crossover_cuts, one_edit_away, random_edit
from naslib_mini.spaces.chain_network import ChainBody
from naslib_mini.spaces.chain_signal import has_signal_path

__all__ = ["CONNECTIONS", "ChainArch", "ChainConfig", "ChainSpace", "Layer"]


@dataclass(frozen=True)
class ChainArch:
    """An architecture of the chain space: its layers, input to output."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))

    @property
    def depth(self) -> int:
        return len(self.layers)


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
        (3917, 13)
        >>> ChainSpace().size()
        13814394764427418656993757
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
        layers = self._check(arch).layers
        if not has_signal_path(layers):
            return self.dead_arch
        return ChainArch(self._grammar.canonicalize(layers))

    def is_dead(self, arch: ChainArch) -> bool:
        """Whether ``arch`` (canonical or not) has no path from input to output (see ``chain_signal``).

        Example:
            >>> space = ChainSpace()
            >>> space.is_dead(space.from_str("conv3x3-16-s1-series|zero-16-s1-series"))
            True
            >>> space.is_dead(space.from_str("conv3x3-16-s1-series|zero-16-s1-skip"))
            False
        """
        return not has_signal_path(self._check(arch).layers)

    def dead_lists(self) -> int:
        """How many canonical layer lists ``dead_arch`` stands for (0 if the choices allow none)."""
        depths = range(self.config.min_depth, self.config.max_depth + 1)
        return sum(self._grammar.count(depth, live=False) for depth in depths)

    @cached_property
    def dead_arch(self) -> ChainArch | None:
        """The architecture that stands for every dead one; ``None`` if the choices allow none.

        Example:
            >>> space = ChainSpace(ops=("conv3x3", "zero"), channels=(8, 16), max_depth=3)
            >>> space.to_str(space.dead_arch)
            'zero-8-s1-series'
            >>> space.canonicalize(space.from_str("conv3x3-16-s2-skip|zero-8-s1-series")) == space.dead_arch
            True
        """
        for depth in range(self.config.min_depth, self.config.max_depth + 1):
            if self._grammar.count(depth, live=False):
                return ChainArch(self._grammar.unrank(0, depth, live=False))
        return None

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
                error = unknown_choice(field, getattr(layer, field), getattr(self.config, choices))
                raise ValueError(f"bad layer {token!r}: {error}") if token else error

    @cached_property
    def _layer_set(self) -> frozenset[Layer]:
        return frozenset(self._grammar.layers)

    def size(self) -> int:
        """Architectures that carry signal, plus one for the dead class if there is one."""
        return self._live_size + (self.dead_arch is not None)

    @cached_property
    def _live_size(self) -> int:
        return sum(self._grammar.count(d) for d in range(self.config.min_depth, self.config.max_depth + 1))

    def sample(self, rng: np.random.Generator) -> ChainArch:
        rng, total = require_rng(rng), self.size()
        bits = total.bit_length()
        while True:  # a uniform integer below total, by rejection (accepted with probability > 1/2)
            rank = int.from_bytes(rng.bytes((bits + 7) // 8), "little") >> (-bits % 8)
            if rank < total:
                break
        if rank == self._live_size:
            return self.dead_arch
        for depth in range(self.config.min_depth, self.config.max_depth + 1):
            if rank < self._grammar.count(depth):
                return ChainArch(self._grammar.unrank(rank, depth))
            rank -= self._grammar.count(depth)
        raise AssertionError("unreachable: ranks are below size()")

    def __iter__(self) -> Iterator[ChainArch]:
        """Every canonical architecture once: depth by depth, then in choice order; the dead class last."""
        for depth in range(self.config.min_depth, self.config.max_depth + 1):
            yield from map(ChainArch, self._grammar.enumerate(depth))
        if self.dead_arch is not None:
            yield self.dead_arch

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
        example = f"conv3x3-{self.config.channels[0]}-s1-series"
        for token in require_str(text, f"space {self.name!r}", example).split("|"):
            parts = token.rsplit("-", 3)
            if len(parts) != 4 or not parts[1].isdigit() or parts[2][:1] != "s" or not parts[2][1:].isdigit():
                raise ValueError(f"bad layer {token!r} in {text!r}; expected op-channels-sSTRIDE-connection "
                                 f"such as {example!r}")
            layers.append(Layer(parts[0], int(parts[1]), int(parts[2][1:]), parts[3]))
            self._check_layer(layers[-1], token)
        return self.canonicalize(ChainArch(tuple(layers)))

    # -- moves (the edits themselves are in chain_moves.py) ------------------------------
    def neighbours(self, arch: ChainArch) -> list[ChainArch]:
        """Distinct canonical architectures one edit away (change a field, remove or insert a layer)
        that carry signal: the dead class is nobody's neighbour."""
        edits = one_edit_away(self._check(arch).layers, self.config, self._grammar.layers)
        found = dict.fromkeys(self.canonicalize(ChainArch(layers)) for layers in edits)
        found.pop(arch, None)
        found.pop(self.dead_arch, None)
        return list(found)

    def mutate(self, arch: ChainArch, rng: np.random.Generator) -> ChainArch:
        """One random edit (change a field, insert or remove a layer, each kind equally likely)
        that gives another architecture carrying signal."""
        layers, rng = self._check(arch).layers, require_rng(rng)
        for _ in range(100):
            child = random_edit(layers, self.config, self._grammar.layers, rng)
            if child is None:
                continue
            child_arch = self.canonicalize(ChainArch(child))
            if child_arch != arch and child_arch != self.dead_arch:
                return child_arch
        return super().mutate(arch, rng)  # tiny spaces: a uniform neighbour, or a clear error

    def crossover(self, first: ChainArch, second: ChainArch, rng: np.random.Generator) -> ChainArch:
        """A prefix of one parent (chosen at random) and a suffix of the other, of valid depth."""
        a, b = self._check(first).layers, self._check(second).layers
        if require_rng(rng).random() < 0.5:
            a, b = b, a
        cuts = crossover_cuts(a, b, self.config)
        i, j = cuts[int(rng.integers(len(cuts)))]
        return self.canonicalize(ChainArch(a[:i] + b[j:]))

    # -- growth, for progressive search (PNAS) ----------------------------------------------
    def blocks(self, arch: ChainArch) -> int:
        """The network's size in progressive search: its number of layers."""
        return self._check(arch).depth

    def grow(self, arch: ChainArch) -> list[ChainArch]:
        """The architectures one layer deeper that carry signal: ``arch`` with one more layer on top.

        As PNAS appends a block to a cell, a chain grows at its output; every layer the
        choices allow is tried once. A chain at ``max_depth`` has no children.

        Example:
            >>> space = ChainSpace(ops=("conv3x3", "zero"), channels=(8,), strides=(1,), connections=("series", "skip"))
            >>> [space.to_str(a) for a in space.grow(space.from_str("conv3x3-8-s1-series"))]
            ... # doctest: +NORMALIZE_WHITESPACE
            ['conv3x3-8-s1-series|conv3x3-8-s1-series', 'conv3x3-8-s1-series|conv3x3-8-s1-skip',
             'conv3x3-8-s1-series|zero-8-s1-skip']
        """
        layers = self._check(arch).layers
        if len(layers) >= self.config.max_depth:
            return []
        children = dict.fromkeys(self.canonicalize(ChainArch(layers + (layer,))) for layer in self._grammar.layers)
        return [child for child in children if child.depth == len(layers) + 1 and child != self.dead_arch]

    def smallest_archs(self) -> list[ChainArch]:
        """Where progressive search starts: every architecture of ``min_depth`` layers that carries signal."""
        return list(map(ChainArch, self._grammar.enumerate(self.config.min_depth)))

    # -- networks --------------------------------------------------------------------------
    def build_body(self, arch: ChainArch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> ChainBody:
        layers = self._check(arch).layers
        if width_multiplier != 1:
            layers = tuple(replace(layer, channels=scale_channels(layer.channels, width_multiplier))
                           for layer in layers)
        return ChainBody(layers, in_channels, input_size)
