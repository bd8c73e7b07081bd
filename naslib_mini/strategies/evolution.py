"""A generational genetic algorithm: tournament selection, crossover, mutation, elitism.

The textbook evolutionary algorithm (Holland 1975; Goldberg 1989) as used for
architectures by Genetic CNN (Xie & Yuille 2017) and large-scale evolution
(Real et al. 2017): a population of ``population_size`` evaluated architectures;
each child takes a parent by tournament selection (the best of
``tournament_size`` members drawn at random; Goldberg & Deb 1991), with
probability ``crossover_prob`` is crossed with a second parent
(``space.crossover``: single-point over a chain's layers, uniform over a cell's
edges) and with probability ``mutation_prob`` is mutated (``space.mutate``).
When ``population_size - elitism`` children have been evaluated they replace the
population, except its ``elitism`` best members, who survive. The space
guarantees every child is a valid architecture; a child that repeats an
architecture already proposed (up to isomorphism) is mutated until it is new.
Regularized evolution (``"rea"``) is the steady-state, age-based relative.

Knows nothing about how scores are produced.
"""
from __future__ import annotations

from typing import Hashable


from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int, require_probability
from naslib_mini.types import Candidate, Trial

__all__ = ["Evolution"]


@STRATEGIES.register("evolution", aliases=("ga",))
class Evolution(Strategy):
    """Generational evolution with tournament selection, crossover, mutation and elitism.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        population_size: Members of a generation (the first generation is random).
        tournament_size: Members drawn for each tournament; the best of them is a parent.
        crossover_prob: Probability that a child is the crossover of two parents
            rather than a copy of one.
        mutation_prob: Probability that a child is mutated (a child equal to an
            architecture already proposed is always mutated).
        elitism: Best members of a generation carried into the next one unchanged.

    Attributes:
        generation: Generations completed (0 while the random first one is evaluated).
        population: The current generation as ``(architecture, score)`` pairs.

    Example:
        >>> import naslib_mini as nm
        >>> ga = nm.STRATEGIES.create("evolution", space=nm.SPACES.create("nb201"), seed=0,
        ...                           population_size=4, elitism=1)
        >>> for number in range(4):
        ...     candidate = ga.ask()
        ...     m = nm.Measurement(float(number), 1.0)
        ...     ga.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, m, cost=1.0))
        >>> ga.generation, len(ga.population), ga.ask().info["role"]
        (1, 4, 'child')
    """

    name = "evolution"

    def __init__(self, space, seed=0, population_size: int = 10, tournament_size: int = 3,
                 crossover_prob: float = 0.5, mutation_prob: float = 0.5, elitism: int = 2) -> None:
        super().__init__(space, seed)
        self.population_size = require_int("population_size", population_size, 2)
        self.tournament_size = require_int("tournament_size", tournament_size, 1, self.population_size,
                                           f"population_size={self.population_size}")
        self.crossover_prob = require_probability("crossover_prob", crossover_prob)
        self.mutation_prob = require_probability("mutation_prob", mutation_prob)
        self.elitism = require_int("elitism", elitism, 0, self.population_size - 1,
                                   f"fewer than population_size={self.population_size}")
        self.archive = Archive(space)
        self.generation = 0
        self.population: list[tuple[Hashable, float]] = []
        self._offspring: list[tuple[Hashable, float]] = []  # results of the generation being built

    # -- ask -------------------------------------------------------------------
    def ask(self) -> Candidate:
        if self.generation > 0:
            child = self._breed()
            if child is not None:
                self.archive.propose(child)
                return Candidate(child, info={"role": "child", "generation": self.generation})
        arch = self.archive.sample_unseen(self.rng)
        if arch is None:
            raise SearchExhausted(f"evolution found no unseen architecture in {self.space.name!r}")
        self.archive.propose(arch)
        return Candidate(arch, info={"role": "random", "generation": self.generation})

    def tournament(self) -> Hashable:
        """The best of ``tournament_size`` members drawn without replacement (earliest on ties)."""
        size = min(self.tournament_size, len(self.population))
        drawn = self.rng.choice(len(self.population), size=size, replace=False)
        return self.population[min(drawn, key=lambda i: (-self.population[i][1], i))][0]

    def _breed(self) -> Hashable | None:
        child = self.tournament()
        if self.rng.random() < self.crossover_prob:
            child = self.space.crossover(child, self.tournament(), self.rng)
        if self.rng.random() < self.mutation_prob:
            child = self.space.mutate(child, self.rng)
        if self.archive.seen(child):
            child = self.archive.mutate_unseen(child, self.rng)
        return child

    # -- tell ------------------------------------------------------------------
    def tell(self, trial: Trial) -> None:
        if not self.archive.record(trial):
            return
        self._offspring.append((trial.arch, float(trial.score)))
        if self.generation == 0:
            if len(self._offspring) >= self.population_size:
                self.population, self._offspring = self._offspring[: self.population_size], self._offspring[
                    self.population_size:]
                self.generation = 1
            return
        wanted = self.population_size - self.elitism
        if len(self._offspring) >= wanted:
            ranked = sorted(range(len(self.population)), key=lambda i: (-self.population[i][1], i))
            elites = [self.population[i] for i in ranked[: self.elitism]]
            self.population = elites + self._offspring[:wanted]
            self._offspring = self._offspring[wanted:]
            self.generation += 1
