"""A search space made of a listed sample of another space's architectures.

A benchmark that trained a sample of a space (the ground-truth set of the estimator study
trained 300 NAS-Bench-201 cells and 200 chain networks) can answer queries only about the
architectures it holds. ``SubsetSpace`` lets every strategy search such a benchmark through
the same loop: it is the base space restricted to the listed architectures.

- Sampling is uniform over the members; enumeration lists them in order; ``size`` counts them.
- Strings, decisions, encodings and networks are the base space's, so a member is the same
  value, string and network in both spaces (an estimator of the base space serves it too).
- A decision vector that is not a member is *projected*: ``from_decisions`` returns the member
  nearest to it in Hamming distance over the decisions (the first in list order on a tie).
  Crossover (decision-wise, as in ``SearchSpace``) and the strategies that propose decision
  vectors (REINFORCE, BOHB's model) thereby stay inside the set.
- The neighbours of a member are the other members nearest to it (smallest positive Hamming
  distance over the decisions): in a sparse sample few members differ in one decision only, so
  "one decision away" becomes "as few decisions away as the set allows". Mutation picks one
  of them uniformly, as in the base class.
- Where the base space identifies architectures up to isomorphism (``canonical``), so does
  the subset: any cell of a listed class is a member, represented by the listed cell.

Knows nothing about benchmarks, estimators or strategies.
"""
from __future__ import annotations

from typing import Any, Hashable, Iterable, Iterator, Sequence

import numpy as np

from naslib_mini.spaces.base import Decision, SearchSpace, require_rng

__all__ = ["SubsetSpace"]


class SubsetSpace(SearchSpace):
    """The architectures ``archs`` of ``base``, as a search space of their own.

    Args:
        base: The space the architectures come from; its ``name`` is kept, so estimators
            that select by space name (a table of that space) serve the subset too.
        archs: Architectures of ``base`` (duplicates, up to ``base.canonical`` where the base
            has it, are dropped; the first one listed represents its class).

    Raises:
        ValueError: ``archs`` is empty or holds an architecture that is not in ``base``.

    Example:
        >>> import naslib_mini as nm
        >>> chain = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> members = list(chain)[:5]
        >>> subset = SubsetSpace(chain, members)
        >>> subset.size(), subset.sample(nm.default_rng(0)) in members
        (5, True)
        >>> subset.mutate(members[0], nm.default_rng(0)) in members
        True
    """

    def __init__(self, base: SearchSpace, archs: Iterable[Hashable]) -> None:
        if not isinstance(base, SearchSpace):
            raise TypeError(f"base must be a SearchSpace, got {base!r}")
        self.base, self.name = base, base.name
        self._identity = getattr(base, "canonical", None)
        if self._identity is not None:
            self.canonical = self._identity
        members: dict[Hashable, Hashable] = {}
        for arch in archs:
            try:
                base.validate(arch)
            except (ValueError, TypeError, KeyError) as exc:
                raise ValueError(f"{arch!r} is not an architecture of space {base.name!r}: {exc}") from exc
            members.setdefault(self._key(arch), arch)
        if not members:
            raise ValueError(f"a subset of space {base.name!r} needs at least one architecture, got none")
        self._members = members
        self._archs = tuple(members.values())
        self._codes = np.array([base.to_decisions(arch) for arch in self._archs])
        if callable(getattr(base, "grow", None)):  # growth (progressive search), where the base offers it
            self.blocks, self.grow, self.smallest_archs = base.blocks, self._grow, self._smallest_archs

    def _grow(self, arch: Hashable) -> list[Hashable]:
        """The base's children of ``arch`` that are members (a sparse sample may hold none)."""
        return self._only_members(self.base.grow(arch))

    def _smallest_archs(self) -> list[Hashable]:
        """The base's smallest architectures that are members (a sparse sample may hold none)."""
        return self._only_members(self.base.smallest_archs())

    def _only_members(self, archs: Iterable[Hashable]) -> list[Hashable]:
        found = {self._key(a): self._members[self._key(a)] for a in archs if self._key(a) in self._members}
        return list(found.values())

    def _key(self, arch: Hashable) -> Hashable:
        return arch if self._identity is None else self._identity(arch)

    def __contains__(self, arch: object) -> bool:
        try:
            return self._key(arch) in self._members
        except (ValueError, TypeError, KeyError, AttributeError):
            return False

    # -- the decision view: the base's, projected onto the members ------------------------
    def decisions(self) -> tuple[Decision, ...]:
        return self.base.decisions()

    def to_decisions(self, arch: Hashable) -> tuple[int, ...]:
        return self.base.to_decisions(arch)

    def from_decisions(self, indices: Sequence[int]) -> Hashable:
        """The member described by ``indices``, or the member nearest to them (Hamming distance)."""
        arch = self.base.from_decisions(indices)
        member = self._members.get(self._key(arch))
        if member is not None:
            return member
        distances = (self._codes != np.asarray(indices)).sum(axis=1)
        return self._archs[int(np.argmin(distances))]

    def neighbours(self, arch: Hashable) -> list[Hashable]:
        """The other members at the smallest Hamming distance from ``arch`` over the decisions, in list order."""
        key = self._key(arch)
        distances = (self._codes != np.asarray(self.base.to_decisions(arch))).sum(axis=1)
        others = [i for i, member in enumerate(self._archs) if self._key(member) != key]
        if not others:
            return []
        nearest = min(distances[i] for i in others)
        return [self._archs[i] for i in others if distances[i] == nearest]

    # -- strings, counting, sampling ----------------------------------------------------------
    def to_str(self, arch: Hashable) -> str:
        return self.base.to_str(arch)

    def from_str(self, text: str) -> Hashable:
        """Parse with the base space; an architecture outside the subset raises ``ValueError``."""
        arch = self.base.from_str(text)
        member = self._members.get(self._key(arch))
        if member is None:
            raise ValueError(f"{text!r} is an architecture of {self.base.name!r} but not one of the "
                             f"{len(self._archs)} of this subset")
        return member

    def size(self) -> int:
        return len(self._archs)

    def sample(self, rng: np.random.Generator) -> Hashable:
        return self._archs[int(require_rng(rng).integers(len(self._archs)))]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._archs)

    def validate(self, arch: Hashable) -> None:
        self.base.validate(arch)
        if arch not in self:
            raise ValueError(f"{self.base.to_str(arch)!r} is not one of the {len(self._archs)} architectures "
                             f"of this subset of {self.base.name!r}")

    def is_dead(self, arch: Hashable) -> bool:
        return self.base.is_dead(arch)

    # -- encodings and networks: the base's ----------------------------------------------------
    @property
    def encodings(self) -> tuple[str, ...]:
        return self.base.encodings

    def encode(self, arch: Hashable, encoding: str | None = None) -> np.ndarray:
        return self.base.encode(arch, encoding or self.base.encodings[0])

    @property
    def stem_channels(self) -> int:
        return self.base.stem_channels

    def build_body(self, arch: Hashable, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> Any:
        return self.base.build_body(arch, in_channels, input_size, width_multiplier=width_multiplier)

    def __repr__(self) -> str:
        return f"SubsetSpace(base={self.base!r}, size={len(self._archs)})"
