"""The instruction set of AutoML-Zero programs: operations, memory addresses, immutable instructions.

Follows the demo of Real et al. 2020, "AutoML-Zero: Evolving Machine Learning
Algorithms From Scratch" (ICML), whose linear-regression search uses six operations:
scalar constant set, scalar difference, scalar product, scalar-vector product,
vector inner product and vector sum. Two more are here for exercises (scalar sum,
matrix-vector product; the demo's memory has a matrix ``m0`` that only the latter
reads). An ``Instruction`` is a frozen value: operation name, output address, input
addresses and (for the constant) a value, printed as one line of text such as
``s3 = s0 - s1``. Memory sizes are the demo's: 4 scalars, 3 vectors, 1 matrix.
As in the paper's code, random instructions never write the label ``s0`` or the
features ``v0`` (``FIRST_OUT``: they are inputs only); a constant starts uniform in
[-1, 1] and is mutated on a log scale or flipped in sign (``alter_argument``).

Knows nothing about how instructions are executed (``interpreter``), grouped into
programs (``program``) or searched (``search``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from naslib_mini.types import ConfigurationError

__all__ = ["alter_argument", "DEMO_OPS", "FIRST_OUT", "Instruction", "MEMORY", "Operation", "OPERATIONS", "random_instruction"]

#: Number of addresses of each kind in memory (the demo's sizes): scalars s0..s3, vectors v0..v2, matrix m0.
MEMORY = {"s": 4, "v": 3, "m": 1}

#: First address of each kind a random instruction may write (the paper's ``kFirstOut*Address``):
#: ``s0`` (the label) and ``v0`` (the features) are read, never written, by drawn instructions.
FIRST_OUT = {"s": 1, "v": 1, "m": 0}

#: Probability that mutating a constant flips its sign instead of rescaling it (the paper's ``kSignFlipProb``).
SIGN_FLIP_PROB = 0.1


@dataclass(frozen=True)
class Operation:
    """One row of the operations table: what an instruction reads and writes, and how it prints.

    Attributes:
        name: The table key, e.g. ``"scalar_diff"``.
        output: Kind of the address written (``"s"``, ``"v"`` or ``"m"``).
        inputs: Kinds of the addresses read, in order.
        template: Text form with ``{out}``, ``{a}``, ``{b}`` (addresses) and ``{value}``.
        has_value: Whether the instruction carries a constant (the constant set).
    """

    name: str
    output: str
    inputs: tuple[str, ...]
    template: str
    has_value: bool = False


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("scalar_const", "s", (), "{out} = {value}", has_value=True),
    Operation("scalar_sum", "s", ("s", "s"), "{out} = {a} + {b}"),
    Operation("scalar_diff", "s", ("s", "s"), "{out} = {a} - {b}"),
    Operation("scalar_product", "s", ("s", "s"), "{out} = {a} * {b}"),
    Operation("scalar_vector_product", "v", ("s", "v"), "{out} = {a} * {b}"),
    Operation("vector_sum", "v", ("v", "v"), "{out} = {a} + {b}"),
    Operation("vector_inner_product", "s", ("v", "v"), "{out} = dot({a}, {b})"),
    Operation("matrix_vector_product", "v", ("m", "v"), "{out} = {a} @ {b}"),
)}

#: The operations of the paper's linear-regression demo (``run_demo.sh``), the default search set.
DEMO_OPS = ("scalar_const", "vector_inner_product", "scalar_diff", "scalar_product", "scalar_vector_product",
            "vector_sum")


def _check_address(kind: str, index: int, role: str, op: str) -> None:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < MEMORY[kind]:
        raise ConfigurationError(f"{op}: {role} address {index!r} is not a {kind}-address; allowed 0..{MEMORY[kind] - 1}")


@dataclass(frozen=True)
class Instruction:
    """One immutable instruction: ``op`` writes ``out`` from ``inputs`` (and ``value`` for a constant).

    Raises:
        ConfigurationError: For an unknown operation, a wrong number of inputs or an
            address outside memory, naming the value and what is allowed.

    Example:
        >>> str(Instruction("scalar_diff", 3, (0, 1)))
        's3 = s0 - s1'
        >>> str(Instruction("scalar_const", 2, value=0.25))
        's2 = 0.25'
    """

    op: str
    out: int
    inputs: tuple[int, ...] = ()
    value: float = 0.0

    def __post_init__(self):
        if self.op not in OPERATIONS:
            raise ConfigurationError(f"unknown operation {self.op!r}; allowed: {sorted(OPERATIONS)}")
        spec = OPERATIONS[self.op]
        object.__setattr__(self, "inputs", tuple(int(i) for i in self.inputs))
        if len(self.inputs) != len(spec.inputs):
            raise ConfigurationError(f"{self.op} reads {len(spec.inputs)} addresses, got {len(self.inputs)}: {self.inputs}")
        _check_address(spec.output, self.out, "output", self.op)
        for kind, index in zip(spec.inputs, self.inputs):
            _check_address(kind, index, "input", self.op)
        object.__setattr__(self, "out", int(self.out))
        object.__setattr__(self, "value", float(self.value) if spec.has_value else 0.0)

    @property
    def spec(self) -> Operation:
        """The operation's row of ``OPERATIONS``."""
        return OPERATIONS[self.op]

    @cached_property
    def writes(self) -> str:
        """The address written, as text (``"s3"``)."""
        return f"{self.spec.output}{self.out}"

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The addresses read, as text (``("s0", "s1")``)."""
        return tuple(f"{kind}{i}" for kind, i in zip(self.spec.inputs, self.inputs))

    def __str__(self) -> str:
        names = dict(zip(("a", "b"), self.reads))
        return self.spec.template.format(out=self.writes, value=f"{self.value:.6g}", **names)


def _random_value(rng: np.random.Generator) -> float:
    # constants drawn uniformly from [-1, 1], as the demo's activation-data initialisation
    return float(rng.uniform(-1.0, 1.0))


def _mutated_value(value: float, rng: np.random.Generator) -> float:
    # the paper's MutateActivationLogScaleOrFlip: flip the sign, or multiply by exp(N(0, 1))
    if rng.random() < SIGN_FLIP_PROB:
        return -value
    return float(value * np.exp(rng.standard_normal()))


def _out_address(kind: str, rng: np.random.Generator) -> int:
    return int(rng.integers(FIRST_OUT[kind], MEMORY[kind]))


def random_instruction(rng: np.random.Generator, ops: tuple[str, ...] = DEMO_OPS) -> Instruction:
    """An instruction with a uniformly drawn operation of ``ops`` and uniformly drawn addresses.

    Inputs may be any address; the output is never ``s0`` or ``v0`` (see ``FIRST_OUT``).

    Example:
        >>> isinstance(random_instruction(np.random.default_rng(0)), Instruction)
        True
    """
    spec = OPERATIONS[ops[int(rng.integers(len(ops)))]]
    return Instruction(spec.name, _out_address(spec.output, rng),
                       tuple(int(rng.integers(MEMORY[k])) for k in spec.inputs),
                       _random_value(rng) if spec.has_value else 0.0)


def alter_argument(instruction: Instruction, rng: np.random.Generator) -> Instruction:
    """The same operation with one argument changed: an address drawn anew, or the constant rescaled or flipped.

    Example:
        >>> changed = alter_argument(Instruction("scalar_const", 2, value=0.5), np.random.default_rng(0))
        >>> changed.op, changed != Instruction("scalar_const", 2, value=0.5)
        ('scalar_const', True)
    """
    spec = instruction.spec
    slots = 1 + len(spec.inputs) + int(spec.has_value)
    slot = int(rng.integers(slots))
    if slot == 0:
        return Instruction(spec.name, _out_address(spec.output, rng), instruction.inputs, instruction.value)
    if slot <= len(spec.inputs):
        inputs = list(instruction.inputs)
        inputs[slot - 1] = int(rng.integers(MEMORY[spec.inputs[slot - 1]]))
        return Instruction(spec.name, instruction.out, tuple(inputs), instruction.value)
    return Instruction(spec.name, instruction.out, instruction.inputs, _mutated_value(instruction.value, rng))
