"""The search-space interface every space implements, and the registry of spaces.

A space is a set of immutable, hashable architectures plus the operations
strategies need on them: sampling, mutation, neighbours, crossover, a
fixed-length numeric encoding, a view as a sequence of categorical decisions
(for policies such as REINFORCE and TPE) and one ``to_str``/``from_str`` pair.
It knows nothing about torch training, scores or strategies; building a network
from an architecture is ``naslib_mini.networks``' job, through ``build_body``.
"""
from __future__ import annotations

import abc
import itertools
from dataclasses import dataclass
from typing import Any, Hashable, Iterator, Sequence

import numpy as np

from naslib_mini.registry import Registry

__all__ = ["Decision", "SearchSpace", "SPACES", "require_rng", "require_str", "scale_channels"]

SPACES: Registry["SearchSpace"] = Registry("search space")


def require_str(text: object, space: str, example: str) -> str:
    """``text`` if it is a string, else a ``TypeError`` naming it and showing the format of ``space``."""
    if not isinstance(text, str):
        raise TypeError(f"{space} architectures are read from strings such as {example!r}, "
                        f"got {type(text).__name__}: {text!r}")
    return text


def require_rng(rng: object) -> np.random.Generator:
    """``rng`` if it is a ``numpy.random.Generator``, else a ``TypeError`` naming it and how to make one."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (for example naslib_mini.default_rng(0)), "
                        f"got {type(rng).__name__}: {rng!r}")
    return rng


def scale_channels(channels: int, multiplier: float) -> int:
    """``channels`` times ``multiplier``, rounded, at least 1: how a width multiplier scales a layer.

    Example:
        >>> scale_channels(16, 0.5), scale_channels(3, 0.1), scale_channels(16, 1.0)
        (8, 1, 16)
    """
    return max(1, int(round(channels * multiplier)))


@dataclass(frozen=True)
class Decision:
    """One categorical choice in a space's decision view.

    Attributes:
        name: A readable name such as ``"layer3.op"`` or ``"edge(1->2)"``.
        choices: The values this decision can take, in a fixed order.
    """

    name: str
    choices: tuple[Any, ...]

    def __post_init__(self) -> None:
        if len(self.choices) == 0:
            raise ValueError(f"decision {self.name!r} has no choices")


class SearchSpace(abc.ABC):
    """Base class of search spaces.

    Subclasses implement the decision view (``decisions``, ``to_decisions``,
    ``from_decisions``), strings, sampling and ``size``; mutation, crossover,
    neighbours, encodings and enumeration have decision-based defaults that a
    space overrides where its structure needs more care.

    Architectures are immutable and hashable. ``from_decisions`` must return the
    canonical architecture for a decision vector, so two vectors that mean the
    same network give equal architectures.
    """

    #: Registered name of the space, set by subclasses.
    name: str = ""

    # -- the decision view -------------------------------------------------
    @abc.abstractmethod
    def decisions(self) -> tuple[Decision, ...]:
        """The fixed-length sequence of categorical choices that spans the space."""

    @abc.abstractmethod
    def to_decisions(self, arch: Hashable) -> tuple[int, ...]:
        """Indices into each decision's choices that describe ``arch``."""

    @abc.abstractmethod
    def from_decisions(self, indices: Sequence[int]) -> Hashable:
        """The canonical architecture for a vector of choice indices."""

    # -- strings at the edges ------------------------------------------------
    @abc.abstractmethod
    def to_str(self, arch: Hashable) -> str:
        """A stable string for ``arch``; ``from_str(to_str(a)) == a``."""

    @abc.abstractmethod
    def from_str(self, text: str) -> Hashable:
        """Parse a string written by ``to_str``; bad strings raise ``ValueError``."""

    # -- counting and sampling -------------------------------------------------
    @abc.abstractmethod
    def size(self) -> int:
        """The exact number of distinct architectures."""

    @abc.abstractmethod
    def sample(self, rng: np.random.Generator) -> Hashable:
        """One architecture drawn uniformly from the distinct architectures."""

    def __iter__(self) -> Iterator[Hashable]:
        """Every distinct architecture once, in a fixed order."""
        seen: set[Hashable] = set()
        ranges = [range(len(d.choices)) for d in self.decisions()]
        for indices in itertools.product(*ranges):
            arch = self.from_decisions(indices)
            if arch not in seen:
                seen.add(arch)
                yield arch

    def is_dead(self, arch: Hashable) -> bool:
        """Whether ``arch`` has no path from input to output, so computes a constant and cannot learn.

        The default knows of no such architecture; spaces whose operations can cut the
        signal (a ``zero`` operation) override it from their operations' ``passes_signal``.
        """
        return False

    def validate(self, arch: Hashable) -> None:
        """Raise ``ValueError`` naming the problem if ``arch`` is not in this space."""
        indices = self.to_decisions(arch)
        if self.from_decisions(indices) != arch:
            raise ValueError(f"{arch!r} is not a canonical architecture of space {self.name!r}")

    # -- moves -------------------------------------------------------------------
    def neighbours(self, arch: Hashable) -> list[Hashable]:
        """Distinct architectures one decision away from ``arch``, in a fixed order."""
        base = list(self.to_decisions(arch))
        found: dict[Hashable, None] = {}
        for position, decision in enumerate(self.decisions()):
            for choice in range(len(decision.choices)):
                if choice == base[position]:
                    continue
                indices = base.copy()
                indices[position] = choice
                other = self.from_decisions(indices)
                if other != arch:
                    found.setdefault(other, None)
        return list(found)

    def mutate(self, arch: Hashable, rng: np.random.Generator) -> Hashable:
        """A uniformly chosen neighbour of ``arch`` (always different from it)."""
        require_rng(rng)
        options = self.neighbours(arch)
        if not options:
            raise ValueError(f"architecture {self.to_str(arch)!r} has no neighbours in {self.name!r}")
        return options[int(rng.integers(len(options)))]

    def crossover(self, first: Hashable, second: Hashable, rng: np.random.Generator) -> Hashable:
        """Uniform crossover over decisions: each decision comes from either parent."""
        a, b = self.to_decisions(first), self.to_decisions(second)
        take_first = require_rng(rng).random(len(a)) < 0.5
        return self.from_decisions([x if t else y for x, y, t in zip(a, b, take_first)])

    # -- encodings ---------------------------------------------------------------
    @property
    def encodings(self) -> tuple[str, ...]:
        """Names of the numeric encodings this space offers; the first is the default."""
        return ("onehot",)

    def encode(self, arch: Hashable, encoding: str = "onehot") -> np.ndarray:
        """A fixed-length float vector describing ``arch``.

        ``"onehot"`` concatenates a one-hot vector per decision.
        """
        if encoding != "onehot":
            raise ValueError(
                f"unknown encoding {encoding!r} for space {self.name!r}; valid choices: "
                + ", ".join(self.encodings)
            )
        parts = []
        for decision, index in zip(self.decisions(), self.to_decisions(arch)):
            one_hot = np.zeros(len(decision.choices))
            one_hot[index] = 1.0
            parts.append(one_hot)
        return np.concatenate(parts)

    # -- networks ----------------------------------------------------------------
    @abc.abstractmethod
    def build_body(self, arch: Hashable, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> Any:
        """The torch module between a task's stem and head (see ``naslib_mini.networks``).

        Args:
            arch: An architecture of this space.
            in_channels: Channels of the stem's output (``stem_channels``, already scaled by
                ``width_multiplier``).
            input_size: Spatial size of the stem's output, one entry per dimension
                (``(40,)`` for MNIST-1D, ``(8, 8)`` for digits).
            width_multiplier: Factor on the channel counts the architecture itself holds
                (with ``scale_channels``); a space whose widths all follow from
                ``in_channels`` has nothing more to scale.

        Returns:
            A ``torch.nn.Module`` with an integer ``out_channels`` attribute.
        """

    @property
    @abc.abstractmethod
    def stem_channels(self) -> int:
        """Channels the task's stem must produce for this space's body."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, size={self.size()})"
