"""Temperature scaling: a network's cross-entropy once its confidence is put right.

Cross-entropy mixes two things: how well a network *ranks* the classes and how
*confident* its probabilities are. Training with label smoothing, for example,
pulls every network toward about 90% on the true class, and a network that fits
that target more tightly gets a lower loss without ranking better. Dividing the
logits by one temperature ``T`` changes only the confidence (never the predicted
class); the loss at the best ``T`` is what is left of the loss when confidence is
taken out (temperature scaling, Guo et al. 2017; Ashukha et al. 2020 compare
models by this "calibrated log-likelihood"). Here ``T`` is fitted on the very
logits it scores: one parameter, the same slight optimism for every network, and
stable when a split has only a handful of errors. Knows nothing about training.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from scipy.optimize import minimize_scalar

__all__ = ["temperature_scaled_loss"]

#: Temperatures searched: ``exp(-LOG_T_BOUND) .. exp(LOG_T_BOUND)``.
LOG_T_BOUND = 6.0


def temperature_scaled_loss(logits: torch.Tensor, targets: torch.Tensor) -> tuple[float, float]:
    """The mean cross-entropy of ``logits / T`` at the ``T`` that minimises it, and that ``T``.

    Args:
        logits: ``(examples, classes)`` scores of a classifier.
        targets: ``(examples,)`` class indices.

    Returns:
        ``(loss, temperature)``; ``loss`` is at most the loss at ``T = 1``.

    Raises:
        ValueError: ``logits`` is not two-dimensional, ``targets`` does not have one
            entry per row, or there are no examples.

    Example:
        >>> import torch
        >>> logits, targets = torch.tensor([[4.0, 0.0], [0.0, 4.0], [4.0, 0.0]]), torch.tensor([0, 1, 1])
        >>> loss, t = temperature_scaled_loss(logits, targets)
        >>> round(loss, 3), round(t, 2)
        (0.637, 5.77)
    """
    if logits.dim() != 2 or len(logits) == 0:
        raise ValueError(f"logits must have shape (examples, classes) with at least one example, "
                         f"got {tuple(logits.shape)}")
    if targets.shape != (len(logits),):
        raise ValueError(f"targets must have shape ({len(logits)},), one class per row of logits, "
                         f"got {tuple(targets.shape)}")
    logits = logits.detach().double()

    def loss_at(log_t: float) -> float:
        return F.cross_entropy(logits / math.exp(log_t), targets).item()

    best = minimize_scalar(loss_at, bounds=(-LOG_T_BOUND, LOG_T_BOUND), method="bounded",
                           options={"xatol": 1e-6})
    plain = loss_at(0.0)
    if plain <= best.fun:
        return plain, 1.0
    return float(best.fun), math.exp(best.x)
