"""Random search: uniform samples from the space (Bergstra & Bengio 2012; Li & Talwalkar 2019).

The baseline every NAS method must beat. Proposes architectures not proposed
before, so no evaluation is wasted on a repeat, and visits every architecture of
a finite space before it says the space is exhausted: while unseen
architectures are common it draws uniform samples and rejects repeats; once
``max_draws`` draws in a row find nothing new (when most of the space has been
seen), it lists the unseen architectures and draws from them, still uniformly,
without repeats. Knows nothing about scores.
"""
from __future__ import annotations

from typing import Hashable

from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int
from naslib_mini.types import Candidate, Trial

__all__ = ["RandomSearch"]


@STRATEGIES.register("random", aliases=("rs",))
class RandomSearch(Strategy):
    """Uniform random sampling without repeats, until every architecture was proposed.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        max_draws: Draws in a row that may find no unseen architecture before the
            strategy lists the unseen ones instead (only spaces of at most
            ``max_listed`` architectures; a larger space is then called exhausted).
        max_listed: The largest space whose unseen architectures are listed.

    Example:
        >>> import naslib_mini as nm
        >>> rs = nm.STRATEGIES.create("random", space=nm.SPACES.create("chain"), seed=0)
        >>> rs.ask().arch == nm.STRATEGIES.create("random", space=nm.SPACES.create("chain"), seed=0).ask().arch
        True
    """

    name = "random"

    def __init__(self, space, seed=0, max_draws: int = 1000, max_listed: int = 1_000_000) -> None:
        super().__init__(space, seed)
        self.max_draws = require_int("max_draws", max_draws, 1)
        self.max_listed = require_int("max_listed", max_listed, 0)
        self._seen: set[Hashable] = set()
        self._unseen: list[Hashable] | None = None  # listed once rejection sampling struggles

    def ask(self) -> Candidate:
        if self._unseen is None and len(self._seen) < self.space.size():
            for _ in range(self.max_draws):
                arch = self.space.sample(self.rng)
                if arch not in self._seen:
                    return self._propose(arch)
            if self.space.size() > self.max_listed:
                raise SearchExhausted(f"no unseen architecture in {self.max_draws} draws from "
                                      f"{self.space.name!r}, too large to list ({self.space.size():,} "
                                      f"architectures, more than max_listed={self.max_listed:,})")
            self._unseen = [arch for arch in self.space if arch not in self._seen]
        while self._unseen:
            position = int(self.rng.integers(len(self._unseen)))
            self._unseen[position], self._unseen[-1] = self._unseen[-1], self._unseen[position]
            arch = self._unseen.pop()
            if arch not in self._seen:  # tell() may have reported it since the list was made
                return self._propose(arch)
        raise SearchExhausted(f"all {self.space.size():,} architectures of {self.space.name!r} were proposed")

    def _propose(self, arch: Hashable) -> Candidate:
        self._seen.add(arch)
        return Candidate(arch)

    def tell(self, trial: Trial) -> None:
        self._seen.add(trial.arch)
