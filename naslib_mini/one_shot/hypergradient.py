"""Second-order quantities of the bilevel problem: DARTS' unrolled hypergradient and the Hessian's top eigenvalue.

``unrolled_hypergradient`` is DARTS' second-order architecture gradient (Liu et al. 2019,
eq. 6-8): with one SGD step ``w' = w - xi * grad_w L_train(w, alpha)``,

    grad_alpha L_val(w', alpha) - xi * grad2_{alpha,w} L_train(w, alpha) . grad_w' L_val(w', alpha),

where the Hessian-vector product is the paper's central finite difference
``(grad_alpha L_train(w+, alpha) - grad_alpha L_train(w-, alpha)) / (2 eps)`` at
``w+- = w +- eps * grad_w' L_val(w', alpha)``, ``eps = 0.01 / ||grad_w' L_val(w', alpha)||``.
The unrolled step is the plain SGD step of eq. 6 (the authors' code also adds momentum
and weight decay to it).

``dominant_eigenvalue`` estimates the eigenvalue of largest magnitude of the Hessian of
a loss with respect to some parameters by power iteration on exact Hessian-vector
products (double back-propagation), the curvature that Zela et al. (ICLR 2020) track to
detect DARTS' collapse.

Plain functions over loss closures and tensors: the closures run the model with the
current values of the tensors, so they know nothing about supernets or training loops.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch

__all__ = ["dominant_eigenvalue", "unrolled_hypergradient"]

Loss = Callable[[], torch.Tensor]


def _grad(loss: torch.Tensor, tensors: Sequence[torch.Tensor], **kwargs) -> list[torch.Tensor]:
    grads = torch.autograd.grad(loss, tensors, allow_unused=True, **kwargs)
    return [torch.zeros_like(t) if g is None else g for t, g in zip(tensors, grads)]


def unrolled_hypergradient(train_loss: Loss, val_loss: Loss, weights: Sequence[torch.Tensor],
                           alphas: Sequence[torch.Tensor], xi: float) -> list[torch.Tensor]:
    """DARTS' second-order gradient of the validation loss with respect to ``alphas``.

    Args:
        train_loss: Computes the training loss with the current values of ``weights`` and ``alphas``.
        val_loss: Computes the validation loss likewise.
        weights: The network weights (leaf tensors); changed in place during the call and restored.
        alphas: The architecture parameters.
        xi: Learning rate of the unrolled weight step (DARTS sets it to the weights' learning rate;
            0 gives the first-order gradient).

    Returns:
        One gradient per tensor of ``alphas``.

    Example:
        >>> w, a = torch.tensor([1.0], requires_grad=True), torch.tensor([2.0], requires_grad=True)
        >>> g = unrolled_hypergradient(lambda: (w * a).sum() ** 2, lambda: ((w - a) ** 2).sum(), [w], [a], 0.1)
        >>> round(float(g[0]), 3)  # exact: w' = 1 - 0.2 a^2, d/da (w' - a)^2 = 2 (w' - a)(-0.4 a - 1) at a = 2
        6.48
    """
    if not (xi >= 0 and torch.isfinite(torch.tensor(xi))):
        raise ValueError(f"xi (the unrolled step's learning rate) must be a finite number >= 0, got {xi!r}")
    weights, alphas = list(weights), list(alphas)
    originals = [w.detach().clone() for w in weights]
    try:
        with torch.no_grad():
            step = _grad_no_graph(train_loss, weights)
            for w, g in zip(weights, step):
                w.sub_(xi * g)  # w' = w - xi * grad_w L_train(w, alpha)
        loss = val_loss()
        grads = _grad(loss, alphas + weights)
        alpha_grads, dw = grads[:len(alphas)], grads[len(alphas):]
        if xi == 0:
            return alpha_grads
        norm = torch.sqrt(sum((g * g).sum() for g in dw))
        if not norm > 0:
            return alpha_grads
        eps = 0.01 / norm
        with torch.no_grad():
            for w, w0, g in zip(weights, originals, dw):
                w.copy_(w0 + eps * g)
        plus = _grad(train_loss(), alphas)
        with torch.no_grad():
            for w, w0, g in zip(weights, originals, dw):
                w.copy_(w0 - eps * g)
        minus = _grad(train_loss(), alphas)
        return [g - xi * (p - m) / (2 * eps) for g, p, m in zip(alpha_grads, plus, minus)]
    finally:
        with torch.no_grad():
            for w, w0 in zip(weights, originals):
                w.copy_(w0)


def _grad_no_graph(loss: Loss, tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    with torch.enable_grad():
        return [g.detach() for g in _grad(loss(), tensors)]


def dominant_eigenvalue(loss: Loss, params: Sequence[torch.Tensor], iterations: int = 20,
                        generator: torch.Generator | None = None) -> float:
    """The Hessian eigenvalue of largest magnitude of ``loss()`` w.r.t. ``params``, by power iteration.

    Each iteration is one exact Hessian-vector product (the gradient of ``grad . v``); the
    gradient graph is built once. Returns the Rayleigh quotient ``v . Hv`` of the last
    iterate (Zela et al. 2020 track this value of the validation loss w.r.t. alpha).

    Args:
        loss: Computes the loss (called once).
        params: The tensors the Hessian is taken with respect to.
        iterations: Hessian-vector products to run (at least 1).
        generator: Draws the random start vector.

    Example:
        >>> x = torch.zeros(2, requires_grad=True)
        >>> round(dominant_eigenvalue(lambda: 3 * x[0] ** 2 + 0.5 * x[1] ** 2, [x], 30), 4)
        6.0
    """
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"iterations must be a positive integer, got {iterations!r}")
    params = list(params)
    grads = torch.autograd.grad(loss(), params, create_graph=True)
    vector = [torch.randn(p.shape, generator=generator).to(p.device) for p in params]
    eigenvalue = 0.0
    for i in range(iterations):
        norm = torch.sqrt(sum((v * v).sum() for v in vector))
        vector = [v / norm for v in vector]
        product = torch.autograd.grad(grads, params, grad_outputs=vector, retain_graph=i < iterations - 1,
                                      allow_unused=True)
        product = [torch.zeros_like(p) if h is None else h.detach() for p, h in zip(params, product)]
        eigenvalue = float(sum((v * h).sum() for v, h in zip(vector, product)))
        if not float(torch.sqrt(sum((h * h).sum() for h in product))) > 0:
            return 0.0
        vector = product
    return eigenvalue
