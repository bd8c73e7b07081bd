"""Random search: uniform samples from the space (Bergstra & Bengio 2012; Li & Talwalkar 2019).

The baseline every NAS method must beat. Proposes architectures not proposed
before, so no evaluation is wasted on a repeat; knows nothing about scores.
"""
from __future__ import annotations

from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy
from naslib_mini.types import Candidate, Trial

__all__ = ["RandomSearch"]


@STRATEGIES.register("random", aliases=("rs",))
class RandomSearch(Strategy):
    """Uniform random sampling without repeats.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        max_draws: Samples tried before giving up on finding an unseen architecture
            (only reached when nearly the whole space has been seen).

    Example:
        >>> import naslib_mini as nm
        >>> rs = nm.STRATEGIES.create("random", space=nm.SPACES.create("chain"), seed=0)
        >>> rs.ask().arch == nm.STRATEGIES.create("random", space=nm.SPACES.create("chain"), seed=0).ask().arch
        True
    """

    name = "random"

    def __init__(self, space, seed=0, max_draws: int = 1000) -> None:
        super().__init__(space, seed)
        self.max_draws = max_draws
        self._seen: set = set()

    def ask(self) -> Candidate:
        for _ in range(self.max_draws):
            arch = self.space.sample(self.rng)
            if arch not in self._seen:
                self._seen.add(arch)
                return Candidate(arch)
        raise SearchExhausted(f"no unseen architecture in {self.max_draws} draws")

    def tell(self, trial: Trial) -> None:
        self._seen.add(trial.arch)
