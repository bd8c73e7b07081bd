"""Worker stamps and the timeline of a real parallel run: which trial ran where, and when."""
from __future__ import annotations

import pytest

import naslib_mini as nm
from naslib_mini.types import Candidate, Measurement, Trial, TrialState
from naslib_mini.worker_timeline import WorkerStamps, timeline


def stamped(number, pid, start, finish, ok=True):
    if not ok:
        return Trial(number, Candidate(f"a{number}"), TrialState.FAILED, None, cost=0.0, error="boom")
    metrics = {"worker_pid": pid, "started_at": start, "finished_at": finish}
    return Trial(number, Candidate(f"a{number}"), TrialState.COMPLETE, Measurement(0.5, 1.0, metrics), cost=1.0)


def test_timeline_numbers_workers_by_first_appearance_and_times_from_the_first_start():
    history = nm.History(space=None)
    for trial in (stamped(0, 901, 100.0, 103.0), stamped(1, 700, 100.5, 102.0), stamped(2, 700, 102.0, 104.0),
                  stamped(3, 0, 0, 0, ok=False)):
        history.append(trial)
    spans = timeline(history)
    assert [(s.ticket, s.worker, s.start, s.finish) for s in spans] == [(0, 0, 0.0, 3.0), (1, 1, 0.5, 2.0),
                                                                        (2, 1, 2.0, 4.0)]
    assert timeline(nm.History(space=None)) == []


def test_stamps_are_added_to_the_measurement_and_unstamped_histories_are_named():
    estimator = WorkerStamps(nm.ESTIMATORS.create("tabular", dataset="cifar10"))
    history = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0), estimator,
                     nm.Budget(trials=2))
    metrics = history.trials[0].measurement.metrics
    assert metrics["finished_at"] >= metrics["started_at"] and "test_accuracy" in metrics
    plain = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0),
                   nm.ESTIMATORS.create("tabular", dataset="cifar10"), nm.Budget(trials=1))
    with pytest.raises(ValueError, match="trial 0 has no worker_pid, started_at, finished_at: wrap the estimator"):
        timeline(plain)
    with pytest.raises(TypeError, match="WorkerStamps wraps an Estimator, got str"):
        WorkerStamps("tabular")
