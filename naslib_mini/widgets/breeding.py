"""Widget: pick two parents and a seed, see the child that crossover and mutation make.

A thin view over ``naslib_mini.strategies.breeding.breed`` and ``breeding_text``. Never trains.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies.breeding import breed, breeding_text
from naslib_mini.widgets.display import pre

__all__ = ["Breeder", "breeder"]

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
        self.output.value = pre(breeding_text(result))

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
