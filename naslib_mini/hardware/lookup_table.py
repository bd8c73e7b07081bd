"""A per-operation latency lookup table: predict a network's latency without running it.

ProxylessNAS (Cai et al. 2019) and Once-for-All (Cai et al. 2020) predict a network's
latency as the sum, over its operations, of each operation's latency measured once at
the shape it occurs in. Here the operations of a network are the modules the one
operations table built (``spaces/ops.py``: convolutions, MobileNet blocks, pools,
identities, zeros, attention gates, multi-scale fusion blocks, each timed whole), and
every other part that holds none of them (the stem, the head, a
reduction block): the smallest pieces that are searched, plus the fixed ones. Each is
keyed by its configuration (its ``repr``, which names its layers, channels, kernels and
strides) and the shape of its input, and timed alone, like a whole network, by
``measure_latency`` (batch 1, fixed threads, the median of repeated samples).

Shapes are traced on PyTorch's ``meta`` device, where a forward pass computes shapes
and nothing else, so ``predict`` never runs the network. What is not a module (a cell's
sums and concatenations, the framework's dispatch between operations) is not in the
table: the sum ranks networks more faithfully than it matches their milliseconds, and
``benchmarks/latency_table.py`` reports both its rank correlation and its error.
Knows nothing about spaces or search.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from naslib_mini.hardware.latency import measure_latency
from naslib_mini.spaces.attention_gate import AttentionGate
from naslib_mini.spaces.multiscale import MultiScaleFusion
from naslib_mini.spaces.ops import ConvBN, InvertedResidual, Pool, ReLUConvBN, Subsample, Zero

__all__ = ["OPERATION_MODULES", "LatencyTable", "OperationCall", "operation_calls"]

#: Module classes the operations table builds: each is one entry of a network's latency.
OPERATION_MODULES = (ConvBN, InvertedResidual, Pool, ReLUConvBN, Subsample, Zero, AttentionGate, MultiScaleFusion)


@dataclass(frozen=True)
class OperationCall:
    """One call of an operation in a forward pass.

    Attributes:
        name: The module's name in the network (``model.get_submodule(name)``).
        shape: The shape of its input, batch first.
        key: The table's key: the module's configuration and the input shape.
    """

    name: str
    shape: tuple[int, ...]
    key: str


def _pieces(module: nn.Module, prefix: str = "") -> list[tuple[str, nn.Module]]:
    """The modules whose latencies add up to the network's: operations, and parts that hold none."""
    if isinstance(module, OPERATION_MODULES) or not any(
            isinstance(m, OPERATION_MODULES) for m in module.modules()):
        return [(prefix, module)]
    pieces = []
    for name, child in module.named_children():
        pieces += _pieces(child, f"{prefix}.{name}" if prefix else name)
    return pieces


def operation_calls(model: nn.Module, input_shape: tuple[int, ...], *, batch_size: int = 1) -> list[OperationCall]:
    """The operations one forward pass of ``model`` calls, in order, with the shapes they see.

    The pass runs on a copy of the model on the ``meta`` device: shapes only, no arithmetic.

    Example:
        >>> import naslib_mini as nm
        >>> space, spec = nm.SPACES.create("nb201", cells_per_stage=1), nm.TaskSpec("toy", (1, 40), 10)
        >>> net = nm.build_network(space, space.sample(nm.default_rng(0)), spec)
        >>> calls = operation_calls(net, spec.input_shape)
        >>> calls[0].name, calls[-1].name
        ('stem', 'head')
    """
    meta = copy.deepcopy(model).to("meta").eval()
    calls: list[OperationCall] = []
    handles = []
    for name, piece in _pieces(meta):
        def hook(module: nn.Module, args: tuple, name: str = name) -> None:
            shape = tuple(args[0].shape)
            calls.append(OperationCall(name, shape, f"{module!r} @ {shape}"))
        handles.append(piece.register_forward_pre_hook(hook))
    try:
        with torch.no_grad():
            meta(torch.zeros(batch_size, *input_shape, device="meta"))
    finally:
        for handle in handles:
            handle.remove()
    return calls


class LatencyTable:
    """Milliseconds per operation and input shape, measured on this machine; sums predict networks.

    Args:
        threads: Intra-op threads the operations are timed with (as the networks they predict).
        repeats: Timed samples per operation.
        warmup: Untimed passes per operation first.

    Example:
        >>> import naslib_mini as nm
        >>> space, spec = nm.SPACES.create("nb201", cells_per_stage=1), nm.TaskSpec("toy", (1, 40), 10)
        >>> net = nm.build_network(space, space.sample(nm.default_rng(0)), spec)
        >>> table = LatencyTable(repeats=3, warmup=1)
        >>> table.add(net, spec.input_shape) == len(table) > 0
        True
        >>> table.predict(net, spec.input_shape) > 0
        True
    """

    def __init__(self, *, threads: int = 1, repeats: int = 15, warmup: int = 3) -> None:
        self.threads = threads
        self.repeats = repeats
        self.warmup = warmup
        self.entries_: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.entries_)

    def __contains__(self, key: str) -> bool:
        return key in self.entries_

    def add(self, model: nn.Module, input_shape: tuple[int, ...]) -> int:
        """Time every operation of ``model`` not yet in the table, alone, at the shape it sees there.

        Returns:
            How many operations were timed (the others were in the table already).
        """
        added = 0
        for call in operation_calls(model, input_shape):
            if call.key in self.entries_:
                continue
            latency = measure_latency(model.get_submodule(call.name), call.shape[1:], batch_size=call.shape[0],
                                      threads=self.threads, repeats=self.repeats, warmup=self.warmup)
            self.entries_[call.key] = latency.median_ms
            added += 1
        return added

    def missing(self, model: nn.Module, input_shape: tuple[int, ...]) -> list[str]:
        """Keys of the operations of ``model`` that the table does not hold."""
        return [c.key for c in operation_calls(model, input_shape) if c.key not in self.entries_]

    def predict(self, model: nn.Module, input_shape: tuple[int, ...]) -> float:
        """Predicted milliseconds of one pass of ``model``: the sum of its operations' entries.

        Raises:
            KeyError: If an operation of ``model`` is not in the table (``add`` measures it).
        """
        total = 0.0
        for call in operation_calls(model, input_shape):
            try:
                total += self.entries_[call.key]
            except KeyError:
                raise KeyError(f"operation {call.name!r} at input shape {call.shape} is not in the "
                               f"latency table ({len(self)} entries); add the network first") from None
        return total

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the table as JSON (its settings and entries)."""
        data = {"threads": self.threads, "repeats": self.repeats, "warmup": self.warmup, "entries": self.entries_}
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "LatencyTable":
        """Read a table written by ``save``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        table = cls(threads=data["threads"], repeats=data["repeats"], warmup=data["warmup"])
        table.entries_ = {str(k): float(v) for k, v in data["entries"].items()}
        return table
