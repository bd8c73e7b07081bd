"""What a model-based or local strategy remembers: proposals and results, up to isomorphism.

``Archive`` is the bookkeeping that evolution, local search, Bayesian
optimisation and BANANAS share: which architectures were already proposed (so
none is evaluated twice), which finished with which score, and how to draw an
architecture that is new. Two architectures count as the same when the space's
``canonical`` form (an isomorphism key, as NAS-Bench-201's 15,625 cells have
only 6,466 distinct networks; Dong & Yang 2020) is equal, or, for spaces
without one, when they are equal. Skipping isomorphic repeats is a large saving
on cell spaces (Ying et al. 2019, NAS-Bench-101, Section 2.2).

Knows nothing about how scores are produced or how candidates are chosen.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable

import numpy as np

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.types import Trial

__all__ = ["Archive", "isomorphism_key"]


def isomorphism_key(space: SearchSpace) -> Callable[[Hashable], Hashable]:
    """The function that maps an architecture to its isomorphism class in ``space``.

    The space's ``canonical`` method when it has one, else the identity
    (architectures of such spaces are already canonical values).

    Example:
        >>> import naslib_mini as nm
        >>> key = isomorphism_key(nm.SPACES.create("chain"))
        >>> key("same") == "same"
        True
    """
    canonical = getattr(space, "canonical", None)
    if callable(canonical):
        return canonical
    return _identity


def _identity(arch: Hashable) -> Hashable:
    return arch


class Archive:
    """Proposals and results of one search, deduplicated by isomorphism class.

    Args:
        space: The search space; its ``canonical`` method, if any, defines "same".

    Attributes:
        archs: Completed architectures in the order they were told.
        scores: Their scores (a list parallel to ``archs``).

    Example:
        >>> import numpy as np
        >>> import naslib_mini as nm
        >>> archive = Archive(nm.SPACES.create("chain"))
        >>> arch = archive.sample_unseen(np.random.default_rng(0))
        >>> archive.propose(arch); archive.seen(arch)
        True
        >>> len(archive), archive.pending
        (0, 1)
    """

    def __init__(self, space: SearchSpace) -> None:
        self.space = space
        self.key = isomorphism_key(space)
        self._proposed: set[Hashable] = set()
        self._finished: set[Hashable] = set()
        self._told_numbers: set[int] = set()
        self.archs: list[Hashable] = []
        self.scores: list[float] = []

    # -- bookkeeping ---------------------------------------------------------
    def seen(self, arch: Hashable) -> bool:
        """Whether ``arch`` (or an isomorphic architecture) was proposed or told."""
        return self.key(arch) in self._proposed

    def propose(self, arch: Hashable) -> None:
        """Remember that ``arch`` was handed out, so it is not proposed again."""
        self._proposed.add(self.key(arch))

    def record(self, trial: Trial) -> bool:
        """Remember a finished trial; returns whether it brought a new complete result.

        A trial told twice (same number), a failed trial and a repeat of an
        isomorphism class already completed add nothing to ``archs``/``scores``.
        """
        key = self.key(trial.arch)
        self._proposed.add(key)
        if trial.number in self._told_numbers:
            return False
        self._told_numbers.add(trial.number)
        if not trial.ok or key in self._finished:
            self._finished.add(key)
            return False
        self._finished.add(key)
        self.archs.append(trial.arch)
        self.scores.append(float(trial.score))
        return True

    @property
    def pending(self) -> int:
        """Classes proposed but not finished yet."""
        return len(self._proposed) - len(self._finished)

    def __len__(self) -> int:
        return len(self.archs)

    # -- queries -------------------------------------------------------------
    def top(self, k: int) -> list[Hashable]:
        """The ``k`` best completed architectures, best first (earlier wins ties)."""
        order = np.argsort(-np.asarray(self.scores), kind="stable")[:k]
        return [self.archs[i] for i in order]

    def best(self) -> tuple[Hashable, float] | None:
        """The best completed architecture and its score, or ``None``."""
        if not self.archs:
            return None
        i = int(np.argmax(self.scores))
        return self.archs[i], self.scores[i]

    def unseen(self, archs: Iterable[Hashable]) -> list[Hashable]:
        """``archs`` without the ones already seen and without repeats among them, in order."""
        fresh: dict[Hashable, Any] = {}
        for arch in archs:
            key = self.key(arch)
            if key not in self._proposed and key not in fresh:
                fresh[key] = arch
        return list(fresh.values())

    def sample_unseen(self, rng: np.random.Generator, max_draws: int = 1000) -> Hashable | None:
        """A uniform sample not seen before, or ``None`` after ``max_draws`` repeats."""
        for _ in range(max_draws):
            arch = self.space.sample(rng)
            if self.key(arch) not in self._proposed:
                return arch
        return None

    def mutate_unseen(self, arch: Hashable, rng: np.random.Generator, max_steps: int = 20) -> Hashable | None:
        """Mutate ``arch`` (again and again, a random walk) until the result is unseen.

        Returns ``None`` if ``max_steps`` mutations never left the seen set.
        """
        for _ in range(max_steps):
            arch = self.space.mutate(arch, rng)
            if self.key(arch) not in self._proposed:
                return arch
        return None
