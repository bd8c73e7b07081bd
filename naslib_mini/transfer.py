"""Transfer across datasets: how a ranking of architectures on one dataset carries over to another.

NAS-Bench-201 trained all 15,625 cells on CIFAR-10, CIFAR-100 and ImageNet16-120 (Dong &
Yang, ICLR 2020, whose analysis section correlates the architectures' accuracies across the
three datasets): the rankings agree well over all cells but much less among the best ones, which is
what a search cares about. ``transfer_statistics`` measures that for one source and one
target signal over the same architectures: Kendall's tau over all of them and over the
source's top share (1%), the overlap of the two top-k sets, and where the source's best
architecture lands on the target (its percentile). ``nb201_signal`` reads one dataset's
column of the shipped table, ``transfer_table`` fills every source -> target pair, and
``search_transfer`` asks what a search guided by the source's signal finds on the target's
test accuracy, through the reproduction's protocol (``naslib_mini.reproductions.nb201``,
``search_dataset`` vs ``dataset``), against a search guided by the target's own signal.

Knows nothing about how the values were produced beyond the table's column names; the
rank statistics come from ``naslib_mini.rank_agreement``.

Example:
    >>> s = transfer_statistics([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 10, 9], ks=(1, 2))
    >>> round(s.kendall, 3), s.top_overlap, s.best_percentile
    (0.956, {1: 0.0, 2: 1.0}, 0.8)
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Mapping, Sequence

import numpy as np

from naslib_mini.rank_agreement import agreement, paired_arrays

__all__ = ["SIGNALS", "TransferStatistics", "nb201_signal", "percentile", "search_transfer", "statistics_rows",
           "top_overlap", "transfer_statistics", "transfer_table"]

#: The NAS-Bench-201 signals a transfer statistic can compare: the 200-epoch test accuracy and the
#: validation accuracy after 12 and 200 epochs (``TabularEstimator`` column keys).
SIGNALS = {"test": "test", "valid12": "valid12", "valid200": "valid200"}


def _pair(source: Sequence[float], target: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    return paired_arrays(source, target, ("source", "target"), "transfer statistics")


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest values (ties broken by position, the earlier first)."""
    return np.argsort(-values, kind="stable")[:k]


def top_overlap(source: Sequence[float], target: Sequence[float], k: int) -> float:
    """Share of the source's top ``k`` architectures that are also in the target's top ``k``.

    Example:
        >>> top_overlap([4, 3, 2, 1], [1, 3, 4, 2], 2)
        0.5
    """
    x, y = _pair(source, target)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(x):
        raise ValueError(f"k must be an integer from 1 to {len(x)} (the architectures compared), got {k!r}")
    return len(set(_top(x, k).tolist()) & set(_top(y, k).tolist())) / k


def percentile(value: float, values: Sequence[float]) -> float:
    """Share of ``values`` strictly below ``value``, in [0, 1] (1 - 1/n for the unique best).

    Example:
        >>> percentile(3.0, [1.0, 2.0, 3.0, 4.0])
        0.5
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("percentile needs at least one value to compare with")
    return float(np.mean(values < value))


@dataclass(frozen=True)
class TransferStatistics:
    """How the source's ranking of ``n`` architectures carries over to the target.

    Attributes:
        n: Architectures compared.
        kendall: Kendall's tau-b over all of them.
        spearman: Spearman's rho over all of them.
        top_share: The share of architectures counted as the source's top.
        top_count: How many that is (``ceil(top_share * n)``).
        kendall_top: Kendall's tau-b over the source's top ``top_count`` only.
        top_overlap: ``{k: share of the source's top k in the target's top k}``.
        best_percentile: The target percentile (``percentile``) of the source's best architecture.
        best_index: Position of the source's best architecture.
    """

    n: int
    kendall: float
    spearman: float
    top_share: float
    top_count: int
    kendall_top: float
    top_overlap: dict[int, float] = field(default_factory=dict)
    best_percentile: float = 0.0
    best_index: int = 0

    def to_dict(self) -> dict:
        """The fields as plain JSON-ready values (``top_overlap`` keys as strings)."""
        out = asdict(self)
        out["top_overlap"] = {str(k): v for k, v in self.top_overlap.items()}
        return out


def transfer_statistics(source: Sequence[float], target: Sequence[float], *, top_share: float = 0.01,
                        ks: Sequence[int] = (10, 50, 157)) -> TransferStatistics:
    """Rank agreement of ``source`` and ``target`` over all architectures and over the source's top.

    Args:
        source: One value per architecture on the source dataset, higher is better.
        target: The target's values of the same architectures, in the same order.
        top_share: Share of architectures (by the source) over which ``kendall_top`` is computed;
            at least 3 architectures are used.
        ks: Sizes of the top-k sets compared (each at most ``n``).

    Raises:
        ValueError: Lengths differ, fewer than 3 architectures, a value is not finite,
            ``top_share`` is outside (0, 1] or a ``k`` is out of range.
    """
    x, y = _pair(source, target)
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share must lie in (0, 1], got {top_share!r}")
    whole = agreement(x, y, resamples=0)
    count = max(3, math.ceil(top_share * len(x)))
    top = _top(x, count)
    best = int(top[0])
    return TransferStatistics(n=len(x), kendall=whole.kendall, spearman=whole.spearman, top_share=top_share,
                              top_count=count, kendall_top=agreement(x[top], y[top], resamples=0).kendall,
                              top_overlap={int(k): top_overlap(x, y, k) for k in ks},
                              best_percentile=percentile(y[best], y), best_index=best)


def nb201_signal(dataset: str, signal: str = "test", data_dir: str | None = None) -> np.ndarray:
    """One column of the shipped NAS-Bench-201 table as fractions, ordered by architecture code.

    Args:
        dataset: ``"cifar10"``, ``"cifar100"`` or ``"imagenet16-120"``.
        signal: A key of ``SIGNALS``: ``"test"`` (200 epochs), ``"valid12"`` or ``"valid200"``.
        data_dir: The benchmark data directory (the packaged copy by default).

    Raises:
        ConfigurationError: Unknown dataset (from the tabular estimator); ValueError: unknown signal.

    Example:
        >>> values = nb201_signal("cifar10")
        >>> len(values), round(float(values.max()), 4)
        (15625, 0.9437)
    """
    if signal not in SIGNALS:
        raise ValueError(f"unknown NAS-Bench-201 signal {signal!r}; valid choices: {', '.join(SIGNALS)}")
    from naslib_mini.estimators.tabular import TabularEstimator

    return TabularEstimator(dataset, data_dir=data_dir).columns()[SIGNALS[signal]].copy()


def transfer_table(datasets: Sequence[str] = ("cifar10", "cifar100", "imagenet16-120"), *,
                   source_signal: str = "test", target_signal: str = "test", top_share: float = 0.01,
                   ks: Sequence[int] = (10, 50, 157), data_dir: str | None = None
                   ) -> dict[tuple[str, str], TransferStatistics]:
    """``transfer_statistics`` for every ordered pair of ``datasets`` of the NAS-Bench-201 table.

    A dataset is paired with itself only when the two signals differ (``valid12`` against
    ``test`` of the same dataset: the noise a transfer is measured against).

    Example:
        >>> table = transfer_table(("cifar10", "cifar100"))
        >>> sorted(table), round(table["cifar10", "cifar100"].kendall, 2)
        ([('cifar10', 'cifar100'), ('cifar100', 'cifar10')], 0.88)
    """
    source = {name: nb201_signal(name, source_signal, data_dir) for name in datasets}
    target = {name: nb201_signal(name, target_signal, data_dir) for name in datasets}
    return {(a, b): transfer_statistics(source[a], target[b], top_share=top_share, ks=ks)
            for a in datasets for b in datasets if a != b or source_signal != target_signal}


def search_transfer(source: str, target: str, strategy: str = "rea", runs: int = 100, seed: int = 0,
                    data_dir: str | None = None) -> dict[str, float]:
    """What a search guided by ``source``'s signal finds on ``target``'s 200-epoch test accuracy.

    Each run is the reproduction's protocol (``Protocol(dataset=target, search_dataset=source)``:
    12-epoch validation accuracy of the source, 12,000 simulated seconds) with the seeds of
    ``strategy_seeds``; the found cell's target test accuracy and its percentile among all cells
    on the target are averaged over ``runs``.

    Returns:
        ``mean``, ``std`` (``ddof=0``) of the target test accuracy (a fraction), ``percentile_mean``
        and ``percentile_min`` of the found cells on the target, ``queries_mean`` (architectures
        queried within the budget: the source's cheaper or dearer training decides how many), ``runs``.

    Example:
        >>> r = search_transfer("cifar10", "cifar100", strategy="rs", runs=2)
        >>> sorted(r), r["runs"], 0 <= r["mean"] <= 1
        (['mean', 'percentile_mean', 'percentile_min', 'queries_mean', 'runs', 'std'], 2, True)
    """
    from naslib_mini.reproductions.nb201 import Protocol, search_once, strategy_seeds

    if not (isinstance(runs, int) and runs >= 1):
        raise ValueError(f"runs must be an integer >= 1, got {runs!r}")
    protocol = Protocol(dataset=target, search_dataset=source)
    truth = nb201_signal(target, "test", data_dir)
    found, queries = [], []
    for run_seed in strategy_seeds(strategy, runs, seed):
        history = search_once(strategy, run_seed, protocol, data_dir)
        best = history.best(max_cost=protocol.cost_budget)
        if best is None:
            raise RuntimeError(f"strategy {strategy!r} found no architecture within {protocol.cost_budget} s")
        found.append(truth[best.arch.code])
        queries.append(len(history.within(protocol.cost_budget)))
    found = np.asarray(found)
    ranks = [percentile(value, truth) for value in found]
    return {"mean": float(found.mean()), "std": float(found.std()), "percentile_mean": float(np.mean(ranks)),
            "percentile_min": float(np.min(ranks)), "queries_mean": float(np.mean(queries)), "runs": runs}


def statistics_rows(table: Mapping[tuple[str, str], TransferStatistics]) -> list[dict]:
    """The table as JSON-ready rows ``{"source", "target", **statistics}``."""
    return [{"source": a, "target": b, **stats.to_dict()} for (a, b), stats in table.items()]
