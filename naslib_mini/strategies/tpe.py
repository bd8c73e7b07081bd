"""A TPE-style density model over categorical decisions (Bergstra et al. 2011; Falkner et al. 2018).

The Tree-structured Parzen Estimator splits observations into the best fraction
("good") and the rest ("bad"), fits a density to each, ``l(x)`` and ``g(x)``,
and proposes the ``x`` that maximises ``l(x) / g(x)`` among samples drawn from a
widened ``l``. BOHB (Falkner et al. 2018, Algorithm 2) uses exactly this with
product kernels; for categorical decisions the kernel is Aitchison & Aitken's
(1976): probability ``1 - lam`` to stay on the observed choice and ``lam / (c-1)``
for each of the other ``c - 1`` choices.

Bandwidth: ``lam = (c - 1) / (n + c)`` for ``n`` observations, which makes the
kernel density equal to the add-one (Laplace) smoothed frequency estimate that
TPE uses for categorical parameters, clipped below at ``min_bandwidth`` (BOHB's
0.3) and above at ``(c - 1) / c`` (the uniform distribution). Sampling widens
every bandwidth by ``bandwidth_factor`` (BOHB's ``b_w`` = 3), again capped at
uniform.

Works on integer decision vectors only; knows nothing about spaces, budgets or
strategies (``naslib_mini.strategies.bohb`` joins them).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from naslib_mini.strategies.base import require_number

__all__ = ["CategoricalKDE", "TPEModel", "observations"]


def observations(x, y, decisions: int) -> tuple[np.ndarray, np.ndarray]:
    """Decision vectors ``x`` as an integer ``(n, decisions)`` array and their scores ``y`` as floats.

    Example:
        >>> observations([[0, 1], [2, 0]], [0.5, 1], 2)[1].tolist()
        [0.5, 1.0]
    """
    x = np.asarray(x, dtype=int).reshape(-1, decisions)
    y = np.asarray(y, dtype=float)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)} values")
    return x, y


class CategoricalKDE:
    """A product of Aitchison-Aitken kernels centred on observed decision vectors.

    Args:
        data: Integer array ``(n, d)`` of observed choices.
        sizes: Number of choices of each of the ``d`` decisions.
        bandwidths: One bandwidth per decision, each in ``[0, (c-1)/c]``.

    Example:
        >>> kde = CategoricalKDE(np.array([[0, 1]]), sizes=(2, 3), bandwidths=np.array([0.5, 0.0]))
        >>> kde.pdf(np.array([[0, 1], [1, 1], [0, 2]])).round(3).tolist()
        [0.5, 0.5, 0.0]
    """

    def __init__(self, data: np.ndarray, sizes: Sequence[int], bandwidths: np.ndarray) -> None:
        self.data = np.asarray(data, dtype=int)
        self.sizes = np.asarray(sizes, dtype=int)
        self.bandwidths = np.asarray(bandwidths, dtype=float)
        if self.data.ndim != 2 or self.data.shape[1] != len(self.sizes) or len(self.data) == 0:
            raise ValueError(f"data must be a non-empty (n, {len(self.sizes)}) array, got shape {self.data.shape}")
        self._upper = (self.sizes - 1) / self.sizes
        if self.bandwidths.shape != self._upper.shape:
            raise ValueError(f"need one bandwidth per decision ({len(self.sizes)}), got {self.bandwidths.tolist()}")
        if self.bandwidths.min() < 0 or (self.bandwidths - self._upper).max() > 1e-12:
            raise ValueError(f"bandwidths must lie in [0, (c-1)/c] = {self._upper.tolist()}, "
                             f"got {self.bandwidths.tolist()}")
        # Kernel value for a matching and for a different choice, per decision.
        self._same = 1.0 - self.bandwidths
        self._other = self.bandwidths / np.maximum(self.sizes - 1, 1)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """Density of each row of ``x`` (shape ``(m, d)``): the mean kernel product over the data."""
        x = np.asarray(x, dtype=int).reshape(-1, len(self.sizes))
        match = x[:, None, :] == self.data[None, :, :]  # (m, n, d)
        return np.where(match, self._same, self._other).prod(axis=2).mean(axis=1)

    def sample(self, rng: np.random.Generator, count: int, bandwidth_factor: float = 1.0) -> np.ndarray:
        """``count`` draws from the density with every bandwidth multiplied by ``bandwidth_factor``."""
        bandwidths = np.minimum(self.bandwidths * bandwidth_factor, self._upper)
        centres = self.data[rng.integers(len(self.data), size=count)]
        move = rng.random(centres.shape) < bandwidths
        # A move goes to one of the other c - 1 choices, uniformly (c = 1 leaves nowhere to go).
        offsets = 1 + (rng.random(centres.shape) * (self.sizes - 1)).astype(int)
        return np.where(move, (centres + offsets) % self.sizes, centres)


class TPEModel:
    """Good/bad kernel densities over decision vectors and the ``l/g`` proposal rule.

    Args:
        sizes: Number of choices of each decision.
        top_fraction: Fraction of observations in the "good" set (BOHB's ``q`` = 0.15).
        min_points: ``N_min``, the smallest good/bad set (``d + 1`` by default); a
            model needs ``N_min + 2`` observations (BOHB, Algorithm 2).
        num_samples: Samples drawn from the widened good density per proposal.
        bandwidth_factor: ``b_w``, the widening of the sampling density.
        min_bandwidth: Lower clip of every bandwidth (keeps exploring).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.integers(3, size=(40, 2)); y = -(x[:, 0] - 2.0) ** 2 - x[:, 1]
        >>> model = TPEModel((3, 3), num_samples=64).fit(x, y)
        >>> model.propose(rng)
        (2, 0)
    """

    def __init__(self, sizes: Sequence[int], top_fraction: float = 0.15, min_points: int | None = None,
                 num_samples: int = 64, bandwidth_factor: float = 3.0, min_bandwidth: float = 0.3) -> None:
        self.sizes = tuple(int(s) for s in sizes)
        if not 0 < require_number("top_fraction", top_fraction) < 1:
            raise ValueError(f"top_fraction must be in (0, 1), got {top_fraction!r}")
        if isinstance(num_samples, bool) or not (isinstance(num_samples, int) and num_samples >= 1):
            raise ValueError(f"num_samples must be an integer >= 1, got {num_samples!r}")
        if not require_number("bandwidth_factor", bandwidth_factor) > 0:
            raise ValueError(f"bandwidth_factor must be > 0, got {bandwidth_factor!r}")
        if not 0 <= require_number("min_bandwidth", min_bandwidth) < 1:
            raise ValueError(f"min_bandwidth must be in [0, 1), got {min_bandwidth!r}")
        self.top_fraction, self.num_samples = top_fraction, num_samples
        self.min_points = len(self.sizes) + 1 if min_points is None else int(min_points)
        if self.min_points < 1:
            raise ValueError(f"min_points must be >= 1, got {min_points!r}")
        self.bandwidth_factor, self.min_bandwidth = bandwidth_factor, min_bandwidth
        self.good_: CategoricalKDE | None = None
        self.bad_: CategoricalKDE | None = None

    @property
    def required(self) -> int:
        """Observations needed before ``fit`` builds a model."""
        return self.min_points + 2

    def _kde(self, data: np.ndarray) -> CategoricalKDE:
        sizes = np.asarray(self.sizes)
        bandwidths = np.clip((sizes - 1) / (len(data) + sizes), self.min_bandwidth, (sizes - 1) / sizes)
        return CategoricalKDE(data, sizes, bandwidths)

    def fit(self, x: np.ndarray, y: np.ndarray) -> "TPEModel":
        """Fit ``l`` to the best and ``g`` to the worst observations (higher ``y`` is better).

        With fewer than ``required`` observations the model stays unfitted
        (``fitted`` is False) and ``propose`` returns ``None``.
        """
        x, y = observations(x, y, len(self.sizes))
        if len(x) < self.required:
            self.good_ = self.bad_ = None
            return self
        order = np.argsort(-y, kind="stable")
        n_good = max(self.min_points, int(self.top_fraction * len(x)))
        n_bad = max(self.min_points, len(x) - n_good)
        self.good_ = self._kde(x[order[:n_good]])
        self.bad_ = self._kde(x[order[len(x) - n_bad:]])
        return self

    @property
    def fitted(self) -> bool:
        return self.good_ is not None

    def propose(self, rng: np.random.Generator) -> tuple[int, ...] | None:
        """The sample from the widened good density with the largest ``l(x) / g(x)``."""
        if self.good_ is None or self.bad_ is None:
            return None
        samples = self.good_.sample(rng, self.num_samples, self.bandwidth_factor)
        ratio = np.log(np.maximum(self.good_.pdf(samples), 1e-32)) - np.log(np.maximum(self.bad_.pdf(samples), 1e-32))
        return tuple(int(v) for v in samples[int(np.argmax(ratio))])
