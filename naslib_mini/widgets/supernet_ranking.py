"""Widget: pick a supernet and an architecture, and see its shared-weight score beside its stand-alone accuracy.

A thin view over per-architecture scores of supernets (``benchmarks/supernet_ranking.py``'s
``estimates``, or scores measured in a notebook with the ``supernet`` estimator) and the
ground truth of the same architectures: a dropdown of the supernet and a slider over the
architectures ordered by stand-alone accuracy (1 = the best). It draws every
architecture's score against its truth with the chosen one circled, and the chosen cell
(``viz.plot_cell``), and prints ``ranking_text``. Never trains or scores anything.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from scipy import stats

from naslib_mini.rank_agreement import agreement
from naslib_mini.widgets.display import png, pre

__all__ = ["RankingExplorer", "ranking_explorer", "ranking_text"]


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Rank of each value, 1 for the highest (ties share the best rank)."""
    return stats.rankdata(-np.asarray(values, dtype=float), method="min").astype(int)


def ranking_text(archs: Sequence[str], truth: Sequence[float], scores: Sequence[float], index: int,
                 label: str = "supernet") -> str:
    """What the explorer says about architecture ``index``: its truth and score, each with its rank.

    Example:
        >>> print(ranking_text(["a", "b", "c"], [0.9, 0.8, 0.7], [0.1, 0.3, 0.2], 0, "toy"))
        a
        stand-alone test accuracy 0.9000: rank 1 of 3
        toy score 0.1000: rank 3 of 3 (rank moved by 2)
        toy over all 3 architectures: Kendall tau -0.333
    """
    if not len(archs) == len(truth) == len(scores):
        raise ValueError(f"archs, truth and scores must have one entry per architecture, got lengths "
                         f"{len(archs)}, {len(truth)}, {len(scores)}")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(archs):
        raise ValueError(f"index must be an integer from 0 to {len(archs) - 1}, got {index!r}")
    true_rank, score_rank = _ranks(truth)[index], _ranks(scores)[index]
    tau = agreement(scores, truth, resamples=0).kendall
    n = len(archs)
    return "\n".join([str(archs[index]),
                      f"stand-alone test accuracy {truth[index]:.4f}: rank {true_rank} of {n}",
                      f"{label} score {scores[index]:.4f}: rank {score_rank} of {n} "
                      f"(rank moved by {abs(int(score_rank) - int(true_rank))})",
                      f"{label} over all {n} architectures: Kendall tau {tau:.3f}"])


class RankingExplorer:
    """A supernet dropdown and an architecture slider (ordered by stand-alone accuracy) over recorded scores.

    Attributes:
        supernet, rank: The controls (``rank`` 1 is the best architecture by stand-alone accuracy).
        plot: Image widget holding the scatter and the cell (PNG).
        text: HTML widget holding ``ranking_text``.
        widget: The container to display.
    """

    def __init__(self, space, archs: Sequence[str], truth: Sequence[float], scores: Mapping[str, Sequence[float]],
                 supernet: str | None = None, rank: int = 1) -> None:
        import ipywidgets as w

        if not scores:
            raise ValueError("give the scores of at least one supernet: {'SPOS, 100 epochs': [...], ...}")
        for label, values in scores.items():
            if len(values) != len(archs) or len(truth) != len(archs):
                raise ValueError(f"scores {label!r}, archs and truth must have one entry per architecture, got "
                                 f"{len(values)}, {len(archs)}, {len(truth)}")
        first = supernet if supernet is not None else next(iter(scores))
        if first not in scores:
            raise ValueError(f"unknown supernet {first!r}; valid choices: {', '.join(scores)}")
        self.space, self.archs = space, list(archs)
        self.truth, self.scores = np.asarray(truth, dtype=float), {k: np.asarray(v, float) for k, v in scores.items()}
        self.order = np.argsort(-self.truth, kind="stable")  # slider position -> architecture index
        self.supernet = w.Dropdown(options=list(scores), value=first, description="supernet")
        self.rank = w.IntSlider(value=rank, min=1, max=len(self.archs), description="true rank",
                                continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([w.HBox([self.supernet, self.rank]), self.plot, self.text])
        for control in (self.supernet, self.rank):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    @property
    def index(self) -> int:
        """The chosen architecture's position in ``archs``."""
        return int(self.order[self.rank.value - 1])

    def update(self) -> None:
        """Redraw for the current controls."""
        import matplotlib.pyplot as plt

        from naslib_mini.viz.one_shot import plot_cell

        label, i = self.supernet.value, self.index
        scores = self.scores[label]
        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1.2, 1]})
        left.scatter(scores, self.truth, s=14, alpha=0.6)
        left.plot([scores[i]], [self.truth[i]], "o", ms=14, mfc="none", mec="tab:red", mew=2)
        left.set(xlabel=f"{label}: shared-weight validation accuracy", ylabel="stand-alone test accuracy",
                 ylim=(max(0.0, np.percentile(self.truth, 5) - 0.02), self.truth.max() + 0.005))
        plot_cell(self.space.from_str(self.archs[i]), ax=right, title=f"true rank {self.rank.value}")
        figure.tight_layout()
        self.plot.value = png(figure)
        self.text.value = pre(ranking_text(self.archs, self.truth, scores, i, label))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def ranking_explorer(space, archs: Sequence[str], truth: Sequence[float], scores: Mapping[str, Sequence[float]],
                     supernet: str | None = None, rank: int = 1) -> RankingExplorer:
    """A widget: pick a supernet and an architecture; see its shared-weight score against its stand-alone accuracy.

    Args:
        space: The space of the architectures (``from_str`` reads them; the cell is drawn).
        archs: The architectures as strings.
        truth: Their stand-alone test accuracies.
        scores: Per supernet (by name), the shared-weight score of each architecture.
        supernet: The supernet shown first.
        rank: The architecture shown first, by stand-alone rank (1 = the best).

    Raises:
        ValueError: No scores, lengths that differ, an unknown ``supernet`` or a ``rank`` outside 1..len(archs).
    """
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= len(archs):
        raise ValueError(f"rank must be an integer from 1 to {len(archs)}, got {rank!r}")
    return RankingExplorer(space, archs, truth, scores, supernet=supernet, rank=rank)
