"""AutoML-Zero programs: three functions over one memory, their text form and dead-code removal.

A ``Program`` holds the ``setup``, ``predict`` and ``learn`` functions of Real et al.
2020 ("AutoML-Zero", ICML), each a tuple of ``Instruction``. How they run on a task
(``interpreter``): setup once; then for each training example the features go into
``v0``, ``s0`` is zeroed, predict runs, the label goes into ``s0`` and learn runs;
then predict runs on each validation example and ``s1`` is the prediction.
``simplify`` removes the instructions that cannot affect any prediction through that
data flow, so an evolved program can be read next to ``sgd_linear_regression``, the
hand-written reference of the paper's demo (SGD on the squared error).

Knows nothing about tasks, fitness or search.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from naslib_mini.automl_zero.instruction import DEMO_OPS, Instruction, random_instruction
from naslib_mini.types import ConfigurationError

__all__ = ["FUNCTIONS", "Program", "random_program", "sgd_linear_regression", "simplify"]

#: The three functions of a program, in execution order.
FUNCTIONS = ("setup", "predict", "learn")


@dataclass(frozen=True)
class Program:
    """Three functions of instructions; an immutable, hashable value that prints as text.

    Example:
        >>> program = sgd_linear_regression()
        >>> print(str(program).splitlines()[2])
        def predict():
        >>> program == sgd_linear_regression()
        True
    """

    setup: tuple[Instruction, ...] = ()
    predict: tuple[Instruction, ...] = ()
    learn: tuple[Instruction, ...] = ()

    def __post_init__(self):
        for name in FUNCTIONS:
            body = tuple(getattr(self, name))
            bad = [i for i in body if not isinstance(i, Instruction)]
            if bad:
                raise ConfigurationError(f"{name} must hold Instruction values, got {bad[0]!r}")
            object.__setattr__(self, name, body)

    def function(self, name: str) -> tuple[Instruction, ...]:
        """The instructions of function ``name`` (one of ``FUNCTIONS``)."""
        if name not in FUNCTIONS:
            raise ConfigurationError(f"unknown function {name!r}; allowed: {list(FUNCTIONS)}")
        return getattr(self, name)

    def with_function(self, name: str, body: tuple[Instruction, ...]) -> "Program":
        """A copy with function ``name`` replaced by ``body``."""
        self.function(name)
        return replace(self, **{name: tuple(body)})

    def __len__(self) -> int:
        return sum(len(self.function(name)) for name in FUNCTIONS)

    def __str__(self) -> str:
        lines = []
        for name in FUNCTIONS:
            lines.append(f"def {name}():")
            lines.extend(f"  {instruction}" for instruction in self.function(name))
            if not self.function(name):
                lines.append("  pass")
        return "\n".join(lines)


def _live_in(body: tuple[Instruction, ...], live_out: set[str]) -> tuple[set[str], list[bool]]:
    """Backward liveness through one function: what it needs live on entry, and which instructions matter."""
    live = set(live_out)
    keep = [False] * len(body)
    for k in range(len(body) - 1, -1, -1):
        instruction = body[k]
        if instruction.writes in live:
            keep[k] = True
            live.discard(instruction.writes)
            live.update(instruction.reads)
    return live, keep


def simplify(program: Program) -> Program:
    """``program`` without the instructions that cannot affect a prediction (``s1`` after predict).

    Liveness is solved over the execution cycle setup -> (predict -> learn)* ->
    predict*: ``v0`` (the features) and ``s0`` (zero, then the label) are written by
    the evaluator before predict and ``s0`` again before learn, so values left there
    do not flow across those points. An instruction whose output is not read by any
    kept instruction before being overwritten, and is not the prediction, is removed.

    Example:
        >>> from naslib_mini.automl_zero.instruction import Instruction
        >>> noisy = sgd_linear_regression().with_function(
        ...     "predict", (Instruction("scalar_const", 3, value=5.0),) + sgd_linear_regression().predict)
        >>> simplify(noisy) == sgd_linear_regression()
        True
    """
    def entry(live: set[str], external: set[str]) -> set[str]:
        return live - external

    predict_in: set[str] = set()
    learn_in: set[str] = set()
    while True:
        after_predict = {"s1"} | entry(learn_in, {"s0"}) | entry(predict_in, {"s0", "v0"})
        new_predict_in, _ = _live_in(program.predict, after_predict)
        new_learn_in, _ = _live_in(program.learn, entry(new_predict_in, {"s0", "v0"}))
        if new_predict_in == predict_in and new_learn_in == learn_in:
            break
        predict_in, learn_in = new_predict_in, new_learn_in
    after_predict = {"s1"} | entry(learn_in, {"s0"}) | entry(predict_in, {"s0", "v0"})
    after_learn = entry(predict_in, {"s0", "v0"})
    bodies = {}
    for name, live_out in (("setup", after_learn), ("predict", after_predict), ("learn", after_learn)):
        body = program.function(name)
        _, keep = _live_in(body, live_out)
        bodies[name] = tuple(i for i, k in zip(body, keep) if k)
    return Program(**bodies)


def sgd_linear_regression(learning_rate: float = 0.2) -> Program:
    """The hand-written reference of the paper's demo: a linear model trained by SGD on the squared error.

    ``setup`` sets the learning rate in ``s2``; ``predict`` is ``s1 = dot(v0, v1)``
    (the weights live in ``v1``); ``learn`` computes the error, scales it and adds
    ``error * rate * features`` to the weights.

    Example:
        >>> print(sgd_linear_regression())  # doctest: +NORMALIZE_WHITESPACE
        def setup():
          s2 = 0.2
        def predict():
          s1 = dot(v0, v1)
        def learn():
          s3 = s0 - s1
          s3 = s2 * s3
          v2 = s3 * v0
          v1 = v1 + v2
    """
    return Program(
        setup=(Instruction("scalar_const", 2, value=learning_rate),),
        predict=(Instruction("vector_inner_product", 1, (0, 1)),),
        learn=(Instruction("scalar_diff", 3, (0, 1)),
               Instruction("scalar_product", 3, (2, 3)),
               Instruction("scalar_vector_product", 2, (3, 0)),
               Instruction("vector_sum", 1, (1, 2))),
    )


def random_program(rng: np.random.Generator, sizes: dict[str, int], ops: tuple[str, ...] = DEMO_OPS) -> Program:
    """A program whose functions hold ``sizes[name]`` random instructions each.

    Example:
        >>> len(random_program(np.random.default_rng(0), {"setup": 2, "predict": 1, "learn": 3}))
        6
    """
    missing = [name for name in FUNCTIONS if name not in sizes]
    if missing:
        raise ConfigurationError(f"sizes needs an entry for each of {list(FUNCTIONS)}, missing {missing}")
    return Program(**{name: tuple(random_instruction(rng, ops) for _ in range(int(sizes[name])))
                      for name in FUNCTIONS})
