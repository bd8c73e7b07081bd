"""Zero-cost warm-up: rank a large random sample by a proxy, then search from its best.

Abdelfattah, Mehrotra, Dudziak & Lane 2021, "Zero-Cost Proxies for Lightweight NAS"
(ICLR), Section 5, "warmup": score ``num_warmup`` random architectures with a
zero-cost proxy (synflow), and seed the search's initial population with the
``num_seeds`` best of them instead of random ones. Here the proxy is a fidelity
of the estimator: the warm-up asks ``num_warmup`` distinct random architectures
(isomorphic repeats skipped) at ``proxy_budget``; the loop charges their cost
like any trial's. Then it asks the ``num_seeds`` best by proxy at the inner
strategy's own fidelity and tells their results to the inner strategy as
trials it did not propose, so they fill the inner strategy's initial design
(REA's population, local search's start batch, GP-BO's initial points); after
that every ask and tell goes to the inner strategy. Proxy trials never reach
the inner strategy: their score is on another scale.

Settings, fixed before any test accuracy was seen: ``num_warmup=3000``, the
paper's warm-up sample on NAS-Bench-201 (about 212 simulated seconds of synflow,
under 2% of the protocol's 12,000); ``num_seeds`` defaults to the inner
strategy's initial design size (``num_init``, or REA's ``population_size``), so
the warm-up replaces the random initial design by the proxy's best and changes
nothing else.

Knows nothing about how scores are produced: ``proxy_budget`` is whatever budget
the estimator reads as its proxy fidelity (0 for the NAS-Bench-201 table).
"""
from __future__ import annotations

import logging
from typing import Any, Hashable

from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import STRATEGIES, Strategy, require_int, require_number
from naslib_mini.types import Candidate, Trial

__all__ = ["ProxyWarmup"]

log = logging.getLogger(__name__)

#: Architectures scored by the proxy in the warm-up (Abdelfattah et al. 2021, Section 5).
NUM_WARMUP = 3000


def initial_design_size(strategy: Strategy) -> int:
    """How many architectures ``strategy`` evaluates before it uses what it learnt (its random start)."""
    for attribute in ("num_init", "population_size"):
        value = getattr(strategy, attribute, None)
        if isinstance(value, int):
            return value
    raise ValueError(f"strategy {strategy.name!r} has no initial design (num_init or population_size); "
                     "give num_seeds explicitly")


@STRATEGIES.register("warmup", aliases=("proxy-warmup",))
class ProxyWarmup(Strategy):
    """Warm-up by a zero-cost proxy, then hand the best ``num_seeds`` to an inner strategy.

    Args:
        space: The search space.
        seed: Seed of the warm-up's generator; the inner strategy gets a seed drawn from it.
        inner: Registered name of the strategy that continues the search.
        num_warmup: Distinct random architectures scored at the proxy fidelity (3000).
        num_seeds: How many of the best by proxy seed the inner strategy; by default its
            initial design size (``num_init`` or ``population_size``), at most ``num_warmup``.
        proxy_budget: The budget the estimator reads as its proxy fidelity (0 on NAS-Bench-201).
        **inner_settings: Keyword arguments of the inner strategy.

    Attributes:
        seeds: The architectures handed to the inner strategy, best by proxy first.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> warm = nm.STRATEGIES.create("warmup", space=space, seed=0, inner="ls", num_warmup=5, num_seeds=2)
        >>> est = nm.ESTIMATORS.create("nb201", dataset="cifar10")
        >>> history = nm.run(warm, est, nm.Budget(trials=9))
        >>> [trial.candidate.budget for trial in history]
        [0, 0, 0, 0, 0, None, None, None, None]
        >>> history.best().candidate.budget is None  # a proxy score is never the incumbent
        True
    """

    name = "warmup"

    def __init__(self, space, seed=0, inner: str = "bo-local", num_warmup: int = NUM_WARMUP,
                 num_seeds: int | None = None, proxy_budget: float = 0, **inner_settings: Any) -> None:
        super().__init__(space, seed)
        if STRATEGIES.canonical(inner) == self.name:
            raise ValueError(f"inner must be another strategy than {self.name!r}, got {inner!r}")
        self.num_warmup = require_int("num_warmup", num_warmup, 1)
        require_number("proxy_budget", proxy_budget)
        self.proxy_budget = proxy_budget  # as given, so candidates carry the estimator's own value
        self.inner = STRATEGIES.create(inner, space=space, seed=int(self.rng.integers(2**31)), **inner_settings)
        if num_seeds is None:
            num_seeds = min(initial_design_size(self.inner), self.num_warmup)
        self.num_seeds = require_int("num_seeds", num_seeds, 1, self.num_warmup, f"num_warmup={self.num_warmup}")
        self.archive = Archive(space)
        self._asked = 0                                        # proxy candidates handed out
        self._told: set[int] = set()                           # numbers of proxy trials told (complete or failed)
        self._proxy: list[tuple[Hashable, float]] = []         # (arch, proxy score), in the order told
        self.seeds: list[Hashable] | None = None
        self._seeds_asked = 0

    def _is_proxy(self, candidate: Candidate) -> bool:
        return candidate.budget is not None and candidate.budget == self.proxy_budget

    def ask(self) -> Candidate:
        if self._asked < self.num_warmup:
            arch = self.archive.sample_unseen(self.rng)
            if arch is not None:
                self.archive.propose(arch)
                self._asked += 1
                return Candidate(arch, self.proxy_budget, info={"role": "warmup"})
            log.info("warm-up stops at %d architectures: no unseen one left to draw", self._asked)
            self.num_warmup = self._asked
        if self.seeds is None and len(self._told) >= self._asked:
            self._choose_seeds()
        if self.seeds is not None and self._seeds_asked < len(self.seeds):
            arch = self.seeds[self._seeds_asked]
            self._seeds_asked += 1
            return Candidate(arch, info={"role": "seed"})
        return self.inner.ask()  # after the seeds, or while proxy results are still out

    def _choose_seeds(self) -> None:
        ranked = sorted(self._proxy, key=lambda item: item[1], reverse=True)  # stable: earlier wins ties
        self.seeds = [arch for arch, _ in ranked[:self.num_seeds]]
        log.debug("warm-up scored %d architectures; seeding %s with the best %d",
                  len(self._proxy), self.inner.name, len(self.seeds))

    def tell(self, trial: Trial) -> None:
        if not self._is_proxy(trial.candidate):
            self.inner.tell(trial)
            return
        self._told.add(trial.number)
        if self.archive.record(trial):
            self._proxy.append((trial.arch, float(trial.score)))

    def __repr__(self) -> str:
        return (f"ProxyWarmup(space={self.space.name!r}, seed={self.seed!r}, inner={self.inner.name!r}, "
                f"num_warmup={self.num_warmup}, num_seeds={self.num_seeds})")
