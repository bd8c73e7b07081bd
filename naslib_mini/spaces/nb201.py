"""The NAS-Bench-201 cell search space (Dong & Yang, ICLR 2020; NATS-Bench topology space).

A cell is a DAG of 4 nodes; each of its 6 edges (1<-0, 2<-0, 2<-1, 3<-0, 3<-1,
3<-2, the official order) carries one of 5 operations, so there are 5^6 =
15,625 architectures. Node ``j`` is the sum of ``op(node i)`` over its edges.
Architectures are ``NB201Arch`` values; strings use the official format
``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``.

Everything strategies call in their inner loops (sample, mutate, neighbours,
encode, to_str) is a look-up in the tables of ``nb201_cell.py``, built once at
import. The official *index* is not a formula of the operations (NAS-Bench-201 numbers
its architectures in a shuffled order; no base-5 digit order or operation
order reproduces it), so ``index``/``from_index`` read the table through
``naslib_mini.data``. ``canonical`` reproduces the benchmark's isomorphism key
(``unique_str``, 6,466 classes). The BANANAS path encoding follows White et al.
(AAAI 2021). This module knows nothing about scores; the network is built by
``nb201_network.py``.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from naslib_mini.data import load_nb201, nb201_path
from naslib_mini.spaces.base import SPACES, Decision, SearchSpace, require_rng, require_str
from naslib_mini.spaces.nb201_cell import (ARCH_OF_STR, ARCHS, DIGITS, EDGES, N_EDGES, N_OPS, OP_NAMES,
                                          PATH_ENCODING_LENGTH, PLACE, SIZE, STRINGS, TABLE_OPS, NB201Arch,
                                          canonical_key, code_of, encoding_table, parse)
from naslib_mini.spaces.nb201_network import NB201Body

__all__ = ["EDGES", "NB201Arch", "NB201Space", "OP_NAMES", "PATH_ENCODING_LENGTH", "TABLE_OPS"]

_DECISIONS = tuple(Decision(f"edge({i}->{j})", OP_NAMES) for i, j in EDGES)


@functools.lru_cache(maxsize=4)
def _official_order(file: Path) -> tuple[np.ndarray, np.ndarray]:
    table = load_nb201(file.parents[1])
    code_of_index = np.array([code_of(ARCH_OF_STR.get(s) or parse(s)) for s in table["arch_str"]])
    index_of_code = np.empty(SIZE, dtype=np.int64)
    index_of_code[code_of_index] = np.arange(SIZE)
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
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be a positive integer, got {value!r}")
        self.width, self.cells_per_stage, self.data_dir = width, cells_per_stage, data_dir
        self._order: tuple[np.ndarray, np.ndarray] | None = None

    # -- decisions and strings -------------------------------------------------
    def decisions(self) -> tuple[Decision, ...]:
        return _DECISIONS

    def to_decisions(self, arch: NB201Arch) -> tuple[int, ...]:
        return DIGITS[code_of(arch)]

    def from_decisions(self, indices: Sequence[int]) -> NB201Arch:
        if len(indices) != N_EDGES:
            raise ValueError(f"expected {N_EDGES} decisions, got {len(indices)}: {list(indices)!r}")
        code = 0
        for index in indices:
            if not 0 <= index < N_OPS:
                raise ValueError(f"decision index {index!r} out of range; valid choices: 0..{N_OPS - 1}")
            code = code * N_OPS + int(index)
        return ARCHS[code]

    def to_str(self, arch: NB201Arch) -> str:
        return STRINGS[code_of(arch)]

    def from_str(self, text: str) -> NB201Arch:
        arch = ARCH_OF_STR.get(require_str(text, "NAS-Bench-201", "|nor_conv_3x3~0|+|none~0|skip_connect~1|+"
                                            "|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"))
        return arch if arch is not None else parse(text.strip())

    # -- counting, sampling, moves -----------------------------------------------
    def size(self) -> int:
        return SIZE

    def __iter__(self) -> Iterator[NB201Arch]:
        return iter(ARCHS)

    def sample(self, rng: np.random.Generator) -> NB201Arch:
        return ARCHS[int(require_rng(rng).integers(SIZE))]

    def neighbours(self, arch: NB201Arch) -> list[NB201Arch]:
        code = code_of(arch)
        digits = DIGITS[code]
        return [ARCHS[code + (choice - digits[e]) * PLACE[e]]
                for e in range(N_EDGES) for choice in range(N_OPS) if choice != digits[e]]

    def mutate(self, arch: NB201Arch, rng: np.random.Generator) -> NB201Arch:
        """Change one uniformly chosen edge to one of its 4 other operations (uniform over 24 neighbours)."""
        code = code_of(arch)
        draw = int(require_rng(rng).integers(N_EDGES * (N_OPS - 1)))
        edge, shift = divmod(draw, N_OPS - 1)
        old = DIGITS[code][edge]
        return ARCHS[code + ((old + shift + 1) % N_OPS - old) * PLACE[edge]]

    # -- official index and isomorphism -----------------------------------------------
    def index(self, arch: NB201Arch) -> int:
        """The official NAS-Bench-201 index of ``arch`` (reads the table once)."""
        return int(self._official_order()[1][code_of(arch)])

    def from_index(self, index: int) -> NB201Arch:
        """The architecture with official NAS-Bench-201 index ``index`` (0..15624)."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"NAS-Bench-201 index must be an integer in 0..{SIZE - 1}, "
                            f"got {type(index).__name__}: {index!r}")
        if not 0 <= index < SIZE:
            raise ValueError(f"NAS-Bench-201 index must lie in 0..{SIZE - 1}, got {index!r}")
        return ARCHS[int(self._official_order()[0][index])]

    def index_array(self) -> np.ndarray:
        """Official index of every code, read-only: ``index_array()[arch.code] == index(arch)``."""
        return self._official_order()[1]

    def is_dead(self, arch: NB201Arch) -> bool:
        """Whether no path of operations that pass signal leads from the cell's input to its output.

        Such a cell computes a constant. The benchmark trained and measured each of them
        (at about chance), so this space keeps them as distinct architectures, as the
        table does; ``is_dead`` lets an analysis or a strategy tell them apart.

        Example:
            >>> space = NB201Space()
            >>> space.is_dead(space.from_str("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"))
            False
            >>> space.is_dead(space.from_str("|none~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"))
            True
        """
        reached = {0}
        for (source, target), op in zip(EDGES, ARCHS[code_of(arch)].ops):  # edges in topological order
            if source in reached and TABLE_OPS[op].passes_signal:
                reached.add(target)
        return 3 not in reached

    def canonical(self, arch: NB201Arch) -> str:
        """The benchmark's isomorphism key of ``arch`` (its ``unique_str``; 6,466 classes).

        Example:
            >>> space = NB201Space()
            >>> space.canonical(space.from_str("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"))
            '#+#+0'
        """
        return canonical_key(code_of(arch))

    def is_isomorphic(self, first: NB201Arch, second: NB201Arch) -> bool:
        """Whether the benchmark treats the two cells as the same network."""
        return canonical_key(code_of(first)) == canonical_key(code_of(second))

    # -- growth, for progressive search (PNAS) ----------------------------------------
    def blocks(self, arch: NB201Arch) -> int:
        """The cell's size in progressive search: how many edges carry an operation other than ``none``.

        Example:
            >>> space = NB201Space()
            >>> space.blocks(space.from_str("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"))
            2
        """
        return sum(digit != 0 for digit in DIGITS[code_of(arch)])

    def grow(self, arch: NB201Arch) -> list[NB201Arch]:
        """The cells one block larger: one ``none`` edge given each of the 4 other operations, edge by edge."""
        code = code_of(arch)
        digits = DIGITS[code]
        return [ARCHS[code + choice * PLACE[e]] for e in range(N_EDGES) if digits[e] == 0
                for choice in range(1, N_OPS)]

    def smallest_archs(self) -> list[NB201Arch]:
        """Where progressive search starts: the 24 cells with a single operation (PNAS's 1-block cells)."""
        return self.grow(ARCHS[0])

    # -- encodings -----------------------------------------------------------------------
    @property
    def encodings(self) -> tuple[str, ...]:
        return ("onehot", "path")

    def encode(self, arch: NB201Arch, encoding: str = "onehot") -> np.ndarray:
        """The encoding of ``arch`` as a read-only float vector (30 for onehot, 84 for path)."""
        if encoding not in ("onehot", "path"):
            raise ValueError(f"unknown encoding {encoding!r} for space 'nb201'; valid choices: onehot, path")
        return encoding_table(encoding)[code_of(arch)]

    # -- networks ------------------------------------------------------------------------
    @property
    def stem_channels(self) -> int:
        return self.width

    def build_body(self, arch: NB201Arch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> NB201Body:
        # Every width of the body follows from in_channels (C, 2C, 4C), which the builder has scaled.
        edges = [(i, j, TABLE_OPS[op]) for (i, j), op in zip(EDGES, ARCHS[code_of(arch)].ops)]
        return NB201Body(edges, in_channels, self.cells_per_stage, len(input_size))

    def _official_order(self) -> tuple[np.ndarray, np.ndarray]:
        if self._order is None:
            self._order = _official_order(nb201_path(self.data_dir))
        return self._order

    def __repr__(self) -> str:
        return f"NB201Space(width={self.width}, cells_per_stage={self.cells_per_stage})"
