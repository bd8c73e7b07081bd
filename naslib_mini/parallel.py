"""Where trials run when several run at once: the pool interface and its Dask implementation.

``Pool`` is what ``loop.run`` needs from a set of workers: take an estimator once,
evaluate candidates as they are submitted, and hand back finished trials in the order
they finish. ``DaskPool`` runs them on Dask distributed workers (Rocklin 2015, "Dask:
parallel computation with blocked algorithms and task scheduling"): by default a
``LocalCluster`` of single-threaded worker processes bound to 127.0.0.1, or the
workers of a running scheduler (``scheduler="tcp://host:port"``).

The estimator travels to each worker once, as a worker plugin (installed again on a
worker that restarts), never with each trial; an estimator that builds its data lazily
builds it on the worker. Faults: a worker that dies mid-trial (a SIGKILL, the kernel's
out-of-memory killer) has its trial retried on another worker by the scheduler, up to
``retries`` times, after which the trial is a failed trial (``KilledWorker``). A trial
over its ``timeout`` is a failed trial; the worker process running it is ended and its
nanny starts a fresh one, so it is free for the next trial whatever the trial was stuck in.

Knows nothing about strategies, journals or budgets: the loop, on the driver, tells
results and alone writes the journal.
"""
from __future__ import annotations

import logging
import math
import os
import time
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from naslib_mini.types import Candidate, ConfigurationError, Trial, TrialState

if TYPE_CHECKING:
    from naslib_mini.estimators.base import Estimator

__all__ = ["DaskPool", "Pool"]

log = logging.getLogger(__name__)


class Pool(Protocol):
    """Workers that evaluate candidates; ``loop.run(..., pool=...)`` keeps ``slots`` of them busy."""

    #: Trials the pool evaluates at once.
    slots: int

    def start(self, estimator: "Estimator") -> None:
        """Hand the estimator to the workers, once per search."""

    def submit(self, candidate: Candidate, ticket: int) -> None:
        """Start evaluating ``candidate``; its trial comes back from ``wait`` numbered ``ticket``."""

    def wait(self) -> list[Trial]:
        """Block until at least one submitted trial finished; return the finished ones.

        Raises:
            ConfigurationError: The estimator cannot work as configured (raised on a worker).
        """

    def cancel(self) -> None:
        """Drop every trial still in flight (the search stops early)."""


def _plugin_class() -> type:
    from distributed.diagnostics.plugin import WorkerPlugin

    class EstimatorPlugin(WorkerPlugin):
        """Holds one search's estimator on a worker; Dask installs it on every worker, also restarted ones."""

        def __init__(self, name: str, estimator: "Estimator") -> None:
            self.name = name
            self.estimator = estimator

    return EstimatorPlugin


def evaluate_on_worker(plugin: str, candidate: Candidate, ticket: int) -> Trial:
    """The Dask task of one trial: ``loop.evaluate`` with the estimator installed on this worker.

    Logs the moment it starts (a Dask event under the plugin's name), from which the
    driver counts the trial's time limit.
    """
    from distributed import get_worker

    from naslib_mini.loop import evaluate

    worker = get_worker()
    worker.log_event(plugin, {"key": worker.get_current_task()})
    return evaluate(worker.plugins[plugin].estimator, candidate, ticket)


def pause_worker(dask_worker: Any) -> None:
    """Run on a worker's event loop: take no new task (Dask's memory pause)."""
    from distributed.core import Status

    dask_worker.status = Status.paused


async def end_process() -> None:
    """Run on a worker's event loop: end its process at once, so its nanny starts a fresh one."""
    os._exit(1)


class DaskPool:
    """Dask distributed workers: a local cluster of single-threaded processes, or a running scheduler's.

    Use it as a context manager (or call ``close``); ``run(..., workers=N)`` makes and
    closes one itself. The local cluster starts its workers as new Python processes
    (``spawn``), which import the main module again: a script that uses it needs the
    ``if __name__ == "__main__":`` guard, as with ``multiprocessing``.

    Args:
        workers: Worker processes of the local cluster, one thread each; with ``scheduler``,
            the trials kept in flight (at most the cluster's worker threads, usually).
        scheduler: Address of a running Dask scheduler, ``"tcp://host:port"``; its own
            ``distributed.scheduler.allowed-failures`` setting then decides the retries.
        timeout: Seconds after which a running trial is stopped, its worker restarted and
            the trial recorded as failed (counted from when it started on its latest worker,
            so time spent waiting for a worker or on a worker that died does not count);
            ``None`` waits as long as it takes. The workers of a ``scheduler`` of your own need
            nannies (``dask worker``'s default) to come back after a time-out.
        retries: Times a trial whose worker died is run again on another worker before it
            is recorded as failed (local cluster only).
        dashboard: Serve Dask's dashboard on a free port of 127.0.0.1 (``dashboard_link``).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> with nm.DaskPool(workers=2) as pool:  # doctest: +SKIP
        ...     history = nm.run(nm.STRATEGIES.create("rea", space=space, seed=0),
        ...                      nm.ESTIMATORS.create("tabular", dataset="cifar10"),
        ...                      nm.Budget(trials=20), pool=pool)
    """

    def __init__(self, workers: int = 2, scheduler: str | None = None, timeout: float | None = None,
                 retries: int = 1, dashboard: bool = False) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        if scheduler is not None and not (isinstance(scheduler, str) and "://" in scheduler):
            raise ValueError(f"scheduler must be a Dask scheduler address such as 'tcp://127.0.0.1:8786', "
                             f"got {scheduler!r}")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or not timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be an integer >= 0, got {retries!r}")
        self.slots = workers
        self.scheduler = scheduler
        self.timeout = None if timeout is None else float(timeout)
        self.retries = retries
        self.dashboard = dashboard
        self.cluster: Any = None
        self.client: Any = None
        self._plugin: str | None = None
        self._futures: dict[Any, tuple[Candidate, int, float]] = {}  # future -> candidate, ticket, submitted
        self._started: dict[str, float] = {}  # task key -> when it last started on a worker (time.time())
        self._requeued: dict[str, float] = {}  # task key -> its start on a worker that died since
        self._settings: Any = None  # Dask settings applied while the local cluster runs

    # -- life cycle ------------------------------------------------------------------------
    def connect(self) -> Any:
        """The Dask client, starting the local cluster (or connecting to ``scheduler``) on first use."""
        if self.client is None:
            import dask
            from distributed import Client, LocalCluster

            if self.scheduler is not None:
                self.client = Client(self.scheduler, set_as_default=False)
            else:
                # Kept while the pool is open: one task per single-threaded worker at a time (Dask's
                # default queues a second one behind it), so a worker that dies or is stopped takes
                # no waiting trial with it; and a dead worker's nanny gets 5 minutes to start a new
                # process before the cluster gives the worker up (15 s by default, too short for a
                # process that imports torch on a loaded machine).
                self._settings = dask.config.set({"distributed.scheduler.worker-saturation": 1.0,
                                                  "distributed.deploy.lost-worker-timeout": "300s"})
                self.cluster = self._local_cluster(LocalCluster)
                self.client = Client(self.cluster, set_as_default=False)
            log.info("dask pool: %d slots on %s", self.slots, self.client.scheduler.address)
        return self.client

    def _local_cluster(self, LocalCluster: type) -> Any:
        return LocalCluster(
            n_workers=self.slots, threads_per_worker=1, processes=True, host="127.0.0.1",
            # the scheduler's HTTP server (health checks; the dashboard if asked) runs in any
            # case: bind it to a free port of 127.0.0.1, never to every interface
            dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"allowed_failures": self.retries, "dashboard": self.dashboard},
            silence_logs=logging.ERROR)

    @property
    def dashboard_link(self) -> str | None:
        return self.client.dashboard_link if self.client is not None and self.dashboard else None

    def close(self) -> None:
        """Cancel what is in flight, take the estimator off the workers, close the client and the local cluster."""
        if self.client is not None:
            self.cancel()
            if self._plugin is not None and self.cluster is None:  # a cluster of others: leave it clean
                self.client.unregister_worker_plugin(self._plugin)
            self._plugin = None
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
        if self._settings is not None:
            self._settings.__exit__(None, None, None)  # Dask's settings as they were before
            self._settings = None

    def __enter__(self) -> "DaskPool":
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the Pool interface ------------------------------------------------------------------
    def start(self, estimator: "Estimator") -> None:
        client = self.connect()
        if self._plugin is not None:
            client.unregister_worker_plugin(self._plugin)
        self._plugin = f"naslib-estimator-{uuid.uuid4().hex}"
        client.register_plugin(_plugin_class()(self._plugin, estimator))

    def submit(self, candidate: Candidate, ticket: int) -> None:
        if self._plugin is None:
            raise RuntimeError("DaskPool.submit before start(estimator)")
        future = self.client.submit(evaluate_on_worker, self._plugin, candidate, ticket, pure=False,
                                    key=f"trial-{ticket}-{uuid.uuid4().hex[:8]}")
        self._futures[future] = (candidate, ticket, time.monotonic())

    def wait(self) -> list[Trial]:
        from distributed import wait

        if not self._futures:
            raise RuntimeError("DaskPool.wait with no trial in flight")
        while True:
            limit = None
            if self.timeout is not None:  # wake at the first deadline, and every second to see new starts
                self._read_starts()
                starts = [self._started[f.key] for f in self._futures if f.key in self._started]
                limit = min([1.0] + [start + self.timeout - time.time() for start in starts])
                limit = max(limit, 0.0)
            try:
                with self.client.as_current():
                    done, _ = wait(list(self._futures), timeout=limit, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            trials = [self._finished(future) for future in done]
            trials += self._stop_overdue()
            if trials:
                return trials

    def cancel(self) -> None:
        if self._futures:
            self.client.cancel(list(self._futures))
            self._futures.clear()

    # -- outcomes ------------------------------------------------------------------------------
    def _finished(self, future: Any) -> Trial:
        from distributed import KilledWorker

        candidate, ticket, submitted = self._futures.pop(future)
        self._started.pop(future.key, None)
        self._requeued.pop(future.key, None)
        if future.status == "finished":
            return future.result()
        error = future.exception() if future.status == "error" else None
        if isinstance(error, ConfigurationError):
            self.cancel()
            raise error
        if isinstance(error, KilledWorker):
            message = f"KilledWorker: its worker died {self.retries + 1} time(s) while evaluating it"
        else:
            message = f"{type(error).__name__}: {error}" if error is not None else f"Cancelled: {future.status}"
        log.info("trial %d failed on the pool: %s", ticket, message)
        return Trial(ticket, candidate, TrialState.FAILED, error=message, cost=time.monotonic() - submitted)

    def _stop_overdue(self) -> list[Trial]:
        """Failed trials for those over ``timeout``; their workers are restarted to be free again."""
        if self.timeout is None:
            return []
        self._read_starts()
        now = time.time()
        overdue = [f for f in self._futures if f.key in self._started and now - self._started[f.key] >= self.timeout]
        if not overdue:
            return []
        processing = self.client.processing()
        running = {key for keys in processing.values() for key in keys}
        for future in [f for f in overdue if f.key not in running]:  # its worker died: it waits for another,
            self._requeued[future.key] = self._started.pop(future.key)  # and its clock starts again there
            overdue.remove(future)
        if not overdue:
            return []
        keys = {f.key for f in overdue}
        busy = [worker for worker, keys_there in processing.items() if keys & set(keys_there)]
        if busy:  # pause them first, so the scheduler gives them no other trial once these are cancelled
            self.client.run(pause_worker, workers=busy, on_error="ignore")
            self._wait_until_paused(busy)
        self.client.cancel(overdue)
        if busy:  # end the worker process from its event loop (the stuck thread cannot be stopped);
            # its nanny starts a fresh one, and the cancelled trial is not retried
            self.client.run(end_process, workers=busy, wait=False)
        trials = []
        for future in overdue:
            candidate, ticket, _ = self._futures.pop(future)
            started = self._started.pop(future.key)
            log.info("trial %d exceeded its time limit of %g s", ticket, self.timeout)
            trials.append(Trial(ticket, candidate, TrialState.FAILED,
                                error=f"TimeoutError: over the time limit of {self.timeout:g} s",
                                cost=now - started))
        return trials

    def _wait_until_paused(self, workers: list[str], patience: float = 2.0) -> None:
        """Wait (at most ``patience`` seconds) until the scheduler sees ``workers`` paused."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            known = self.client.scheduler_info(n_workers=-1)["workers"]
            if all(known.get(worker, {}).get("status", "paused") == "paused" for worker in workers):
                return
            time.sleep(0.05)

    def _read_starts(self) -> None:
        """When each trial in flight last started, from the events its tasks logged."""
        keys = {future.key for future in self._futures}
        for stamp, message in self.client.get_events(self._plugin):
            key = message["key"]
            if key in keys and stamp > self._requeued.get(key, -math.inf):  # not a start on a worker that died
                self._started[key] = max(stamp, self._started.get(key, stamp))
