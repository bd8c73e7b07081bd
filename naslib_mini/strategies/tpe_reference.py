"""BOHB's density model as the reference implementation (hpbandster) computes it, quirks included.

``naslib_mini.strategies.tpe`` is the model BOHB's paper describes (Falkner et
al. 2018, Algorithm 2), with categorical bandwidths kept where the Aitchison &
Aitken (1976) kernel is a probability distribution. The published NAS-Bench-201
BOHB figures (Dong & Yang 2020) were produced with ``hpbandster`` 0.7, whose
``BOHB`` config generator differs on categorical decisions in four ways, all
reproduced here so that a reproduction can show what the paper ran:

1. Bandwidths come from statsmodels' normal-reference rule on the category
   *codes*, ``1.06 * std * n ** (-1 / (4 + d))`` (``std`` with ``ddof=0``),
   clipped below at ``min_bandwidth`` and not above: on NAS-Bench-201 they are
   about 1.1, beyond the kernel's valid range ``(c - 1) / c``, so the kernel
   gives a *negative* weight ``1 - h`` to the observed choice.
2. The kernel spreads ``h`` over the other *observed* levels of the decision
   (statsmodels counts the distinct values in the data), not over all ``c``;
   a decision with one observed level gives an infinite density elsewhere.
3. Sampling keeps a good point's choice with probability ``1 - h`` and else
   draws uniformly from all ``c`` choices; ``bandwidth_factor`` only widens
   continuous parameters, so it plays no part here.
4. The good set is the best ``max(N_min, 15% of n)`` observations, the bad set
   the rest, and a model exists only when both have more rows than decisions
   (14 observations for NAS-Bench-201's six edges). Among the samples the one
   with the smallest ``max(1e-32, g) / max(l, 1e-32)`` wins; a sample with an
   infinite ratio but finite ``l`` is taken at once.

Knows nothing about spaces, budgets or strategies; works on integer decision
vectors with the same interface as ``TPEModel``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from naslib_mini.strategies.tpe import observations

__all__ = ["ReferenceTPEModel"]


class ReferenceTPEModel:
    """hpbandster's good/bad kernel densities over categorical decision vectors.

    Args:
        sizes: Number of choices of each decision.
        top_fraction: Fraction of observations in the good set (15%).
        min_points: ``N_min`` (number of decisions + 1 by default, hpbandster's minimum).
        num_samples: Samples drawn from the good density per proposal.
        bandwidth_factor: Accepted for interface parity; unused on categorical decisions.
        min_bandwidth: Lower clip of the bandwidths (0.3 in the NAS-Bench-201 script).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.integers(3, size=(40, 2)); y = -(x[:, 0] - 2.0) ** 2 - x[:, 1]
        >>> model = ReferenceTPEModel((3, 3), num_samples=16).fit(x, y)
        >>> model.required, model.fitted, model.good_bandwidths_.round(2).tolist()
        (6, True, [0.37, 0.3])
        >>> len(model.propose(rng))
        2
    """

    def __init__(self, sizes: Sequence[int], top_fraction: float = 0.15, min_points: int | None = None,
                 num_samples: int = 64, bandwidth_factor: float = 3.0, min_bandwidth: float = 0.3) -> None:
        self.sizes = np.asarray([int(s) for s in sizes], dtype=int)
        d = len(self.sizes)
        if not 0 < top_fraction < 1:
            raise ValueError(f"top_fraction must be in (0, 1), got {top_fraction!r}")
        if not (isinstance(num_samples, int) and num_samples >= 1):
            raise ValueError(f"num_samples must be an integer >= 1, got {num_samples!r}")
        if not min_bandwidth >= 0:
            raise ValueError(f"min_bandwidth must be >= 0, got {min_bandwidth!r}")
        self.min_points = d + 1 if min_points is None else int(min_points)
        if self.min_points < d + 1:
            raise ValueError(f"min_points must be at least the number of decisions + 1 = {d + 1}, got {min_points!r}")
        self.top_fraction, self.num_samples = top_fraction, num_samples
        self.bandwidth_factor, self.min_bandwidth = bandwidth_factor, min_bandwidth
        self._required = self.min_points
        while min(self._split(self._required)) <= d:
            self._required += 1
        self.good_: np.ndarray | None = None
        self.bad_: np.ndarray | None = None

    def _split(self, n: int) -> tuple[int, int]:
        percent = round(100 * self.top_fraction)  # hpbandster's integer top_n_percent
        n_good = max(self.min_points, percent * n // 100)
        n_bad = max(self.min_points, (100 - percent) * n // 100)
        return n_good, min(n_bad, max(n - n_good, 0))

    @property
    def required(self) -> int:
        """Observations needed before ``fit`` builds a model (both sets larger than ``d``)."""
        return self._required

    def _bandwidths(self, data: np.ndarray) -> np.ndarray:
        rule = 1.06 * data.std(axis=0) * len(data) ** (-1.0 / (4 + data.shape[1]))
        return np.maximum(rule, self.min_bandwidth)

    def fit(self, x: np.ndarray, y: np.ndarray) -> "ReferenceTPEModel":
        """Fit ``l`` to the best and ``g`` to the other observations (higher ``y`` is better)."""
        x, y = observations(x, y, len(self.sizes))
        if len(x) < self.required:
            self.good_ = self.bad_ = None
            return self
        order = np.argsort(-y, kind="stable")
        n_good, n_bad = self._split(len(x))
        self.good_, self.bad_ = x[order[:n_good]], x[order[n_good:n_good + n_bad]]
        self.good_bandwidths_, self.bad_bandwidths_ = self._bandwidths(self.good_), self._bandwidths(self.bad_)
        return self

    @property
    def fitted(self) -> bool:
        return self.good_ is not None

    @staticmethod
    def pdf(data: np.ndarray, bandwidths: np.ndarray, x: np.ndarray) -> np.ndarray:
        """statsmodels' Aitchison-Aitken product-kernel density of each row of ``x``.

        The weight ``h`` of a mismatch is shared among the levels observed in ``data``.
        """
        levels = (np.sort(data, axis=0)[1:] != np.sort(data, axis=0)[:-1]).sum(axis=0) + 1
        with np.errstate(divide="ignore", invalid="ignore"):
            kernel = np.where(x[:, None, :] == data[None, :, :], 1.0 - bandwidths, bandwidths / (levels - 1))
            return kernel.prod(axis=2).mean(axis=1)

    def propose(self, rng: np.random.Generator) -> tuple[int, ...] | None:
        """The sample with the smallest ``g / l``, as hpbandster's ``get_config`` picks it."""
        if self.good_ is None or self.bad_ is None:
            return None
        count, d = self.num_samples, len(self.sizes)
        centres = self.good_[rng.integers(len(self.good_), size=count)]
        uniform = (rng.random((count, d)) * self.sizes).astype(int)
        samples = np.where(rng.random((count, d)) < 1.0 - self.good_bandwidths_, centres, uniform)
        good = self.pdf(self.good_, self.good_bandwidths_, samples)
        bad = self.pdf(self.bad_, self.bad_bandwidths_, samples)
        best, best_vector = np.inf, None
        for vector, l, g in zip(samples, good.tolist(), bad.tolist()):
            value = max(1e-32, g) / max(l, 1e-32)  # Python's max, NaN handling included
            if not np.isfinite(value):
                if np.isfinite(l):
                    return tuple(int(v) for v in vector)
                continue
            if value < best:
                best, best_vector = value, vector
        return None if best_vector is None else tuple(int(v) for v in best_vector)
