"""The ask/tell loop where a strategy and an estimator meet.

``run`` asks the strategy for a candidate, has the estimator measure it, tells
the strategy the result and records the trial in the history and its journal,
until a budget (trials, wall-clock seconds or accumulated cost seconds) is spent
or the strategy is exhausted. With ``workers=N`` (or a ``pool``) it keeps up to N
candidates in flight on a pool of workers (``parallel.DaskPool``: Dask distributed
workers; ``simulation.SimulatedPool``: a virtual clock) and tells each result as it
finishes, in whatever order (asynchronous evaluation; Kandasamy et al. 2018,
"Parallelised Bayesian optimisation via Thompson sampling", compare it with
synchronous batches), or, with ``synchronous=True``, asks a batch of N and waits
for all of it. A strategy that declares ``sequential = True`` gets one ask at a
time. A candidate that raises is a failed trial and the search goes on, except
for a ``ConfigurationError`` (missing data, an estimator that does not fit the
space): no trial could succeed, so the search stops with it. The driver alone
writes the journal. Knows nothing about particular spaces, strategies or estimators.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import numbers
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from naslib_mini.estimators.base import Estimator
from naslib_mini.history import History, Journal
from naslib_mini.objectives import Constraint, parse_constraints, rescore
from naslib_mini.strategies.base import SearchExhausted, Strategy
from naslib_mini.types import Candidate, ConfigurationError, Trial, TrialState

if TYPE_CHECKING:
    from naslib_mini.parallel import Pool

__all__ = ["Budget", "run"]

log = logging.getLogger(__name__)

#: A callback receives each finished trial and the history so far.
Callback = Callable[[Trial, History], None]


@dataclass(frozen=True)
class Budget:
    """When a search stops: whichever limit is reached first.

    Attributes:
        trials: Number of trials, counting those resumed from a journal.
        seconds: Wall-clock seconds of this run.
        cost: Accumulated cost seconds (real or simulated) of all trials.
    """

    trials: int | None = None
    seconds: float | None = None
    cost: float | None = None

    def __post_init__(self) -> None:
        if self.trials is not None and (isinstance(self.trials, bool) or not isinstance(self.trials, numbers.Integral)
                                        or self.trials < 1):
            raise ValueError(f"budget trials must be a positive integer, got {self.trials!r}")
        for name in ("seconds", "cost"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)
                                      or not (value > 0 and math.isfinite(value))):
                raise ValueError(f"budget {name} must be a positive, finite number of seconds, got {value!r}")
        if self.trials is None and self.seconds is None and self.cost is None:
            raise ValueError("a budget needs at least one of trials, seconds or cost")

    def spent(self, history: History, started: float) -> bool:
        if self.trials is not None and len(history) >= self.trials:
            return True
        if self.seconds is not None and time.perf_counter() - started >= self.seconds:
            return True
        return self.cost is not None and history.total_cost >= self.cost


def evaluate(estimator: Estimator, candidate: Candidate, number: int) -> Trial:
    """Measure one candidate; any exception becomes a failed trial carrying its error.

    Raises:
        ConfigurationError: The estimator cannot work as configured; re-raised, since
            every other candidate would fail the same way.
    """
    started = time.perf_counter()
    try:
        measurement = estimator.estimate(candidate.arch, candidate.budget)
    except ConfigurationError:
        raise
    except Exception as exc:  # a failing candidate must not end the search
        elapsed = time.perf_counter() - started
        log.info("trial %d failed: %s: %s", number, type(exc).__name__, exc)
        return Trial(number, candidate, TrialState.FAILED, error=f"{type(exc).__name__}: {exc}", cost=elapsed)
    return Trial(number, candidate, TrialState.COMPLETE, measurement, cost=measurement.cost)


def replay(strategy: Strategy, trials: Iterable[Trial]) -> None:
    """Rebuild a strategy's state from journaled trials.

    Each trial is asked for again and told, as in the original run, so a
    deterministic strategy with the same seed continues exactly where it stopped.
    If the strategy proposes something else (another seed, another version), the
    remaining trials are only told.
    """
    in_step = True
    for trial in sorted(trials, key=lambda t: t.number):
        if in_step:
            try:
                asked = strategy.ask()
            except SearchExhausted:
                asked = None
            if asked is None or asked.arch != trial.arch or asked.budget != trial.candidate.budget:
                log.warning("strategy %r proposes differently from the journal at trial %d; "
                            "rebuilding its state from results only", strategy, trial.number)
                in_step = False
        strategy.tell(trial)


def run(
    strategy: Strategy,
    estimator: Estimator,
    budget: Budget,
    *,
    journal: str | os.PathLike[str] | None = None,
    resume: bool = False,
    callbacks: Iterable[Callback] = (),
    constraints: Iterable[Constraint | str] = (),
    scalarisation: Callable[..., float] | None = None,
    penalty: float = 1.0,
    workers: int = 1,
    scheduler: str | None = None,
    pool: "Pool | None" = None,
    synchronous: bool = False,
) -> History:
    """Search until ``budget`` is spent or the strategy is exhausted.

    Args:
        strategy: Proposes candidates (ask) and learns from trials (tell).
        estimator: Measures candidates.
        budget: When to stop.
        journal: Path of a JSON-lines journal; every finished trial is appended
            and flushed as soon as it finishes.
        resume: Continue the search recorded in ``journal``: its trials are kept,
            replayed into the strategy and not evaluated again.
        callbacks: Called with each finished trial and the history.
        constraints: Limits such as ``"params <= 1e6"`` or ``"latency_ms <= 2"`` that any
            strategy honours: a violating trial is recorded and told like any other, but
            its score is lowered by ``penalty * (1 + violation)`` (the summed relative
            overshoot, kept in its metrics as ``constraint_violation``), so strategies learn
            to avoid it, and ``History.best`` never reports it (``objectives.rescore``).
        scalarisation: Turns a measurement's metrics (and score) into the score strategies
            see, e.g. ``MnasNetReward(target=...)``; the estimator's score is kept in the
            metrics as ``raw_score``.
        penalty: Score lost by a violating trial, beyond its relative violation.
        workers: Trials evaluated at once. 1 (the default) evaluates in this process, one
            after the other; more starts a local Dask cluster of that many single-threaded
            worker processes (``parallel.DaskPool``), closed when the search ends.
        scheduler: Address of a running Dask scheduler (``"tcp://host:port"``) to evaluate on
            instead; ``workers`` is then the number of trials kept in flight.
        pool: A pool of workers to evaluate on (``parallel.DaskPool``,
            ``simulation.SimulatedPool``), made and closed by the caller; its ``slots`` are the
            trials kept in flight. Give ``workers``/``scheduler`` or ``pool``, not both.
        synchronous: With several workers, ask a batch of ``slots`` candidates and wait for all
            of them before asking again (synchronous batches), instead of asking a new one as
            soon as any finishes (asynchronous, the default).

    With several workers, trials are numbered in the order they finish (the order of the
    history and the journal), so a journal never has a gap: a search whose driver dies loses
    no finished trial, and resuming it asks afresh in place of the trials that were in flight.

    Returns:
        The history of the search, resumed trials first.

    Raises:
        ConfigurationError: The estimator cannot work as configured (missing data, an
            architecture of another space, a budget it cannot evaluate); the trial that
            found out is neither recorded nor journaled.
        JournalError: ``resume`` was asked for a journal that cannot be read.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0),
        ...                  nm.ESTIMATORS.create("tabular", dataset="cifar10"),
        ...                  nm.Budget(trials=5))
        >>> len(history), [trial.ok for trial in history]
        (5, [True, True, True, True, True])
        >>> history.best().score == max(trial.score for trial in history)
        True
    """
    for value, kind, hint in ((strategy, Strategy, "STRATEGIES.create(name, space=...)"),
                              (estimator, Estimator, "ESTIMATORS.create(name, ...)"),
                              (budget, Budget, "Budget(trials=...)")):
        if not isinstance(value, kind):
            raise TypeError(f"run needs a {kind.__name__} (e.g. {hint}), got {type(value).__name__}: {value!r}")
    constraints = parse_constraints(constraints)
    _check_parallel(workers, scheduler, pool, synchronous)
    if scalarisation is not None and not callable(scalarisation):
        raise TypeError(f"scalarisation must be a callable (metrics, score) -> score, e.g. MnasNetReward(target=2.0), "
                        f"got {scalarisation!r}")
    if not (isinstance(penalty, (int, float)) and math.isfinite(penalty) and penalty >= 0):
        raise ValueError(f"penalty must be a finite number >= 0, got {penalty!r}")
    space = strategy.space
    log_file = Journal(journal) if journal is not None else None
    history = History(space)
    if log_file is not None and log_file.exists():
        if not resume:
            raise FileExistsError(
                f"journal {log_file.path} already holds trials; pass resume=True to continue it "
                "or choose another path")
        for trial in log_file.read(space):
            history.append(trial)
        replay(strategy, history.trials)
        log.info("resumed %d trials from %s", len(history), log_file.path)
    elif resume:
        log.info("no journal at %s yet: starting a new search", journal)

    callbacks = list(callbacks)

    def finish(trial: Trial) -> None:
        """Record a finished trial: rescore, history, journal (the driver alone writes it), tell, callbacks."""
        if trial.ok and (constraints or scalarisation is not None):
            trial = dataclasses.replace(trial, measurement=rescore(trial.measurement, constraints, scalarisation,
                                                                   penalty))
        history.append(trial)
        if log_file is not None:
            log_file.write(trial, space)
        strategy.tell(trial)
        for callback in callbacks:
            callback(trial, history)

    started = time.perf_counter()
    if pool is None and workers == 1 and scheduler is None:
        number = history.next_number
        while not budget.spent(history, started):
            try:
                candidate = strategy.ask()
            except SearchExhausted:
                log.info("strategy %r is exhausted after %d trials", strategy, len(history))
                break
            trial = evaluate(estimator, candidate, number)
            number += 1
            finish(trial)
        return history
    owned = pool is None
    if owned:
        from naslib_mini.parallel import DaskPool

        pool = DaskPool(workers=workers, scheduler=scheduler)
    try:
        pool.start(estimator)
        _run_on_pool(strategy, pool, budget, history, started, finish, synchronous)
    finally:
        if owned:
            pool.close()
    return history


def _check_parallel(workers: object, scheduler: object, pool: object, synchronous: object) -> None:
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise ValueError(f"workers must be a positive integer (trials evaluated at once), got {workers!r}")
    if scheduler is not None and not (isinstance(scheduler, str) and "://" in scheduler):
        raise ValueError(f"scheduler must be a Dask scheduler address such as 'tcp://127.0.0.1:8786', "
                         f"got {scheduler!r}")
    if pool is not None and (workers != 1 or scheduler is not None):
        raise ValueError("give either workers/scheduler or a pool, not both: a pool's slots are its workers")
    if not isinstance(synchronous, bool):
        raise ValueError(f"synchronous must be True or False, got {synchronous!r}")


def _run_on_pool(strategy: Strategy, pool: "Pool", budget: Budget, history: History, started: float,
                 finish: Callable[[Trial], None], synchronous: bool) -> None:
    """Keep up to ``pool.slots`` candidates in flight and finish each trial as its result arrives.

    A strategy with ``sequential = True`` gets one candidate in flight. No candidate is asked
    for once the finished and in-flight trials fill ``budget.trials`` or the budget is spent;
    the trials in flight then still finish and are recorded. Trials are renumbered in the
    order they finish. Whatever is still in flight when this raises is cancelled.
    """
    slots = 1 if getattr(strategy, "sequential", False) else pool.slots
    if slots < pool.slots:
        log.info("strategy %r is sequential: one trial in flight of %d slots", strategy, pool.slots)
    in_flight, ticket, exhausted = 0, 0, False

    def may_ask() -> bool:
        if exhausted or in_flight >= slots:
            return False
        if budget.trials is not None and len(history) + in_flight >= budget.trials:
            return False
        return not budget.spent(history, started)

    try:
        while True:
            if not synchronous or in_flight == 0:
                while may_ask():
                    try:
                        candidate = strategy.ask()
                    except SearchExhausted:
                        log.info("strategy %r is exhausted after %d trials", strategy, len(history) + in_flight)
                        exhausted = True
                        break
                    pool.submit(candidate, ticket)
                    ticket += 1
                    in_flight += 1
            if in_flight == 0:
                return
            for trial in pool.wait():
                in_flight -= 1
                finish(dataclasses.replace(trial, number=history.next_number))
    finally:
        if in_flight:
            pool.cancel()
