"""Trial reports (``describe_trial``, ``trial_text``) and the trial inspector widget, which shows them.

The inspector test sets the dropdown's value the way a click does (headless runs fire no events).
"""
import pytest
from fakes import LinearEstimator

import naslib_mini as nm
from naslib_mini.summary import summarize
from naslib_mini.trial_report import describe_trial, trial_text
from naslib_mini.widgets import trial_inspector

DIGITS = nm.TaskSpec("digits", (1, 8, 8), 10)


@pytest.fixture(scope="module")
def space():
    """The small chain space every trial of ``history`` comes from."""
    return nm.SPACES.create("chain-small")


@pytest.fixture(scope="module")
def history(space):
    """Eight trials over chain-small, every third one failing."""
    strategy = nm.STRATEGIES.create("random", space=space, seed=3)
    return nm.run(strategy, LinearEstimator(space, seed=1, fail_every=3), nm.Budget(trials=8))


def test_describe_trial_reports_complete_and_failed_trials(space, history):
    complete = [t for t in history if t.ok]
    best = history.best()
    described = describe_trial(history, best.number)
    assert described["arch"] == space.to_str(best.arch) and described["rank"] == 1
    assert described["score"] == best.score and described["state"] == "complete"
    assert described["metrics"] == dict(best.measurement.metrics)
    worst = min(complete, key=lambda t: t.score)
    assert describe_trial(history, worst.number)["rank"] == len(complete)

    failed = next(t for t in history if not t.ok)
    described = describe_trial(history, failed.number)
    assert described["state"] == "failed" and described["rank"] is None and described["score"] is None
    assert "CandidateFailed" in described["error"] and described["metrics"] == {}


def test_describe_trial_summarises_the_network_for_a_task(space, history):
    described = describe_trial(history, 0, spec=DIGITS)
    summary = summarize(space, history.trials[0].arch, DIGITS)
    assert described["summary"] == str(summary)
    assert "summary" not in describe_trial(history, 0)


def test_describe_trial_names_the_valid_numbers(history):
    with pytest.raises(ValueError, match="no trial number 99.*valid choices: 0..7"):
        describe_trial(history, 99)


def test_trial_text_lists_fields_and_metrics(history):
    text = trial_text(describe_trial(history, history.best().number))
    assert text.startswith(f"trial {history.best().number} (complete)")
    assert "rank      1" in text and "val_accuracy" in text
    failed = next(t for t in history if not t.ok)
    assert "error" in trial_text(describe_trial(history, failed.number))


def test_trial_inspector_shows_the_best_trial_then_follows_the_selection(space, history):
    inspector = trial_inspector(history, spec=DIGITS)
    assert inspector.selector.value == history.best().number
    assert [value for _, value in inspector.selector.options] == [t.number for t in history]
    assert space.to_str(history.best().arch) in inspector.output.value
    other = next(t for t in history if t.number != history.best().number)
    inspector.selector.value = other.number
    assert space.to_str(other.arch) in inspector.output.value
    assert f"trial {other.number} (" in inspector.output.value


def test_trial_inspector_refuses_an_empty_history(space):
    with pytest.raises(ValueError, match="no trials"):
        trial_inspector(nm.History(space))
