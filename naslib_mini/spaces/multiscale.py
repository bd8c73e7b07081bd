"""The multi-scale fusion block: parallel convolutions at several kernel sizes or
dilations, fused by concatenation and a 1x1 convolution, or by a sum.

Concatenating parallel branches of different kernel sizes is the Inception module
(Szegedy et al. 2015, "Going deeper with convolutions"); parallel 3x3 convolutions
at several dilation rates, concatenated and projected by a 1x1 convolution with
batch norm, are the atrous spatial pyramid pooling of DeepLab (Chen et al. 2017,
"Rethinking atrous convolution", ASPP without its image-pooling branch). Each
branch is a ReLU-Conv-BN of the table (``spaces/ops.py``) with the layer's output
channels and stride, so every branch sees the same input at its own receptive
field; ``"sum"`` adds the branches instead of concatenating them (no projection,
fewer weights). Works on 1D, 2D and 3D inputs. Knows nothing about spaces or search.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

__all__ = ["FUSIONS", "MultiScaleFusion"]

#: How the branches are fused: concatenation and a 1x1 Conv-BN, or their sum.
FUSIONS = ("concat", "sum")


class MultiScaleFusion(nn.Module):
    """Parallel ReLU-Conv-BN branches, one per ``(kernel, dilation)``, fused by ``fusion``.

    Args:
        c_in: Input channels.
        c_out: Output channels (of every branch, and of the fused output).
        stride: Stride of every branch.
        ndim: Spatial dimensions (1, 2 or 3).
        branches: ``(kernel, dilation)`` of each branch; odd kernels keep the grids aligned.
        fusion: ``"concat"`` (concatenate, then a linear 1x1 Conv-BN to ``c_out``) or ``"sum"``.

    Example:
        >>> block = MultiScaleFusion(4, 8, 1, ndim=3, branches=((3, 1), (3, 2), (3, 4)))
        >>> tuple(block(torch.randn(2, 4, 9, 9, 9)).shape)
        (2, 8, 9, 9, 9)
    """

    def __init__(self, c_in: int, c_out: int, stride: int, ndim: int,
                 branches: Sequence[tuple[int, int]], fusion: str = "concat") -> None:
        super().__init__()
        from naslib_mini.spaces.ops import ConvBN, ReLUConvBN  # ops builds this module: import late

        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; valid choices: {', '.join(FUSIONS)}")
        self.branches = nn.ModuleList(ReLUConvBN(c_in, c_out, kernel, stride, ndim, dilation)
                                      for kernel, dilation in branches)
        self.fuse = ConvBN(len(branches) * c_out, c_out, 1, ndim) if fusion == "concat" else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs = [branch(x) for branch in self.branches]
        if self.fuse is None:
            return sum(outputs[1:], outputs[0])
        return self.fuse(torch.cat(outputs, dim=1))
