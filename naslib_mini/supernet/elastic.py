"""The Once-for-All elastic supernet: one set of MobileNet-block weights for every sub-network
of an ``ElasticSpace`` (Cai et al., "Once-for-All: Train One Network and Specialize it for
Efficient Deployment", ICLR 2020, Sec. 3.2).

Each block position holds the largest block: a 1x1 expansion to ``c_in * max(expansions)``
channels, a depthwise convolution of the largest kernel, a linear 1x1 projection, and their
batch norms. A sub-network takes from it

* **elastic kernel**: the centre of the larger kernel, passed through a learned
  *kernel transformation matrix* per block and kernel step (7 -> 5, then 5 -> 3): the centre
  crop flattened to ``k^ndim`` values (``k x k`` in 1D, ``k^2 x k^2`` in 2D) times a
  ``k^ndim x k^ndim`` matrix shared by the block's channels, initialised to the identity;
* **elastic depth**: the first ``d`` blocks of each stage;
* **elastic width**: the first ``c_in * e`` hidden channels of a block (and of its batch-norm
  statistics). ``sort_channels`` re-orders every block's hidden channels in place by the L1
  norm of their projection weights, most important first, before width starts shrinking; a
  permutation, so the full network computes the same function afterwards.

``select(arch)`` chooses the sub-network ``forward`` runs; ``subnet(arch)`` (also ``extract``)
returns the stand-alone network that the one builder builds for it (``space.to_chain(arch)``
in the chain space of ``mbconv`` blocks), with the sub-network's weights copied in. Batch-norm
recalibration per sub-network is the supernet base class's ``recalibrate``. Knows nothing about
training, sampling schedules or search (``supernet/shrinking.py`` trains it).
"""
from __future__ import annotations

from typing import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.networks import Network, build_head, build_network, build_stem
from naslib_mini.spaces.elastic import ElasticArch, ElasticSpace
from naslib_mini.spaces.ops import batch_norm, conv
from naslib_mini.supernet.base import Supernet
from naslib_mini.tasks.base import TaskSpec

__all__ = ["ElasticBlock", "ElasticSupernet", "centre_crop"]

_CONV = (F.conv1d, F.conv2d, F.conv3d)


def centre_crop(weight: torch.Tensor, size: int, ndim: int) -> torch.Tensor:
    """The central ``size``-wide window of the last ``ndim`` dimensions of ``weight``.

    Example:
        >>> centre_crop(torch.arange(7.).view(1, 1, 7), 3, ndim=1)
        tensor([[[2., 3., 4.]]])
    """
    start = (weight.shape[-1] - size) // 2
    index = (Ellipsis,) + (slice(start, start + size),) * ndim
    return weight[index]


def _batch_norm(bn: nn.modules.batchnorm._BatchNorm, x: torch.Tensor, n: int) -> torch.Tensor:
    """``bn`` on ``x`` using its first ``n`` channels: ``_BatchNorm.forward`` on slices of its tensors."""
    factor = 0.0
    if bn.training and bn.track_running_stats:
        bn.num_batches_tracked.add_(1)
        factor = 1.0 / float(bn.num_batches_tracked) if bn.momentum is None else bn.momentum
    use_batch = bn.training or bn.running_mean is None
    return F.batch_norm(x, bn.running_mean[:n], bn.running_var[:n], bn.weight[:n], bn.bias[:n],
                        use_batch, factor, bn.eps)


class ElasticBlock(nn.Module):
    """The largest MobileNetV2 block of one position, run at any kernel and expansion of the space.

    Args:
        c_in, c_out: Channels in and out (fixed by the stage).
        stride: Stride of the depthwise convolution.
        ndim: Spatial dimensions of the input (1, 2 or 3).
        kernels: Depthwise kernel sizes, ascending.
        expansions: Expansion ratios, ascending.

    The tensors mirror ``ops.InvertedResidual``'s ``conv`` (indices 0, 1, 3, 4, 6, 7).
    """

    def __init__(self, c_in: int, c_out: int, stride: int, ndim: int, kernels: tuple[int, ...],
                 expansions: tuple[int, ...]) -> None:
        super().__init__()
        Conv, BN = conv(ndim), batch_norm(ndim)
        hidden = int(round(c_in * expansions[-1]))
        self.c_in, self.c_out, self.stride, self.ndim = c_in, c_out, stride, ndim
        self.kernels, self.expansions = kernels, expansions
        self.expand, self.bn1 = Conv(c_in, hidden, 1, bias=False), BN(hidden)
        self.depthwise = Conv(hidden, hidden, kernels[-1], stride, kernels[-1] // 2, groups=hidden, bias=False)
        self.bn2 = BN(hidden)
        self.project, self.bn3 = Conv(hidden, c_out, 1, bias=False), BN(c_out)
        #: Kernel transformation matrices, one per step from a kernel to the next smaller one.
        self.transforms = nn.ParameterDict({
            f"{big}to{small}": nn.Parameter(torch.eye(small ** ndim))
            for big, small in zip(kernels[:0:-1], kernels[-2::-1])})
        self.residual = c_in == c_out and stride == 1
        self.active: tuple[int, int] = (kernels[-1], expansions[-1])

    def hidden(self, expansion: int) -> int:
        """Hidden channels at ``expansion`` (``InvertedResidual``'s rounding)."""
        return int(round(self.c_in * expansion))

    def kernel_weight(self, kernel: int) -> torch.Tensor:
        """The depthwise weight at ``kernel``: centre crops, each through its transformation matrix.

        Example:
            >>> block = ElasticBlock(4, 4, 1, 2, (3, 5, 7), (3, 6))
            >>> tuple(block.kernel_weight(5).shape), tuple(block.transforms["5to3"].shape)
            ((24, 1, 5, 5), (9, 9))
        """
        if kernel not in self.kernels:
            raise ValueError(f"unknown kernel {kernel!r}; valid choices: {', '.join(map(str, self.kernels))}")
        weight = self.depthwise.weight
        for big, small in zip(self.kernels[:0:-1], self.kernels[-2::-1]):
            if big == kernel:
                break
            crop = centre_crop(weight, small, self.ndim)
            flat = F.linear(crop.reshape(crop.shape[0], -1), self.transforms[f"{big}to{small}"])
            weight = flat.view(crop.shape)
        return weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kernel, expansion = self.active
        n, run = self.hidden(expansion), _CONV[self.ndim - 1]
        y = F.relu(_batch_norm(self.bn1, run(x, self.expand.weight[:n]), n))
        y = run(y, self.kernel_weight(kernel)[:n], None, self.stride, kernel // 2, 1, n)
        y = F.relu(_batch_norm(self.bn2, y, n))
        y = _batch_norm(self.bn3, run(y, self.project.weight[:, :n]), self.c_out)
        return y + x if self.residual else y

    def state_for(self, kernel: int, expansion: int) -> dict[str, torch.Tensor]:
        """The tensors of ``InvertedResidual(c_in, c_out, kernel, expansion, ...).conv``, by its names (copies)."""
        n = self.hidden(expansion)
        out = {"0.weight": self.expand.weight[:n], "3.weight": self.kernel_weight(kernel)[:n],
               "6.weight": self.project.weight[:, :n]}
        for index, bn, width in ((1, self.bn1, n), (4, self.bn2, n), (7, self.bn3, self.c_out)):
            for name in ("weight", "bias", "running_mean", "running_var"):
                out[f"{index}.{name}"] = getattr(bn, name)[:width]
            out[f"{index}.num_batches_tracked"] = bn.num_batches_tracked
        return {name: tensor.detach().clone() for name, tensor in out.items()}

    @torch.no_grad()
    def sort_channels(self) -> torch.Tensor:
        """Re-order the hidden channels by the L1 norm of their projection weights, largest first.

        Returns:
            The permutation applied (new position -> old channel).
        """
        importance = self.project.weight.abs().sum(dim=[d for d in range(self.project.weight.dim()) if d != 1])
        order = torch.argsort(importance, descending=True, stable=True)
        self.expand.weight.copy_(self.expand.weight[order])
        self.depthwise.weight.copy_(self.depthwise.weight[order])
        self.project.weight.copy_(self.project.weight[:, order])
        for bn in (self.bn1, self.bn2):
            for tensor in (bn.weight, bn.bias, bn.running_mean, bn.running_var):
                tensor.copy_(tensor[order])
        return order


class ElasticSupernet(Supernet):
    """The Once-for-All supernet of an ``ElasticSpace`` on a task of ``spec`` (see the module docstring).

    Example:
        >>> import naslib_mini as nm
        >>> space = ElasticSpace(stage_channels=(8, 16), stage_strides=(1, 2), depths=(1, 2))
        >>> supernet = ElasticSupernet(space, nm.TaskSpec("toy", (1, 20), 3))
        >>> arch = space.from_str("k3e4|k5e3,k7e6")
        >>> supernet.select(arch)
        >>> net = supernet.extract(arch).eval()
        >>> x = torch.randn(4, 1, 20, generator=torch.Generator().manual_seed(0))
        >>> bool(torch.allclose(net(x), supernet.eval()(x), atol=1e-6))
        True
    """

    def __init__(self, space: ElasticSpace, spec: TaskSpec) -> None:
        if not isinstance(space, ElasticSpace):
            raise TypeError(f"ElasticSupernet needs an ElasticSpace, got {type(space).__name__}: {space!r}")
        super().__init__(space, spec)
        c, ndim = space.config, spec.ndim
        self.stem = build_stem(spec, c.stem_channels)
        stages, c_in = [], c.stem_channels
        for channels, stride in zip(c.stage_channels, c.stage_strides):
            blocks = []
            for b in range(c.depths[-1]):
                blocks.append(ElasticBlock(c_in, channels, stride if b == 0 else 1, ndim, c.kernels, c.expansions))
                c_in = channels
            stages.append(nn.ModuleList(blocks))
        self.stages = nn.ModuleList(stages)
        self.head = build_head(spec, c.stage_channels[-1])
        self.active_: ElasticArch | None = None

    def select(self, arch: ElasticArch) -> None:
        self.space.check(arch)
        for stage, blocks in zip(self.stages, arch.stages):
            for block, choice in zip(stage, blocks):
                block.active = choice
        self.active_ = arch

    def _blocks(self, arch: ElasticArch) -> Iterator[tuple[ElasticBlock, tuple[int, int]]]:
        for stage, blocks in zip(self.stages, arch.stages):
            yield from zip(stage, blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.active_ is None:
            raise RuntimeError("no sub-network selected: call select(arch) before running the supernet")
        x = self.stem(x)
        for block, _ in self._blocks(self.active_):
            x = block(x)
        return self.head(x)

    def path_modules(self) -> Iterator[nn.Module]:
        if self.active_ is None:
            raise RuntimeError("no sub-network selected: call select(arch) before recalibrating")
        yield from self.stem.modules()
        for block, _ in self._blocks(self.active_):
            yield from block.modules()

    def subnet_state_dict(self, arch: ElasticArch) -> dict[str, torch.Tensor]:
        self.space.check(arch)
        out = {f"stem.{k}": v.detach().clone() for k, v in self.stem.state_dict().items()}
        out.update({f"head.{k}": v.detach().clone() for k, v in self.head.state_dict().items()})
        for i, (block, (kernel, expansion)) in enumerate(self._blocks(arch)):
            for name, tensor in block.state_for(kernel, expansion).items():
                out[f"body.layers.{i}.op.conv.{name}"] = tensor
        return out

    def extract(self, arch: ElasticArch) -> Network:
        """The stand-alone network of ``arch`` (``build_network``'s, in ``space.chain_space()``) with the
        sub-network's weights: the same outputs as ``select(arch)`` then ``forward`` in eval mode."""
        net = build_network(self.space.chain_space(), self.space.to_chain(arch), self.spec)
        net.load_state_dict(self.subnet_state_dict(arch), strict=True)
        return net

    @torch.no_grad()
    def sort_channels(self) -> None:
        """Sort every block's hidden channels by importance (``ElasticBlock.sort_channels``)."""
        for stage in self.stages:
            for block in stage:
                block.sort_channels()
