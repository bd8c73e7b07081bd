"""A pool of workers on a virtual clock: discrete-event simulation of parallel evaluation.

``SimulatedPool`` implements ``parallel.Pool`` without waiting: each candidate is
measured in this process at once, and its trial "finishes" ``duration(trial)``
simulated seconds later on the worker it was given (by default the trial's cost, on
NAS-Bench-201 the table's training time). ``wait`` advances the clock to the next
finish. Through ``loop.run(..., pool=SimulatedPool(n))`` the same ask/tell strategies
are run asynchronously or in synchronous batches (``synchronous=True``) on any number
of workers in seconds, which is how parallel NAS is compared on tabular benchmarks
(Kandasamy et al. 2018; Klein et al. 2020 "Model-based asynchronous hyperparameter and
neural architecture search"). ``time_to_reach`` reads the wall-clock time a search
needed to reach a score from the pool's timeline.

Knows nothing about strategies or how scores are produced.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from naslib_mini.history import is_incumbent_candidate
from naslib_mini.types import Candidate, Trial

if TYPE_CHECKING:
    from naslib_mini.estimators.base import Estimator

__all__ = ["SimulatedPool", "Span", "time_to_reach"]


@dataclass(frozen=True)
class Span:
    """One trial on the timeline: which worker ran it, from when to when (simulated seconds)."""

    ticket: int
    worker: int
    start: float
    finish: float
    trial: Trial


class SimulatedPool:
    """``workers`` simulated workers; trials take ``duration(trial)`` simulated seconds.

    Args:
        workers: Trials evaluated at once.
        duration: Simulated seconds of a trial; by default its cost (``Trial.cost``).

    Attributes:
        now: The simulated clock, seconds since the pool was made.
        timeline: A ``Span`` per finished trial, in the order they finished.

    Example:
        >>> import naslib_mini as nm
        >>> pool = SimulatedPool(workers=4)
        >>> history = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0),
        ...                  nm.ESTIMATORS.create("tabular", dataset="cifar10"), nm.Budget(trials=8), pool=pool)
        >>> len(history), len({span.worker for span in pool.timeline})
        (8, 4)
        >>> pool.now < history.total_cost  # four workers: less wall time than the summed training time
        True
    """

    def __init__(self, workers: int, duration: Callable[[Trial], float] | None = None) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        if duration is not None and not callable(duration):
            raise ValueError(f"duration must be a callable trial -> simulated seconds, got {duration!r}")
        self.slots = workers
        self.duration = duration if duration is not None else (lambda trial: trial.cost)
        self.now = 0.0
        self.timeline: list[Span] = []
        self._estimator: "Estimator | None" = None
        self._free = list(range(workers))
        self._events: list[tuple[float, int, int, float, Trial]] = []  # finish, ticket, worker, start, trial

    def start(self, estimator: "Estimator") -> None:
        self._estimator = estimator

    def submit(self, candidate: Candidate, ticket: int) -> None:
        from naslib_mini.loop import evaluate

        if self._estimator is None:
            raise RuntimeError("SimulatedPool.submit before start(estimator)")
        if not self._free:
            raise RuntimeError(f"SimulatedPool: all {self.slots} workers are busy")
        trial = evaluate(self._estimator, candidate, ticket)
        seconds = float(self.duration(trial))
        if not (seconds >= 0 and math.isfinite(seconds)):
            raise ValueError(f"duration must give finite seconds >= 0, got {seconds!r} for trial {ticket}")
        worker = self._free.pop(0)
        heapq.heappush(self._events, (self.now + seconds, ticket, worker, self.now, trial))

    def wait(self) -> list[Trial]:
        """Advance the clock to the next finish; the trials finishing then (ties together)."""
        if not self._events:
            raise RuntimeError("SimulatedPool.wait with no trial in flight")
        finished = []
        self.now = self._events[0][0]
        while self._events and self._events[0][0] == self.now:
            finish, ticket, worker, start, trial = heapq.heappop(self._events)
            self._free.append(worker)
            self._free.sort()
            self.timeline.append(Span(ticket, worker, start, finish, trial))
            finished.append(trial)
        return finished

    def cancel(self) -> None:
        for _, _, worker, _, _ in self._events:
            self._free.append(worker)
        self._free.sort()
        self._events.clear()


def time_to_reach(timeline: list[Span], target: float, metric: str | None = None) -> float:
    """Simulated seconds until the incumbent reached ``target``; ``inf`` if it never did.

    The incumbent is the complete trial with the best score so far (as ``History.best``
    picks it, the earliest on ties), taken in the order trials finished; with ``metric``
    its value of that metric counts instead of its score, e.g. the test accuracy of the
    architecture the search would return, chosen by validation accuracy.

    Args:
        timeline: ``SimulatedPool.timeline``.
        target: The value to reach.
        metric: A metric of the measurement (``"test_accuracy"``, say) instead of the score.

    Example:
        >>> from naslib_mini.types import Measurement, TrialState
        >>> def span(i, finish, val, test):
        ...     m = Measurement(val, 1.0, {"test_accuracy": test})
        ...     return Span(i, 0, 0.0, finish, Trial(i, Candidate(i), TrialState.COMPLETE, m))
        >>> timeline = [span(0, 3.0, 0.5, 0.6), span(1, 5.0, 0.9, 0.7), span(2, 8.0, 0.8, 0.95)]
        >>> time_to_reach(timeline, 0.7, metric="test_accuracy"), time_to_reach(timeline, 0.9, "test_accuracy")
        (5.0, inf)
    """
    best: float | None = None
    for span in sorted(timeline, key=lambda s: s.finish):
        trial = span.trial
        if not is_incumbent_candidate(trial) or (best is not None and trial.score <= best):
            continue
        best = trial.score
        value = trial.score if metric is None else trial.measurement.metrics.get(metric, -math.inf)
        if value >= target:
            return span.finish
    return math.inf
