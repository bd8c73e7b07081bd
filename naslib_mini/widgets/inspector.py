"""Widget: inspect any trial of a finished search (architecture, metrics, rank, network).

A thin ipywidgets shell around plain, unit-tested functions (``describe_trial``,
``trial_text``). Knows nothing about how the trials were produced.
"""
from __future__ import annotations

import html
import math
from typing import Any, Mapping

from naslib_mini.history import History
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.summary import summarize
from naslib_mini.tasks.base import TaskSpec

__all__ = ["TrialInspector", "describe_trial", "trial_inspector", "trial_text"]


def _pre(text: str) -> str:
    return f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"


def _trial(history: History, number: int):
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
    trial = _trial(history, number)
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


class TrialInspector:
    """A dropdown of trials and the description of the selected one.

    Attributes:
        selector: Dropdown whose options are ``(label, trial number)`` pairs.
        output: HTML widget holding ``trial_text`` of the selection.
        widget: The container to display.
    """

    def __init__(self, history: History, space: SearchSpace | None = None, spec: TaskSpec | None = None,
                 number: int | None = None) -> None:
        import ipywidgets as w

        if len(history) == 0:
            raise ValueError("the history has no trials to inspect")
        self.history, self.space, self.spec = history, history.space if space is None else space, spec
        options = []
        for trial in history:
            score = f"{trial.score:.4f}" if trial.ok else "failed"
            options.append((f"#{trial.number}  {score}", trial.number))
        best = history.best()
        if number is None:
            number = best.number if best is not None else history.trials[0].number
        self.selector = w.Dropdown(options=options, value=_trial(history, number).number, description="trial")
        self.output = w.HTML()
        self.widget = w.VBox([self.selector, self.output])
        self.selector.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Show the selected trial."""
        description = describe_trial(self.history, self.selector.value, self.space, self.spec)
        self.output.value = _pre(trial_text(description))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def trial_inspector(history: History, space: SearchSpace | None = None, spec: TaskSpec | None = None,
                    number: int | None = None) -> TrialInspector:
    """A widget to pick any trial of a search and see its architecture, metrics and network.

    Args:
        history: A search's history (at least one trial).
        space: The space of the architectures (``history.space`` by default).
        spec: If given, each trial's network is summarised for this task.
        number: The trial shown first (the best one by default).

    Example:
        >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
        >>> h = History(space=None)
        >>> for i, s in enumerate([0.5, 0.9]):
        ...     h.append(Trial(i, Candidate(f"a{i}"), TrialState.COMPLETE, Measurement(s, 1.0), cost=1.0))
        >>> inspector = trial_inspector(h)
        >>> "a1" in inspector.output.value, inspector.selector.value
        (True, 1)
    """
    return TrialInspector(history, space, spec, number)
