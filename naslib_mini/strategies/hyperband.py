"""Successive halving and Hyperband: brackets of increasing budgets, one implementation.

Successive halving (Jamieson & Talwalkar 2016) evaluates ``n`` configurations
at a small budget, keeps the best ``1/eta`` of them, evaluates those at an
``eta`` times larger budget, and so on up to the largest budget. Hyperband
(Li et al. 2018, JMLR, Algorithm 1) hedges over how aggressive that should be
by cycling through brackets that start at different budgets. Bracket sizes
follow the BOHB reference implementation (hpbandster) that the NAS-Bench-201
runs used: ``n0 = floor(K / (s + 1)) * eta**s`` for ``K`` budgets and bracket
``s``, rung ``i`` keeping ``max(floor(n0 * eta**-i), 1)``.

Works with any estimator whose ``budget`` is a fidelity (epochs of real
training, or the 12/200-epoch schedules of a table: pass ``budgets=(12, 200)``).
A promoted architecture is asked again as ``Candidate(arch, budget=larger)``;
``Candidate.info`` carries ``bracket``, ``rung`` and ``config`` ids. Knows
nothing about scores beyond ranking them; where new configurations come from is
one method (``_new_config``), random here and model-based in BOHB.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Callable, Hashable, Sequence

from naslib_mini.strategies.base import STRATEGIES, Strategy, require_int, require_number
from naslib_mini.types import Candidate, Trial

__all__ = ["Bracket", "BracketPlan", "Hyperband", "SuccessiveHalving", "geometric_budgets", "hyperband_plans"]

log = logging.getLogger(__name__)


def geometric_budgets(min_budget: float, max_budget: float, eta: float) -> tuple[float, ...]:
    """The budget ladder ``max_budget * eta**-k`` for ``k = K-1, ..., 0``, smallest first.

    ``K - 1 = floor(log_eta(max_budget / min_budget))``, so the smallest budget is at
    least ``min_budget`` (Li et al.'s ``r = R * eta**-s_max``).

    Example:
        >>> geometric_budgets(1, 27, 3)
        (1.0, 3.0, 9.0, 27.0)
        >>> [round(b, 1) for b in geometric_budgets(12, 200, 3)]
        [22.2, 66.7, 200.0]
    """
    if not 0 < require_number("min_budget", min_budget) <= require_number("max_budget", max_budget):
        raise ValueError(f"need 0 < min_budget <= max_budget, got min_budget={min_budget!r}, "
                         f"max_budget={max_budget!r}")
    if not require_number("eta", eta) > 1:
        raise ValueError(f"eta must be > 1, got {eta!r}")
    steps = int(math.floor(math.log(max_budget / min_budget) / math.log(eta) + 1e-9))
    return tuple(float(round(max_budget * eta ** -k, 9)) for k in range(steps, -1, -1))


@dataclass(frozen=True)
class BracketPlan:
    """The shape of one bracket: configurations per rung and each rung's budget."""

    index: int
    sizes: tuple[int, ...]
    budgets: tuple[float, ...]


def hyperband_plans(budgets: Sequence[float], eta: float) -> list[BracketPlan]:
    """Hyperband's brackets for a budget ladder, most exploratory first.

    Example:
        >>> [(p.sizes, p.budgets) for p in hyperband_plans((1, 3, 9), 3)]
        [((9, 3, 1), (1, 3, 9)), ((3, 1), (3, 9)), ((3,), (9,))]
    """
    budgets = tuple(budgets)
    for budget in budgets:
        require_number("a budget", budget)
    if not budgets or any(b <= 0 for b in budgets) or list(budgets) != sorted(set(budgets)):
        raise ValueError(f"budgets must be positive and strictly increasing, got {budgets!r}")
    if not require_number("eta", eta) > 1:
        raise ValueError(f"eta must be > 1, got {eta!r}")
    count = len(budgets)
    plans = []
    for s in range(count - 1, -1, -1):
        n0 = (count // (s + 1)) * eta ** s
        sizes = tuple(max(int(n0 * eta ** -i + 1e-9), 1) for i in range(s + 1))
        plans.append(BracketPlan(s, sizes, budgets[count - 1 - s:]))
    return plans


class Bracket:
    """The running state of one bracket: which configurations to ask, at which budget.

    Rung 0's configurations are created lazily by ``new_config(budget)``, which
    returns an architecture and a word on where it came from (``"random"``,
    ``"model"``), when they are asked for, so a model-based sampler sees the
    latest results. When every job of a rung is told, the best
    ``sizes[rung + 1]`` complete ones are promoted.
    """

    def __init__(self, bracket_id: int, plan: BracketPlan) -> None:
        self.id, self.plan = bracket_id, plan
        self.rung = 0
        self.configs: list[Hashable] = []
        self.origins: list[str] = []
        self.scores: list[dict[int, float | None]] = [{} for _ in plan.sizes]
        self._queue: list[int] = []
        self._in_flight: set[int] = set()
        self.finished = False

    def next_job(self, new_config: Callable[[float], tuple[Hashable, str]]) -> Candidate | None:
        """The next candidate to evaluate, or ``None`` while waiting for results."""
        if self.finished:
            return None
        budget = self.plan.budgets[self.rung]
        if self.rung == 0 and len(self.configs) < self.plan.sizes[0]:
            arch, origin = new_config(budget)
            self.configs.append(arch)
            self.origins.append(origin)
            j = len(self.configs) - 1
        elif self._queue:
            j = self._queue.pop(0)
        else:
            return None
        self._in_flight.add(j)
        return Candidate(self.configs[j], budget=budget,
                         info={"bracket": self.id, "rung": self.rung, "config": j, "origin": self.origins[j]})

    def record(self, trial: Trial) -> bool:
        """Take a result; ``False`` if it is not an outstanding job of this bracket."""
        info = trial.candidate.info
        j = info.get("config")
        if (info.get("bracket") != self.id or info.get("rung") != self.rung or j not in self._in_flight
                or self.configs[j] != trial.arch):
            return False
        self._in_flight.discard(j)
        self.scores[self.rung][j] = float(trial.score) if trial.ok else None
        rung_done = not self._in_flight and not self._queue and (
            self.rung > 0 or len(self.configs) == self.plan.sizes[0])
        if rung_done:
            self._promote()
        return True

    def _promote(self) -> None:
        done = self.scores[self.rung]
        ranked = sorted((j for j, s in done.items() if s is not None), key=lambda j: (-done[j], j))
        if self.rung + 1 >= len(self.plan.sizes) or not ranked:
            self.finished = True
            return
        if len(ranked) > self.plan.sizes[self.rung + 1] and len({done[j] for j in ranked}) == 1:
            log.warning("bracket %d: all %d scores at budget %g are %g, so promoting %d of them follows sampling "
                        "order, not merit; a larger smallest budget would give the first rung a signal",
                        self.id, len(ranked), self.plan.budgets[self.rung], done[ranked[0]],
                        self.plan.sizes[self.rung + 1])
        self._queue = ranked[: self.plan.sizes[self.rung + 1]]
        self.rung += 1


class _Brackets(Strategy):
    """Shared ask/tell logic: hand out jobs of open brackets, open a new one when all wait."""

    uses_budget = True

    def __init__(self, space, seed=0, min_budget: float = 1, max_budget: float = 27, eta: float = 3,
                 budgets: Sequence[float] | None = None) -> None:
        super().__init__(space, seed)
        self.eta = eta
        if budgets is None:
            budgets = geometric_budgets(min_budget, max_budget, eta)
        self.budgets = tuple(require_number("a budget", b) for b in budgets)
        self.plans = self._plans(hyperband_plans(self.budgets, eta))
        self.brackets: list[Bracket] = []
        self._opened = 0

    def _plans(self, plans: list[BracketPlan]) -> list[BracketPlan]:
        return plans

    def _new_config(self, budget: float) -> tuple[Hashable, str]:
        return self.space.sample(self.rng), "random"

    def ask(self) -> Candidate:
        for bracket in self.brackets:
            job = bracket.next_job(self._new_config)
            if job is not None:
                return job
        bracket = Bracket(self._opened, self.plans[self._opened % len(self.plans)])
        self._opened += 1
        self.brackets.append(bracket)
        return bracket.next_job(self._new_config)

    def tell(self, trial: Trial) -> None:
        self._observe(trial)
        for bracket in self.brackets:
            if bracket.record(trial):
                break
        else:
            log.debug("trial %d is not a job of an open bracket; it only informs the model", trial.number)
        self.brackets = [b for b in self.brackets if not b.finished]

    def _observe(self, trial: Trial) -> None:
        """Hook for model-based subclasses (BOHB) to learn from every trial."""


@STRATEGIES.register("sh")
class SuccessiveHalving(_Brackets):
    """Successive halving (Jamieson & Talwalkar 2016): one bracket shape, repeated.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        min_budget, max_budget, eta: The budget ladder (see ``geometric_budgets``)
            and the promotion factor.
        budgets: An explicit ladder instead, e.g. ``(12, 200)`` for a table's schedules.
        num_configs: Configurations in the first rung (``eta**(K-1)`` by default).

    Example:
        >>> import naslib_mini as nm
        >>> sh = nm.STRATEGIES.create("sh", space=nm.SPACES.create("nb201"), seed=0, budgets=(12, 200))
        >>> [c.budget for c in (sh.ask() for _ in range(4))]
        [12.0, 12.0, 12.0, 12.0]
    """

    name = "sh"

    def __init__(self, space, seed=0, min_budget: float = 1, max_budget: float = 27, eta: float = 3,
                 budgets: Sequence[float] | None = None, num_configs: int | None = None) -> None:
        if num_configs is not None:
            require_int("num_configs", num_configs, 1)
        self.num_configs = num_configs
        super().__init__(space, seed, min_budget, max_budget, eta, budgets)

    def _plans(self, plans: list[BracketPlan]) -> list[BracketPlan]:
        first = plans[0]
        n0 = self.num_configs if self.num_configs is not None else int(round(self.eta ** first.index))
        sizes = tuple(max(int(n0 * self.eta ** -i + 1e-9), 1) for i in range(len(first.budgets)))
        return [BracketPlan(first.index, sizes, first.budgets)]


@STRATEGIES.register("hyperband")
class Hyperband(_Brackets):
    """Hyperband (Li et al. 2018): cycles through successive-halving brackets.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        min_budget, max_budget, eta: The budget ladder (see ``geometric_budgets``)
            and the promotion factor (3, as in the paper).
        budgets: An explicit ladder instead, e.g. ``(12, 200)``.

    Example:
        >>> import naslib_mini as nm
        >>> hb = nm.STRATEGIES.create("hyperband", space=nm.SPACES.create("nb201"), seed=0)
        >>> [(p.sizes, p.budgets) for p in hb.plans][0]
        ((27, 9, 3, 1), (1.0, 3.0, 9.0, 27.0))
    """

    name = "hyperband"
