"""How well an estimate ranks architectures: rank correlations and top-k precision against a ground truth.

A NAS estimator is good when it *orders* architectures like their real accuracy does; its
absolute values do not matter. The measures of the zero-cost proxy literature (Abdelfattah et
al., ICLR 2021; White et al., NeurIPS 2021, "How powerful are performance predictors in NAS?"):

- Kendall's tau-b: the share of concordant minus discordant pairs, corrected for ties;
- Spearman's rho: the Pearson correlation of the ranks;
- precision in the top ``q``: of the ``ceil(q n)`` architectures the estimate ranks highest,
  the share that are in the top ``q`` of the ground truth (every architecture tied with the
  ground truth's ``ceil(q n)``-th best counts as top).

``agreement`` returns the three with a percentile bootstrap interval for tau (architectures
resampled with replacement, seeded), so a learner sees how much 100 architectures can tell.
``paired_tau_difference`` compares two estimates of the same architectures: the same
resamples for both, so the interval of the difference is narrower than the two intervals.
Knows nothing about estimators, spaces or training.

Example:
    >>> truth = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    >>> a = agreement([1, 2, 3, 4, 5, 6, 7, 8, 10, 9], truth, resamples=200)
    >>> round(a.kendall, 3), round(a.spearman, 3), a.top_precision
    (0.956, 0.988, 0.0)
    >>> top_precision([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], truth, 0.2)
    1.0
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np
from scipy import stats

__all__ = ["Agreement", "agreement", "paired_arrays", "paired_tau_difference", "top_precision"]


def paired_arrays(first: Sequence[float], second: Sequence[float], names: tuple[str, str] = ("estimates", "truth"),
                  what: str = "rank agreement") -> tuple[np.ndarray, np.ndarray]:
    """Two per-architecture sequences as float arrays, checked: 1-D, same length, at least 3, finite.

    ``names`` and ``what`` word the errors for the caller (``transfer.py`` pairs a source dataset's
    accuracies with a target's).
    """
    x, y = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    a, b = names
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"{a} and {b} must be 1-D of the same length, got shapes {x.shape} and {y.shape}")
    if len(x) < 3:
        raise ValueError(f"{what} needs at least 3 architectures, got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError(f"{a} and {b} must be finite; drop architectures without a result first")
    return x, y


def top_precision(estimates: Sequence[float], truth: Sequence[float], top: float = 0.1) -> float:
    """Share of the estimate's top ``ceil(top * n)`` that lie in the ground truth's top (ties included).

    The estimate's ties are broken by position (the earlier architecture first), so the
    answer is deterministic.
    """
    x, y = paired_arrays(estimates, truth)
    if not 0 < top <= 1:
        raise ValueError(f"top must lie in (0, 1], got {top!r}")
    k = math.ceil(top * len(x))
    picked = np.argsort(-x, kind="stable")[:k]
    threshold = np.sort(y)[::-1][k - 1]
    return float(np.mean(y[picked] >= threshold))


def _tau(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b, 0 where one side is constant (no ranking at all)."""
    value = stats.kendalltau(x, y).statistic
    return 0.0 if math.isnan(value) else float(value)


@dataclass(frozen=True)
class Agreement:
    """How an estimate ranks ``n`` architectures against the ground truth.

    Attributes:
        n: Architectures compared.
        kendall: Kendall's tau-b (0 when the estimate is constant).
        kendall_low: Lower end of the 95% percentile-bootstrap interval of tau.
        kendall_high: Upper end of that interval.
        spearman: Spearman's rho (0 when the estimate is constant).
        top_precision: Precision in the top ``top`` (see ``top_precision``).
        top: The top share used.
    """

    n: int
    kendall: float
    kendall_low: float
    kendall_high: float
    spearman: float
    top_precision: float
    top: float

    def to_dict(self) -> dict[str, float]:
        """The fields as a plain dict (for JSON)."""
        return asdict(self)


def agreement(estimates: Sequence[float], truth: Sequence[float], *, top: float = 0.1,
              resamples: int = 1000, seed: int = 0) -> Agreement:
    """Kendall's tau (with a bootstrap interval), Spearman's rho and top precision of ``estimates``.

    Args:
        estimates: One score per architecture, higher meaning better.
        truth: The ground truth of the same architectures, in the same order.
        top: Share of architectures that counts as the top.
        resamples: Bootstrap resamples of the architectures for tau's interval (0: none;
            the interval is then tau itself).
        seed: Seed of the resampling.

    Raises:
        ValueError: Lengths differ, fewer than 3 architectures, a value is not finite, or
            ``top`` is outside (0, 1].
    """
    x, y = paired_arrays(estimates, truth)
    if not (isinstance(resamples, int) and resamples >= 0):
        raise ValueError(f"resamples must be a non-negative integer, got {resamples!r}")
    tau = _tau(x, y)
    rho = stats.spearmanr(x, y).statistic
    low = high = tau
    if resamples:
        rng = np.random.default_rng(seed)
        draws = [_tau(x[rows], y[rows]) for rows in rng.integers(0, len(x), size=(resamples, len(x)))]
        low, high = (float(v) for v in np.percentile(draws, [2.5, 97.5]))
    return Agreement(n=len(x), kendall=tau, kendall_low=low, kendall_high=high,
                     spearman=0.0 if math.isnan(rho) else float(rho),
                     top_precision=top_precision(x, y, top), top=top)


def paired_tau_difference(estimates: Sequence[float], baseline: Sequence[float], truth: Sequence[float], *,
                          resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Kendall tau of ``estimates`` minus that of ``baseline`` on the same architectures, with a paired bootstrap.

    Each resample draws the architectures once (with replacement) and computes both taus on
    it, so what the two share (which architectures happen to be drawn) cancels.

    Returns:
        ``difference`` (on all architectures), ``low`` and ``high`` (95% percentile interval of the
        resampled differences) and ``share_above_zero`` (share of resamples where ``estimates``
        ranks better).

    Raises:
        ValueError: Lengths differ, fewer than 3 architectures, a value is not finite, or
            ``resamples`` is not a positive integer.

    Example:
        >>> truth = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        >>> d = paired_tau_difference([1, 2, 3, 4, 5, 6], [2, 1, 3, 4, 6, 5], truth, resamples=100)
        >>> round(d["difference"], 3), d["share_above_zero"] > 0.5
        (0.267, True)
    """
    x, y = paired_arrays(estimates, truth)
    b, _ = paired_arrays(baseline, truth)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise ValueError(f"resamples must be a positive integer, got {resamples!r}")
    rng = np.random.default_rng(seed)
    draws = np.array([_tau(x[rows], y[rows]) - _tau(b[rows], y[rows])
                      for rows in rng.integers(0, len(x), size=(resamples, len(x)))])
    low, high = (float(v) for v in np.percentile(draws, [2.5, 97.5]))
    return {"difference": _tau(x, y) - _tau(b, y), "low": low, "high": high,
            "share_above_zero": float(np.mean(draws > 0))}
