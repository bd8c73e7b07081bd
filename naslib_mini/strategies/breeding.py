"""Breeding: one child of two parent architectures by crossover and mutation, each part labelled.

The variation step of a genetic algorithm (Holland 1975; for architectures, e.g. Real
et al. 2017 and Elsken, Metzen & Hutter 2019, Sec. 3), the step ``evolution.py`` takes,
spelled out so a reader can watch it: ``breed`` applies the space's own operators
(``space.crossover``: single-point over the layers of a chain, uniform over the edges of
a cell; then ``space.mutate``) and labels each part of the child (a chain layer, a cell
edge) with where it came from; ``breeding_text`` writes that out.

Knows nothing about strategies or how architectures are scored: an optional ``score``
function (a tabular look-up, say) is only called to show numbers. Never trains.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Hashable

import numpy as np

from naslib_mini.spaces.base import SearchSpace

__all__ = ["ORIGINS", "arch_parts", "breed", "breeding_text"]

#: Labels of where a part of the child came from.
ORIGINS = ("both", "first", "second", "mutation", "rewritten")


def arch_parts(space: SearchSpace, arch: Hashable) -> list[tuple[str, str]]:
    """The parts crossover recombines, as ``(name, value)`` strings.

    A chain architecture's parts are its layers (``"layer 1"``, ...); any other
    space's parts are its decisions (for NAS-Bench-201 the six edges).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> arch_parts(space, space.from_str("conv3x3-16-s1-series|zero-32-s2-skip"))
        [('layer 1', 'conv3x3-16-s1-series'), ('layer 2', 'zero-32-s2-skip')]
    """
    layers = getattr(arch, "layers", None)
    if layers is not None:
        return [(f"layer {i}", f"{x.op}-{x.channels}-s{x.stride}-{x.connection}") for i, x in enumerate(layers, 1)]
    return [(d.name, str(d.choices[i])) for d, i in zip(space.decisions(), space.to_decisions(arch))]


def _origins(space: SearchSpace, child: Hashable, crossed: Hashable, first: Hashable, second: Hashable) -> list[str]:
    """Where each part of ``child`` came from (see ``ORIGINS``).

    Cell edges are compared position by position. A chain's crossover splices a
    prefix of one parent onto a suffix of the other, shifting layers, so a layer
    counts as inherited when the parent has the same layer anywhere.
    """
    child_parts = arch_parts(space, child)
    crossed_values = [v for _, v in arch_parts(space, crossed)]
    a_values = [v for _, v in arch_parts(space, first)]
    b_values = [v for _, v in arch_parts(space, second)]
    positional = getattr(child, "layers", None) is None
    origins = []
    for position, (_, value) in enumerate(child_parts):
        if positional:
            in_a, in_b = a_values[position] == value, b_values[position] == value
            in_crossed = crossed_values[position] == value
        else:
            in_a, in_b, in_crossed = value in a_values, value in b_values, value in crossed_values
        if in_a and in_b:
            origins.append("both")
        elif in_a or in_b:
            origins.append("first" if in_a else "second")
        else:
            origins.append("rewritten" if in_crossed else "mutation")
    return origins


def breed(space: SearchSpace, first: Hashable | str, second: Hashable | str, seed: int = 0, *,
          crossover: bool = True, mutations: int = 1,
          score: Callable[[Hashable], float] | None = None) -> dict[str, Any]:
    """One child of two parents: ``space.crossover``, then ``mutations`` calls of ``space.mutate``.

    Args:
        space: The search space of both parents.
        first, second: The parents (architectures or their strings).
        seed: Seeds the one generator crossover and mutation draw from.
        crossover: Recombine the parents; with ``False`` the child starts as a copy of ``first``.
        mutations: Mutations applied one after another to the recombined child (0 for none).
        score: Optional ``arch -> float`` (e.g. a tabular look-up) to show each one's score.

    Returns:
        A dict with the strings ``first``, ``second``, ``crossed`` (after crossover)
        and ``child``; ``parts``, one row per part of the child with its ``name``,
        ``value`` and ``origin`` (one of ``ORIGINS``: in both parents, only the first,
        only the second, changed by a mutation, or rewritten to the space's canonical
        form by crossover); and, with ``score``, ``scores`` for the parents and child.

    Raises:
        ValueError: ``mutations`` is negative, or a parent is not in ``space``.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> a = space.from_decisions([3, 3, 3, 1, 3, 3])  # nor_conv_3x3 everywhere, one skip
        >>> b = space.from_decisions([4, 0, 4, 1, 0, 4])  # pooling and none, the same skip
        >>> result = breed(space, a, b, seed=0, mutations=0)
        >>> [p["origin"] for p in result["parts"]]
        ['second', 'first', 'first', 'both', 'second', 'second']
        >>> result["child"]
        '|avg_pool_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'
    """
    if not (isinstance(mutations, (int, np.integer)) and not isinstance(mutations, bool) and mutations >= 0):
        raise ValueError(f"mutations must be an integer >= 0, got {mutations!r}")
    parents = []
    for label, parent in (("first", first), ("second", second)):
        arch = space.from_str(parent) if isinstance(parent, str) else parent
        try:
            space.validate(arch)
        except (ValueError, TypeError) as error:
            raise ValueError(f"the {label} parent is not an architecture of space {space.name!r}: {error}") from None
        parents.append(arch)
    first, second = parents
    rng = np.random.default_rng(seed)
    crossed = space.crossover(first, second, rng) if crossover else first
    child = crossed
    for _ in range(mutations):
        child = space.mutate(child, rng)
    origins = _origins(space, child, crossed, first, second)
    result: dict[str, Any] = {
        "first": space.to_str(first), "second": space.to_str(second),
        "crossed": space.to_str(crossed), "child": space.to_str(child),
        "parts": [{"name": name, "value": value, "origin": origin}
                  for (name, value), origin in zip(arch_parts(space, child), origins)],
    }
    if score is not None:
        result["scores"] = {name: float(score(arch)) for name, arch in
                            (("first", first), ("second", second), ("crossed", crossed), ("child", child))}
    return result


def breeding_text(result: dict[str, Any]) -> str:
    """``breed``'s dict as aligned text: the parents, the child and each part's origin.

    Example:
        >>> print(breeding_text({"first": "a", "second": "b", "crossed": "a", "child": "c",
        ...                      "parts": [{"name": "x", "value": "c", "origin": "mutation"}]}))
        first parent   a
        second parent  b
        after crossover a
        child          c
        <BLANKLINE>
        x  c  <- mutation
    """
    scores = result.get("scores", {})

    def line(label: str, key: str) -> str:
        extra = f"   score {scores[key]:.2f}" if key in scores and not math.isnan(scores[key]) else ""
        return f"{label:<14} {result[key]}{extra}"

    lines = [line("first parent", "first"), line("second parent", "second"),
             line("after crossover", "crossed"), line("child", "child"), ""]
    width = max((len(p["name"]) for p in result["parts"]), default=0)
    value_width = max((len(p["value"]) for p in result["parts"]), default=0)
    for part in result["parts"]:
        lines.append(f"{part['name']:<{width}}  {part['value']:<{value_width}}  <- {part['origin']}")
    return "\n".join(lines)
