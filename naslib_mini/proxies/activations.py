"""Activation-pattern zero-cost proxies: ``naswot`` and ``jacob_cov`` (Mellor et al.).

Both ask how differently an untrained network treats the inputs of one batch; a
network that maps distinct inputs to distinct codes should be easier to train.

- ``naswot``: the log-determinant of the kernel ``K[i, j] = number of ReLU units on
  which inputs i and j agree`` (both active or both inactive), summed over every
  ``nn.ReLU`` of the network (Mellor et al., "Neural Architecture Search without
  Training", ICML 2021, Eq. 2).
- ``jacob_cov``: ``-sum_k (log(s_k + eps) + 1 / (s_k + eps))`` over the eigenvalues
  ``s_k`` of the correlation matrix of the per-input Jacobians ``d sum(f(x_i)) / d x_i``,
  ``eps = 1e-5`` (the first version of the same paper, arXiv:2006.04647v1, Eq. 2, as
  used by Abdelfattah et al. 2021).

Both run on a deep copy in training mode (batch norm uses the batch's statistics),
as the reference code does. Where the reference would return NaN (a network whose
output ignores its input has constant Jacobians, whose correlations are undefined),
``jacob_cov`` counts them as fully correlated, its worst score. Knows nothing about search spaces, tasks or estimators.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

__all__ = ["jacob_cov", "naswot"]

#: Offset of the eigenvalues in ``jacob_cov`` (Mellor et al.'s ``k``).
JACOB_EPS = 1e-5


def naswot(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> float:
    """Log-determinant of the batch's ReLU agreement kernel (needs at least one ``nn.ReLU``).

    Raises:
        ValueError: ``net`` has no ``nn.ReLU`` module, so there is no activation code.

    Example:
        >>> net = nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randn(6, 4)
        >>> naswot(net, x) == naswot(net, x)
        True
    """
    net = copy.deepcopy(net).train()
    relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
    if not relus:
        raise ValueError(f"naswot scores ReLU activation codes, but {type(net).__name__} has no nn.ReLU module")
    kernel = torch.zeros(len(inputs), len(inputs), dtype=torch.float64)

    def add_codes(module: nn.Module, args: tuple) -> None:
        code = (args[0].detach().flatten(1) > 0).double()
        kernel.add_(code @ code.T + (1 - code) @ (1 - code).T)

    handles = [m.register_forward_pre_hook(add_codes) for m in relus]
    try:
        with torch.no_grad():
            net(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return float(torch.linalg.slogdet(kernel)[1])


def jacob_cov(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> float:
    """Score of the correlations between the input Jacobians of the batch's samples (needs 2+ inputs)."""
    if len(inputs) < 2:
        raise ValueError(f"jacob_cov correlates the Jacobians of several inputs; got a batch of {len(inputs)}")
    net = copy.deepcopy(net).train()
    x = inputs.clone().requires_grad_(True)
    output = net(x).sum()
    if output.requires_grad:
        output.backward()
    gradient = x.grad if x.grad is not None else torch.zeros_like(x)
    jacobians = gradient.detach().flatten(1).double().numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        correlations = np.corrcoef(jacobians)
    # A constant Jacobian (an output that ignores its input) has no defined correlation:
    # count it as fully correlated, the worst case, rather than NaN.
    correlations = np.nan_to_num(correlations, nan=1.0)
    eigenvalues = np.linalg.eigvalsh(correlations)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(-np.sum(np.log(eigenvalues + JACOB_EPS) + 1.0 / (eigenvalues + JACOB_EPS)))
