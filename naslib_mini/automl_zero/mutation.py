"""The mutations of AutoML-Zero: insert or remove an instruction, alter one argument, redraw an instruction or a function.

The mutations of Real et al. 2020 ("AutoML-Zero", ICML), Section 4.1: insert a random
instruction at a random position or remove one (within the size bounds of each
function); randomize one argument of an instruction (``ALTER_PARAM``); replace one
instruction by a random one; replace all instructions of a function by random ones
(``RANDOMIZE_COMPONENT_FUNCTION``). The paper's demo (``run_demo.sh``) uses the last
three, so function sizes stay those of the random initial programs: that is the
default here (``DEMO_MUTATIONS``); insert and remove are there for exercises. The
function to mutate is drawn uniformly among the non-empty ones, as in the paper's
code. Each returns a new ``Program``; the parent is never changed.

Knows nothing about fitness or how parents are chosen.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naslib_mini.automl_zero.instruction import DEMO_OPS, OPERATIONS, alter_argument, random_instruction
from naslib_mini.automl_zero.program import FUNCTIONS, Program
from naslib_mini.types import ConfigurationError

__all__ = ["DEMO_MUTATIONS", "MUTATIONS", "Mutator"]

#: The mutation names, in the order of the paper.
MUTATIONS = ("insert", "remove", "alter", "randomize_instruction", "randomize_function")

#: The mutations of the paper's demo: ALTER_PARAM, RANDOMIZE_INSTRUCTION, RANDOMIZE_COMPONENT_FUNCTION.
DEMO_MUTATIONS = ("alter", "randomize_instruction", "randomize_function")


def _sizes(name: str, sizes) -> tuple[int, int, int]:
    sizes = tuple(sizes)
    if len(sizes) != 3 or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in sizes):
        raise ConfigurationError(f"{name} must be three non-negative integers (setup, predict, learn), got {sizes!r}")
    return tuple(int(s) for s in sizes)


@dataclass(frozen=True)
class Mutator:
    """Draws one allowed mutation of a program.

    Attributes:
        mutations: Names of the allowed mutations, a subset of ``MUTATIONS`` (default: the demo's three).
        ops: Operations new instructions are drawn from.
        min_sizes: Fewest instructions per function (setup, predict, learn); ``remove`` respects it.
        max_sizes: Most instructions per function; ``insert`` respects it.

    Example:
        >>> from naslib_mini.automl_zero.program import sgd_linear_regression
        >>> child = Mutator().mutate(sgd_linear_regression(), np.random.default_rng(0))
        >>> child != sgd_linear_regression()
        True
    """

    mutations: tuple[str, ...] = DEMO_MUTATIONS
    ops: tuple[str, ...] = DEMO_OPS
    min_sizes: tuple[int, int, int] = (0, 1, 0)
    max_sizes: tuple[int, int, int] = (10, 4, 10)

    def __post_init__(self):
        object.__setattr__(self, "mutations", tuple(self.mutations))
        object.__setattr__(self, "ops", tuple(self.ops))
        bad = [m for m in self.mutations if m not in MUTATIONS]
        if bad or not self.mutations:
            raise ConfigurationError(f"unknown or no mutations {bad or list(self.mutations)}; allowed: {list(MUTATIONS)}")
        bad_ops = [o for o in self.ops if o not in OPERATIONS]
        if bad_ops or not self.ops:
            raise ConfigurationError(f"unknown or no operations {bad_ops or list(self.ops)}; allowed: {sorted(OPERATIONS)}")
        lo, hi = _sizes("min_sizes", self.min_sizes), _sizes("max_sizes", self.max_sizes)
        if any(a > b for a, b in zip(lo, hi)):
            raise ConfigurationError(f"min_sizes {lo} exceed max_sizes {hi}")
        object.__setattr__(self, "min_sizes", lo)
        object.__setattr__(self, "max_sizes", hi)

    def _feasible(self, program: Program, kind: str) -> list[int]:
        lengths = [len(program.function(name)) for name in FUNCTIONS]
        if kind == "insert":
            return [f for f in range(3) if lengths[f] < self.max_sizes[f]]
        if kind == "remove":
            return [f for f in range(3) if lengths[f] > self.min_sizes[f]]
        return [f for f in range(3) if lengths[f] > 0]

    def mutate(self, program: Program, rng: np.random.Generator) -> Program:
        """A child of ``program`` differing by one mutation drawn uniformly among the feasible ones.

        Raises:
            ConfigurationError: When no allowed mutation applies (e.g. only ``remove`` on empty functions).
        """
        options = [(kind, self._feasible(program, kind)) for kind in self.mutations]
        options = [(kind, where) for kind, where in options if where]
        if not options:
            raise ConfigurationError(f"none of the mutations {list(self.mutations)} applies to a program of "
                                     f"sizes {[len(program.function(n)) for n in FUNCTIONS]}")
        kind, where = options[int(rng.integers(len(options)))]
        name = FUNCTIONS[where[int(rng.integers(len(where)))]]
        body = list(program.function(name))
        if kind == "insert":
            body.insert(int(rng.integers(len(body) + 1)), random_instruction(rng, self.ops))
        elif kind == "remove":
            del body[int(rng.integers(len(body)))]
        elif kind == "alter":
            k = int(rng.integers(len(body)))
            body[k] = alter_argument(body[k], rng)
        elif kind == "randomize_instruction":
            body[int(rng.integers(len(body)))] = random_instruction(rng, self.ops)
        else:
            body = [random_instruction(rng, self.ops) for _ in body]
        return program.with_function(name, tuple(body))
