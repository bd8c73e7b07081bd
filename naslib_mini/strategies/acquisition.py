"""Acquisition functions and the acquisition optimiser shared by GP-BO and BANANAS.

An acquisition function turns a surrogate's predictive mean and standard
deviation into "how much would evaluating this help": expected improvement
(Mockus 1978; Jones et al. 1998), the upper confidence bound (Srinivas et al.
2010) and independent Thompson sampling (White et al. 2021, BANANAS, Section 4).
A discrete space has no gradient to climb, so the acquisition is maximised over
a finite pool: mutations of the best architectures found so far plus uniform
random samples, as BANANAS does (White, Neiswanger & Savani 2021, "mutation"
acquisition optimisation), or the whole unseen neighbourhood of the best ones
(a "local" acquisition: White et al. 2021, "Exploring the loss landscape in
NAS"), leaving out everything already proposed.

Knows nothing about which surrogate produced the predictions, or about scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

import numpy as np
from scipy.special import ndtr

from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import require_int

__all__ = ["ACQUISITIONS", "AcquisitionOptimizer", "acquisition_values", "expected_improvement",
           "thompson_sample", "upper_confidence_bound"]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: float, xi: float = 0.0) -> np.ndarray:
    """Expected improvement over ``best`` of a Gaussian prediction (higher is better).

    ``EI = (mean - best - xi) * Phi(z) + std * phi(z)`` with
    ``z = (mean - best - xi) / std``; where ``std`` is 0 it is ``max(mean - best - xi, 0)``.

    Example:
        >>> import numpy as np
        >>> ei = expected_improvement(np.array([0.0, 1.0]), np.array([1.0, 0.0]), best=0.5)
        >>> [round(float(v), 4) for v in ei]
        [0.1978, 0.5]
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    gain = mean - best - xi
    safe = np.where(std > 0, std, 1.0)
    z = gain / safe
    ei = gain * ndtr(z) + safe * _INV_SQRT_2PI * np.exp(-0.5 * z * z)
    return np.where(std > 0, ei, np.maximum(gain, 0.0))


def upper_confidence_bound(mean: np.ndarray, std: np.ndarray, kappa: float = 1.96) -> np.ndarray:
    """The optimistic bound ``mean + kappa * std`` (GP-UCB, Srinivas et al. 2010).

    Example:
        >>> import numpy as np
        >>> upper_confidence_bound(np.array([1.0]), np.array([0.5]), kappa=2.0)
        array([2.])
    """
    return np.asarray(mean, dtype=float) + kappa * np.asarray(std, dtype=float)


def thompson_sample(mean: np.ndarray, std: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Independent Thompson sampling: one draw from each candidate's Gaussian (BANANAS' ITS).

    Example:
        >>> import numpy as np
        >>> draws = thompson_sample(np.zeros(3), np.zeros(3), np.random.default_rng(0))
        >>> draws.tolist()
        [0.0, 0.0, 0.0]
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return mean + std * rng.standard_normal(mean.shape)


#: Names of the acquisition functions strategies accept.
ACQUISITIONS = ("ei", "ucb", "its")


@dataclass(frozen=True)
class AcquisitionOptimizer:
    """Builds the finite pool over which an acquisition function is maximised.

    The pool holds ``mutations_per_parent`` mutations of each of the
    ``num_parents`` best completed architectures (each mutation repeated until it
    reaches an unseen architecture, a short random walk) and ``num_random``
    uniform samples, minus everything already proposed, without repeats. With
    ``neighbours=True`` it holds instead every unseen neighbour
    (``space.neighbours``) of the ``num_parents`` best architectures that still
    have one, so with ``num_parents=1`` and ``num_random=0`` the surrogate only
    orders a best-first local search.

    Attributes:
        num_parents: How many of the best architectures are mutated.
        mutations_per_parent: Mutations drawn per parent (unused with ``neighbours``).
        num_random: Uniform random samples added to the pool.
        neighbours: Take whole neighbourhoods instead of random mutations.

    Example:
        >>> import numpy as np
        >>> import naslib_mini as nm
        >>> from naslib_mini.strategies.archive import Archive
        >>> pool = AcquisitionOptimizer(num_random=5).candidates(
        ...     Archive(nm.SPACES.create("nb201")), np.random.default_rng(0))
        >>> len(pool)
        5
    """

    num_parents: int = 10
    mutations_per_parent: int = 10
    num_random: int = 50
    neighbours: bool = False

    def __post_init__(self) -> None:
        for name in ("num_parents", "mutations_per_parent", "num_random"):
            value = getattr(self, name)
            require_int(name, value, 0)
        mutated = self.num_parents > 0 and (self.neighbours or self.mutations_per_parent > 0)
        if self.num_random == 0 and not mutated:
            raise ValueError("the acquisition pool would always be empty: num_random is 0 and "
                             f"num_parents={self.num_parents}, mutations_per_parent={self.mutations_per_parent}")

    def candidates(self, archive: Archive, rng: np.random.Generator) -> list[Hashable]:
        """Unseen candidate architectures: mutations (or neighbours) of the best first, then random ones."""
        pool: list[Hashable] = []
        if self.neighbours:
            parents = 0
            for parent in archive.top(len(archive)):
                if parents == self.num_parents:
                    break
                fresh = archive.unseen(archive.space.neighbours(parent))
                if fresh:
                    pool.extend(fresh)
                    parents += 1
        else:
            for parent in archive.top(self.num_parents):
                for _ in range(self.mutations_per_parent):
                    child = archive.mutate_unseen(parent, rng, max_steps=5)
                    if child is not None:
                        pool.append(child)
        for _ in range(self.num_random):
            arch = archive.sample_unseen(rng, max_draws=20)
            if arch is not None:
                pool.append(arch)
        return archive.unseen(pool)


def acquisition_values(name: str, mean: np.ndarray, std: np.ndarray, *, best: float,
                       rng: np.random.Generator, kappa: float = 1.96, xi: float = 0.0) -> np.ndarray:
    """The acquisition function ``name`` (one of ``ACQUISITIONS``) of Gaussian predictions.

    Example:
        >>> import numpy as np
        >>> acquisition_values("ucb", np.array([0.0, 1.0]), np.array([1.0, 0.0]), best=1.0,
        ...                    rng=np.random.default_rng(0), kappa=2.0).tolist()
        [2.0, 1.0]
    """
    if name == "ei":
        return expected_improvement(mean, std, best, xi)
    if name == "ucb":
        return upper_confidence_bound(mean, std, kappa)
    if name == "its":
        return thompson_sample(mean, std, rng)
    raise ValueError(f"unknown acquisition {name!r}; valid choices: {', '.join(ACQUISITIONS)}")
