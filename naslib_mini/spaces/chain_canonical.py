"""The canonical form of chain architectures: the rewrites that merge equal layer lists,
and the automaton that counts, samples and enumerates canonical lists exactly.

As NAS-Bench-101 (Ying et al. 2019) merges cells that compute the same function,
so that a space's size counts networks rather than spellings, this module merges
layer lists. Two lists are the same architecture when they have the same depth
and, layer by layer, compute the same map with the same parameters, where every
operation is an opaque function of its input except that ``zero`` outputs zeros,
a shape-keeping identity returns its input, an operation without weights that
keeps the channels (identity, pooling) maps all-zero maps to zeros, and adding
is commutative. In the rules, ``x`` is the previous map, "same" means a layer
keeps ``x``'s channels at stride 1, "dead" means all zeros, and "free" means
the next layer is not ``parallel`` (which would see a rewritten operation).
The rules are applied until none fits; each needs its target among the choices.

1. ``dense`` reading one map (on layer 1, or after a stride-2 layer) or with
   ``zero``, and ``parallel`` on layer 1: ``series``.
2. A branch that adds zeros: ``parallel`` whose previous-operation branch is dead
   (after ``zero``, say), ``skip`` + same on a dead ``x``: ``series``.
3. An operation that outputs zeros (identity or pooling after ``zero``, say):
   ``zero``, if free.
4. ``zero`` + ``parallel`` computes only the previous operation P: P + ``series``,
   if free. ``zero`` + ``skip`` + same is the identity: ``identity`` + ``series``, if free.
5. ``parallel`` + same after an identity layer is ``op(x) + x``: ``skip``.
   ``identity`` + ``parallel`` + same after P is ``x + P(x)``: P + ``skip``, if free.
6. Swaps (adding is commutative): a free ``parallel`` layer of operation P after such
   an identity layer becomes ``identity`` after P + ``skip``; a free ``parallel``
   layer and its dead previous layer, both pooling or identity, take their two
   operations in the order of the choices.

So layer 1 only takes ``series`` or ``skip``, and ``zero`` never takes ``dense`` or
``parallel``. Not merged, by this notion of "same": an identity layer that keeps
the shape (removing it changes the depth and what dense layers read); layers
whose output a ``zero`` layer discards later; a batch norm of zeros, which is a
constant whatever operation came before; an identity that changes channels
versus ``conv1x1`` (equal only by how ``ops.py`` builds them); coincidences of
tiny inputs (stride 2 on a 1x1 map).

The automaton's state after a layer holds all the rules look at: the layer's
operation, channels and stride, whether a rule waits for a ``parallel`` layer,
whether the map is dead, the channels of the dead maps at its resolution, and
the P of rule 6; and, to tell lists that carry signal from those that do not
(``chain_signal.py``), the signal state. ``count``, ``unrank`` and ``enumerate``
take ``live``: lists whose output carries signal (the default), or those whose
output does not. Knows nothing about torch, strings or strategies.
"""
from __future__ import annotations

import functools
import itertools
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Iterator

from naslib_mini.spaces.chain_signal import SIGNAL_START, signal_step
from naslib_mini.spaces.ops import OPS

__all__ = ["ChainGrammar", "Layer", "grammar"]


@dataclass(frozen=True)
class Layer:
    """One layer: operation name (a key of ``OPS``), output channels, stride, connection."""

    op: str
    channels: int
    stride: int
    connection: str




class ChainGrammar:
    """The rewrites and the counting automaton for one ``ChainConfig`` (built through ``grammar``).

    Args:
        config: Has ``ops``, ``channels``, ``strides``, ``connections``, ``max_depth``
            and ``stem_channels``.
    """

    def __init__(self, config: Any) -> None:
        self.config = config
        self.layers = tuple(Layer(*values) for values in itertools.product(
            config.ops, config.channels, config.strides, config.connections))
        self.named = {kind: next((n for n in config.ops if OPS[n].kind == kind), None)
                      for kind in ("identity", "zero")}
        self.zeros = {n for n in config.ops if OPS[n].is_zero}
        self.identities = {n for n in config.ops if OPS[n].kind == "identity"}
        self.weightless = {n for n in config.ops if not OPS[n].has_weights} - self.zeros  # identity, pooling
        self.start = (None, config.stem_channels, 1, False, False, None, None, *SIGNAL_START)
        self._moves: dict[tuple, list[tuple[Layer, tuple]]] = {}
        self._counts: dict[bool, list[dict[tuple, int]]] = {}

    def kills(self, op: str, c_in: int | None, c_out: int, input_dead: bool) -> bool:
        """Whether ``op`` outputs zeros: it is zero, or keeps the channels of dead input without weights."""
        return op in self.zeros or (input_dead and op in self.weightless and c_in == c_out)

    def rewrite(self, prev: Layer | None, layer: Layer, free: bool, context: tuple) -> tuple:
        """``(prev, layer)`` after the first rule that fits (or unchanged); ``context`` from ``advance``."""
        cfg, conn, op = self.config, layer.connection, layer.op
        x_dead, run, swap = context
        c_x = cfg.stem_channels if prev is None else prev.channels
        same = layer.stride == 1 and layer.channels == c_x
        dense = conn == "dense" and prev is not None and prev.stride == 1  # reads two maps or more
        if conn == "dense" and (not dense or op in self.zeros) or \
                conn == "parallel" and (prev is None or self.kills(prev.op, c_x, layer.channels, x_dead)) or \
                conn == "skip" and same and x_dead:
            return prev, Layer(op, layer.channels, layer.stride, "series")
        if free and op not in self.zeros and \
                self.kills(op, run if dense else c_x, layer.channels, run is not None if dense else x_dead):
            return prev, Layer(self.named["zero"], layer.channels, layer.stride, conn)
        if op in self.zeros and free and conn == "parallel":
            return prev, Layer(prev.op, layer.channels, layer.stride, "series")
        if op in self.zeros and free and conn == "skip" and same and self.named["identity"] \
                and "series" in cfg.connections:
            return prev, Layer(self.named["identity"], layer.channels, 1, "series")
        if conn == "parallel" and same and "skip" in cfg.connections:
            if prev.op in self.identities:
                return prev, Layer(op, layer.channels, 1, "skip")
            if op in self.identities and free:
                return prev, Layer(prev.op, layer.channels, 1, "skip")
        if conn == "parallel" and free:
            if op == swap:
                return replace(prev, op=swap, connection="skip"), Layer(prev.op, layer.channels, layer.stride, conn)
            if x_dead and op in self.weightless and prev.op in self.weightless and \
                    cfg.ops.index(op) < cfg.ops.index(prev.op):
                return replace(prev, op=op), Layer(prev.op, layer.channels, layer.stride, conn)
        return prev, layer

    def advance(self, prev: Layer | None, layer: Layer, context: tuple) -> tuple:
        """The context after ``layer``: whether its map is dead; the channels of the dead maps
        at its resolution (``None`` if one is not dead, -1 if too wide for any choice); and
        rule 6's P when the layer is ``identity`` + ``parallel`` + same after P."""
        cfg, (x_dead, run, _) = self.config, context
        c_x = cfg.stem_channels if prev is None else prev.channels
        same = layer.stride == 1 and layer.channels == c_x
        if layer.connection == "dense" and prev is not None and prev.stride == 1:
            dead = self.kills(layer.op, run, layer.channels, run is not None)
        else:
            dead = self.kills(layer.op, c_x, layer.channels, x_dead)
        if layer.connection == "skip":
            dead = dead and x_dead and same
        elif layer.connection == "parallel" and prev is not None:
            dead = dead and self.kills(prev.op, c_x, layer.channels, x_dead)
        swap = None
        if layer.connection == "parallel" and same and layer.op in self.identities and prev is not None \
                and prev.op not in self.zeros | self.identities and "skip" in cfg.connections:
            swap = prev.op
        if not dead:
            return False, None, swap
        if layer.stride == 1 and (run is None or run < 0):
            return True, run, swap
        total = layer.channels + (run if layer.stride == 1 else 0)
        return True, total if total <= max(cfg.channels) else -1, swap

    def canonicalize(self, layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
        """The canonical spelling of a layer list (whose values are valid choices)."""
        layers, changed = list(layers), True
        while changed:
            changed, context = False, (False, None, None)
            for i, layer in enumerate(layers):
                prev = layers[i - 1] if i else None
                free = i + 1 == len(layers) or layers[i + 1].connection != "parallel"
                new_prev, layers[i] = self.rewrite(prev, layer, free, context)
                if i:
                    layers[i - 1] = new_prev
                changed = changed or layers[i] != layer or new_prev != prev
                context = self.advance(new_prev, layers[i], context)
        return tuple(layers)

    # -- the automaton -------------------------------------------------------------------
    def moves(self, state: tuple) -> list[tuple[Layer, tuple]]:
        """Canonical next layers from ``state`` and the state after each, in choice order."""
        if state not in self._moves:
            op, channels, stride, pending, *context, live, level = state
            prev = None if op is None else Layer(op, channels, stride, "series")
            moves = []
            for layer in self.layers:
                if pending and layer.connection != "parallel":
                    continue
                # a rule that fits without "free" also fits with it, so one call usually decides
                waits = self.rewrite(prev, layer, True, context) != (prev, layer)
                if waits and self.rewrite(prev, layer, False, context) != (prev, layer):
                    continue
                moves.append((layer, (layer.op, layer.channels, layer.stride, waits,
                                      *self.advance(prev, layer, context), *signal_step((live, level), op, layer))))
            self._moves[state] = moves
        return self._moves[state]

    def counts(self, live: bool = True) -> list[dict[tuple, int]]:
        """``counts(live)[k][state]``: canonical continuations of exactly ``k`` more layers
        whose output carries signal (``live``) or does not."""
        if live not in self._counts:
            frontier, states = {self.start}, set()
            while frontier:
                states |= frontier
                frontier = {nxt for s in frontier for _, nxt in self.moves(s)} - states
            edges = {s: Counter(nxt for _, nxt in self.moves(s)).items() for s in states}
            counts = [{s: int(not s[3] and s[-2] == live) for s in states}]
            for _ in range(self.config.max_depth):
                counts.append({s: sum(n * counts[-1][nxt] for nxt, n in edges[s]) for s in states})
            self._counts[live] = counts
        return self._counts[live]

    def count(self, depth: int, live: bool = True) -> int:
        """Number of canonical layer lists of ``depth`` layers (whose output carries signal, or not)."""
        return self.counts(live)[depth][self.start]

    def unrank(self, rank: int, depth: int, live: bool = True) -> tuple[Layer, ...]:
        """The canonical list of ``depth`` layers at position ``rank`` of ``enumerate(depth, live=live)``."""
        state, layers, counts = self.start, [], self.counts(live)
        for remaining in range(depth - 1, -1, -1):
            for layer, nxt in self.moves(state):
                if rank < counts[remaining][nxt]:
                    layers.append(layer)
                    state = nxt
                    break
                rank -= counts[remaining][nxt]
        return tuple(layers)

    def enumerate(self, depth: int, state: tuple | None = None, live: bool = True) -> Iterator[tuple[Layer, ...]]:
        """Every canonical list of ``depth`` layers (whose output carries signal, or not), in choice order."""
        if depth == 0:
            yield ()
            return
        for layer, nxt in self.moves(self.start if state is None else state):
            if self.counts(live)[depth - 1][nxt]:
                yield from ((layer,) + rest for rest in self.enumerate(depth - 1, nxt, live))


@functools.lru_cache(maxsize=32)
def grammar(config: Any) -> ChainGrammar:
    """The (shared, cached) grammar of a hashable configuration.

    Example:
        >>> from naslib_mini.spaces.chain import ChainConfig
        >>> g = grammar(ChainConfig(ops=("conv3x3", "zero"), channels=(8,), strides=(1,), max_depth=2))
        >>> [g.count(d) for d in (1, 2)]  # layer 1: series or skip; zero never dense or parallel
        [3, 15]
        >>> [g.count(d, live=False) for d in (1, 2)]  # zero in series last, or conv3x3 in series after it
        [1, 5]
        >>> g.canonicalize((Layer("zero", 8, 1, "series"), Layer("conv3x3", 8, 1, "parallel")))[1]
        Layer(op='conv3x3', channels=8, stride=1, connection='series')
    """
    return ChainGrammar(config)
