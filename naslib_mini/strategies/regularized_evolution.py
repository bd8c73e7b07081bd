"""Regularized (aging) evolution, Algorithm 1 of Real et al. 2019.

"Regularized Evolution for Image Classifier Architecture Search" (AAAI 2019):
a population of the ``population_size`` most recently evaluated architectures;
each cycle samples ``sample_size`` members at random, mutates the best of them
(``space.mutate``) and adds the child, and the *oldest* member dies, not the
worst. Aging keeps the search from resting on one lucky evaluation.

Knows nothing about how scores are produced, nor about the space beyond
``sample`` and ``mutate``. Failed trials never enter the population, so they
never become parents; results may arrive in any order (the population is kept
in the order results arrived) and trials it never proposed join the population
like its own.
"""
from __future__ import annotations

import collections
import logging
from typing import Any, Hashable

from naslib_mini.strategies.base import STRATEGIES, Strategy, require_int
from naslib_mini.types import Candidate, Trial

__all__ = ["RegularizedEvolution"]

log = logging.getLogger(__name__)


@STRATEGIES.register("rea")
class RegularizedEvolution(Strategy):
    """Aging evolution with tournament selection (Real et al. 2019, Algorithm 1).

    The first ``population_size`` candidates are uniform random samples; after
    that every candidate is a mutation of the best of ``sample_size`` population
    members drawn uniformly *with* replacement (as Algorithm 1 and the
    NAS-Bench-201 scripts do). If ``ask`` is called while no result is in yet,
    it proposes another random sample rather than wait.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        population_size: Members kept alive (``P`` in the paper; 10 in NAS-Bench-201).
        sample_size: Tournament size (``S``; 3 in NAS-Bench-201), at most ``population_size``;
            by default 3, or ``population_size`` when that is smaller.

    Attributes:
        population: ``(arch, score)`` pairs, oldest first.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> rea = nm.STRATEGIES.create("rea", space=space, seed=0, population_size=4, sample_size=2)
        >>> trials = []
        >>> for number in range(6):
        ...     candidate = rea.ask()
        ...     trial = nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(number), 1.0))
        ...     rea.tell(trial)
        >>> len(rea.population), [c.info["origin"] for c in [candidate]]
        (4, ['mutation'])
    """

    name = "rea"

    def __init__(self, space, seed=0, population_size: int = 10, sample_size: int | None = None) -> None:
        super().__init__(space, seed)
        self.population_size = require_int("population_size", population_size, 1)
        # Algorithm 1 draws S < P members; a tournament larger than the population would
        # almost always hold its best member, which turns aging evolution into hill climbing.
        if sample_size is None:
            sample_size = min(3, self.population_size)
        self.sample_size = require_int("sample_size", sample_size, 1, self.population_size,
                                       f"a tournament of at most population_size={self.population_size} members")
        self.population: collections.deque[tuple[Hashable, float]] = collections.deque(maxlen=population_size)
        self._initialised = False
        self._random_in_flight: collections.Counter[Hashable] = collections.Counter()
        self._pending: collections.Counter[Hashable] = collections.Counter()  # asked, not told yet

    #: Draws (samples, or tournaments and mutations) at most per ``ask`` to find a candidate
    #: not already pending.
    max_redraws = 20

    def ask(self) -> Candidate:
        # Asynchronous evaluation, as in the paper (450 workers, each evaluating a child while
        # others run): a candidate equal to one still pending is drawn again, so two workers
        # never train the same child at once; with nothing pending the first draw is taken.
        for _ in range(self.max_redraws):
            candidate = self._draw()
            if candidate.arch not in self._pending:
                break
        self._pending[candidate.arch] += 1
        if candidate.info["origin"] == "random":
            self._random_in_flight[candidate.arch] += 1
        return candidate

    def _draw(self) -> Candidate:
        in_flight = sum(self._random_in_flight.values())
        if not self.population or (not self._initialised and len(self.population) + in_flight < self.population_size):
            return Candidate(self.space.sample(self.rng), info={"origin": "random"})
        members = self.population
        picks = self.rng.integers(len(members), size=self.sample_size)
        # max() keeps the first of equal scores: the earliest drawn member wins ties.
        parent = max((members[int(i)] for i in picks), key=lambda member: member[1])[0]
        return Candidate(self.space.mutate(parent, self.rng), info={"origin": "mutation"})

    def tell(self, trial: Trial) -> None:
        if self._pending.get(trial.arch, 0) > 0:
            self._pending[trial.arch] -= 1
            if self._pending[trial.arch] == 0:
                del self._pending[trial.arch]
        if self._random_in_flight.get(trial.arch, 0) > 0:
            self._random_in_flight[trial.arch] -= 1
            if self._random_in_flight[trial.arch] == 0:
                del self._random_in_flight[trial.arch]
        if not trial.ok:
            log.debug("trial %d failed; it does not join the population", trial.number)
            return
        self.population.append((trial.arch, float(trial.score)))  # a full deque drops its oldest
        if len(self.population) >= self.population_size:
            self._initialised = True

    def state(self) -> dict[str, Any]:
        """A summary for notebooks: population size, best and mean score in it."""
        scores = [score for _, score in self.population]
        return {
            "size": len(scores),
            "best": max(scores) if scores else None,
            "mean": sum(scores) / len(scores) if scores else None,
        }
