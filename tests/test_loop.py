"""The ask/tell loop: budgets, failed trials, journals and resuming."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import naslib_mini as nm
from fakes import LinearEstimator


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


def test_seconds_budget(space):
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    started = time.perf_counter()
    history = nm.run(strategy, LinearEstimator(space, sleep=0.01), nm.Budget(seconds=0.2))
    assert 0.2 <= time.perf_counter() - started < 2.0
    assert len(history) >= 5


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
    sys.path.insert(0, {tests!r})
    import naslib_mini as nm
    from fakes import LinearEstimator
    space = nm.SPACES.create("nb201")
    strategy = nm.STRATEGIES.create("rea", space=space, seed=3)
    nm.run(strategy, LinearEstimator(space, sleep=0.02), nm.Budget(trials=int(sys.argv[2])),
           journal=sys.argv[1], resume=True)
""")


def test_kill_minus_nine_then_resume_loses_and_repeats_nothing(space, tmp_path):
    script = tmp_path / "search.py"
    script.write_text(SCRIPT.format(tests=str(Path(__file__).parent)))
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
