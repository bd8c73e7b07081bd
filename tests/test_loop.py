"""The ask/tell loop: budgets, failed trials versus configuration errors, journals and resuming."""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

import naslib_mini as nm
import naslib_mini.loop as loop_module
from fakes import LinearEstimator
from naslib_mini.data import NB201_FILE
from naslib_mini.estimators.tabular import SpaceMismatch


@pytest.fixture
def space():
    return nm.SPACES.create("nb201")


def search(space, n, journal=None, resume=False, seed=0, fail_every=None):
    strategy = nm.STRATEGIES.create("random", space=space, seed=seed)
    return nm.run(strategy, LinearEstimator(space, fail_every=fail_every), nm.Budget(trials=n),
                  journal=journal, resume=resume)


def test_trial_budget_and_numbers(space):
    history = search(space, 7)
    assert [t.number for t in history] == list(range(7))
    assert len({t.arch for t in history}) == 7


def test_cost_budget_stops_when_spent(space):
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    history = nm.run(strategy, LinearEstimator(space), nm.Budget(cost=5.5))
    assert history.total_cost >= 5.5 and len(history) == 6
    assert len(history.within(5.5)) == 5


class Clock:
    """A stand-in for ``time.perf_counter`` that only moves when a trial runs."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TickingEstimator(LinearEstimator):
    """Each estimate takes exactly ``seconds`` on ``clock``."""

    def __init__(self, space, clock: Clock, seconds: float) -> None:
        super().__init__(space)
        self.clock, self.seconds = clock, seconds

    def estimate(self, arch, budget=None):
        self.clock.now += self.seconds
        return super().estimate(arch, budget)


def test_seconds_budget_stops_at_the_first_trial_that_ends_past_it(space, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(loop_module.time, "perf_counter", clock)
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    history = nm.run(strategy, TickingEstimator(space, clock, seconds=1.0), nm.Budget(seconds=3.5))
    assert len(history) == 4  # after 3 trials 3.0 s are spent, after the 4th 4.0 s >= 3.5 s


def test_budget_needs_a_limit_and_positive_values():
    with pytest.raises(ValueError, match="at least one"):
        nm.Budget()
    with pytest.raises(ValueError, match="trials must be a positive integer, got -1"):
        nm.Budget(trials=-1)


def test_failed_candidates_are_recorded_and_search_goes_on(space):
    history = search(space, 9, fail_every=3)
    failed = [t for t in history if not t.ok]
    assert len(history) == 9 and len(failed) == 3
    assert all(t.error == "CandidateFailed: loss became NaN (fake)" for t in failed)
    assert history.best().ok


class FailingEstimator(LinearEstimator):
    """Every ``every``-th call fails the way ``failure`` says; the others score as ``LinearEstimator``."""

    def __init__(self, space, every: int, failure: str) -> None:
        super().__init__(space)
        self.every, self.failure, self.own_calls = every, failure, 0

    def estimate(self, arch, budget=None):
        self.own_calls += 1
        if self.own_calls % self.every == 0:
            if self.failure == "forward":  # the candidate's network raises inside its own forward pass
                torch.nn.Linear(3, 2)(torch.zeros(1, 5))
            if self.failure == "timeout":
                raise nm.CandidateFailed("training exceeded timeout_seconds=1 after 7 of 90 steps")
            if self.failure == "configuration":
                raise nm.ConfigurationError("the estimator cannot work: fix X")
        return super().estimate(arch, budget)


@pytest.mark.parametrize("failure, error", [
    ("forward", "RuntimeError: mat1 and mat2 shapes cannot be multiplied"),
    ("timeout", "CandidateFailed: training exceeded timeout_seconds=1"),
])
def test_a_candidates_own_failure_is_a_failed_trial_and_the_search_goes_on(space, tmp_path, failure, error):
    journal = tmp_path / "j.jsonl"
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    history = nm.run(strategy, FailingEstimator(space, 2, failure), nm.Budget(trials=6), journal=journal)
    assert [t.ok for t in history] == [True, False] * 3
    assert all(t.error.startswith(error) for t in history if not t.ok)
    assert len(journal.read_text().splitlines()) == 6


def test_a_configuration_error_stops_the_search_and_is_not_recorded(space, tmp_path):
    journal, seen = tmp_path / "j.jsonl", []
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    with pytest.raises(nm.ConfigurationError, match="fix X"):
        nm.run(strategy, FailingEstimator(space, 3, "configuration"), nm.Budget(trials=10), journal=journal,
               callbacks=[lambda trial, history: seen.append(trial.number)])
    assert seen == [0, 1]  # the trial that found the error is neither recorded nor journaled
    assert [r["number"] for r in map(json.loads, journal.read_text().splitlines())] == [0, 1]


def test_missing_data_is_one_clear_error_before_any_trial(space, tmp_path, monkeypatch):
    """The issue's search without data: one error naming the path and the fix, not five failed trials."""
    monkeypatch.setenv("NASLIB_MINI_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(nm.DataNotFound, match=r"nowhere/nasbench201/nb201.csv.gz.*NASLIB_MINI_DATA"):
        nm.run(nm.STRATEGIES.create("rea", space=space, seed=0),
               nm.ESTIMATORS.create("nb201", dataset="cifar10", epochs=12), nm.Budget(trials=5))


@pytest.mark.parametrize("problem", ["broken table", "another space"])
def test_an_estimator_that_cannot_work_fails_on_the_first_trial_with_nothing_recorded(space, tmp_path, problem):
    journal = tmp_path / "j.jsonl"
    if problem == "broken table":
        (tmp_path / NB201_FILE).parent.mkdir(parents=True)
        (tmp_path / NB201_FILE).write_bytes(gzip.compress(b"index,arch_str,unique_str\n0,a,b\n"))
        strategy, error = nm.STRATEGIES.create("random", space=space, seed=0), "must hold rows with index 0..15624"
        estimator = nm.ESTIMATORS.create("nb201", data_dir=tmp_path)
    else:
        chain = nm.SPACES.create("chain-small")
        strategy, error = nm.STRATEGIES.create("random", space=chain, seed=0), "needs an NB201Arch"
        estimator = nm.ESTIMATORS.create("nb201")
    with pytest.raises(nm.ConfigurationError, match=error) as raised:
        nm.run(strategy, estimator, nm.Budget(trials=5), journal=journal)
    assert not journal.exists()
    assert isinstance(raised.value, SpaceMismatch) == (problem == "another space")


def test_journal_records_every_trial(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    history = search(space, 5, journal=journal, fail_every=2)
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [r["number"] for r in records] == [0, 1, 2, 3, 4]
    assert [r["arch"] for r in records] == [space.to_str(t.arch) for t in history]
    assert records[1]["state"] == "failed" and records[1]["error"].startswith("CandidateFailed")
    assert records[0]["state"] == "complete" and records[0]["score"] == history.trials[0].score


def test_existing_journal_needs_resume(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 2, journal=journal)
    with pytest.raises(FileExistsError, match="resume"):
        search(space, 4, journal=journal)


def test_resume_continues_exactly(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 4, journal=journal)
    resumed = search(space, 10, journal=journal, resume=True)
    straight = search(space, 10)
    assert [t.arch for t in resumed] == [t.arch for t in straight]
    assert [t.number for t in resumed] == list(range(10))
    assert len(journal.read_text().splitlines()) == 10


def test_malformed_line_names_the_line(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 3, journal=journal)
    lines = journal.read_text().splitlines()
    lines[1] = "{not json"
    journal.write_text("\n".join(lines) + "\n")
    with pytest.raises(nm.JournalError, match="line 2"):
        search(space, 5, journal=journal, resume=True)


def rewrite(journal: Path, change) -> None:
    """Apply ``change`` to every record of ``journal`` (a record it maps to ``None`` is removed)."""
    records = [change(json.loads(line)) for line in journal.read_text().splitlines()]
    journal.write_text("".join(json.dumps(r) + "\n" for r in records if r is not None))


def test_every_record_carries_the_format_version(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 3, journal=journal)
    assert {json.loads(line)["format"] for line in journal.read_text().splitlines()} == {nm.JOURNAL_FORMAT} == {2}


@pytest.mark.parametrize("version, found", [(None, "has no format version"), (1, "has format version 1"),
                                            (3, "has format version 3")])
def test_a_journal_of_another_format_is_refused_naming_file_line_and_version(space, tmp_path, version, found):
    journal = tmp_path / "j.jsonl"
    search(space, 3, journal=journal)

    def old(record):
        record.pop("format")
        if version is not None and record["number"] == 1:
            record["format"] = version
        return record if version is None or record["number"] != 0 else {**record, "format": 2}

    rewrite(journal, old)
    line = 1 if version is None else 2
    with pytest.raises(nm.JournalError, match=f"j.jsonl: line {line} {found}.*reads journal format 2.*new journal"):
        search(space, 5, journal=journal, resume=True)


def test_a_journal_whose_trial_numbers_skip_one_is_refused(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 4, journal=journal)
    rewrite(journal, lambda r: None if r["number"] == 2 else r)
    with pytest.raises(nm.JournalError, match=r"trial number\(s\) 2 are missing.*holds 3 trials numbered up to 3"):
        search(space, 6, journal=journal, resume=True)
    rewrite(journal, lambda r: {**r, "number": 1} if r["number"] == 3 else r)
    with pytest.raises(nm.JournalError, match="trial numbers repeat: 1"):
        nm.Journal(journal).read(space)


def test_torn_last_line_is_dropped_and_rerun(space, tmp_path):
    journal = tmp_path / "j.jsonl"
    search(space, 3, journal=journal)
    text = journal.read_text()
    journal.write_text(text + text.splitlines()[0][:20])  # a write cut off by a crash
    resumed = search(space, 5, journal=journal, resume=True)
    assert [t.number for t in resumed] == list(range(5))
    assert [t.arch for t in resumed] == [t.arch for t in search(space, 5)]


SCRIPT = textwrap.dedent("""
    import sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    import naslib_mini as nm
    from fakes import LinearEstimator
    space = nm.SPACES.create("nb201")
    strategy = nm.STRATEGIES.create("rea", space=space, seed=3)
    nm.run(strategy, LinearEstimator(space, sleep=0.02), nm.Budget(trials=int(sys.argv[2])),
           journal=sys.argv[1], resume=True)
""")


def test_kill_minus_nine_then_resume_loses_and_repeats_nothing(space, tmp_path):
    script = tmp_path / "search.py"
    script.write_text(SCRIPT.format(repo=str(Path(__file__).parents[1]), tests=str(Path(__file__).parent)))
    journal = tmp_path / "killed.jsonl"
    process = subprocess.Popen([sys.executable, str(script), str(journal), "60"])
    deadline = time.time() + 60
    while time.time() < deadline and (not journal.exists() or len(journal.read_text().splitlines()) < 15):
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(journal.read_text().splitlines())
    assert 15 <= done_before < 60
    subprocess.run([sys.executable, str(script), str(journal), "60"], check=True)
    resumed = nm.Journal(journal).read(space)
    reference = tmp_path / "reference.jsonl"
    subprocess.run([sys.executable, str(script), str(reference), "60"], check=True)
    straight = nm.Journal(reference).read(space)
    assert [t.number for t in resumed] == list(range(60))
    assert [t.arch for t in resumed] == [t.arch for t in straight]
    assert [t.score for t in resumed] == [t.score for t in straight]
