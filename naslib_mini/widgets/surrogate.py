"""Widget: step through a model-based search and see what its surrogate believed at each step.

A thin view: a slider over the iterations of a finished search, showing
``naslib_mini.strategies.surrogate_snapshot.surrogate_snapshot`` as
``naslib_mini.viz.surrogate.plot_snapshot`` and ``snapshot_text``. Never trains.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

from naslib_mini.history import History
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies.surrogate_snapshot import snapshot_text, surrogate_snapshot
from naslib_mini.viz.surrogate import plot_snapshot
from naslib_mini.widgets.display import pre

__all__ = ["SurrogateExplorer", "surrogate_explorer"]

class SurrogateExplorer:
    """A slider over the iterations of a search, showing ``plot_snapshot`` and ``snapshot_text``.

    Attributes:
        slider: The iteration (results the surrogate has seen).
        output: Output widget holding the plot.
        text: HTML widget holding ``snapshot_text``.
        snapshot: The current ``surrogate_snapshot``.
        widget: The container to display.
    """

    def __init__(self, space: SearchSpace, history: History, reference: Sequence[Hashable],
                 truth: Callable[[Hashable], float], iteration: int | None = None, **options: Any) -> None:
        import ipywidgets as w

        last = len(history.completed()) - 1
        if last < 1:
            raise ValueError(f"the search needs at least 2 complete trials to explore, has {last + 1}")
        self.space, self.history, self.reference, self.truth, self.options = space, history, reference, truth, options
        self.slider = w.IntSlider(value=min(last, iteration or last), min=1, max=last, description="iteration",
                                  continuous_update=False)
        self.output = w.Output()
        self.text = w.HTML()
        self.widget = w.VBox([self.slider, self.output, self.text])
        self.slider.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Refit at the slider's iteration and redraw."""
        import matplotlib.pyplot as plt

        self.snapshot = surrogate_snapshot(self.space, self.history, self.slider.value, self.reference,
                                           self.truth, **self.options)
        self.output.outputs = ()  # clear without printing terminal codes outside a kernel
        with self.output:
            fig, ax = plt.subplots(figsize=(5.5, 4.5))
            plot_snapshot(self.snapshot, ax=ax)
            plt.show()
        plt.close("all")
        self.text.value = pre(snapshot_text(self.snapshot))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def surrogate_explorer(space: SearchSpace, history: History, reference: Sequence[Hashable],
                       truth: Callable[[Hashable], float], iteration: int | None = None,
                       **options: Any) -> SurrogateExplorer:
    """A widget: slide over a search's iterations and see the surrogate's predictions and the next pick.

    Args:
        space: The space of the search.
        history: A finished search (at least two complete trials).
        reference: Architectures with known true scores to predict.
        truth: ``arch -> float``, the true score (a table look-up).
        iteration: The iteration shown first (the last by default).
        **options: ``encoding``, ``surrogate``, ``acquisition``, ``kappa``, ``targets`` of ``surrogate_snapshot``.

    Example:
        >>> import naslib_mini as nm
        >>> space, table = nm.SPACES.create("nb201"), nm.ESTIMATORS.create("nb201")
        >>> history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table, nm.Budget(trials=8))
        >>> explorer = surrogate_explorer(space, history, [space.sample(nm.default_rng(1)) for _ in range(20)],
        ...                               lambda a: table.estimate(a).score, iteration=3)
        >>> explorer.slider.value = 5
        >>> explorer.snapshot["iteration"], explorer.slider.max
        (5, 7)
    """
    return SurrogateExplorer(space, history, reference, truth, iteration, **options)
