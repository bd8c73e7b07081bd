"""The one network builder: architecture + space + task spec -> ``torch.nn.Module``.

Every network is stem -> body -> head. The task spec decides the stem's input
channels, the dimensionality (1D, 2D, 3D) and the head's classes; the space
builds the body from the one operations table (``spaces/ops.py``). Also
measures what hardware-aware search needs: parameters, FLOPs (with
``torch.utils.flop_counter``) and CPU latency. Knows nothing about training.
"""
from __future__ import annotations

import math
from typing import Hashable

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from naslib_mini.spaces.base import SearchSpace, scale_channels
from naslib_mini.spaces.ops import batch_norm, conv
from naslib_mini.tasks.base import TaskSpec

__all__ = ["Network", "build_head", "build_network", "build_stem", "count_flops", "count_params", "measure_latency",
           "meta_network"]


class Network(nn.Module):
    """A stem, a searched body and a classification head."""

    def __init__(self, stem: nn.Module, body: nn.Module, head: nn.Module) -> None:
        super().__init__()
        self.stem, self.body, self.head = stem, body, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(self.stem(x)))


def build_stem(spec: TaskSpec, channels: int) -> nn.Sequential:
    """The stem every network starts with: a 3x3 convolution to ``channels`` channels and batch norm.

    Supernets (``naslib_mini.supernet``) build their stem here too, so a sub-network's stem is
    the stand-alone network's stem.
    """
    ndim = spec.ndim
    return nn.Sequential(conv(ndim)(spec.input_shape[0], channels, 3, padding=1, bias=False),
                         batch_norm(ndim)(channels))


def build_head(spec: TaskSpec, in_channels: int) -> nn.Sequential:
    """The head every network ends with: global average pooling and a linear classifier.

    Example:
        >>> head = build_head(TaskSpec("toy", (1, 8, 8), 10), 16)
        >>> tuple(head(torch.zeros(2, 16, 3, 3)).shape)
        (2, 10)
    """
    pool = (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)[spec.ndim - 1](1)
    return nn.Sequential(pool, nn.Flatten(), nn.Linear(in_channels, spec.num_classes))


def build_network(space: SearchSpace, arch: Hashable, spec: TaskSpec, *,
                  width_multiplier: float = 1.0, head: bool = True) -> Network:
    """Build the network for ``arch`` on a task.

    The stem is a 3x3 convolution to ``space.stem_channels`` channels with batch
    norm; the head is global average pooling and a linear classifier.
    ``width_multiplier`` scales every channel count (the stem's, and through
    ``space.build_body`` the body's), rounded and at least 1: a narrower proxy of
    the same architecture (``0.5`` has about a quarter of the parameters).
    ``head=False`` leaves the classifier out (an identity head): the network returns the
    body's feature maps, ``out_channels`` of them, as a backbone for a detection head
    (``naslib_mini.detection``).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain")
        >>> spec = nm.TaskSpec("toy", (1, 8, 8), 10)
        >>> net = build_network(space, space.sample(nm.default_rng(0)), spec)
        >>> tuple(net(torch.zeros(2, 1, 8, 8)).shape)
        (2, 10)
    """
    if not (width_multiplier > 0 and math.isfinite(width_multiplier)):
        raise ValueError(f"width_multiplier must be a positive number, got {width_multiplier!r}")
    channels = scale_channels(space.stem_channels, width_multiplier)
    stem = build_stem(spec, channels)
    if width_multiplier == 1:  # spaces written before the multiplier keep working
        body = space.build_body(arch, channels, spec.input_shape[1:])
    else:
        body = space.build_body(arch, channels, spec.input_shape[1:], width_multiplier=width_multiplier)
    network = Network(stem, body, build_head(spec, body.out_channels) if head else nn.Identity())
    network.out_channels = body.out_channels
    return network


def meta_network(space: SearchSpace, arch: Hashable, spec: TaskSpec) -> Network:
    """The network of ``arch`` on the ``meta`` device: shapes only, no memory, no weights drawn (the global
    random generator untouched): what counting parameters or predicting latency from a table needs."""
    with torch.device("meta"):
        return build_network(space, arch, spec)


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_flops(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Floating-point operations of one forward pass on one input of ``input_shape``.

    Counted by ``torch.utils.flop_counter`` (a multiply-add is two FLOPs).
    """
    was_training = model.training
    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, *input_shape))
    model.train(was_training)
    return int(counter.get_total_flops())


def measure_latency(model: nn.Module, input_shape: tuple[int, ...], *, batch_size: int = 1,
                    repeats: int = 20, warmup: int = 3, device: str | torch.device = "cpu") -> float:
    """Median milliseconds of one forward pass measured on this machine, with PyTorch's threads as they are.

    Latency depends on the machine and its load; record it as a measurement, never
    compare it across machines. On a GPU each pass is timed up to the end of its
    kernels (CUDA runs them asynchronously, so the call alone returns early).
    ``naslib_mini.hardware.measure_latency`` (which this calls) fixes the threads,
    keeps the spread and measures onnxruntime too.
    """
    from naslib_mini.hardware.latency import measure_latency as measure  # hardware counts FLOPs with this module

    return measure(model, input_shape, batch_size=batch_size, threads=None, repeats=repeats, warmup=warmup,
                   device=device).median_ms
