"""Grid search: every architecture of the space, once, in the space's fixed order.

Only sensible for small spaces (a course example, a restricted chain space, the
15,625 cells of NAS-Bench-201); it refuses a space larger than ``max_size`` with
an error giving the size. Knows nothing about scores.
"""
from __future__ import annotations

from typing import Iterator

from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int
from naslib_mini.types import Candidate, Trial

__all__ = ["GridSearch"]


@STRATEGIES.register("grid")
class GridSearch(Strategy):
    """Exhaustive enumeration; raises ``SearchExhausted`` when every architecture was proposed.

    Args:
        space: The search space; its size must be at most ``max_size``.
        seed: Unused by the enumeration itself (grid search is deterministic), kept so
            every strategy takes the same arguments.
        max_size: The largest space grid search accepts.

    Example:
        >>> import naslib_mini as nm
        >>> big = nm.SPACES.create("chain")
        >>> nm.STRATEGIES.create("grid", space=big)
        Traceback (most recent call last):
        ...
        ValueError: grid search refuses space 'chain' with ... architectures (more than max_size=100000); restrict its choices or use another strategy
    """

    name = "grid"

    def __init__(self, space, seed=0, max_size: int = 100_000) -> None:
        super().__init__(space, seed)
        require_int("max_size", max_size, 0)
        size = space.size()
        if size > max_size:
            raise ValueError(
                f"grid search refuses space {space.name!r} with {size:,} architectures "
                f"(more than max_size={max_size}); restrict its choices or use another strategy")
        self.max_size = max_size
        self._order: Iterator = iter(space)
        self._done: set = set()

    def ask(self) -> Candidate:
        for arch in self._order:
            if arch not in self._done:
                self._done.add(arch)
                return Candidate(arch)
        raise SearchExhausted(f"all {self.space.size():,} architectures of {self.space.name!r} were proposed")

    def tell(self, trial: Trial) -> None:
        self._done.add(trial.arch)
