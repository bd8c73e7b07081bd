"""The chain supernet: weights shared by layer position and operation, sliced to each layer's widths.

A chain architecture varies in depth and, per layer, in operation, channels, stride
and connection (``spaces/chain.py``), and a dense layer reads a concatenation whose
width depends on every earlier layer. Keying weights by exact input and output widths
would need weights for combinations no search ever meets, so this supernet shares
them the way channel-searching supernets do (Guo et al. 2020, SPOS's channel choice;
Cai et al. 2020, Once-for-All): one module per

* **(layer position, operation)** for the layer's own operation, built by the one
  table (``spaces/ops.py``) at the widest input the position can receive (the stem
  plus every earlier layer at the widest channels when ``dense`` is allowed) and the
  widest output channels;
* **(layer position, "skip")** for the skip projection, and **(layer position,
  "parallel", operation)** for a parallel branch (a fresh instance of the previous
  layer's operation, as in the stand-alone network).

A layer with ``c_in`` input and ``c_out`` output channels uses the first ``c_out``
output and first ``c_in`` input channels of its module's tensors (and the first
``c_out`` batch-norm statistics); the head's classifier uses the first columns for
the last layer's channels. Stride and depth do not change a weight's shape, so they
share weights: a layer at position 3 uses the same weights at stride 1 or 2, in a
chain of depth 3 or 6. Pooling and identity have weights only when they project to
other channels (the table's 1x1 projection), kept as their own module per position.

The path itself is literally the stand-alone network: ``select`` builds
``build_network``'s network for the architecture on the ``meta`` device (shapes
only, no memory) and ``forward`` runs it with ``torch.func.functional_call`` on
slices (views) of the shared tensors, so gradients and batch-norm statistics flow
back into the supernet and a sub-network is the space's network by construction.
Knows nothing about training or scores.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Hashable, Iterator

import torch
from torch import nn
from torch.func import functional_call

from naslib_mini.networks import Network, build_head, build_network, build_stem
from naslib_mini.spaces.chain import ChainSpace
from naslib_mini.spaces.chain_network import projection
from naslib_mini.spaces.ops import OPS
from naslib_mini.supernet.base import Supernet, base_space
from naslib_mini.tasks.base import TaskSpec

__all__ = ["ChainSupernet"]

#: How a stand-alone tensor is read from the supernet: (its name, the supernet tensor's name, the slice).
Plan = list[tuple[str, str, tuple[slice, ...]]]


def _key(position: int, role: str, op: str = "", projects: bool = False) -> str:
    return f"{position}_{role}" + (f"_{op}" if op else "") + ("_proj" if projects else "")


def _other(widest: int, c_in: int) -> int:
    """Output channels that differ from ``c_in``, so the table builds an operation's projecting form."""
    return widest if widest != c_in else widest + 1


class ChainSupernet(Supernet):
    """The SPOS supernet of a chain space (``ChainSpace`` or a subset of it); see the module docstring.

    Args:
        space: The chain space (or a ``SubsetSpace`` of one).
        spec: The task spec (input shape, dimensionality, classes).
        cache_size: Stand-alone (shape-only) networks kept for recently selected architectures.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(4, 8), max_depth=3)
        >>> supernet = ChainSupernet(space, nm.TaskSpec("toy", (1, 12), 3))
        >>> arch = space.from_str("conv3x3-8-s2-series|maxpool3x3-4-s1-dense")
        >>> supernet.select(arch)
        >>> net = supernet.subnet(arch).eval()
        >>> x = torch.randn(2, 1, 12, generator=torch.Generator().manual_seed(0))
        >>> bool(torch.allclose(net(x), supernet.eval()(x)))
        True
    """

    def __init__(self, space: ChainSpace, spec: TaskSpec, cache_size: int = 256) -> None:
        super().__init__(space, spec)
        base = base_space(space)
        if not isinstance(base, ChainSpace):
            raise TypeError(f"ChainSupernet needs a ChainSpace, got {space!r}")
        cfg, ndim = base.config, spec.ndim
        widest, stem = max(cfg.channels), cfg.stem_channels
        self.stem = build_stem(spec, stem)
        store: dict[str, nn.Module] = {}
        for i in range(cfg.max_depth):
            previous = stem if i == 0 else widest  # the widest map a layer at position i follows
            reads = stem + i * widest if i > 0 and "dense" in cfg.connections else previous
            for name in cfg.ops:
                op = OPS[name]
                if op.has_weights:
                    store[_key(i, "op", name)] = op.build(reads, widest, 1, ndim)
                elif not op.is_zero:
                    store[_key(i, "op", name, True)] = op.build(reads, _other(widest, reads), 1, ndim)
                if i > 0 and "parallel" in cfg.connections:
                    if op.has_weights:
                        store[_key(i, "parallel", name)] = op.build(previous, widest, 1, ndim)
                    elif not op.is_zero:
                        store[_key(i, "parallel", name, True)] = op.build(previous, _other(widest, previous), 1,
                                                                          ndim)
            if "skip" in cfg.connections:  # stride 2 gives the projecting form; shapes do not depend on it
                store[_key(i, "skip")] = projection(previous, widest, 2, ndim)
        self.store = nn.ModuleDict(store)
        self.head = build_head(spec, widest)
        self._stem_channels, self._cache_size = stem, cache_size
        self._paths: OrderedDict[Hashable, tuple[Network, Plan]] = OrderedDict()
        self._active: tuple[Network, Plan] | None = None

    # -- paths ------------------------------------------------------------------------------------
    def select(self, arch: Hashable) -> None:
        path = self._paths.pop(arch, None)
        if path is None:
            path = self._plan(arch)
        self._paths[arch] = path
        while len(self._paths) > self._cache_size:
            self._paths.popitem(last=False)
        self._active = path

    def _plan(self, arch: Hashable) -> tuple[Network, Plan]:
        with torch.device("meta"):
            net = build_network(self.space, arch, self.spec)
        layers = arch.layers
        channels = [self._stem_channels] + [layer.channels for layer in layers]
        plan: Plan = []
        for name, tensor in net.state_dict(keep_vars=True).items():
            plan.append((name, self._source(name, layers, net, channels), tuple(slice(0, n) for n in tensor.shape)))
        return net, plan

    def _source(self, name: str, layers, net: Network, channels: list[int]) -> str:
        """The name of the supernet tensor that the stand-alone tensor ``name`` is a slice of."""
        if not name.startswith("body."):
            return name  # stem and head: the same modules, the head's classifier sliced
        _, _, index, role, rest = name.split(".", 4)  # body.layers.<i>.<op|branch>.<rest>
        i = int(index)
        layer = layers[i]
        if role == "op":
            c_in = sum(channels[j] for j in net.body.layers[i].sources)
            op = OPS[layer.op]
            key = _key(i, "op", layer.op, not op.has_weights and c_in != layer.channels)
        elif layer.connection == "skip":
            key = _key(i, "skip")
        else:  # parallel: the previous layer's operation on the previous map
            op = OPS[layers[i - 1].op]
            key = _key(i, "parallel", op.name, not op.has_weights and channels[i] != layer.channels)
        return f"store.{key}.{rest}"

    def path_modules(self) -> Iterator[nn.Module]:
        return self._require_path()[0].modules()

    def _require_path(self) -> tuple[Network, Plan]:
        if self._active is None:
            raise RuntimeError("no path selected: call select(arch) before running the supernet")
        return self._active

    def _tensors(self, plan: Plan) -> dict[str, torch.Tensor]:
        sources = dict(self.named_parameters())
        sources.update(self.named_buffers())
        return {name: sources[source][index] for name, source, index in plan}

    # -- running and extracting -------------------------------------------------------------------
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        net, plan = self._require_path()
        net.train(self.training)
        return functional_call(net, self._tensors(plan), (x,))

    def subnet_state_dict(self, arch: Hashable) -> dict[str, torch.Tensor]:
        self.select(arch)
        return {name: tensor.detach().clone() for name, tensor in self._tensors(self._active[1]).items()}
