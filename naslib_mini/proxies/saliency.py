"""Gradient-saliency zero-cost proxies: synflow, snip, grasp, fisher and grad_norm.

Each scores an untrained network from one batch (synflow from no data at all) by
how much its weights matter at initialisation, summed over every convolution and
linear layer, as Abdelfattah et al. ("Zero-Cost Proxies for Lightweight NAS",
ICLR 2021) turn pruning-at-initialisation saliencies into architecture scores:

- ``synflow``: ``sum |theta * dR/dtheta|`` with ``R = sum(f(1))``, the output of the
  network with every parameter replaced by its absolute value on an all-ones input
  (Tanaka et al., "Pruning neural networks without any data by iteratively
  conserving synaptic flow", NeurIPS 2020).
- ``snip``: ``sum |theta * dL/dtheta|`` for the cross-entropy ``L`` of the batch
  (Lee et al., "SNIP: Single-shot Network Pruning based on Connection Sensitivity",
  ICLR 2019).
- ``grasp``: ``sum -theta * (H g)`` with ``g = dL/dtheta`` and ``H`` the Hessian of
  ``L`` (Wang et al., "Picking Winning Tickets Before Training by Preserving Gradient
  Flow", ICLR 2020).
- ``fisher``: for each output channel of each layer, ``0.5 * mean over the batch of
  (sum over positions of a * dL/da)^2`` with ``a`` the layer's output (Turner et al.,
  "BlockSwap: Fisher-guided Block Substitution for Network Compression on a Budget",
  ICLR 2020, after Theis et al. 2018), summed over channels and layers.
- ``grad_norm``: ``sum over layers of ||dL/dW||_2`` (Abdelfattah et al. 2021).

Where the papers leave a choice open we follow the reference code of Abdelfattah et
al. (SamsungLabs/zero-cost-nas):

- synflow runs in double precision (its products overflow single precision on deep
  networks) on a copy whose batch norm layers pass their input through unchanged
  (that code's ``bn=False``), on one all-ones input of the batch's shape;
- the data-dependent proxies keep batch norm in training mode (batch statistics);
- grasp keeps that code's sign (``-theta * Hg``); the reference reports every proxy's
  rank correlation in absolute value, so whether a higher grasp marks a better
  architecture is a measured fact, not part of the definition;
- fisher counts each channel's Fisher information once per weight of the channel
  (that code broadcasts it to the channel's weights before summing), so layers with
  wide inputs weigh more.

Every proxy works on a deep copy, so the network it is given is untouched.
Knows nothing about search spaces, tasks or estimators.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["fisher", "grad_norm", "grasp", "prunable_layers", "snip", "synflow", "without_batch_norm"]

_PRUNABLE = (nn.modules.conv._ConvNd, nn.Linear)


def prunable_layers(net: nn.Module) -> list[nn.Module]:
    """Every convolution (1D, 2D, 3D) and linear layer of ``net``: the layers whose weights proxies score."""
    return [m for m in net.modules() if isinstance(m, _PRUNABLE)]


def without_batch_norm(net: nn.Module) -> nn.Module:
    """A deep copy of ``net`` in which every batch norm layer is an identity."""
    net = copy.deepcopy(net)
    for parent in list(net.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.modules.batchnorm._BatchNorm):
                setattr(parent, name, nn.Identity())
    return net


def _layer_sum(net: nn.Module, term) -> float:
    """``sum(term(layer))`` over the prunable layers that received a gradient, as a Python float."""
    with torch.no_grad():
        return float(sum(term(m) for m in prunable_layers(net) if m.weight.grad is not None))


def _loss_backward(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> nn.Module:
    """A training-mode copy of ``net`` after one backward pass of the batch's cross-entropy."""
    net = copy.deepcopy(net).train()
    net.zero_grad()
    F.cross_entropy(net(inputs), labels).backward()
    return net


def synflow(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> float:
    """Synaptic flow of ``net`` at its current weights; uses only the input's shape.

    Example:
        >>> net = nn.Sequential(nn.Linear(3, 2, bias=False), nn.ReLU(), nn.Linear(2, 1, bias=False))
        >>> with torch.no_grad():
        ...     _ = net[0].weight.fill_(-1.0), net[2].weight.fill_(2.0)
        >>> synflow(net, torch.zeros(5, 3))  # R = 2 * 2 * 3 = 12; each layer's sum |w * dR/dw| is R
        24.0
    """
    net = without_batch_norm(net).double().train()
    with torch.no_grad():
        for tensor in net.state_dict().values():
            if tensor.is_floating_point():
                tensor.abs_()
    net.zero_grad()
    net(torch.ones(1, *inputs.shape[1:], dtype=torch.float64)).sum().backward()
    return _layer_sum(net, lambda m: (m.weight * m.weight.grad).abs().sum())


def snip(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Connection sensitivity: ``sum |theta * dL/dtheta|`` over conv and linear weights."""
    net = _loss_backward(net, inputs, labels)
    return _layer_sum(net, lambda m: (m.weight * m.weight.grad).abs().sum())


def grad_norm(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Sum over conv and linear layers of the L2 norm of the loss gradient of their weights."""
    net = _loss_backward(net, inputs, labels)
    return _layer_sum(net, lambda m: m.weight.grad.norm())


def grasp(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Gradient signal preservation: ``sum -theta * H g`` over conv and linear weights.

    ``H g`` is a Hessian-vector product: the gradient of ``g . stop_gradient(g)``.
    """
    net = copy.deepcopy(net).train()
    weights = [m.weight for m in prunable_layers(net)]
    loss = F.cross_entropy(net(inputs), labels)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    loss = F.cross_entropy(net(inputs), labels)
    grads_graph = torch.autograd.grad(loss, weights, create_graph=True, allow_unused=True)
    pairs = [(w, g, gg) for w, g, gg in zip(weights, grads, grads_graph) if g is not None and gg is not None]
    if not pairs:
        return 0.0
    product = sum((g.detach() * gg).sum() for _, g, gg in pairs)
    hessian_g = torch.autograd.grad(product, [w for w, _, _ in pairs], allow_unused=True)
    with torch.no_grad():
        return float(sum((-w * hg).sum() for (w, _, _), hg in zip(pairs, hessian_g) if hg is not None))


def fisher(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Fisher information of each layer's output channels, times the channel's weights, summed."""
    net = copy.deepcopy(net).train()
    outputs: list[tuple[torch.Tensor, int]] = []

    def keep(module: nn.Module, args: tuple, output: torch.Tensor) -> None:
        if output.requires_grad:
            output.retain_grad()
            outputs.append((output, module.weight[0].numel()))

    handles = [m.register_forward_hook(keep) for m in prunable_layers(net)]
    try:
        F.cross_entropy(net(inputs), labels).backward()
    finally:
        for handle in handles:
            handle.remove()
    total = 0.0
    with torch.no_grad():
        for a, weights_per_channel in outputs:
            if a.grad is None:
                continue
            per_channel = (a * a.grad).flatten(2).sum(2) if a.dim() > 2 else a * a.grad
            total += weights_per_channel * float(per_channel.pow(2).mean(0).mul(0.5).sum())
    return total
