"""The ask/tell interface every search strategy implements, and their registry.

A strategy proposes candidates (``ask``) and learns from finished trials
(``tell``). It never trains, prints or sleeps, and knows nothing about how
scores are produced (optuna's ask/tell; keras-tuner's oracle). ``ask`` may be
called several times before results arrive, and ``tell`` must accept trials in
any order, including failed trials and trials it did not propose (a resumed
search replays its journal through ``tell``).
"""
from __future__ import annotations

import abc

import numpy as np

from naslib_mini.registry import Registry
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.types import Candidate, Trial

__all__ = ["SearchExhausted", "Strategy", "STRATEGIES"]

STRATEGIES: Registry["Strategy"] = Registry("strategy")


class SearchExhausted(Exception):
    """Raised by ``ask`` when the strategy has nothing new to propose; the loop stops cleanly."""


class Strategy(abc.ABC):
    """Base class of search strategies.

    Args:
        space: The search space to search.
        seed: Seed of the strategy's own random generator (or a ``numpy.random.Generator``).
    """

    #: Registered name, set by subclasses.
    name: str = ""
    #: Whether ``ask`` sets ``Candidate.budget`` (multi-fidelity methods).
    uses_budget: bool = False

    def __init__(self, space: SearchSpace, seed: int | np.random.Generator | None = 0) -> None:
        self.space = space
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    @abc.abstractmethod
    def ask(self) -> Candidate:
        """Propose the next candidate; raise ``SearchExhausted`` when there is none."""

    @abc.abstractmethod
    def tell(self, trial: Trial) -> None:
        """Learn from a finished (complete or failed) trial."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(space={self.space.name!r}, seed={self.seed!r})"
