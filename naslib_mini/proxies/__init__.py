"""Zero-cost proxies: score an untrained network from one batch, in a registry by name.

``PROXIES`` maps a name to a function ``(net, inputs, labels) -> float``, higher is
better: the saliencies ``synflow``, ``snip``, ``grasp``, ``fisher`` and ``grad_norm``
(``saliency.py``), the activation scores ``naswot`` and ``jacob_cov``
(``activations.py``), and the two baselines every study of them finds hard to beat,
``params`` and ``flops`` (Abdelfattah et al., ICLR 2021; White et al., "A Deeper Look
at Zero-Cost Proxies for Lightweight NAS", ICLR Blog Track 2022). A proxy is a deterministic function of the network's
weights and the batch; the randomness (weight initialisation and which training
batch) is chosen by the seed of whoever builds them, as the ``zero-cost`` estimator
does. Knows nothing about search spaces, tasks or strategies.

Example:
    >>> import torch
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    >>> compute_proxy("params", net, torch.zeros(2, 4), torch.zeros(2, dtype=torch.long))
    15.0
    >>> compute_proxy("synflw", net, torch.zeros(2, 4), torch.zeros(2, dtype=torch.long))
    Traceback (most recent call last):
    ...
    KeyError: "unknown proxy 'synflw'; valid choices: fisher, flops, grad_norm, grasp, jacob_cov, naswot, params, snip, synflow"
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from naslib_mini.networks import count_flops, count_params
from naslib_mini.proxies.activations import jacob_cov, naswot
from naslib_mini.proxies.saliency import fisher, grad_norm, grasp, snip, synflow
from naslib_mini.registry import Registry

__all__ = ["PROXIES", "Proxy", "compute_proxy", "DATA_FREE"]

#: A proxy: (network, batch inputs, batch labels) -> score, higher is better.
Proxy = Callable[[nn.Module, torch.Tensor, torch.Tensor], float]

PROXIES: Registry[float] = Registry("proxy")

#: Proxies that use neither the batch's values nor its labels (only its shape).
DATA_FREE = frozenset({"synflow", "params", "flops"})


def _params(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> float:
    """Number of trainable parameters (``naslib_mini.networks.count_params``)."""
    return float(count_params(net))


def _flops(net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> float:
    """FLOPs of one forward pass on one input (``naslib_mini.networks.count_flops``)."""
    return float(count_flops(net, tuple(inputs.shape[1:])))


for _name, _proxy in (("synflow", synflow), ("snip", snip), ("grasp", grasp), ("fisher", fisher),
                      ("grad_norm", grad_norm), ("jacob_cov", jacob_cov), ("naswot", naswot),
                      ("params", _params), ("flops", _flops)):
    PROXIES.register(_name)(_proxy)


def compute_proxy(name: str, net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """The proxy ``name`` of ``net`` on the batch ``(inputs, labels)``; ``net`` itself is left unchanged.

    Raises:
        KeyError: ``name`` is not a registered proxy (the message lists them).
    """
    return float(PROXIES.get(name)(net, inputs, labels))
