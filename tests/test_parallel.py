"""Several trials in flight: the asynchronous loop on a simulated pool, and on a real local Dask cluster."""
from __future__ import annotations

import collections
import os

import numpy as np
import psutil
import pytest

import naslib_mini as nm
from fakes import FaultyEstimator, LinearEstimator


@pytest.fixture
def space():
    return nm.SPACES.create("nb201")


def table():
    return nm.ESTIMATORS.create("tabular", dataset="cifar10")


def overlapping(timeline):
    """The largest number of trials running at the same moment."""
    events = sorted([(s.start, 1) for s in timeline] + [(s.finish, -1) for s in timeline], key=lambda e: (e[0], e[1]))
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def listening_addresses():
    """The addresses that this process and its children (the local cluster) listen on."""
    me = psutil.Process(os.getpid())
    return {c.laddr.ip for p in [me, *me.children(recursive=True)] for c in p.net_connections("inet")
            if c.status == psutil.CONN_LISTEN}


def test_asynchronous_keeps_every_worker_busy_and_tells_as_results_finish(space):
    pool = nm.SimulatedPool(4)
    history = nm.run(nm.STRATEGIES.create("rea", space=space, seed=0), table(), nm.Budget(trials=30), pool=pool)
    assert len(history) == 30 and [t.number for t in history] == list(range(30))
    assert overlapping(pool.timeline) == 4
    finishes = [span.finish for span in pool.timeline]
    assert finishes == sorted(finishes)  # told in the order they finished...
    assert [s.ticket for s in pool.timeline] != sorted(s.ticket for s in pool.timeline)  # ...not as asked
    # a new candidate starts the moment a worker frees up: no worker idles while the budget lasts
    starts = sorted(span.start for span in pool.timeline)
    assert set(starts[4:]) <= set(finishes)


def test_synchronous_batches_wait_for_the_slowest_trial(space):
    pool = nm.SimulatedPool(4)
    nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table(), nm.Budget(trials=12), pool=pool,
           synchronous=True)
    by_start = collections.defaultdict(list)
    for span in pool.timeline:
        by_start[span.start].append(span)
    batches = [by_start[start] for start in sorted(by_start)]
    assert [len(batch) for batch in batches] == [4, 4, 4]
    for before, after in zip(batches, batches[1:]):
        assert after[0].start == max(span.finish for span in before)


def test_a_sequential_strategy_gets_one_candidate_at_a_time(space):
    pool = nm.SimulatedPool(4)
    strategy = nm.STRATEGIES.create("pnas", space=space, seed=0)
    assert strategy.sequential
    history = nm.run(strategy, table(), nm.Budget(trials=10), pool=pool)
    assert len(history) == 10 and overlapping(pool.timeline) == 1


def test_driver_crash_loses_no_finished_trial_and_resume_fills_the_budget(space, tmp_path):
    journal = tmp_path / "journal.jsonl"

    def crash(trial, history):
        if len(history) == 5:
            raise KeyboardInterrupt  # the driver dies with three trials still in flight

    rng = np.random.default_rng(0)
    pool = nm.SimulatedPool(4, duration=lambda trial: float(rng.exponential(1.0)))
    with pytest.raises(KeyboardInterrupt):
        nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table(), nm.Budget(trials=12),
               journal=journal, callbacks=[crash], pool=pool)
    finished = nm.Journal(journal).read(space)
    assert [t.number for t in finished] == list(range(5))
    resumed = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table(), nm.Budget(trials=12),
                     journal=journal, resume=True, pool=nm.SimulatedPool(4))
    assert [t.number for t in resumed] == list(range(12))
    assert [(t.arch, t.score) for t in resumed.trials[:5]] == [(t.arch, t.score) for t in finished]
    assert len({t.arch for t in resumed}) == 12  # the trials that were in flight are asked afresh, none twice
    assert [t.number for t in nm.Journal(journal).read(space)] == list(range(12))


def test_one_worker_is_the_sequential_loop(space):
    plain = nm.run(nm.STRATEGIES.create("bo", space=space, seed=1), table(), nm.Budget(trials=14))
    pooled = nm.run(nm.STRATEGIES.create("bo", space=space, seed=1), table(), nm.Budget(trials=14),
                    pool=nm.SimulatedPool(1))
    assert [(t.number, t.arch, t.score) for t in plain] == [(t.number, t.arch, t.score) for t in pooled]


@pytest.mark.parametrize("kwargs, words", [
    ({"workers": 0}, "workers must be a positive integer"),
    ({"workers": 2.0}, "workers must be a positive integer"),
    ({"scheduler": "127.0.0.1:8786"}, "tcp://"),
    ({"workers": 2, "pool": "pool"}, "not both"),
    ({"synchronous": "yes"}, "synchronous must be True or False"),
])
def test_bad_parallel_settings_are_named(space, kwargs, words):
    if "pool" in kwargs:
        kwargs = {**kwargs, "pool": nm.SimulatedPool(2)}
    with pytest.raises(ValueError, match=words):
        nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table(), nm.Budget(trials=2), **kwargs)


def test_bad_pool_settings_are_named():
    for kwargs, words in [({"workers": -1}, "workers"), ({"timeout": 0}, "timeout"), ({"retries": -1}, "retries"),
                          ({"scheduler": "localhost"}, "tcp://")]:
        with pytest.raises(ValueError, match=words):
            nm.DaskPool(**kwargs)
    with pytest.raises(ValueError, match="duration"):
        nm.SimulatedPool(2, duration=3.0)


def test_dask_workers_survive_a_killed_worker_and_a_hung_trial(space, tmp_path):
    """On a real local cluster: a SIGKILLed worker's trial is retried elsewhere, a trial that kills
    every worker it meets is failed after its retries, a hung trial is failed at its time limit and
    its worker restarted; the journal holds exactly the asked trials, none lost or duplicated, and
    both workers serve the next search."""
    asked = nm.STRATEGIES.create("random", space=space, seed=0)
    archs = [space.to_str(asked.ask().arch) for _ in range(8)]  # random search asks the same, whatever it is told
    faults = {archs[1]: "die-once", archs[2]: "die", archs[3]: "hang"}
    estimator = FaultyEstimator(table(), space, faults, tmp_path, sleep=1.0)
    journal = tmp_path / "journal.jsonl"
    with nm.DaskPool(workers=2, timeout=3.0, retries=1) as pool:
        assert listening_addresses() == {"127.0.0.1"}  # scheduler, nannies, workers: this machine only
        history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), estimator, nm.Budget(trials=8),
                         journal=journal, pool=pool)
        # the workers are free again: once the killed ones are restarted, a second search runs on both
        pool.client.wait_for_workers(2, timeout=60)
        again = nm.run(nm.STRATEGIES.create("random", space=space, seed=1), FaultyEstimator(table(), space, {}, tmp_path,
                       sleep=1.0), nm.Budget(trials=4), pool=pool)
    by_arch = {space.to_str(t.arch): t for t in nm.Journal(journal).read(space)}
    assert sorted(by_arch) == sorted(archs) and len(history) == 8  # every asked trial, once
    assert [t.number for t in history] == list(range(8))
    assert by_arch[archs[1]].ok  # its worker died once: retried on another worker
    assert by_arch[archs[2]].error.startswith("KilledWorker")  # died on both tries: failed
    assert by_arch[archs[3]].error.startswith("TimeoutError")
    assert all(by_arch[a].ok for a in archs if a not in (archs[2], archs[3]))
    assert all(t.ok for t in again) and len({t.measurement.metrics["pid"] for t in again}) == 2


def test_cli_workers_and_scheduler_reach_the_loop(tmp_path, monkeypatch):
    from naslib_mini.cli import main
    from naslib_mini.cli import search as command_search

    seen = {}

    def record(strategy, estimator, budget, **kwargs):
        seen.update(kwargs)
        return nm.History(strategy.space)  # nothing completed: the command stops with status 1

    monkeypatch.setattr(command_search, "run", record)
    argv = ["search", "--out", str(tmp_path / "run"), "--trials", "2", "--epochs", "1", "--no-progress"]
    assert main([*argv, "--workers", "3", "--scheduler", "tcp://127.0.0.1:8786"]) == 1
    assert (seen["workers"], seen["scheduler"]) == (3, "tcp://127.0.0.1:8786")


@pytest.mark.parametrize("option, words", [(["--workers", "0"], "expected a positive integer"),
                                           (["--scheduler", "127.0.0.1:8786"], "expected a Dask scheduler address")])
def test_cli_bad_parallel_options_are_one_line_usage_errors(option, words, capsys):
    from naslib_mini.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["search", *option])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
