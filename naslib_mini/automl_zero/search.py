"""Searching for programs: regularized evolution with FEC, and random search with the same budget.

Regularized evolution (Real et al. 2019, Algorithm 1) as AutoML-Zero uses it (Real et
al. 2020, "AutoML-Zero", ICML, Section 4): a population of random programs; each
cycle a tournament of ``tournament_size`` members drawn at random picks the fittest
as parent, the child is a mutation of it (with probability ``mutate_prob``, else a
copy), is evaluated and joins the population while the oldest member leaves. As in
the paper's demo (``run_demo.sh``: experiments of a fixed number of individuals,
repeated until one succeeds), ``restart_every`` individuals end an experiment that has
not reached the target and a fresh random population starts the next one. Every
evaluation first asks the functional-equivalence cache (``FECache``). Random search
draws fresh random programs under the same budget and the same cache.

The budget counts individuals (programs evaluated, cache hits included) and, if set,
CPU seconds of the search process (``time.process_time``, not wall clock, so a budget
means the same on a loaded machine as on an idle one). A search stops early when a program reaches ``target`` on the search tasks
and, when selection tasks are given, also on those (the demo's ``T_select`` check).
Same seed and an individual budget, same run. This is not the loop of the NAS
strategies (``naslib_mini.loop``): a program is not an architecture of a space, and
evaluating one takes milliseconds, so the ask/tell machinery would cost more than
the evaluation. Before the cache, a program is reduced by ``simplify`` (which keeps its
predictions exactly): a program met before in that form reuses its fitness without
even the probe run, and the full evaluation runs the shorter form. Knows nothing about plotting or benchmarks.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

import numpy as np

from naslib_mini.automl_zero.fec import FECache
from naslib_mini.automl_zero.interpreter import fitness
from naslib_mini.automl_zero.mutation import MUTATIONS, Mutator
from naslib_mini.automl_zero.program import FUNCTIONS, Program, random_program, simplify
from naslib_mini.automl_zero.tasks import LinearTasks
from naslib_mini.seeding import default_rng
from naslib_mini.types import ConfigurationError

__all__ = ["evolve", "random_search", "SearchConfig", "SearchResult"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchConfig:
    """Settings of an AutoML-Zero search (defaults: a small version of the paper's demo).

    Attributes:
        population_size: Programs in the population (the demo: 1000; 100 with restarts found SGD on
            development seeds where 1000 did not, see ``benchmarks/automl_zero.py``).
        tournament_size: Members drawn per tournament (the demo: 10).
        mutate_prob: Probability that a child is mutated rather than copied (the demo: 0.9).
        init_sizes: Instructions per function (setup, predict, learn) of random programs (the demo: 10, 2, 8;
            with the demo's mutations the sizes stay fixed).
        mutator: The allowed mutations, operations and size bounds.
        max_individuals: Budget of programs evaluated (cache hits included).
        restart_every: Individuals per experiment: evolution restarts from a fresh random population after
            this many (the demo repeats experiments until one succeeds); ``None`` runs one experiment.
        max_seconds: Optional budget in CPU seconds of this process (``time.process_time``).
        target: Fitness that stops the search (the demo: 0.9999).
        fec: Whether to use functional-equivalence caching.
        fec_examples: Training and validation examples of the one probe task FEC runs.
    """

    population_size: int = 100
    tournament_size: int = 10
    mutate_prob: float = 0.9
    init_sizes: tuple[int, int, int] = (10, 2, 8)
    mutator: Mutator = field(default_factory=Mutator)
    max_individuals: int = 10_000
    restart_every: int | None = 100_000
    max_seconds: float | None = None
    target: float = 0.9999
    fec: bool = True
    fec_examples: tuple[int, int] = (10, 10)

    def __post_init__(self):
        if self.restart_every is not None and (isinstance(self.restart_every, bool) or not isinstance(
                self.restart_every, (int, np.integer)) or self.restart_every <= self.population_size):
            raise ConfigurationError(f"restart_every must be None or an integer above population_size "
                                     f"{self.population_size}, got {self.restart_every!r}")
        for name in ("population_size", "tournament_size", "max_individuals"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
        if self.tournament_size > self.population_size:
            raise ConfigurationError(f"tournament_size {self.tournament_size} exceeds population_size "
                                     f"{self.population_size}")
        if not 0.0 <= self.mutate_prob <= 1.0:
            raise ConfigurationError(f"mutate_prob must lie in [0, 1], got {self.mutate_prob!r}")
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ConfigurationError(f"max_seconds must be positive or None, got {self.max_seconds!r}")
        sizes = tuple(self.init_sizes)
        lo, hi = self.mutator.min_sizes, self.mutator.max_sizes
        if len(sizes) != 3 or any(not (a <= s <= b) for a, s, b in zip(lo, sizes, hi)):
            raise ConfigurationError(f"init_sizes {sizes!r} must be three sizes within the mutator's bounds "
                                     f"{lo}..{hi}")
        if not isinstance(self.mutator, Mutator):
            raise ConfigurationError(f"mutator must be a Mutator, got {self.mutator!r}")


@dataclass
class SearchResult:
    """What a search found and how it got there.

    Attributes:
        best: The fittest program seen (on the search tasks).
        best_fitness: Its mean fitness on the search tasks.
        individuals: Programs evaluated (cache hits included).
        evaluations: Full evaluations run (cache misses).
        fec_hits: Evaluations saved by the cache.
        repeat_hits: Evaluations saved because the simplified program was met before (before the cache).
        seconds: CPU seconds the search used (``time.process_time``).
        reached_target: Whether ``best`` reached the target (and passed the selection tasks if given).
        selected_fitness: Fitness of ``best`` on the selection tasks when it was checked there, else ``None``.
        fitnesses: Fitness of every individual, in order.
        trajectory: ``(individual, seconds, best fitness)`` at each improvement of the best.
        restarts: Experiments started after the first (evolution with ``restart_every``), else 0.
    """

    best: Program
    best_fitness: float
    individuals: int
    evaluations: int
    fec_hits: int
    repeat_hits: int
    seconds: float
    reached_target: bool
    selected_fitness: float | None
    fitnesses: list[float]
    trajectory: list[tuple[int, float, float]]
    restarts: int = 0

    def summary(self) -> dict:
        """The result as JSON-ready values (the program as text, no per-individual list)."""
        return {"best": str(self.best), "best_fitness": self.best_fitness, "individuals": self.individuals,
                "evaluations": self.evaluations, "fec_hits": self.fec_hits, "repeat_hits": self.repeat_hits,
                "seconds": self.seconds,
                "reached_target": self.reached_target, "selected_fitness": self.selected_fitness,
                "restarts": self.restarts, "trajectory": [list(point) for point in self.trajectory]}


class _Run:
    """The bookkeeping both searches share: evaluation through the cache, budget, best, target check."""

    def __init__(self, tasks: LinearTasks, config: SearchConfig, select_tasks: LinearTasks | None):
        if not isinstance(tasks, LinearTasks):
            raise ConfigurationError(f"tasks must be LinearTasks (see linear_regression_tasks), got {type(tasks)}")
        self.tasks, self.config, self.select_tasks = tasks, config, select_tasks
        n_train, n_valid = config.fec_examples
        self.cache = FECache(tasks.head(1, n_train, n_valid)) if config.fec else None
        self.evaluations = 0
        self.repeat_hits = 0
        self._seen: OrderedDict[Program, float] = OrderedDict()
        self.fitnesses: list[float] = []
        self.trajectory: list[tuple[int, float, float]] = []
        self.best: Program | None = None
        self.best_fitness = -1.0
        self.selected: float | None = None
        self.reached = False
        self.start = time.process_time()

    def evaluate(self, program: Program) -> float:
        short = simplify(program)
        value = self._seen.get(short)
        if value is not None:
            self.repeat_hits += 1
            self._seen.move_to_end(short)
        else:
            key = self.cache.key(short) if self.cache is not None else None
            value = self.cache.get(key) if key is not None else None
            if value is None:
                value = fitness(short, self.tasks)
                self.evaluations += 1
                if key is not None:
                    self.cache.put(key, value)
            self._seen[short] = value
            if len(self._seen) > 100_000:
                self._seen.popitem(last=False)
        self.fitnesses.append(value)
        if value > self.best_fitness:
            self.best, self.best_fitness = program, value
            self.trajectory.append((len(self.fitnesses), self.elapsed(), value))
            logger.info("individual %d: best fitness %.6f", len(self.fitnesses), value)
            if value >= self.config.target:
                self.selected = fitness(program, self.select_tasks) if self.select_tasks is not None else None
                self.reached = self.selected is None or self.selected >= self.config.target
        return value

    def elapsed(self) -> float:
        return time.process_time() - self.start

    def done(self) -> bool:
        limit = self.config.max_seconds
        return (self.reached or len(self.fitnesses) >= self.config.max_individuals
                or (limit is not None and self.elapsed() >= limit))

    def result(self) -> SearchResult:
        return SearchResult(self.best, self.best_fitness, len(self.fitnesses), self.evaluations,
                            self.cache.hits if self.cache is not None else 0, self.repeat_hits, self.elapsed(), self.reached,
                            self.selected, self.fitnesses, self.trajectory)


def _sizes(config: SearchConfig) -> dict[str, int]:
    return dict(zip(FUNCTIONS, config.init_sizes))


def evolve(tasks: LinearTasks, config: SearchConfig = SearchConfig(), *, seed: int = 0,
           select_tasks: LinearTasks | None = None) -> SearchResult:
    """Regularized evolution of programs on ``tasks``.

    Args:
        tasks: The search tasks (``linear_regression_tasks(10, seed=...)`` in the demo).
        config: Population, mutations, budget and target.
        seed: Seeds the initial population, tournaments and mutations.
        select_tasks: Optional tasks a program reaching the target must also pass to stop the search.

    Example:
        >>> from naslib_mini.automl_zero.tasks import linear_regression_tasks
        >>> tasks = linear_regression_tasks(2, seed=0, n_train=20, n_valid=20)
        >>> result = evolve(tasks, SearchConfig(population_size=10, tournament_size=3, max_individuals=40))
        >>> result.individuals, result.evaluations + result.fec_hits + result.repeat_hits
        (40, 40)
    """
    rng = default_rng(seed)
    run = _Run(tasks, config, select_tasks)
    restarts = -1
    while not run.done():
        restarts += 1
        stop = len(run.fitnesses) + (config.restart_every or config.max_individuals)
        population: deque[tuple[Program, float]] = deque()
        while len(population) < config.population_size and not run.done():
            program = random_program(rng, _sizes(config), config.mutator.ops)
            population.append((program, run.evaluate(program)))
        while not run.done() and len(run.fitnesses) < stop:
            picks = rng.integers(len(population), size=config.tournament_size)
            parent = max((population[int(i)] for i in picks), key=lambda member: member[1])[0]
            child = config.mutator.mutate(parent, rng) if rng.random() < config.mutate_prob else parent
            population.append((child, run.evaluate(child)))
            population.popleft()
        if not run.done():
            logger.info("individual %d: restart %d with a fresh population", len(run.fitnesses), restarts + 1)
    result = run.result()
    result.restarts = max(restarts, 0)
    return result


def random_search(tasks: LinearTasks, config: SearchConfig = SearchConfig(), *, seed: int = 0,
                  select_tasks: LinearTasks | None = None) -> SearchResult:
    """Random programs of ``config.init_sizes`` under the same budget, cache and target as ``evolve``.

    Example:
        >>> from naslib_mini.automl_zero.tasks import linear_regression_tasks
        >>> tasks = linear_regression_tasks(2, seed=0, n_train=20, n_valid=20)
        >>> random_search(tasks, SearchConfig(max_individuals=30)).individuals
        30
    """
    rng = default_rng(seed)
    run = _Run(tasks, config, select_tasks)
    while not run.done():
        run.evaluate(random_program(rng, _sizes(config), config.mutator.ops))
    return run.result()
