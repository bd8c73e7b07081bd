"""Widget: pick a latency limit and see which Once-for-All sub-network is chosen for it.

A thin view over candidates already scored (each sub-network's predicted accuracy and its
latency from the lookup table, as ``supernet/specialise.py`` computes them): a slider sets the
limit, ``best_under_limit`` chooses, ``pick_text`` says what was chosen, and the figure shows
every candidate in accuracy against latency (the chosen one starred, the limit dotted) beside the
sub-network drawn by ``viz.plot_elastic_arch``. Never trains, scores or times anything.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from naslib_mini.supernet.specialise import best_under_limit
from naslib_mini.widgets.display import png, pre

__all__ = ["LatencyPicker", "latency_picker", "pick_text"]


def pick_text(archs: Sequence[str], latencies: Sequence[float], accuracies: Sequence[float],
              limit_ms: float) -> str:
    """What the picker says for ``limit_ms``: the chosen sub-network, its latency and predicted accuracy.

    Example:
        >>> print(pick_text(["k3e3|k3e3", "k7e6|k7e6"], [0.8, 1.6], [0.81, 0.9], 1.0))
        limit 1.000 ms: k3e3|k3e3
        latency 0.800 ms (table), predicted accuracy 81.0%
        1 of 2 candidates meet the limit
        >>> print(pick_text(["k3e3|k3e3"], [0.8], [0.81], 0.5))
        limit 0.500 ms: no candidate is fast enough (the fastest takes 0.800 ms)
    """
    if not len(archs) == len(latencies) == len(accuracies) or not archs:
        raise ValueError(f"archs, latencies and accuracies must have one entry per candidate (and at least one), "
                         f"got lengths {len(archs)}, {len(latencies)}, {len(accuracies)}")
    i = best_under_limit(latencies, accuracies, limit_ms)
    if i is None:
        return f"limit {limit_ms:.3f} ms: no candidate is fast enough (the fastest takes {min(latencies):.3f} ms)"
    feasible = sum(t <= limit_ms for t in latencies)
    return "\n".join([f"limit {limit_ms:.3f} ms: {archs[i]}",
                      f"latency {latencies[i]:.3f} ms (table), predicted accuracy {100 * accuracies[i]:.1f}%",
                      f"{feasible} of {len(archs)} candidates meet the limit"])


class LatencyPicker:
    """A latency-limit slider over scored candidates of an ``ElasticSpace``.

    Attributes:
        limit: The slider (milliseconds).
        plot: Image widget (PNG) of the candidates and the chosen sub-network.
        text: HTML widget holding ``pick_text``.
        widget: The container to display.
    """

    def __init__(self, space, archs: Sequence[str], latencies: Sequence[float], accuracies: Sequence[float],
                 limit_ms: float | None = None) -> None:
        import ipywidgets as w

        pick_text(archs, latencies, accuracies, 1.0)  # validates the lengths
        self.space, self.archs = space, list(archs)
        self.latencies, self.accuracies = np.asarray(latencies, float), np.asarray(accuracies, float)
        low, high = float(self.latencies.min()), float(self.latencies.max())
        value = float(np.median(self.latencies)) if limit_ms is None else float(limit_ms)
        self.limit = w.FloatSlider(value=value, min=0.9 * low, max=1.05 * high, step=(high - low) / 100 or 0.01,
                                   readout_format=".3f", description="limit (ms)", continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([self.limit, self.plot, self.text])
        self.limit.observe(lambda _change: self.update(), names="value")
        self.update()

    @property
    def index(self) -> int | None:
        """The chosen candidate's position in ``archs`` (``None`` if none meets the limit)."""
        return best_under_limit(self.latencies, self.accuracies, self.limit.value)

    def update(self) -> None:
        """Redraw for the current limit."""
        import matplotlib.pyplot as plt

        from naslib_mini.viz.once_for_all import plot_elastic_arch

        limit, i = self.limit.value, self.index
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1, 1.6]})
        ok = self.latencies <= limit
        left.scatter(self.latencies[~ok], 100 * self.accuracies[~ok], s=12, color="lightgray", label="too slow")
        left.scatter(self.latencies[ok], 100 * self.accuracies[ok], s=12, color="tab:blue", label="meets the limit")
        left.axvline(limit, color="tab:red", linestyle=":")
        if i is not None:
            left.plot(self.latencies[i], 100 * self.accuracies[i], "*", color="tab:red", ms=16, label="chosen")
            plot_elastic_arch(self.space, self.space.from_str(self.archs[i]), ax=right)
        else:
            right.axis("off")
        left.set(xlabel="latency (ms, lookup table)", ylabel="predicted accuracy (%)")
        left.legend(fontsize=8, loc="lower right")
        figure.tight_layout()
        self.plot.value = png(figure)
        self.text.value = pre(pick_text(self.archs, self.latencies, self.accuracies, limit))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def latency_picker(space, archs: Sequence[str], latencies: Sequence[float], accuracies: Sequence[float],
                   limit_ms: float | None = None) -> LatencyPicker:
    """A widget: slide a latency limit, see the most accurate sub-network that meets it.

    Args:
        space: The ``ElasticSpace`` of the candidates (``from_str`` reads them; the chosen one is drawn).
        archs: Candidate sub-networks as strings.
        latencies: Their latencies in milliseconds (the lookup table's).
        accuracies: Their predicted accuracies (fractions).
        limit_ms: The limit shown first (default: the median latency).

    Raises:
        ValueError: Lengths that differ, or no candidates.
    """
    return LatencyPicker(space, archs, latencies, accuracies, limit_ms=limit_ms)
