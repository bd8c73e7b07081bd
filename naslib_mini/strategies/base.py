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
import math
import numbers

import numpy as np

from naslib_mini.registry import Registry
from naslib_mini.seeding import default_rng
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.types import Candidate, Trial

__all__ = ["SearchExhausted", "Strategy", "STRATEGIES", "require_int", "require_number", "require_probability"]

STRATEGIES: Registry["Strategy"] = Registry("strategy")


def require_int(name: str, value: object, low: int, high: int | None = None, why: str = "") -> int:
    """``value`` as an ``int`` if it is an integer (not a bool) in ``[low, high]``, else a
    ``ValueError`` naming it and the allowed range (``why`` says where ``high`` comes from).

    Example:
        >>> require_int("sample_size", 12, 1, 10, "population_size=10")
        Traceback (most recent call last):
        ...
        ValueError: sample_size must be an integer in [1, 10] (population_size=10), got 12
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or \
            (high is not None and value > high):
        allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer {allowed}{f' ({why})' if why else ''}, got {value!r}")
    return int(value)


def require_number(name: str, value: object) -> float:
    """``value`` as a ``float`` if it is a finite real number (not a bool or a string), else a
    ``ValueError`` naming it; range checks follow where it is used.

    Example:
        >>> require_number("eta", "3")
        Traceback (most recent call last):
        ...
        ValueError: eta must be a finite number, got '3' (str)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r} ({type(value).__name__})")
    return float(value)


def require_probability(name: str, value: object) -> float:
    """``value`` as a ``float`` if it is a number in [0, 1], else a ``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


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
    #: Whether the strategy needs each result before it proposes again. ``False`` (most
    #: strategies) promises that ``ask`` proposes sensibly while earlier candidates are still
    #: being evaluated, and that candidates pending at once are distinct where the space
    #: allows; ``run(..., workers=N)`` then keeps N in flight. ``True`` makes the loop keep one
    #: candidate in flight however many workers there are.
    sequential: bool = False

    def __init__(self, space: SearchSpace, seed: int | np.random.Generator | None = 0) -> None:
        if not isinstance(space, SearchSpace):
            raise ValueError(f"space must be a SearchSpace (for example SPACES.create('chain-small')), "
                             f"got {type(space).__name__}: {space!r}")
        self.space = space
        self.seed = seed
        self.rng = default_rng(seed)

    @abc.abstractmethod
    def ask(self) -> Candidate:
        """Propose the next candidate; raise ``SearchExhausted`` when there is none."""

    @abc.abstractmethod
    def tell(self, trial: Trial) -> None:
        """Learn from a finished (complete or failed) trial."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(space={self.space.name!r}, seed={self.seed!r})"
