"""Which trial ran on which worker, and when: a stamping estimator and the timeline read back from a history.

Dask runs trials in other processes; the driver only sees results. ``WorkerStamps``
wraps any estimator and adds to each measurement the process id of the worker that
measured it and the wall-clock times (seconds since the epoch) at which the
measurement started and finished. ``timeline`` turns a history of stamped trials
into the same ``Span`` records a ``simulation.SimulatedPool`` keeps, so
``viz.plot_timeline`` draws real and simulated runs alike (workers numbered in the
order they first appear, times in seconds since the first trial started). A failed
trial carries no measurement and is left out. Knows nothing about Dask.
"""
from __future__ import annotations

import os
import time
from typing import Hashable

from naslib_mini.estimators.base import Estimator
from naslib_mini.history import History
from naslib_mini.simulation import Span
from naslib_mini.types import Measurement

__all__ = ["STAMPS", "WorkerStamps", "timeline"]

#: The metrics ``WorkerStamps`` adds.
STAMPS = ("worker_pid", "started_at", "finished_at")


class WorkerStamps(Estimator):
    """``estimator``'s measurements, stamped with the worker process and the wall-clock start and finish.

    Example:
        >>> import naslib_mini as nm
        >>> stamped = WorkerStamps(nm.ESTIMATORS.create("tabular", dataset="cifar10"))
        >>> h = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0), stamped,
        ...            nm.Budget(trials=3))
        >>> [span.worker for span in timeline(h)], all(s.finish >= s.start >= 0 for s in timeline(h))
        ([0, 0, 0], True)
    """

    def __init__(self, estimator: Estimator) -> None:
        if not isinstance(estimator, Estimator):
            raise TypeError(f"WorkerStamps wraps an Estimator, got {type(estimator).__name__}: {estimator!r}")
        self.estimator = estimator
        self.name = estimator.name

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        started = time.time()
        measurement = self.estimator.estimate(arch, budget)
        stamps = {"worker_pid": float(os.getpid()), "started_at": started, "finished_at": time.time()}
        return Measurement(measurement.score, measurement.cost, {**measurement.metrics, **stamps})

    def __repr__(self) -> str:
        return f"WorkerStamps({self.estimator!r})"


def timeline(history: History) -> list[Span]:
    """The stamped trials of ``history`` as spans: worker number, start and finish in seconds after the first start.

    Raises:
        ValueError: A measured trial lacks the stamps (its estimator was not wrapped in ``WorkerStamps``).
    """
    measured = [t for t in history if t.measurement is not None]
    for trial in measured:
        missing = [k for k in STAMPS if k not in trial.measurement.metrics]
        if missing:
            raise ValueError(f"trial {trial.number} has no {', '.join(missing)}: wrap the estimator in WorkerStamps")
    if not measured:
        return []
    origin = min(t.measurement.metrics["started_at"] for t in measured)
    workers: dict[float, int] = {}
    spans = []
    for trial in sorted(measured, key=lambda t: t.measurement.metrics["started_at"]):
        metrics = trial.measurement.metrics
        worker = workers.setdefault(metrics["worker_pid"], len(workers))
        spans.append(Span(trial.number, worker, metrics["started_at"] - origin, metrics["finished_at"] - origin,
                          trial))
    return spans
