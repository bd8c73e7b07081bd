"""The NAS-Bench-201 cell search space (Dong & Yang, ICLR 2020; NATS-Bench topology space).

A cell is a DAG of 4 nodes; each of its 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1,
3<-2, the official order) carries one of 5 operations, so there are 5^6 =
15,625 architectures. Node ``j`` is the sum of ``op(node i)`` over its edges.
Architectures are ``NB201Arch`` values; strings use the official format
``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``.

Everything strategies call in their inner loops (sample, mutate, neighbours,
encode, to_str) is a table look-up on a base-5 code, built once at import.
The official *index* is not a formula of the operations (NAS-Bench-201 numbers
its architectures in a shuffled order; no base-5 digit order or operation
order reproduces it), so ``index``/``from_index`` read the table through
``naslib_mini.data``. ``canonical`` reproduces the benchmark's isomorphism key
(``unique_str``, 6,466 classes). The BANANAS path encoding follows White et al.
(AAAI 2021). This module knows nothing about scores; the network is built by
``nb201_network.py``.
"""
from __future__ import annotations

import functools
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from naslib_mini.data import load_nb201, nb201_path
from naslib_mini.spaces.base import SPACES, Decision, SearchSpace
from naslib_mini.spaces.nb201_network import NB201Body
from naslib_mini.spaces.ops import OPS, Operation

__all__ = ["EDGES", "NB201Arch", "NB201Space", "OP_NAMES", "PATH_ENCODING_LENGTH", "TABLE_OPS"]

#: Official operation names, in the order of each decision's choices.
OP_NAMES: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: The one mapping from official names to the operations table.
TABLE_OPS: dict[str, Operation] = {
    "none": OPS["zero"], "skip_connect": OPS["identity"], "nor_conv_1x1": OPS["conv1x1"],
    "nor_conv_3x3": OPS["conv3x3"], "avg_pool_3x3": OPS["avgpool3x3"],
}
#: Edges as (from node, to node), in the official order.
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))

_N_OPS, _N_EDGES = len(OP_NAMES), len(EDGES)
_SIZE = _N_OPS ** _N_EDGES
_PLACE = tuple(_N_OPS ** (_N_EDGES - 1 - e) for e in range(_N_EDGES))  # edge 0 is the most significant digit
_OP_INDEX = {name: i for i, name in enumerate(OP_NAMES)}
#: Input->output paths as edge positions: 0->3, 0->1->3, 0->2->3, 0->1->2->3.
_PATHS = ((3,), (0, 4), (1, 5), (0, 2, 5))
_REAL_OPS = [i for i, name in enumerate(OP_NAMES) if not TABLE_OPS[name].is_zero]
#: Length of the path encoding: one feature per sequence of 1-3 non-``none`` operations (4 + 16 + 64).
PATH_ENCODING_LENGTH = sum(len(_REAL_OPS) ** k for k in (1, 2, 3))


def _group_strings(node: int) -> list[str]:
    """``|op~0|...|op~node-1|`` for every choice of the node's incoming edges."""
    return ["|" + "|".join(f"{OP_NAMES[d]}~{i}" for i, d in enumerate(digits)) + "|"
            for digits in itertools.product(range(_N_OPS), repeat=node)]


_DIGITS: list[tuple[int, ...]] = list(itertools.product(range(_N_OPS), repeat=_N_EDGES))
_CODE_OF_OPS: dict[tuple[str, ...], int] = {tuple(OP_NAMES[d] for d in digits): code
                                            for code, digits in enumerate(_DIGITS)}


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
        code = _CODE_OF_OPS.get(ops)
        if code is None:
            if len(ops) != _N_EDGES:
                raise ValueError(f"a NAS-Bench-201 cell has {_N_EDGES} edges, got {len(ops)} operations: {ops!r}")
            bad = next(op for op in ops if op not in _OP_INDEX)
            raise ValueError(f"unknown NAS-Bench-201 operation {bad!r}; valid choices: {', '.join(OP_NAMES)}")
        object.__setattr__(self, "ops", ops)
        object.__setattr__(self, "code", code)

    def __hash__(self) -> int:
        return self.code

    def __str__(self) -> str:
        return _STRINGS[self.code]


def _make_arch(ops: tuple[str, ...], code: int) -> NB201Arch:
    arch = object.__new__(NB201Arch)  # skips the look-up in __post_init__ while building the table
    object.__setattr__(arch, "ops", ops)
    object.__setattr__(arch, "code", code)
    return arch


_ARCHS: list[NB201Arch] = [_make_arch(ops, code) for ops, code in _CODE_OF_OPS.items()]
_STRINGS: list[str] = [f"{a}+{b}+{c}" for a in _group_strings(1) for b in _group_strings(2)
                        for c in _group_strings(3)]
_ARCH_OF_STR: dict[str, NB201Arch] = dict(zip(_STRINGS, _ARCHS))
_DECISIONS = tuple(Decision(f"edge({i}->{j})", OP_NAMES) for i, j in EDGES)


def _code(arch: Any) -> int:
    try:
        return arch.code
    except AttributeError:
        raise TypeError(f"expected an NB201Arch, got {type(arch).__name__}: {arch!r}") from None


def _parse(text: str) -> NB201Arch:
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
            if op not in _OP_INDEX:
                raise ValueError(f"unknown operation in token {token!r}; valid choices: {', '.join(OP_NAMES)}")
            if origin != str(source):
                raise ValueError(f"token {token!r} of node {node} must come from node {source} "
                                 f"(write {op}~{source})")
            ops.append(op)
    return _ARCHS[_CODE_OF_OPS[tuple(ops)]]


def _unique_str(digits: Sequence[int]) -> str:
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
def _encoding_table(encoding: str) -> np.ndarray:
    digits = np.array(_DIGITS)
    if encoding == "onehot":
        table = np.zeros((_SIZE, _N_EDGES * _N_OPS))
        table[np.arange(_SIZE)[:, None], np.arange(_N_EDGES) * _N_OPS + digits] = 1.0
    else:
        table = np.zeros((_SIZE, PATH_ENCODING_LENGTH))
        real = np.full(_N_OPS, -1)
        real[_REAL_OPS] = np.arange(len(_REAL_OPS))
        n, offset = len(_REAL_OPS), {1: 0, 2: len(_REAL_OPS), 3: len(_REAL_OPS) + len(_REAL_OPS) ** 2}
        for path in _PATHS:
            symbols = real[digits[:, list(path)]]
            exists = (symbols >= 0).all(axis=1)
            feature = offset[len(path)] + (symbols * n ** np.arange(len(path) - 1, -1, -1)).sum(axis=1)
            table[np.flatnonzero(exists), feature[exists]] = 1.0
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=4)
def _official_order(file: Path) -> tuple[np.ndarray, np.ndarray]:
    table = load_nb201(file.parents[1])
    code_of_index = np.array([_code(_ARCH_OF_STR.get(s) or _parse(s)) for s in table["arch_str"]])
    index_of_code = np.empty(_SIZE, dtype=np.int64)
    index_of_code[code_of_index] = np.arange(_SIZE)
    code_of_index.flags.writeable = index_of_code.flags.writeable = False
    return code_of_index, index_of_code


@SPACES.register("nb201", aliases=("nasbench201", "nats-tss"))
class NB201Space(SearchSpace):
    """NAS-Bench-201: 6 edges x 5 operations = 15,625 cells (Dong & Yang 2020).

    Args:
        width: Channels ``C`` of the first stage (stages have C, 2C, 4C); 16 in the benchmark.
        cells_per_stage: Cells ``N`` per stage; 5 in the benchmark.
        data_dir: Where the benchmark table is (only ``index``/``from_index`` read it).

    Encodings: ``"onehot"`` (30 values, 5 per edge) and ``"path"`` (84 values: one
    per sequence of 1, 2 or 3 non-``none`` operations along an input->output path,
    ordered by length then lexicographically in ``skip_connect, nor_conv_1x1,
    nor_conv_3x3, avg_pool_3x3`` order; White et al. 2021).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201")
        >>> arch = space.from_str("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|"
        ...                       "+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
        >>> space.size(), len(space.neighbours(arch)), space.index(arch)
        (15625, 24, 1)
        >>> space.encode(arch, "path").shape
        (84,)
    """

    name = "nb201"

    def __init__(self, width: int = 16, cells_per_stage: int = 5,
                 data_dir: str | os.PathLike | None = None) -> None:
        for label, value in (("width", width), ("cells_per_stage", cells_per_stage)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be a positive integer, got {value!r}")
        self.width, self.cells_per_stage, self.data_dir = width, cells_per_stage, data_dir
        self._order: tuple[np.ndarray, np.ndarray] | None = None

    # -- decisions and strings -------------------------------------------------
    def decisions(self) -> tuple[Decision, ...]:
        return _DECISIONS

    def to_decisions(self, arch: NB201Arch) -> tuple[int, ...]:
        return _DIGITS[_code(arch)]

    def from_decisions(self, indices: Sequence[int]) -> NB201Arch:
        if len(indices) != _N_EDGES:
            raise ValueError(f"expected {_N_EDGES} decisions, got {len(indices)}: {list(indices)!r}")
        code = 0
        for index in indices:
            if not 0 <= index < _N_OPS:
                raise ValueError(f"decision index {index!r} out of range; valid choices: 0..{_N_OPS - 1}")
            code = code * _N_OPS + int(index)
        return _ARCHS[code]

    def to_str(self, arch: NB201Arch) -> str:
        return _STRINGS[_code(arch)]

    def from_str(self, text: str) -> NB201Arch:
        arch = _ARCH_OF_STR.get(text)
        return arch if arch is not None else _parse(text.strip())

    # -- counting, sampling, moves -----------------------------------------------
    def size(self) -> int:
        return _SIZE

    def __iter__(self) -> Iterator[NB201Arch]:
        return iter(_ARCHS)

    def sample(self, rng: np.random.Generator) -> NB201Arch:
        return _ARCHS[int(rng.integers(_SIZE))]

    def neighbours(self, arch: NB201Arch) -> list[NB201Arch]:
        code = _code(arch)
        digits = _DIGITS[code]
        return [_ARCHS[code + (choice - digits[e]) * _PLACE[e]]
                for e in range(_N_EDGES) for choice in range(_N_OPS) if choice != digits[e]]

    def mutate(self, arch: NB201Arch, rng: np.random.Generator) -> NB201Arch:
        """Change one uniformly chosen edge to one of its 4 other operations (uniform over 24 neighbours)."""
        code = _code(arch)
        draw = int(rng.integers(_N_EDGES * (_N_OPS - 1)))
        edge, shift = divmod(draw, _N_OPS - 1)
        old = _DIGITS[code][edge]
        return _ARCHS[code + ((old + shift + 1) % _N_OPS - old) * _PLACE[edge]]

    # -- official index and isomorphism -----------------------------------------------
    def index(self, arch: NB201Arch) -> int:
        """The official NAS-Bench-201 index of ``arch`` (reads the table once)."""
        return int(self._official_order()[1][_code(arch)])

    def from_index(self, index: int) -> NB201Arch:
        """The architecture with official NAS-Bench-201 index ``index`` (0..15624)."""
        if not 0 <= index < _SIZE:
            raise ValueError(f"NAS-Bench-201 index must lie in 0..{_SIZE - 1}, got {index!r}")
        return _ARCHS[int(self._official_order()[0][index])]

    def index_array(self) -> np.ndarray:
        """Official index of every code, read-only: ``index_array()[arch.code] == index(arch)``."""
        return self._official_order()[1]

    def canonical(self, arch: NB201Arch) -> str:
        """The benchmark's isomorphism key of ``arch`` (its ``unique_str``; 6,466 classes).

        Example:
            >>> space = NB201Space()
            >>> space.canonical(space.from_str("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"))
            '#+#+0'
        """
        return _canonical(_code(arch))

    def is_isomorphic(self, first: NB201Arch, second: NB201Arch) -> bool:
        """Whether the benchmark treats the two cells as the same network."""
        return _canonical(_code(first)) == _canonical(_code(second))

    # -- encodings -----------------------------------------------------------------------
    @property
    def encodings(self) -> tuple[str, ...]:
        return ("onehot", "path")

    def encode(self, arch: NB201Arch, encoding: str = "onehot") -> np.ndarray:
        """The encoding of ``arch`` as a read-only float vector (30 for onehot, 84 for path)."""
        if encoding not in ("onehot", "path"):
            raise ValueError(f"unknown encoding {encoding!r} for space 'nb201'; valid choices: onehot, path")
        return _encoding_table(encoding)[_code(arch)]

    # -- networks ------------------------------------------------------------------------
    @property
    def stem_channels(self) -> int:
        return self.width

    def build_body(self, arch: NB201Arch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> NB201Body:
        # Every width of the body follows from in_channels (C, 2C, 4C), which the builder has scaled.
        edges = [(i, j, TABLE_OPS[op]) for (i, j), op in zip(EDGES, _ARCHS[_code(arch)].ops)]
        return NB201Body(edges, in_channels, self.cells_per_stage, len(input_size))

    def _official_order(self) -> tuple[np.ndarray, np.ndarray]:
        if self._order is None:
            self._order = _official_order(nb201_path(self.data_dir))
        return self._order

    def __repr__(self) -> str:
        return f"NB201Space(width={self.width}, cells_per_stage={self.cells_per_stage})"


@functools.lru_cache(maxsize=None)
def _canonical(code: int) -> str:
    return _unique_str(_DIGITS[code])
