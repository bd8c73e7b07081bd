"""The attention gate of Attention U-Net (Oktay et al. 2018), as one operation of the chain.

Oktay et al. gate a feature map ``x`` with a gating signal ``g`` taken at a coarser
scale (Sec. 2, Eq. 1-2): ``x`` is brought to ``g``'s grid by a 1x1x1 convolution
``W_x`` of stride 2, ``g`` by a 1x1x1 convolution ``W_g`` with bias; their sum passes
a ReLU and a 1x1x1 convolution ``psi`` to one channel, whose sigmoid is the
attention map ``alpha`` in (0, 1). ``alpha`` is resampled to ``x``'s grid by
(tri)linear interpolation and multiplies ``x`` voxel by voxel; a 1x1x1
convolution and batch norm (``W`` in the authors' code) transform the gated
features. The intermediate width is half the input's, as there.

In a chain layer there is one input, so the gating signal is computed from it: a
stride-2 ReLU-Conv-BN of ``x`` plays the part of the decoder's coarser map, which
is the self-gated form of the grid attention. The final 1x1 convolution takes the
layer's stride and output channels, so the gate is a drop-in operation of the
table (``spaces/ops.py``). It works on 1D, 2D and 3D inputs; ``attention_map``
returns ``alpha`` at the input's resolution so that a notebook can show where
the gate looks. Knows nothing about spaces or search.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["AttentionGate"]

#: Interpolation that resamples the attention map, per number of spatial dimensions.
_MODES = {1: "linear", 2: "bilinear", 3: "trilinear"}


class AttentionGate(nn.Module):
    """Additive attention gate: ``W(alpha * x)`` with ``alpha = sigmoid(psi(relu(W_x x + W_g g)))``.

    Args:
        c_in: Channels of the input ``x``.
        c_out: Channels of the output.
        stride: Stride of the output transform (1, or 2 to halve each side).
        ndim: Spatial dimensions of the input (1, 2 or 3).
        kernel: Kernel of the convolution that computes the gating signal.

    Example:
        >>> gate = AttentionGate(8, 16, 2, ndim=3)
        >>> x = torch.randn(2, 8, 6, 6, 6)
        >>> tuple(gate(x).shape), tuple(gate.attention_map(x).shape)
        ((2, 16, 3, 3, 3), (2, 1, 6, 6, 6))
    """

    def __init__(self, c_in: int, c_out: int, stride: int, ndim: int, kernel: int = 3) -> None:
        super().__init__()
        from naslib_mini.spaces.ops import ConvBN, ReLUConvBN, conv  # ops builds this module: import late

        Conv = conv(ndim)
        inter = max(1, c_in // 2)
        self.mode = _MODES[ndim]
        self.gating = ReLUConvBN(c_in, c_in, kernel, 2, ndim)  # g: the input at the coarser scale
        self.theta = Conv(c_in, inter, 1, 2, bias=False)  # W_x, on g's grid
        self.phi = Conv(c_in, inter, 1, bias=True)  # W_g and b_g
        self.psi = Conv(inter, 1, 1, bias=True)  # psi and b_psi
        self.out = ConvBN(c_in, c_out, stride, ndim)  # W: transforms the gated features

    def attention_map(self, x: torch.Tensor) -> torch.Tensor:
        """``alpha``: one attention coefficient in (0, 1) per position of ``x``, shape ``(n, 1, *x.shape[2:])``."""
        q = self.psi(F.relu(self.theta(x) + self.phi(self.gating(x))))
        return F.interpolate(torch.sigmoid(q), size=x.shape[2:], mode=self.mode, align_corners=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(x * self.attention_map(x))
