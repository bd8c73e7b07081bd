"""Widget: inspect any trial of a finished search (architecture, metrics, rank, network).

A thin view over ``naslib_mini.trial_report.describe_trial`` and ``trial_text``.
"""
from __future__ import annotations

from typing import Any

from naslib_mini.history import History
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.trial_report import describe_trial, find_trial, trial_text
from naslib_mini.widgets.display import pre

__all__ = ["TrialInspector", "trial_inspector"]

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
        self.selector = w.Dropdown(options=options, value=find_trial(history, number).number, description="trial")
        self.output = w.HTML()
        self.widget = w.VBox([self.selector, self.output])
        self.selector.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Show the selected trial."""
        description = describe_trial(self.history, self.selector.value, self.space, self.spec)
        self.output.value = pre(trial_text(description))

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
