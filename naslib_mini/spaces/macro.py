"""The NAS-Bench-Macro search space (Su et al., "Prioritized Architecture Sampling with
Monte-Carlo Tree Search", CVPR 2021): 8 layers of a chain network, 3 choices each.

Each searched layer is ``0`` an identity, ``1`` a MobileNetV2 block with kernel 3 and
expansion ratio 3 (``MB3_K3``) or ``2`` one with kernel 5 and expansion ratio 6
(``MB6_K5``), so there are 3^8 = 6,561 architectures. Architectures are
``MacroArch`` values; strings are the benchmark's own keys, one digit per layer
(``"01201120"``). An architecture's ``code`` is its key read in base 3, which is also
its row in the sorted table (``naslib_mini.data.load_nas_bench_macro``).

Several keys are one network: an identity that keeps the shape computes nothing, so
where it sits inside a stage does not matter. The benchmark trained one network per
class and gave every key of the class its results; ``canonical`` reproduces its key
(the release's ``get_real_arch``: inside each stage, after the first layer, identities
move to the end; 3,969 classes). The space keeps all 6,561 keys distinct, as the table
does, like NAS-Bench-201's isomorphic cells. Everything strategies call in their inner
loops is a look-up in tables built once at import. Knows nothing about scores; the
network is built by ``macro_network.py``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np

from naslib_mini.spaces.base import SPACES, Decision, SearchSpace, require_rng, require_str, scale_channels
from naslib_mini.spaces.macro_network import HEAD_CHANNELS, STAGES, MacroBody

__all__ = ["CHOICES", "LAYER_OPS", "MacroArch", "MacroSpace", "SIZE"]

#: The benchmark's names of the three choices, in the order of the key's digits.
CHOICES: tuple[str, ...] = ("identity", "mb3_k3", "mb6_k5")
#: The operation of the one table (``spaces/ops.py``) that each choice builds.
LAYER_OPS: tuple[str, ...] = ("mb_identity", "mb3_k3", "mb6_k5")
N_LAYERS, N_CHOICES = sum(STAGES), len(CHOICES)
SIZE = N_CHOICES ** N_LAYERS
PLACE = tuple(N_CHOICES ** (N_LAYERS - 1 - i) for i in range(N_LAYERS))  # layer 0 is the most significant digit


@dataclass(frozen=True, slots=True)
class MacroArch:
    """A NAS-Bench-Macro architecture: the choice (0, 1 or 2) of each of the 8 layers.

    Attributes:
        digits: One index into ``CHOICES`` per layer, input to output.
        code: The digits read as a base-3 number: the row of the sorted table.

    Example:
        >>> a = MacroArch((0, 1, 2, 0, 1, 1, 2, 0))
        >>> str(a), a.code
        ('01201120', 1257)
        >>> MacroArch((0, 3, 0, 0, 0, 0, 0, 0))
        Traceback (most recent call last):
        ...
        ValueError: NAS-Bench-Macro layers take choices 0, 1 or 2 (identity, mb3_k3, mb6_k5), got (0, 3, 0, 0, 0, 0, 0, 0)
    """

    digits: tuple[int, ...]
    code: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        digits = tuple(self.digits)
        if len(digits) != N_LAYERS:
            raise ValueError(f"a NAS-Bench-Macro architecture has {N_LAYERS} layers, got {len(digits)}: {digits!r}")
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and 0 <= d < N_CHOICES
                   for d in digits):
            raise ValueError(f"NAS-Bench-Macro layers take choices 0, 1 or 2 ({', '.join(CHOICES)}), got {digits!r}")
        digits = tuple(int(d) for d in digits)
        object.__setattr__(self, "digits", digits)
        object.__setattr__(self, "code", sum(d * p for d, p in zip(digits, PLACE)))

    def __str__(self) -> str:
        return "".join(map(str, self.digits))


def _real_key(digits: tuple[int, ...]) -> str:
    """The benchmark's key of the network ``digits`` builds: in each stage, identities after the first layer last."""
    key, position = [], 0
    for stage in STAGES:
        first, rest = digits[position], digits[position + 1:position + stage]
        key += [first] + [d for d in rest if d != 0] + [0] * rest.count(0)
        position += stage
    return "".join(map(str, key))


ARCHS: tuple[MacroArch, ...] = tuple(MacroArch(d) for d in itertools.product(range(N_CHOICES), repeat=N_LAYERS))
STRINGS: tuple[str, ...] = tuple(str(a) for a in ARCHS)
ARCH_OF_STR: dict[str, MacroArch] = dict(zip(STRINGS, ARCHS))
CANONICAL: tuple[str, ...] = tuple(_real_key(a.digits) for a in ARCHS)
_DECISIONS = tuple(Decision(f"layer{i + 1}", CHOICES) for i in range(N_LAYERS))


@SPACES.register("nas-bench-macro", aliases=("macro",))
class MacroSpace(SearchSpace):
    """NAS-Bench-Macro: 8 layers x 3 choices = 6,561 chain networks (Su et al. 2021).

    Args:
        width: Channels ``C`` of the stem (stages have 2C, 4C, 8C); 32 in the benchmark.
        head_channels: Channels of the 1x1 convolution before pooling; 1280 in the benchmark.

    Encoding: ``"onehot"`` (24 values, 3 per layer).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("macro")
        >>> arch = space.from_str("01201120")
        >>> space.size(), len(space.neighbours(arch)), space.canonical(arch)
        (6561, 16, '01210120')
        >>> spec = nm.TaskSpec("cifar10", (3, 32, 32), 10)
        >>> nm.count_params(nm.build_network(space, space.from_str("00000000"), spec))
        387882
    """

    name = "nas-bench-macro"

    def __init__(self, width: int = 32, head_channels: int = HEAD_CHANNELS) -> None:
        for label, value in (("width", width), ("head_channels", head_channels)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be a positive integer, got {value!r}")
        self.width, self.head_channels = width, head_channels

    # -- decisions and strings -------------------------------------------------
    def decisions(self) -> tuple[Decision, ...]:
        return _DECISIONS

    def to_decisions(self, arch: MacroArch) -> tuple[int, ...]:
        return self._arch(arch).digits

    def from_decisions(self, indices: Sequence[int]) -> MacroArch:
        if len(indices) != N_LAYERS:
            raise ValueError(f"expected {N_LAYERS} decisions, got {len(indices)}: {list(indices)!r}")
        code = 0
        for index in indices:
            if not 0 <= index < N_CHOICES:
                raise ValueError(f"decision index {index!r} out of range; valid choices: 0..{N_CHOICES - 1}")
            code = code * N_CHOICES + int(index)
        return ARCHS[code]

    def to_str(self, arch: MacroArch) -> str:
        return STRINGS[self._arch(arch).code]

    def from_str(self, text: str) -> MacroArch:
        key = require_str(text, "NAS-Bench-Macro", "01201120").strip()
        arch = ARCH_OF_STR.get(key)
        if arch is None:
            raise ValueError(f"{text!r} is not a NAS-Bench-Macro key: expected {N_LAYERS} digits, each 0 "
                             f"({CHOICES[0]}), 1 ({CHOICES[1]}) or 2 ({CHOICES[2]}), such as '01201120'")
        return arch

    # -- counting, sampling, moves -----------------------------------------------
    def size(self) -> int:
        return SIZE

    def __iter__(self) -> Iterator[MacroArch]:
        return iter(ARCHS)

    def sample(self, rng: np.random.Generator) -> MacroArch:
        return ARCHS[int(require_rng(rng).integers(SIZE))]

    def neighbours(self, arch: MacroArch) -> list[MacroArch]:
        """The 16 architectures that differ from ``arch`` in one layer, layer by layer."""
        code, digits = arch.code, self._arch(arch).digits
        return [ARCHS[code + (choice - digits[i]) * PLACE[i]]
                for i in range(N_LAYERS) for choice in range(N_CHOICES) if choice != digits[i]]

    def mutate(self, arch: MacroArch, rng: np.random.Generator) -> MacroArch:
        """Change one uniformly chosen layer to one of its 2 other choices (uniform over 16 neighbours)."""
        digits = self._arch(arch).digits
        layer, shift = divmod(int(require_rng(rng).integers(N_LAYERS * (N_CHOICES - 1))), N_CHOICES - 1)
        old = digits[layer]
        return ARCHS[arch.code + ((old + shift + 1) % N_CHOICES - old) * PLACE[layer]]

    # -- growth, for progressive search (PNAS) ----------------------------------------
    def blocks(self, arch: MacroArch) -> int:
        """The network's size in progressive search: its MobileNet blocks (layers that are not identities).

        Growing depth this way reaches every key: a block may go into any identity layer,
        not only the next one from the input, so the growth matches the space the
        benchmark trained (``canonical`` merges the placements that build one network).

        Example:
            >>> MacroSpace().blocks(MacroSpace().from_str("01201120"))
            5
        """
        return N_LAYERS - self._arch(arch).digits.count(0)

    def grow(self, arch: MacroArch) -> list[MacroArch]:
        """The keys one block larger: one identity layer made ``mb3_k3`` or ``mb6_k5``, layer by layer.

        Example:
            >>> [str(a) for a in MacroSpace().grow(MacroSpace().from_str("22222201"))]
            ['22222211', '22222221']
        """
        code, digits = arch.code, self._arch(arch).digits
        return [ARCHS[code + choice * PLACE[i]] for i in range(N_LAYERS) if digits[i] == 0
                for choice in range(1, N_CHOICES)]

    def smallest_archs(self) -> list[MacroArch]:
        """Where progressive search starts: the 16 keys with one block (12 distinct networks)."""
        return self.grow(ARCHS[0])

    # -- the benchmark's identities ------------------------------------------------
    def index(self, arch: MacroArch) -> int:
        """The row of ``arch`` in the table sorted by key (its base-3 code)."""
        return self._arch(arch).code

    def canonical(self, arch: MacroArch) -> str:
        """The key of the network the benchmark trained for ``arch`` (its ``get_real_arch``).

        Example:
            >>> MacroSpace().canonical(MacroSpace().from_str("01201120"))
            '01210120'
        """
        return CANONICAL[self._arch(arch).code]

    def is_isomorphic(self, first: MacroArch, second: MacroArch) -> bool:
        """Whether the two keys build the same network (the benchmark gives them the same results)."""
        return self.canonical(first) == self.canonical(second)

    # -- networks ------------------------------------------------------------------------
    @property
    def stem_channels(self) -> int:
        return self.width

    def build_body(self, arch: MacroArch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0) -> MacroBody:
        # The stage widths follow from in_channels, which the builder has scaled; the head's are the arch's own.
        ops = [LAYER_OPS[d] for d in self._arch(arch).digits]
        return MacroBody(ops, in_channels, input_size, scale_channels(self.head_channels, width_multiplier))

    def _arch(self, arch: object) -> MacroArch:
        if not isinstance(arch, MacroArch):
            raise TypeError(f"expected a MacroArch of the nas-bench-macro space, got {type(arch).__name__}: {arch!r}")
        return arch

    def __repr__(self) -> str:
        return f"MacroSpace(width={self.width}, head_channels={self.head_channels})"
