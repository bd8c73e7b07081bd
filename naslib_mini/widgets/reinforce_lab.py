"""Widget: choose a REINFORCE policy, a learning rate and a number of queries; see the controller learn.

A thin view over ``naslib_mini.reinforce_trace.trace_reinforce`` (on the NAS-Bench-201
table), ``trace_summary`` and ``naslib_mini.viz.reinforce.plot_learning``. It shows a trace
it is given, or runs one when first displayed; every change of a control runs a new one.
"""
from __future__ import annotations

import os
from typing import Any

from naslib_mini.reinforce_trace import POLICIES, ReinforceTrace, trace_reinforce, trace_summary
from naslib_mini.viz.reinforce import plot_learning
from naslib_mini.widgets.display import png, pre

__all__ = ["ReinforceLab", "reinforce_lab"]

class ReinforceLab:
    """Choose a policy, a learning rate and a number of queries; see the controller learn on the table.

    Built by ``reinforce_lab``. It shows ``trace`` if given one; otherwise the first display
    runs ``trace_reinforce`` for the start values, so building the widget is instant.

    Attributes:
        policy: Toggle between ``reinforce`` and ``reinforce-lstm``.
        learning_rate: Log slider of the Adam step size.
        trials: Queries per run.
        summary: HTML widget holding ``trace_summary``.
        plot: Image widget holding ``plot_learning`` (PNG).
        trace: The trace shown (``None`` until the first display or change).
        widget: The container to display.
    """

    def __init__(self, policy: str = "reinforce", learning_rate: float = 0.05, trials: int = 200, runs: int = 3,
                 seed: int = 0, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                 trace: ReinforceTrace | None = None) -> None:
        import ipywidgets as w

        if trace is not None:
            policy, learning_rate, runs = trace.policy, trace.learning_rate, len(trace.histories)
        if policy not in POLICIES:
            raise ValueError(f"unknown REINFORCE policy {policy!r}; valid choices: {', '.join(POLICIES)}")
        self.runs, self.seed, self.dataset, self.data_dir = runs, seed, dataset, data_dir
        self.policy = w.ToggleButtons(options=list(POLICIES), value=policy, description="policy")
        self.learning_rate = w.FloatLogSlider(value=learning_rate, base=10, min=-3, max=0, step=0.25,
                                              description="learning rate", continuous_update=False,
                                              readout_format=".3g")
        self.trials = w.IntSlider(value=trials, min=20, max=500, step=10, description="queries",
                                  continuous_update=False)
        self.summary = w.HTML()
        self.plot = w.Image(format="png")
        self.trace: ReinforceTrace | None = None
        self.widget = w.VBox([w.HBox([self.policy]), w.HBox([self.learning_rate, self.trials]), self.summary,
                              self.plot])
        for control in (self.policy, self.learning_rate, self.trials):
            control.observe(lambda _change: self.update(), names="value")
        if trace is not None:
            self.show(trace)

    def update(self) -> None:
        """Run ``trace_reinforce`` for the current settings and show the trace."""
        self.show(trace_reinforce(self.policy.value, float(self.learning_rate.value), self.runs,
                                  int(self.trials.value), self.seed, dataset=self.dataset, data_dir=self.data_dir))

    def show(self, trace: ReinforceTrace) -> None:
        """Show ``trace``: its summary and its learning curves."""
        import matplotlib.pyplot as plt

        self.trace = trace
        self.summary.value = pre(trace_summary(trace))
        fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
        plot_learning(trace, axes)
        fig.tight_layout()
        self.plot.value = png(fig, dpi=70)

    def _repr_mimebundle_(self, **kwargs: Any):
        if self.trace is None:
            self.update()
        return self.widget._repr_mimebundle_(**kwargs)


def reinforce_lab(policy: str = "reinforce", learning_rate: float = 0.05, trials: int = 200, runs: int = 3,
                  seed: int = 0, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None,
                  trace: ReinforceTrace | None = None) -> ReinforceLab:
    """A widget to run REINFORCE on the NAS-Bench-201 table with a chosen policy and learning rate.

    Each change re-runs ``trace_reinforce`` (well under a second for the categorical
    policy, a few seconds for the LSTM controller). Pass a ``trace`` computed already
    (its policy, learning rate and runs become the start values) to show it at once;
    without one, the first display runs the trace.

    Example:
        >>> lab = reinforce_lab(trials=20, runs=1)
        >>> lab.trace is None  # nothing runs until it is displayed or changed
        True
        >>> lab.learning_rate.value = 0.5
        >>> "learning rate 0.5" in lab.summary.value
        True
    """
    return ReinforceLab(policy, learning_rate, trials, runs, seed, dataset, data_dir, trace)
