"""NSGA-II as an ask/tell strategy: Deb, Pratap, Agarwal & Meyarivan 2002.

"A fast and elitist multiobjective genetic algorithm: NSGA-II" (IEEE TEC 6(2)):
a population of ``population_size`` architectures; parents are picked by binary
tournaments on (non-domination rank, crowding distance), children made with the
space's ``crossover`` and ``mutate``; once a generation's worth of children has
results, parents and children together are sorted into fronts (fast non-dominated
sorting) and the best ``population_size`` survive, the last front cut by crowding
distance (``naslib_mini.pareto``). Constraints follow Deb's constrained domination
(Section VI of the paper, simplified): a trial whose metrics record a positive
``constraint_violation`` ranks behind every feasible one, by its violation.

Objectives are read from each trial's measurement metrics (``"score"`` is the
measurement's score), so the strategy knows nothing about how they are produced.
Pending asks are served from the current parents (random samples until the first
generation is in); architectures already proposed are not proposed again.
"""
from __future__ import annotations

import logging
from typing import Hashable, Sequence

import numpy as np

from naslib_mini.objectives import CONSTRAINT_METRIC, Objective, objective_matrix, parse_objectives
from naslib_mini.pareto import crowding_distance, non_dominated_sort
from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int, require_probability
from naslib_mini.types import Candidate, Trial

__all__ = ["NSGA2", "rank_and_crowding"]

log = logging.getLogger(__name__)


def rank_and_crowding(values: np.ndarray, violations: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Non-domination rank (0 best) and crowding distance of each row of minimised ``values``.

    Rows with a positive violation rank after all feasible rows, in order of violation,
    with crowding distance 0.

    Example:
        >>> rank, crowd = rank_and_crowding(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]]))
        >>> rank.tolist(), crowd.tolist()
        ([0, 0, 1], [inf, inf, inf])
    """
    n = len(values)
    violations = np.zeros(n) if violations is None else np.asarray(violations, dtype=float)
    rank, crowd = np.zeros(n, dtype=int), np.zeros(n)
    feasible = np.flatnonzero(violations <= 0)
    fronts = non_dominated_sort(values[feasible]) if len(feasible) else []
    for r, front in enumerate(fronts):
        rows = feasible[front]
        rank[rows] = r
        crowd[rows] = crowding_distance(values[rows])
    infeasible = np.flatnonzero(violations > 0)
    for offset, row in enumerate(infeasible[np.argsort(violations[infeasible], kind="stable")]):
        rank[row] = len(fronts) + offset
    return rank, crowd


@STRATEGIES.register("nsga2")
class NSGA2(Strategy):
    """NSGA-II (Deb et al. 2002) over a space's ``sample``, ``mutate`` and ``crossover``.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        objectives: ``Objective`` values or metric names read from each trial's metrics;
            by default the score (maximised) and ``params`` (minimised).
        population_size: Parents kept, and children per generation (``N`` in the paper).
        crossover_probability: Chance that a child is the crossover of two parents before
            it is mutated (otherwise a mutation of the first parent).

    Attributes:
        population: ``(arch, minimised objective vector, violation)`` of the current parents.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> history = nm.run(nm.STRATEGIES.create("nsga2", space=space, seed=0, population_size=8,
        ...                                       objectives=["val_accuracy", "params"]),
        ...                  nm.ESTIMATORS.create("nb201", dataset="cifar10"), nm.Budget(trials=24))
        >>> len(history), len(history.front(["val_accuracy", "params"])) >= 1
        (24, True)
    """

    name = "nsga2"

    def __init__(self, space, seed=0, objectives: Sequence[Objective | str] = ("score", "params"),
                 population_size: int = 20, crossover_probability: float = 0.9) -> None:
        super().__init__(space, seed)
        self.objectives = parse_objectives(objectives)
        self.population_size = require_int("population_size", population_size, 2)
        self.crossover_probability = require_probability("crossover_probability", crossover_probability)
        self.archive = Archive(space)
        self.population: list[tuple[Hashable, np.ndarray, float]] = []
        self._rank = np.zeros(0, dtype=int)
        self._crowding = np.zeros(0)
        self._children: list[tuple[Hashable, np.ndarray, float]] = []
        self.generation = 0

    # -- ask -----------------------------------------------------------------
    def _tournament(self) -> Hashable:
        """Binary tournament: lower rank wins, then larger crowding distance, then the first drawn."""
        i, j = (int(k) for k in self.rng.integers(len(self.population), size=2))
        if (self._rank[j], -self._crowding[j]) < (self._rank[i], -self._crowding[i]):
            i = j
        return self.population[i][0]

    def ask(self) -> Candidate:
        if self.population:
            for _ in range(20):
                first = self._tournament()
                if self.rng.random() < self.crossover_probability:
                    child = self.space.crossover(first, self._tournament(), self.rng)
                else:
                    child = first
                child = self.space.mutate(child, self.rng)
                if not self.archive.seen(child):
                    self.archive.propose(child)
                    return Candidate(child, info={"origin": "offspring", "generation": self.generation})
        arch = self.archive.sample_unseen(self.rng)
        if arch is None:
            raise SearchExhausted(f"nsga2 found no unseen architecture in {self.space.name!r}")
        self.archive.propose(arch)
        return Candidate(arch, info={"origin": "random", "generation": self.generation})

    # -- tell ----------------------------------------------------------------
    def tell(self, trial: Trial) -> None:
        if not self.archive.record(trial):
            return  # failed, told twice, or a repeat: nothing new to select from
        vector = objective_matrix([trial], self.objectives)[0]
        violation = float(trial.measurement.metrics.get(CONSTRAINT_METRIC, 0.0))
        self._children.append((trial.arch, vector, violation))
        if len(self._children) >= self.population_size:
            self._select(self.population + self._children)
            self._children = []
            self.generation += 1

    def _select(self, pool: list[tuple[Hashable, np.ndarray, float]]) -> None:
        """Keep the ``population_size`` best of ``pool`` by rank, then crowding distance (elitist survival)."""
        values = np.stack([member[1] for member in pool])
        rank, crowd = rank_and_crowding(values, np.array([member[2] for member in pool]))
        order = np.lexsort((-crowd, rank))[: self.population_size]  # rank first, then crowding descending
        self.population = [pool[i] for i in order]
        self._rank, self._crowding = rank[order], crowd[order]
        log.debug("nsga2 generation %d: %d parents, %d on the first front", self.generation,
                  len(self.population), int((self._rank == 0).sum()))
