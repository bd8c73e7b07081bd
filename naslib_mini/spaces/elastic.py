"""The space of Once-for-All sub-networks: stages of MobileNet blocks with an elastic
kernel, depth and width (Cai et al., "Once-for-All: Train One Network and Specialize it
for Efficient Deployment", ICLR 2020, Sec. 3).

A network is a stem, ``len(stage_channels)`` stages and a head. Stage ``s`` holds ``d_s``
MobileNetV2 blocks (``d_s`` one of ``depths``; the first block has the stage's stride and
output channels, the others keep the shape and add their input); each block picks its
depthwise kernel from ``kernels`` and its expansion ratio (the paper's *width*) from
``expansions``. An architecture is an ``ElasticArch``: per stage, the ``(kernel,
expansion)`` of each of its blocks. Strings read ``k5e4,k3e6|k7e3,...``: blocks of a stage
joined by ``,``, stages by ``|``.

Every sub-network is an architecture of a chain space (``chain_space``, ``to_chain``)
whose operations are the ``mbconv`` entries of the one table (``spaces/ops.py``), so the one
builder builds it (``naslib_mini.networks.build_network``). Knows nothing about weights,
supernets or training (``supernet/elastic.py`` holds the shared weights).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from naslib_mini.spaces.base import SPACES, Decision, SearchSpace, require_rng, require_str
from naslib_mini.spaces.chain import ChainArch, ChainSpace, Layer
from naslib_mini.spaces.ops import OPS

__all__ = ["ElasticArch", "ElasticConfig", "ElasticSpace", "mbconv_op"]

Block = tuple[int, int]  # (kernel, expansion)
_BLOCK = re.compile(r"^k(\d+)e(\d+)$")


def mbconv_op(kernel: int, expansion: int) -> str:
    """The name of the table's MobileNet block with this depthwise ``kernel`` and ``expansion`` ratio.

    Example:
        >>> mbconv_op(7, 4)
        'mb4_k7'
    """
    for op in OPS.values():
        if op.kind == "mbconv" and op.kernel == kernel and op.expansion == expansion:
            return op.name
    have = sorted((op.kernel, op.expansion) for op in OPS.values() if op.kind == "mbconv")
    raise ValueError(f"no mbconv operation with kernel {kernel!r} and expansion {expansion!r} in the "
                     f"operations table; (kernel, expansion) pairs there: {have}")


def _choices(name: str, values: Sequence[int], odd: bool = False) -> tuple[int, ...]:
    if isinstance(values, (str, int)):
        raise ValueError(f"{name} must be a list of choices, got {values!r}")
    values = tuple(sorted(int(v) for v in values))
    if not values or len(set(values)) != len(values) or min(values) < 1 or (odd and any(v % 2 == 0 for v in values)):
        kind = "odd positive" if odd else "positive"
        raise ValueError(f"{name} must be distinct {kind} integers, got {values!r}")
    return values


@dataclass(frozen=True)
class ElasticConfig:
    """The elastic dimensions and the fixed skeleton of a Once-for-All network.

    Attributes:
        stage_channels: Output channels of each stage.
        stage_strides: Stride (1 or 2) of each stage's first block.
        depths: Blocks a stage may keep (the paper: 2, 3, 4).
        kernels: Depthwise kernel sizes (odd; the paper: 3, 5, 7).
        expansions: Expansion ratios (the paper: 3, 4, 6).
        stem_channels: Channels of the stem's output.
    """

    stage_channels: tuple[int, ...] = (16, 24, 32)
    stage_strides: tuple[int, ...] = (1, 2, 2)
    depths: tuple[int, ...] = (2, 3, 4)
    kernels: tuple[int, ...] = (3, 5, 7)
    expansions: tuple[int, ...] = (3, 4, 6)
    stem_channels: int = 16

    def __post_init__(self) -> None:
        for name in ("stage_channels", "stage_strides"):
            value = getattr(self, name)
            if isinstance(value, (str, int)) or not len(value):
                raise ValueError(f"{name} must be a non-empty list, got {value!r}")
            object.__setattr__(self, name, tuple(int(v) for v in value))
        if len(self.stage_channels) != len(self.stage_strides):
            raise ValueError(f"stage_channels {self.stage_channels!r} and stage_strides {self.stage_strides!r} "
                             "must have one entry per stage")
        if min(self.stage_channels) < 1 or not set(self.stage_strides) <= {1, 2}:
            raise ValueError(f"stage channels must be positive and strides 1 or 2, got {self.stage_channels!r}, "
                             f"{self.stage_strides!r}")
        object.__setattr__(self, "depths", _choices("depths", self.depths))
        object.__setattr__(self, "kernels", _choices("kernels", self.kernels, odd=True))
        object.__setattr__(self, "expansions", _choices("expansions", self.expansions))
        if not (isinstance(self.stem_channels, int) and self.stem_channels >= 1):
            raise ValueError(f"stem_channels must be a positive integer, got {self.stem_channels!r}")
        for k in self.kernels:
            for e in self.expansions:
                mbconv_op(k, e)  # every block must be in the one table


@dataclass(frozen=True)
class ElasticArch:
    """A sub-network: per stage, the ``(kernel, expansion)`` of each block it keeps.

    Example:
        >>> a = ElasticArch((((3, 4), (5, 6)), ((7, 3), (3, 3))))
        >>> a.depths, a.blocks[1]
        ((2, 2), (5, 6))
    """

    stages: tuple[tuple[Block, ...], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", tuple(tuple(tuple(int(v) for v in b) for b in s) for s in self.stages))

    @property
    def depths(self) -> tuple[int, ...]:
        return tuple(len(stage) for stage in self.stages)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block, input to output."""
        return tuple(block for stage in self.stages for block in stage)


@SPACES.register("ofa")
class ElasticSpace(SearchSpace):
    """The Once-for-All sub-networks of an ``ElasticConfig`` (keyword arguments set its fields);
    registered as ``"ofa"``.

    Example:
        >>> space = ElasticSpace(depths=(1, 2), stage_channels=(8, 16), stage_strides=(1, 2))
        >>> arch = space.from_str("k7e6|k3e3,k5e4")
        >>> space.to_str(arch), space.size()
        ('k7e6|k3e3,k5e4', 8100)
        >>> space.chain_space().to_str(space.to_chain(arch))
        'mb6_k7-8-s1-series|mb3_k3-16-s2-series|mb4_k5-16-s1-series'
    """

    name = "ofa"

    def __init__(self, config: ElasticConfig | None = None, **fields) -> None:
        if config is not None and fields:
            raise ValueError("give an ElasticConfig or its fields as keywords, not both")
        self.config = config if config is not None else ElasticConfig(**fields)

    @property
    def stem_channels(self) -> int:
        return self.config.stem_channels

    @property
    def num_stages(self) -> int:
        return len(self.config.stage_channels)

    def largest(self) -> ElasticArch:
        """The full network: deepest stages, largest kernel and expansion everywhere (the paper's teacher)."""
        c = self.config
        return ElasticArch(((c.kernels[-1], c.expansions[-1]),) * c.depths[-1] for _ in range(self.num_stages))

    def smallest(self) -> ElasticArch:
        c = self.config
        return ElasticArch(((c.kernels[0], c.expansions[0]),) * c.depths[0] for _ in range(self.num_stages))

    # -- checks and strings ------------------------------------------------------------
    def check(self, arch: object) -> ElasticArch:
        """``arch`` if it is an architecture of this space; else ``ValueError`` naming the bad value."""
        if not isinstance(arch, ElasticArch):
            raise ValueError(f"expected an ElasticArch, got {type(arch).__name__}: {arch!r}")
        c = self.config
        if len(arch.stages) != self.num_stages:
            raise ValueError(f"architecture has {len(arch.stages)} stages, the space {self.num_stages}")
        for s, stage in enumerate(arch.stages):
            if len(stage) not in c.depths:
                raise ValueError(f"stage {s} has depth {len(stage)}; valid depths: {', '.join(map(str, c.depths))}")
            for kernel, expansion in stage:
                if kernel not in c.kernels:
                    raise ValueError(f"unknown kernel {kernel!r} in stage {s}; valid choices: "
                                     f"{', '.join(map(str, c.kernels))}")
                if expansion not in c.expansions:
                    raise ValueError(f"unknown expansion {expansion!r} in stage {s}; valid choices: "
                                     f"{', '.join(map(str, c.expansions))}")
        return arch

    def to_str(self, arch: ElasticArch) -> str:
        return "|".join(",".join(f"k{k}e{e}" for k, e in stage) for stage in self.check(arch).stages)

    def from_str(self, text: str) -> ElasticArch:
        stages = []
        for stage in require_str(text, f"space {self.name!r}", "k3e4,k5e6|k7e3,k3e3").split("|"):
            blocks = []
            for token in stage.split(","):
                match = _BLOCK.match(token.strip())
                if match is None:
                    raise ValueError(f"bad block {token!r} in {text!r}; expected k<kernel>e<expansion> such as 'k3e4'")
                blocks.append((int(match[1]), int(match[2])))
            stages.append(tuple(blocks))
        return self.check(ElasticArch(tuple(stages)))

    # -- the decision view -------------------------------------------------------------
    def decisions(self) -> tuple[Decision, ...]:
        c, out = self.config, []
        for s in range(self.num_stages):
            out.append(Decision(f"stage{s}.depth", c.depths))
            for b in range(c.depths[-1]):
                out += [Decision(f"stage{s}.block{b}.kernel", c.kernels),
                        Decision(f"stage{s}.block{b}.expansion", c.expansions)]
        return tuple(out)

    def to_decisions(self, arch: ElasticArch) -> tuple[int, ...]:
        c, out = self.config, []
        for stage in self.check(arch).stages:
            out.append(c.depths.index(len(stage)))
            for b in range(c.depths[-1]):
                k, e = stage[b] if b < len(stage) else (c.kernels[0], c.expansions[0])
                out += [c.kernels.index(k), c.expansions.index(e)]
        return tuple(out)

    def from_decisions(self, indices: Sequence[int]) -> ElasticArch:
        decisions = self.decisions()
        if len(indices) != len(decisions):
            raise ValueError(f"expected {len(decisions)} decision indices, got {len(indices)}")
        for decision, index in zip(decisions, indices):
            if not 0 <= int(index) < len(decision.choices):
                raise ValueError(f"index {index!r} out of range for decision {decision.name!r} "
                                 f"with {len(decision.choices)} choices")
        c, per_stage, stages = self.config, 1 + 2 * self.config.depths[-1], []
        for s in range(self.num_stages):
            row = indices[s * per_stage:(s + 1) * per_stage]
            depth = c.depths[row[0]]
            stages.append(tuple((c.kernels[row[1 + 2 * b]], c.expansions[row[2 + 2 * b]]) for b in range(depth)))
        return ElasticArch(tuple(stages))

    def encode(self, arch: ElasticArch, encoding: str = "onehot") -> np.ndarray:
        """Per stage a one-hot depth, then per block position a one-hot kernel and expansion (zeros for
        blocks the stage does not keep), the encoding of Once-for-All's accuracy predictor."""
        if encoding != "onehot":
            raise ValueError(f"unknown encoding {encoding!r} for space {self.name!r}; valid choices: onehot")
        c, parts = self.config, []
        for stage in self.check(arch).stages:
            parts.append(np.eye(len(c.depths))[c.depths.index(len(stage))])
            for b in range(c.depths[-1]):
                kernel, expansion = np.zeros(len(c.kernels)), np.zeros(len(c.expansions))
                if b < len(stage):
                    kernel[c.kernels.index(stage[b][0])] = 1.0
                    expansion[c.expansions.index(stage[b][1])] = 1.0
                parts += [kernel, expansion]
        return np.concatenate(parts)

    # -- counting and sampling ---------------------------------------------------------
    def size(self) -> int:
        grid = len(self.config.kernels) * len(self.config.expansions)
        return sum(grid ** d for d in self.config.depths) ** self.num_stages

    def sample(self, rng: np.random.Generator) -> ElasticArch:
        """Each stage's depth, and each block's kernel and expansion, drawn uniformly (``sample_elastic``).

        As Once-for-All samples, and unlike the other spaces: distinct architectures are not equally
        likely. Uniform ones would mostly have the deepest stages (9^4 of the 9^2 + 9^3 + 9^4 stages of
        the default space, 89%; all three stages deepest 70% of the time), and a search started from
        them would rarely meet a small, fast sub-network.
        """
        return self.sample_elastic(rng)

    def sample_elastic(self, rng: np.random.Generator, kernels: Sequence[int] | None = None,
                       depths: Sequence[int] | None = None, expansions: Sequence[int] | None = None, *,
                       fixed_depths: Sequence[int] | None = None) -> ElasticArch:
        """Each dimension drawn uniformly from its allowed values, as progressive shrinking samples.

        ``kernels``, ``depths`` and ``expansions`` restrict the choices (default: all of the space's);
        ``fixed_depths`` gives every stage's depth instead of drawing it.

        Example:
            >>> space = ElasticSpace()
            >>> space.to_str(space.sample_elastic(np.random.default_rng(0), kernels=(3,), expansions=(6,),
            ...                                   fixed_depths=(2, 2, 3)))
            'k3e6,k3e6|k3e6,k3e6|k3e6,k3e6,k3e6'
        
        """
        rng, c = require_rng(rng), self.config
        kernels, depths, expansions = (tuple(v) if v is not None else d for v, d in
                                       ((kernels, c.kernels), (depths, c.depths), (expansions, c.expansions)))
        if fixed_depths is None:
            fixed_depths = [int(rng.choice(depths)) for _ in range(self.num_stages)]
        stages = tuple(tuple((int(rng.choice(kernels)), int(rng.choice(expansions))) for _ in range(d))
                       for d in fixed_depths)
        return self.check(ElasticArch(stages))

    # -- the chain view and networks ---------------------------------------------------
    def chain_space(self) -> ChainSpace:
        """The chain space that holds every sub-network (series layers of the table's ``mbconv`` blocks)."""
        return self._chain

    @cached_property
    def _chain(self) -> ChainSpace:
        c = self.config
        ops = tuple(mbconv_op(k, e) for k in c.kernels for e in c.expansions)
        return ChainSpace(ops=ops, channels=tuple(sorted(set(c.stage_channels))),
                          strides=tuple(sorted(set(c.stage_strides) | {1})), connections=("series",),
                          min_depth=self.num_stages * c.depths[0], max_depth=self.num_stages * c.depths[-1],
                          stem_channels=c.stem_channels)

    def to_chain(self, arch: ElasticArch) -> ChainArch:
        """``arch`` as an architecture of ``chain_space()``: one series layer per block."""
        c, layers = self.config, []
        for s, stage in enumerate(self.check(arch).stages):
            for b, (kernel, expansion) in enumerate(stage):
                stride = c.stage_strides[s] if b == 0 else 1
                layers.append(Layer(mbconv_op(kernel, expansion), c.stage_channels[s], stride, "series"))
        return ChainArch(tuple(layers))

    def build_body(self, arch: ElasticArch, in_channels: int, input_size: Sequence[int], *,
                   width_multiplier: float = 1.0):
        """The chain body of ``to_chain(arch)`` (``ChainSpace.build_body``)."""
        chain = self._chain
        if width_multiplier == 1:
            return chain.build_body(self.to_chain(arch), in_channels, input_size)
        return chain.build_body(self.to_chain(arch), in_channels, input_size, width_multiplier=width_multiplier)

    def __repr__(self) -> str:
        return f"ElasticSpace({self.config!r}, size={self.size():,})"
