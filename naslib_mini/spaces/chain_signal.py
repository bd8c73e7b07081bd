"""Signal paths through a chain architecture: which layer lists compute a constant.

A map *carries signal* when it depends on the network's input. The stem's output
does; after that, following the connections of ``chain_network.py`` (``x`` the
previous map, ``P`` the previous layer's operation):

* ``series``: ``op(x)`` carries signal when ``op`` passes it and ``x`` carries it;
* ``skip``: ``op(x) + proj(x)`` carries signal when ``x`` does (the projection always passes it);
* ``dense``: ``op(concat)`` when ``op`` passes signal and some map it reads carries it;
* ``parallel``: ``op(x) + P(x)`` when ``x`` carries signal and ``op`` or ``P`` passes it
  (on layer 1, where there is no ``P``, as ``series``).

Whether an operation passes signal is a property in the one operations table
(``Operation.passes_signal``: every kind but ``zero``), never read from its name.
An architecture whose last map carries no signal has no path from input to
output: whatever its weights, it computes a constant (zeros, or the shift of a
batch norm), cannot learn, and scores chance. Rewriting a list into its
canonical form (``chain_canonical.py``) never changes whether it carries signal.

Knows nothing about canonical forms, torch, strings or search; ``ChainSpace``
decides what the space does with such architectures.
"""
from __future__ import annotations

from typing import Iterable, Protocol

from naslib_mini.spaces.ops import OPS

__all__ = ["SIGNAL_START", "SignalState", "has_signal_path", "signal_step"]

#: ``(the previous map carries signal, some map at its resolution does)``.
SignalState = tuple[bool, bool]
#: The state before layer 1: the stem's output carries signal.
SIGNAL_START: SignalState = (True, True)


class LayerSpec(Protocol):
    op: str
    stride: int
    connection: str


def signal_step(state: SignalState, prev_op: str | None, layer: LayerSpec) -> SignalState:
    """The signal state after ``layer``, given the state before it and the previous layer's operation.

    "At its resolution" follows ``chain_network.py``: a dense layer reads every map
    after the last stride-2 layer, so a stride-2 layer starts a new set of maps.
    """
    live, level = state
    passes = OPS[layer.op].passes_signal
    if layer.connection == "skip":
        out = live
    elif layer.connection == "dense":
        out = passes and level
    elif layer.connection == "parallel" and prev_op is not None:
        out = live and (passes or OPS[prev_op].passes_signal)
    else:  # series, and parallel on layer 1
        out = passes and live
    return out, out if layer.stride == 2 else (level or out)


def has_signal_path(layers: Iterable[LayerSpec]) -> bool:
    """Whether the output of a layer list depends on its input.

    Example:
        >>> from naslib_mini.spaces.chain_canonical import Layer
        >>> has_signal_path([Layer("conv3x3", 16, 1, "series"), Layer("zero", 16, 1, "series")])
        False
        >>> has_signal_path([Layer("conv3x3", 16, 1, "series"), Layer("zero", 16, 1, "skip")])
        True
        >>> has_signal_path([Layer("zero", 16, 1, "series"), Layer("conv3x3", 16, 1, "dense")])
        True
    """
    state, prev = SIGNAL_START, None
    for layer in layers:
        state, prev = signal_step(state, prev, layer), layer.op
    return state[0]
