"""Local search: hill climbing over a space's neighbourhoods, with restarts.

Follows White, Nolen, Neiswanger & Savani 2021, "Exploring the loss landscape in
neural architecture search" (UAI), Algorithm 1: evaluate ``num_init`` random
architectures and start from the best; evaluate the neighbours of the current
architecture (``space.neighbours``, in random order); move to a better
neighbour, either the first one found (``improvement="first"``) or the best of
the whole neighbourhood (``"best"``, the paper's version); at a local optimum
restart. ``restart="random"`` starts again from the best of ``num_init`` new
random architectures (the paper); ``restart="best"`` continues from the best
evaluated architecture that has not been a centre yet, a best-first search that
keeps exploring the good region found so far. Isomorphic repeats are skipped
(``space.canonical``), so no query is wasted on a network already seen.

Knows nothing about how scores are produced.
"""
from __future__ import annotations

from typing import Hashable


from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int
from naslib_mini.types import Candidate, Trial

__all__ = ["LocalSearch"]

IMPROVEMENTS = ("first", "best")
RESTARTS = ("random", "best")


@STRATEGIES.register("ls", aliases=("local-search",))
class LocalSearch(Strategy):
    """Hill climbing over ``space.neighbours`` with random or best-first restarts.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        num_init: Random architectures evaluated before the first climb (and after
            each random restart); the best of them is the starting point.
        improvement: ``"first"`` moves as soon as a neighbour beats the current
            architecture; ``"best"`` evaluates the whole neighbourhood and moves to
            its best member.
        restart: At a local optimum, ``"random"`` draws ``num_init`` new random
            architectures; ``"best"`` continues from the best evaluated architecture
            that was never a centre.

    Example:
        >>> import naslib_mini as nm
        >>> ls = nm.STRATEGIES.create("ls", space=nm.SPACES.create("nb201"), seed=0, num_init=2)
        >>> first = ls.ask()
        >>> ls.tell(nm.Trial(0, first, nm.TrialState.COMPLETE, nm.Measurement(50.0, 1.0)))
        >>> second = ls.ask()
        >>> ls.tell(nm.Trial(1, second, nm.TrialState.COMPLETE, nm.Measurement(60.0, 1.0)))
        >>> ls.ask().arch in ls.space.neighbours(second.arch)  # climbing from the better start
        True
    """

    name = "ls"

    def __init__(self, space, seed=0, num_init: int = 10, improvement: str = "first",
                 restart: str = "random") -> None:
        super().__init__(space, seed)
        require_int("num_init", num_init, 1)
        if improvement not in IMPROVEMENTS:
            raise ValueError(f"unknown improvement {improvement!r}; valid choices: {', '.join(IMPROVEMENTS)}")
        if restart not in RESTARTS:
            raise ValueError(f"unknown restart {restart!r}; valid choices: {', '.join(RESTARTS)}")
        self.num_init = num_init
        self.improvement = improvement
        self.restart = restart
        self.archive = Archive(space)
        self._scores: dict[Hashable, float] = {}       # key -> score of completed trials
        self._expanded: set[Hashable] = set()          # keys of former centres
        self._centre: tuple[Hashable, float] | None = None
        self._queue: list[Hashable] = []               # neighbours of the centre not yet proposed
        self._outstanding: set[Hashable] = set()       # neighbours proposed, not yet told
        self._best_neighbour: tuple[Hashable, float] | None = None
        self._arch_by_key: dict[Hashable, Hashable] = {}
        self._batch: list[tuple[Hashable, float]] = []  # random starts completed since the last restart
        self._batch_told = 0                            # random starts told (complete or failed)
        self._climbed = False                           # whether a first centre was ever chosen
        #: Centres visited, in order (architectures): the path of the climb, for plots.
        self.centres: list[Hashable] = []

    # -- ask -------------------------------------------------------------------
    def ask(self) -> Candidate:
        for _ in range(len(self._scores) + 2):
            if self._centre is None:
                self._choose_centre()
            if self._centre is None:
                break
            while self._queue:
                arch = self._queue.pop()
                if not self.archive.seen(arch):
                    self.archive.propose(arch)
                    self._outstanding.add(self.archive.key(arch))
                    return Candidate(arch, info={"role": "neighbour"})
            if self._outstanding:
                break  # waiting for the neighbourhood: explore meanwhile
            self._neighbourhood_done()
        arch = self.archive.sample_unseen(self.rng)
        if arch is None:
            raise SearchExhausted(f"local search found no unseen architecture in {self.space.name!r}")
        self.archive.propose(arch)
        return Candidate(arch, info={"role": "random"})

    def _choose_centre(self) -> None:
        if self.restart == "best" and self._climbed:
            pool = [(k, v) for k, v in self._scores.items() if k not in self._expanded]
            if pool:
                self._centre_at(*max(pool, key=lambda item: item[1]))
            return
        if self._batch and self._batch_told >= self.num_init:
            self._centre_at(*max(self._batch, key=lambda item: item[1]))
            self._batch, self._batch_told = [], 0

    def _centre_at(self, key: Hashable, score: float) -> None:
        arch = self._arch_by_key[key]
        self._centre = (key, score)
        self._climbed = True
        self._best_neighbour = None
        self._outstanding = set()
        self.centres.append(arch)
        queue = list(self.space.neighbours(arch))
        self.rng.shuffle(queue)
        self._queue = queue

    def _neighbourhood_done(self) -> None:
        key, score = self._centre
        self._expanded.add(key)
        self._centre = None
        best = self._best_neighbour
        if best is not None and best[1] > score:  # "best" improvement: move to the best neighbour
            self._centre_at(*best)

    # -- tell ------------------------------------------------------------------
    def tell(self, trial: Trial) -> None:
        key = self.archive.key(trial.arch)
        is_new = self.archive.record(trial)
        role = trial.candidate.info.get("role")
        neighbour = key in self._outstanding
        self._outstanding.discard(key)
        if role != "neighbour" and not neighbour:
            self._batch_told += 1
        if not is_new:
            return
        self._scores[key] = trial.score
        self._arch_by_key[key] = trial.arch
        if neighbour:
            if self._best_neighbour is None or trial.score > self._best_neighbour[1]:
                self._best_neighbour = (key, trial.score)
            if self.improvement == "first" and self._centre is not None and trial.score > self._centre[1]:
                self._expanded.add(self._centre[0])
                self._centre_at(key, trial.score)
        elif role != "neighbour":
            self._batch.append((key, trial.score))
