"""The NAS-Bench-201 cell as a value: its six operations, base-5 code, official string and isomorphism key.

Everything strategies call in their inner loops (sample, mutate, neighbours, encode,
to_str) is a look-up in the tables this module builds once at import, indexed by a
cell's base-5 code (edge 0 the most significant digit). ``unique_str`` reproduces
the benchmark's isomorphism key (Dong & Yang, ICLR 2020; 6,466 classes) and
``encoding_table`` the one-hot and BANANAS path encodings (White et al., AAAI 2021).
Knows nothing about the official indices (``nb201.py`` reads them from the table),
networks or scores.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from naslib_mini.spaces.ops import OPS, Operation

__all__ = ["ARCHS", "ARCH_OF_STR", "CODE_OF_OPS", "DIGITS", "EDGES", "N_EDGES", "N_OPS", "NB201Arch", "OP_NAMES",
           "PATH_ENCODING_LENGTH", "PLACE", "SIZE", "STRINGS", "TABLE_OPS", "canonical_key", "code_of",
           "encoding_table", "parse"]

#: Official operation names, in the order of each decision's choices.
OP_NAMES: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: The one mapping from official names to the operations table.
TABLE_OPS: dict[str, Operation] = {
    "none": OPS["zero"], "skip_connect": OPS["identity"], "nor_conv_1x1": OPS["conv1x1"],
    "nor_conv_3x3": OPS["conv3x3"], "avg_pool_3x3": OPS["avgpool3x3"],
}
#: Edges as (from node, to node), in the official order.
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))

N_OPS, N_EDGES = len(OP_NAMES), len(EDGES)
SIZE = N_OPS ** N_EDGES
PLACE = tuple(N_OPS ** (N_EDGES - 1 - e) for e in range(N_EDGES))  # edge 0 is the most significant digit
OP_INDEX = {name: i for i, name in enumerate(OP_NAMES)}
#: Input->output paths as edge positions: 0->3, 0->1->3, 0->2->3, 0->1->2->3.
_PATHS = ((3,), (0, 4), (1, 5), (0, 2, 5))
_REAL_OPS = [i for i, name in enumerate(OP_NAMES) if not TABLE_OPS[name].is_zero]
#: Length of the path encoding: one feature per sequence of 1-3 non-``none`` operations (4 + 16 + 64).
PATH_ENCODING_LENGTH = sum(len(_REAL_OPS) ** k for k in (1, 2, 3))


def _group_strings(node: int) -> list[str]:
    """``|op~0|...|op~node-1|`` for every choice of the node's incoming edges."""
    return ["|" + "|".join(f"{OP_NAMES[d]}~{i}" for i, d in enumerate(digits)) + "|"
            for digits in itertools.product(range(N_OPS), repeat=node)]


DIGITS: list[tuple[int, ...]] = list(itertools.product(range(N_OPS), repeat=N_EDGES))
CODE_OF_OPS: dict[tuple[str, ...], int] = {tuple(OP_NAMES[d] for d in digits): code
                                            for code, digits in enumerate(DIGITS)}


@dataclass(frozen=True, slots=True)
class NB201Arch:
    """A NAS-Bench-201 cell: the official operation name of each of the 6 edges.

    Attributes:
        ops: Operation names in the official edge order (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2).
        code: The base-5 number of the operations (edge 0 most significant); not
            the official index, which ``NB201Space.index`` gives.

    Example:
        >>> a = NB201Arch(("nor_conv_3x3",) * 6)
        >>> a.code, str(a)[:28]
        (11718, '|nor_conv_3x3~0|+|nor_conv_3')
        >>> NB201Arch(("conv",) * 6)
        Traceback (most recent call last):
        ...
        ValueError: unknown NAS-Bench-201 operation 'conv'; valid choices: none, skip_connect, ...
    """

    ops: tuple[str, ...]
    code: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ops = tuple(self.ops)
        code = CODE_OF_OPS.get(ops)
        if code is None:
            if len(ops) != N_EDGES:
                raise ValueError(f"a NAS-Bench-201 cell has {N_EDGES} edges, got {len(ops)} operations: {ops!r}")
            bad = next(op for op in ops if op not in OP_INDEX)
            raise ValueError(f"unknown NAS-Bench-201 operation {bad!r}; valid choices: {', '.join(OP_NAMES)}")
        object.__setattr__(self, "ops", ops)
        object.__setattr__(self, "code", code)

    def __hash__(self) -> int:
        return self.code

    def __str__(self) -> str:
        return STRINGS[self.code]


def _make_arch(ops: tuple[str, ...], code: int) -> NB201Arch:
    arch = object.__new__(NB201Arch)  # skips the look-up in __post_init__ while building the table
    object.__setattr__(arch, "ops", ops)
    object.__setattr__(arch, "code", code)
    return arch


ARCHS: list[NB201Arch] = [_make_arch(ops, code) for ops, code in CODE_OF_OPS.items()]
STRINGS: list[str] = [f"{a}+{b}+{c}" for a in _group_strings(1) for b in _group_strings(2)
                        for c in _group_strings(3)]
ARCH_OF_STR: dict[str, NB201Arch] = dict(zip(STRINGS, ARCHS))


def code_of(arch: Any) -> int:
    """The base-5 code of ``arch``; a ``TypeError`` names anything that is not an ``NB201Arch``."""
    try:
        return arch.code
    except AttributeError:
        raise TypeError(f"expected an NB201Arch, got {type(arch).__name__}: {arch!r}") from None


def parse(text: str) -> NB201Arch:
    """The cell an official string names; a ``ValueError`` says which part of ``text`` is malformed."""
    groups = text.split("+")
    if len(groups) != 3:
        raise ValueError(f"a NAS-Bench-201 string has 3 '+'-separated node groups, got {len(groups)}: {text!r}")
    ops = []
    for node, group in enumerate(groups, start=1):
        if len(group) < 2 or group[0] != "|" or group[-1] != "|":
            raise ValueError(f"node group {group!r} must be written |op~i|...| in {text!r}")
        tokens = group[1:-1].split("|")
        if len(tokens) != node:
            raise ValueError(f"node {node} needs {node} edges, got {len(tokens)} in group {group!r}")
        for source, token in enumerate(tokens):
            op, _, origin = token.partition("~")
            if op not in OP_INDEX:
                raise ValueError(f"unknown operation in token {token!r}; valid choices: {', '.join(OP_NAMES)}")
            if origin != str(source):
                raise ValueError(f"token {token!r} of node {node} must come from node {source} "
                                 f"(write {op}~{source})")
            ops.append(op)
    return ARCHS[CODE_OF_OPS[tuple(ops)]]


def unique_str(digits: Sequence[int]) -> str:
    """The benchmark's isomorphism key (``Structure.to_unique_str(consider_zero=True)``).

    A ``none`` edge or an input that is exactly zero gives the term ``#``; a
    ``skip_connect`` passes its input's expression on; any other operation
    wraps it as ``(input)@op``; a node joins its sorted terms with ``+``. The
    benchmark keeps ``#`` terms and nests a summed input as one term, so it is
    finer than algebraic equality of the cells (which would merge them into 4,930 classes).
    """
    nodes = ["0"]
    for node in (1, 2, 3):
        terms = []
        for position, (source, target) in enumerate(EDGES):
            if target != node:
                continue
            op = TABLE_OPS[OP_NAMES[digits[position]]]
            if op.is_zero or nodes[source] == "#":
                terms.append("#")
            elif op.kind == "identity":
                terms.append(nodes[source])
            else:
                terms.append(f"({nodes[source]})@{OP_NAMES[digits[position]]}")
        nodes.append("+".join(sorted(terms)))
    return nodes[3]


@functools.lru_cache(maxsize=None)
def encoding_table(encoding: str) -> np.ndarray:
    """The ``"onehot"`` or ``"path"`` encoding of every cell, one read-only row per code."""
    digits = np.array(DIGITS)
    if encoding == "onehot":
        table = np.zeros((SIZE, N_EDGES * N_OPS))
        table[np.arange(SIZE)[:, None], np.arange(N_EDGES) * N_OPS + digits] = 1.0
    else:
        table = np.zeros((SIZE, PATH_ENCODING_LENGTH))
        real = np.full(N_OPS, -1)
        real[_REAL_OPS] = np.arange(len(_REAL_OPS))
        n, offset = len(_REAL_OPS), {1: 0, 2: len(_REAL_OPS), 3: len(_REAL_OPS) + len(_REAL_OPS) ** 2}
        for path in _PATHS:
            symbols = real[digits[:, list(path)]]
            exists = (symbols >= 0).all(axis=1)
            feature = offset[len(path)] + (symbols * n ** np.arange(len(path) - 1, -1, -1)).sum(axis=1)
            table[np.flatnonzero(exists), feature[exists]] = 1.0
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=None)
def canonical_key(code: int) -> str:
    """The isomorphism key (``unique_str``) of the cell with base-5 ``code``, computed once per code."""
    return unique_str(DIGITS[code])
