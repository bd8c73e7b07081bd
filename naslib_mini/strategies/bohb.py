"""BOHB: Hyperband whose new configurations come from a TPE model (Falkner et al. 2018).

"BOHB: Robust and Efficient Hyperparameter Optimization at Scale" (ICML 2018),
Algorithm 2: the brackets and promotions are Hyperband's
(``naslib_mini.strategies.hyperband``); each new configuration is, with
probability ``random_fraction``, a uniform sample, otherwise the TPE proposal
(``naslib_mini.strategies.tpe``) of a model fitted on the observations of the
*largest* budget that has at least ``N_min + 2`` of them (uniform until one has).

Knows nothing about how scores are produced. Every told trial informs the
model, including trials it did not propose; a failed trial counts as the worst
result at its budget (as in the reference implementation, which gives it
infinite loss).
"""
from __future__ import annotations

import collections
from typing import Hashable, Sequence

import numpy as np

from naslib_mini.strategies.base import STRATEGIES
from naslib_mini.strategies.hyperband import _Brackets
from naslib_mini.strategies.tpe import TPEModel
from naslib_mini.strategies.tpe_reference import ReferenceTPEModel
from naslib_mini.types import Trial

__all__ = ["BOHB", "DENSITIES"]

#: The density models BOHB can use: the paper's (with valid bandwidths), or the
#: reference implementation's, reproduced quirks included.
DENSITIES = {"tpe": TPEModel, "hpbandster": ReferenceTPEModel}


@STRATEGIES.register("bohb")
class BOHB(_Brackets):
    """Hyperband brackets with TPE-sampled new configurations.

    Args:
        space: The search space (the model works on its decision view).
        seed: Seed of the strategy's generator.
        min_budget, max_budget, eta: The budget ladder and promotion factor
            (see ``naslib_mini.strategies.hyperband.geometric_budgets``).
        budgets: An explicit ladder instead, e.g. ``(12, 200)``.
        num_samples: Samples from the widened good density per proposal (64 in BOHB;
            the NAS-Bench-201 runs used 4).
        random_fraction: Fraction of uniform samples (1/3 in BOHB; 0 in NAS-Bench-201).
        bandwidth_factor: Widening of the sampling density (``b_w`` = 3).
        min_bandwidth: Lower clip of the kernel bandwidths (0.3).
        top_fraction: Fraction of observations in the good set (``q`` = 0.15).
        min_points: ``N_min`` (number of decisions + 1 by default).
        density: ``"tpe"`` (``naslib_mini.strategies.tpe``, default) or
            ``"hpbandster"``, the reference implementation's model with its
            out-of-range categorical bandwidths
            (``naslib_mini.strategies.tpe_reference``), for reproducing results
            obtained with it.

    Example:
        >>> import naslib_mini as nm
        >>> bohb = nm.STRATEGIES.create("bohb", space=nm.SPACES.create("nb201"), seed=0,
        ...                             min_budget=12, max_budget=200, num_samples=4, random_fraction=0.0)
        >>> c = bohb.ask()
        >>> round(c.budget, 1), sorted(c.info)
        (22.2, ['bracket', 'config', 'origin', 'rung'])
    """

    name = "bohb"

    def __init__(self, space, seed=0, min_budget: float = 1, max_budget: float = 27, eta: float = 3,
                 budgets: Sequence[float] | None = None, num_samples: int = 64, random_fraction: float = 1 / 3,
                 bandwidth_factor: float = 3.0, min_bandwidth: float = 0.3, top_fraction: float = 0.15,
                 min_points: int | None = None, density: str = "tpe") -> None:
        super().__init__(space, seed, min_budget, max_budget, eta, budgets)
        if not 0 <= random_fraction <= 1:
            raise ValueError(f"random_fraction must be in [0, 1], got {random_fraction!r}")
        if density not in DENSITIES:
            raise ValueError(f"unknown density {density!r}; valid choices: {', '.join(DENSITIES)}")
        self.random_fraction = random_fraction
        self.density = density
        sizes = tuple(len(d.choices) for d in space.decisions())
        self.model = DENSITIES[density](sizes, top_fraction=top_fraction, min_points=min_points, num_samples=num_samples,
                              bandwidth_factor=bandwidth_factor, min_bandwidth=min_bandwidth)
        #: budget -> list of (decision vector, score); failed trials score -inf.
        self.observations: dict[float, list[tuple[tuple[int, ...], float]]] = collections.defaultdict(list)
        self._dirty = True
        self.model_budget_: float | None = None

    def _observe(self, trial: Trial) -> None:
        budget = trial.candidate.budget
        if budget is None:
            return
        score = float(trial.score) if trial.ok else -np.inf
        self.observations[float(budget)].append((tuple(self.space.to_decisions(trial.arch)), score))
        self._dirty = True

    def _refit(self) -> None:
        self._dirty = False
        ready = [b for b, obs in self.observations.items() if len(obs) >= self.model.required]
        self.model_budget_ = max(ready) if ready else None
        if self.model_budget_ is None:
            self.model.fit(np.zeros((0, len(self.model.sizes)), dtype=int), np.zeros(0))
            return
        obs = self.observations[self.model_budget_]
        x = np.array([v for v, _ in obs], dtype=int)
        y = np.array([s for _, s in obs], dtype=float)
        self.model.fit(x, np.where(np.isfinite(y), y, np.finfo(float).min))

    def _new_config(self, budget: float) -> tuple[Hashable, str]:
        if self.random_fraction > 0 and self.rng.random() < self.random_fraction:
            return self.space.sample(self.rng), "random"
        if self._dirty:
            self._refit()
        proposal = self.model.propose(self.rng)
        if proposal is None:
            return self.space.sample(self.rng), "random"
        return self.space.from_decisions(proposal), "model"
