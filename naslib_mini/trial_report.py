"""Trial reports: everything a finished search knows about one trial, as plain values and as text.

``describe_trial`` gathers a trial's architecture, state, score, rank among the complete
trials, cost, budget, error and metrics (and, given a task spec, the summary of its
network); ``trial_text`` writes that out; ``find_trial`` looks a trial up by number.
Knows nothing about how the trials were produced. Never trains.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from naslib_mini.history import History
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.summary import summarize
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.types import Trial

__all__ = ["describe_trial", "find_trial", "trial_text"]

def find_trial(history: History, number: int) -> Trial:
    """The trial of ``history`` numbered ``number``; an unknown number names the valid range."""
    for trial in history:
        if trial.number == number:
            return trial
    numbers = [t.number for t in history]
    valid = f"{min(numbers)}..{max(numbers)}" if numbers else "none (the history is empty)"
    raise ValueError(f"no trial number {number!r} in this history; valid choices: {valid}")


def describe_trial(history: History, number: int, space: SearchSpace | None = None,
                   spec: TaskSpec | None = None) -> dict[str, Any]:
    """Everything known about one trial, as plain values.

    Args:
        history: A search's history.
        number: The trial's number.
        space: The space of the architectures (``history.space`` by default).
        spec: If given, the network is built for this task and summarised.

    Returns:
        A dict with ``number``, ``arch`` (string), ``state``, ``score``, ``rank``
        (1 for the best complete trial, ``None`` for a failed one), ``cost``,
        ``budget``, ``error``, ``metrics`` and, with ``spec``, ``summary`` (text).

    Example:
        >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
        >>> h = History(space=None)
        >>> h.append(Trial(0, Candidate("a"), TrialState.COMPLETE, Measurement(0.5, 1.0, {"params": 9.0}), cost=1.0))
        >>> h.append(Trial(1, Candidate("b"), TrialState.COMPLETE, Measurement(0.9, 2.0), cost=2.0))
        >>> d = describe_trial(h, 0)
        >>> d["arch"], d["rank"], d["metrics"]
        ('a', 2, {'params': 9.0})
    """
    space = history.space if space is None else space
    trial = find_trial(history, number)
    rank = None
    if trial.ok:
        rank = 1 + sum(1 for t in history if t.ok and t.score > trial.score)
    described: dict[str, Any] = {
        "number": trial.number,
        "arch": space.to_str(trial.arch) if space is not None else str(trial.arch),
        "state": trial.state.value,
        "score": trial.score,
        "rank": rank,
        "cost": trial.cost,
        "budget": trial.candidate.budget,
        "error": trial.error,
        "metrics": dict(trial.measurement.metrics) if trial.measurement is not None else {},
    }
    if spec is not None:
        if space is None:
            raise ValueError("describe_trial needs the space to build the network; pass space=...")
        described["summary"] = str(summarize(space, trial.arch, spec))
    return described


def _number(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:,.6g}"
    return str(value)


def trial_text(description: Mapping[str, Any]) -> str:
    """``describe_trial``'s dict as aligned text (what the inspector shows).

    Example:
        >>> print(trial_text({"number": 3, "arch": "a", "state": "complete", "score": 0.5, "metrics": {}}))
        trial 3 (complete)
        arch      a
        score     0.5
    """
    lines = [f"trial {description['number']} ({description['state']})"]
    for key in ("arch", "score", "rank", "cost", "budget", "error"):
        if description.get(key) is not None:
            lines.append(f"{key:<9} {_number(description[key])}")
    for key, value in sorted(description.get("metrics", {}).items()):
        lines.append(f"{key:<14} {_number(value)}")
    if description.get("summary"):
        lines += ["", description["summary"]]
    return "\n".join(lines)
