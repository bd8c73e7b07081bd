"""Widget: pick two parents and a seed, see the child that crossover and mutation make.

The variation step of a genetic algorithm (Holland 1975; for architectures, e.g.
Real et al. 2017 and Elsken, Metzen & Hutter 2019, Sec. 3) as plain, unit-tested
functions (``breed``, ``breeding_text``) under a thin ipywidgets shell. The
operators are the space's own: ``space.crossover`` (single-point over the layers
of a chain, uniform over the edges of a cell) and ``space.mutate``. Each part of
the child (a chain layer, a cell edge) is labelled with where it came from.

Knows nothing about strategies or how architectures are scored: an optional
``score`` function (a tabular look-up, say) is only called to show numbers.
Never trains.
"""
from __future__ import annotations

import html
import math
from typing import Any, Callable, Hashable, Sequence

import numpy as np

from naslib_mini.spaces.base import SearchSpace

__all__ = ["ORIGINS", "Breeder", "arch_parts", "breed", "breeder", "breeding_text"]

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


class Breeder:
    """Two parent dropdowns, a seed slider, crossover and mutation controls, and the child.

    Attributes:
        first, second: Dropdowns over the parent architectures (strings).
        seed: Slider for the generator of crossover and mutation.
        crossover: Checkbox: recombine the parents or copy the first.
        mutations: Slider: mutations applied after crossover.
        output: HTML widget holding ``breeding_text`` of the current choice.
        widget: The container to display.
    """

    def __init__(self, space: SearchSpace, parents: Sequence[Hashable | str], seed: int = 0,
                 mutations: int = 1, score: Callable[[Hashable], float] | None = None) -> None:
        import ipywidgets as w

        labels = [p if isinstance(p, str) else space.to_str(p) for p in parents]
        labels = list(dict.fromkeys(labels))
        if len(labels) < 2:
            raise ValueError(f"the breeder needs at least two distinct parents, got {len(labels)}")
        self.space, self.score = space, score
        layout = w.Layout(width="95%")
        self.first = w.Dropdown(options=labels, value=labels[0], description="first", layout=layout)
        self.second = w.Dropdown(options=labels, value=labels[1], description="second", layout=layout)
        self.seed = w.IntSlider(value=seed, min=0, max=max(99, seed), description="seed")
        self.crossover = w.Checkbox(value=True, description="crossover")
        self.mutations = w.IntSlider(value=mutations, min=0, max=max(3, mutations), description="mutations")
        self.output = w.HTML()
        self.widget = w.VBox([self.first, self.second, w.HBox([self.seed, self.mutations, self.crossover]),
                              self.output])
        for control in (self.first, self.second, self.seed, self.crossover, self.mutations):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Breed the current choice and show it."""
        result = breed(self.space, self.first.value, self.second.value, self.seed.value,
                       crossover=self.crossover.value, mutations=self.mutations.value, score=self.score)
        self.result = result
        self.output.value = f"<pre style='line-height:1.3'>{html.escape(breeding_text(result))}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def breeder(space: SearchSpace, parents: Sequence[Hashable | str], seed: int = 0, mutations: int = 1,
            score: Callable[[Hashable], float] | None = None) -> Breeder:
    """A widget to pick two parents and a seed and see their child (crossover, then mutation).

    Args:
        space: The space of the parents.
        parents: Architectures (or strings) to choose the parents from, e.g. a final population.
        seed: The seed shown first.
        mutations: Mutations after crossover shown first.
        score: Optional ``arch -> float`` to show the scores (never a training run).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> w = breeder(space, ["conv3x3-16-s1-series", "maxpool3x3-32-s2-series|identity-32-s1-skip"])
        >>> w.seed.value = 3
        >>> w.result["child"] == breed(space, w.first.value, w.second.value, 3)["child"]
        True
    """
    return Breeder(space, parents, seed, mutations, score)
