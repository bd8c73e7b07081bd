"""Widget: walk along a search's Pareto front and see each network, its measurements and its drawing.

A thin view over ``History.front`` (which trials are non-dominated), ``viz.plot_front``
(the trials in two objectives, dominated ones grey, the chosen one starred), a drawing
of the chosen architecture (``viz.plot_cell`` for a NAS-Bench-201 cell, ``viz.plot_chain``
for a chain) and ``trial_report`` (its measurements, and the network's summary given a
task). Click a point of the front to see its network: the front is a matplotlib figure
whose front points fire pick events (``on_pick``), which is interactive wherever the
figure's canvas is a widget, i.e. under ipympl (``%matplotlib widget``). A static
figure cannot be clicked, so a dropdown lists the front's networks along the first
objective and a slider steps through them, in every backend. Never trains or measures
anything.
"""
from __future__ import annotations

from typing import Any, Hashable, Mapping, Sequence

import numpy as np

from naslib_mini.history import History
from naslib_mini.objectives import Objective, parse_objectives
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.trial_report import describe_trial, trial_text
from naslib_mini.types import Trial
from naslib_mini.widgets.display import png, pre

__all__ = ["ParetoExplorer", "front_along", "pareto_explorer"]


def front_along(history: History, objectives: Sequence[Objective | str]) -> list[Trial]:
    """The non-dominated trials of ``history``, ordered along the first objective (best first).

    Example:
        >>> from naslib_mini.types import Candidate, Measurement, TrialState
        >>> h = History(space=None)
        >>> for i, (acc, params) in enumerate([(0.9, 300), (0.8, 100), (0.7, 200)]):
        ...     m = Measurement(acc, 1.0, {"val_accuracy": acc, "params": params})
        ...     h.append(Trial(i, Candidate(f"a{i}"), TrialState.COMPLETE, m, cost=1.0))
        >>> [t.arch for t in front_along(h, ["params", "val_accuracy"])]
        ['a1', 'a0']
    """
    objectives = parse_objectives(objectives)
    front = history.front(objectives)
    return sorted(front, key=lambda t: (objectives[0].minimised(objectives[0].value(t)), t.number))


def _label(trial: Trial, objectives: Sequence[Objective]) -> str:
    values = ", ".join(f"{o.name} {o.value(trial):,.4g}" for o in objectives)
    return f"trial {trial.number}: {values}"


def draw_arch(arch: Hashable, ax) -> bool:
    """Draw ``arch`` on ``ax`` if it is a cell or a chain; whether anything was drawn."""
    from naslib_mini.spaces.chain import ChainArch
    from naslib_mini.spaces.nb201_cell import NB201Arch
    from naslib_mini.viz.chain import plot_chain
    from naslib_mini.viz.one_shot import plot_cell

    if isinstance(arch, NB201Arch):
        plot_cell(arch, ax=ax)
    elif isinstance(arch, ChainArch):
        plot_chain(arch, ax=ax)
    else:
        ax.axis("off")
        return False
    return True


class ParetoExplorer:
    """The widget ``pareto_explorer`` returns; ``select(i)`` shows the front's ``i``-th network."""

    def __init__(self, history: History, objectives: Sequence[Objective | str], space: SearchSpace | None,
                 spec: TaskSpec | None, true_front: np.ndarray | None, marks: Mapping[str, tuple[float, float]],
                 log_x: bool) -> None:
        import ipywidgets as w

        self.history, self.objectives = history, parse_objectives(objectives)
        if len(self.objectives) != 2:
            raise ValueError(f"the explorer draws two objectives, got {[o.name for o in self.objectives]}")
        self.front = front_along(history, self.objectives)
        if not self.front:
            raise ValueError("the history has no complete trial with these objectives: no front to explore")
        self.space, self.spec, self.true_front, self.marks, self.log_x = space, spec, true_front, dict(marks), log_x
        options = [(_label(t, self.objectives), i) for i, t in enumerate(self.front)]
        self.choice = w.Dropdown(options=options, value=0, description="network", layout=w.Layout(width="520px"))
        self.step = w.IntSlider(value=0, min=0, max=len(self.front) - 1, description="along front")
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.figure, self._pickable, self.index = None, None, 0
        figure = self.pick_figure()
        # A canvas that is a widget (ipympl) is shown live and takes clicks; otherwise the front is a PNG.
        self.clickable = isinstance(figure.canvas, w.DOMWidget)
        if not self.clickable:
            import matplotlib.pyplot as plt

            plt.close(figure)
        self.widget = w.VBox([w.HBox([self.choice, self.step])]
                             + ([figure.canvas] if self.clickable else []) + [self.plot, self.text])
        self.choice.observe(lambda change: self._show(change["new"]), names="value")
        self.step.observe(lambda change: setattr(self.choice, "value", change["new"]), names="value")
        self._show(0)

    def describe(self, index: int) -> str:
        """What the text panel says about the front's ``index``-th network."""
        trial = self.front[index]
        return trial_text(describe_trial(self.history, trial.number, self.space, self.spec))

    def select(self, index: int) -> None:
        """Show the front's ``index``-th network (0: the best in the first objective)."""
        if not (isinstance(index, (int, np.integer)) and 0 <= index < len(self.front)):
            raise ValueError(f"index must be in 0..{len(self.front) - 1}, got {index!r}")
        if self.choice.value == index:
            self._show(int(index))
        else:
            self.choice.value = int(index)  # its observer shows it

    def pick_figure(self):
        """The front as a figure whose front points select their network when clicked.

        Made through pyplot, so under ipympl its canvas is a widget that passes clicks on; in
        any backend a pick event on a front point calls ``on_pick``.
        """
        import matplotlib.pyplot as plt

        with plt.ioff():
            self.figure, ax = plt.subplots(figsize=(7, 4))
        self._pickable = self._draw_front(ax, self.index)
        self.figure.canvas.mpl_connect("pick_event", self.on_pick)
        return self.figure

    def on_pick(self, event) -> None:
        """A matplotlib pick event: a click on a front point shows that network (the first, if several)."""
        if event.artist is self._pickable and len(event.ind):
            self.select(int(event.ind[0]))

    def _draw_front(self, ax, index: int):
        from naslib_mini.viz.pareto import plot_front

        trial = self.front[index]
        chosen = {f"trial {trial.number}": tuple(o.value(trial) for o in self.objectives)}
        plot_front(self.history, self.objectives, ax=ax, true_front=self.true_front,
                   marks={**self.marks, **chosen}, log_x=self.log_x)
        x, y = ([o.value(t) for t in self.front] for o in self.objectives)
        # invisible markers over the front points: what a click picks
        points = ax.scatter(x, y, s=150, facecolors="none", edgecolors="none", picker=True, zorder=5)
        if ax.figure is self.figure:
            ax.set_title("click a point of the front", fontsize=9)
        return points

    def _show(self, index: int) -> None:
        import matplotlib.pyplot as plt

        trial = self.front[index]
        self.index = index
        self.step.value = index
        if getattr(self, "clickable", False):
            ax = self.figure.axes[0]
            ax.clear()
            self._pickable = self._draw_front(ax, index)
            self.figure.canvas.draw_idle()
            figure, right = plt.subplots(figsize=(6, 4))
        else:
            figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [1.2, 1]})
            self._draw_front(left, index)
        if not draw_arch(trial.arch, right):
            right.text(0.5, 0.5, str(trial.arch), ha="center", va="center", wrap=True)
        self.plot.value = png(figure, bbox_inches="tight")
        self.text.value = pre(self.describe(index))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def pareto_explorer(history: History, objectives: Sequence[Objective | str], *, space: SearchSpace | None = None,
                    spec: TaskSpec | None = None, true_front: np.ndarray | None = None,
                    marks: Mapping[str, tuple[float, float]] | None = None, log_x: bool = False) -> ParetoExplorer:
    """A widget: step along the Pareto front of a search, see each network drawn and measured.

    Args:
        history: A finished search whose measurements carry both objectives.
        objectives: Two objectives or metric names, x first (e.g. ``["flops", "val_accuracy"]``).
        space: The architectures' space (``history.space`` by default), for their names.
        spec: If given, the chosen network is built for this task and summarised (never trained).
        true_front: Optional (n, 2) raw values of a reference front, drawn dashed.
        marks: Optional labelled points, e.g. a hand-designed baseline.
        log_x: A logarithmic x axis.

    Raises:
        ValueError: Not two objectives, or no trial carries them.
    """
    return ParetoExplorer(history, objectives, space if space is not None else history.space, spec, true_front,
                          marks or {}, log_x)
