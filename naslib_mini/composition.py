"""Composition: build a chain architecture layer by layer, and see what the space makes of it.

``compose`` turns layer choices given input to output into the chain space's canonical
architecture (Elsken, Metzen & Hutter 2019, Sec. 2, as ``naslib_mini.spaces.chain``
defines it), naming any bad value; ``layer_choices`` lists what each layer field can
take; ``composition_text`` shows the architecture, any canonical rewrite and the network
summary. Never trains: it only builds a network to summarise it.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.spaces.chain import ChainArch, ChainSpace, Layer
from naslib_mini.summary import summarize
from naslib_mini.tasks.base import TaskSpec

__all__ = ["LAYER_FIELDS", "compose", "composition_text", "layer_choices"]

#: The fields of one chain layer, in the order the composer shows them.
LAYER_FIELDS = ("op", "channels", "stride", "connection")


def layer_choices(space: SearchSpace) -> dict[str, tuple]:
    """The values each layer field can take in a chain space.

    Example:
        >>> import naslib_mini as nm
        >>> layer_choices(nm.SPACES.create("chain-small"))["channels"]
        (16, 32)
    """
    if not isinstance(space, ChainSpace):
        raise TypeError(f"the composer builds chain architectures layer by layer; got a "
                        f"{type(space).__name__} ({space.name!r}); valid choices: a 'chain' or 'chain-small' space")
    cfg = space.config
    return {"op": cfg.ops, "channels": cfg.channels, "stride": cfg.strides, "connection": cfg.connections}


def _as_layer(values: Layer | Mapping[str, Any] | Sequence[Any], position: int) -> Layer:
    if isinstance(values, Layer):
        return values
    if isinstance(values, Mapping):
        missing = [f for f in LAYER_FIELDS if f not in values]
        unknown = sorted(set(values) - set(LAYER_FIELDS))
        if missing or unknown:
            raise ValueError(f"layer {position} has missing fields {missing} and unknown fields {unknown}; "
                             f"valid fields: {', '.join(LAYER_FIELDS)}")
        return Layer(**{f: values[f] for f in LAYER_FIELDS})
    if isinstance(values, str) or len(values) != len(LAYER_FIELDS):
        raise ValueError(f"layer {position} must be a mapping or a sequence of "
                         f"{', '.join(LAYER_FIELDS)}; got {values!r}")
    return Layer(*values)


def compose(space: SearchSpace, layers: Sequence[Mapping[str, Any] | Sequence[Any]]) -> ChainArch:
    """The canonical chain architecture for layer choices given input to output.

    Args:
        space: A chain space.
        layers: One mapping per layer with ``op``, ``channels``, ``stride`` and
            ``connection`` (or a 4-tuple in that order, or a ``Layer``).

    Returns:
        The space's canonical architecture for that layer list (equivalent layer
        lists give the same architecture).

    Raises:
        ValueError: A field is missing or outside the space's choices, or the
            depth is outside ``min_depth..max_depth``; the message names the bad value.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> arch = compose(space, [("conv3x3", 16, 2, "dense"), ("maxpool3x3", 32, 1, "skip")])
        >>> space.to_str(arch)  # dense on the first layer reads one map: it is series
        'conv3x3-16-s2-series|maxpool3x3-32-s1-skip'
    """
    layer_choices(space)  # checks that the space composes layer by layer
    return space.canonicalize(ChainArch(tuple(_as_layer(v, i + 1) for i, v in enumerate(layers))))


def composition_text(space: SearchSpace, layers: Sequence[Mapping[str, Any] | Sequence[Any]],
                     spec: TaskSpec) -> str:
    """What the composer shows: the architecture, any canonical rewrite, and the network summary.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> print(composition_text(space, [("zero", 16, 1, "skip")], nm.TaskSpec("toy", (1, 8, 8), 10)))
        architecture: identity-16-s1-series
        you asked for: zero-16-s1-skip (the same network; the space keeps one canonical form)
        stem ...
        total ...
    """
    raw = ChainArch(tuple(_as_layer(v, i + 1) for i, v in enumerate(layers)))
    arch = compose(space, raw.layers)
    lines = [f"architecture: {space.to_str(arch)}"]
    if arch != raw:
        lines.append(f"you asked for: {space.to_str(raw)} (the same network; the space keeps one canonical form)")
    lines.append(str(summarize(space, arch, spec)))
    return "\n".join(lines)
