"""Policies over a space's decision view, for policy-gradient search (REINFORCE).

Two policies with one interface (``sample``, ``log_prob``, ``update``,
``probabilities``); this module holds the first and the checks both share, and
``naslib_mini.strategies.lstm_policy`` the second:

* ``CategoricalPolicy``: one independent categorical distribution (learnable
  logits) per decision; for NAS-Bench-201 this is the per-edge policy of the
  NAS-Bench-201 paper (Dong & Yang 2020). Written in numpy with the exact
  gradient of the log-probability and a hand-written Adam step (Kingma & Ba
  2015, the same update as ``torch.optim.Adam``), because a search runs tens of
  thousands of steps and torch's per-call overhead would dominate them.
* ``LSTMPolicy``: the controller of Zoph & Le 2017, "Neural Architecture Search
  with Reinforcement Learning": an LSTM emits the decisions one after another,
  each step's input the embedding of the previous choice, with a linear softmax
  head per decision. Also numpy, with backpropagation through time written out
  and the same Adam step over one flat parameter vector: the controller is tiny
  (35 units), so in torch nearly all of its time was per-call overhead, about
  9 ms per sample-and-update on our 2-core machine against 0.5-0.8 ms here.
  Tests check it against ``torch.nn.LSTM`` and ``torch.optim.Adam``.

``update(indices, advantage)`` takes one gradient step on
``-log_prob(indices) * advantage`` (Williams 1992). The policies know nothing
about spaces, rewards or baselines; ``naslib_mini.strategies.reinforce`` does.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from naslib_mini.strategies.base import require_number

__all__ = ["CategoricalPolicy", "check_learning_rate", "check_sizes"]


def check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """The number of choices of each decision, validated (at least one decision, each >= 1)."""
    sizes = tuple(int(s) for s in sizes)
    if not sizes or any(s < 1 for s in sizes):
        raise ValueError(f"a policy needs at least one decision with >= 1 choice, got sizes {sizes}")
    return sizes


def check_learning_rate(learning_rate: float) -> float:
    """A positive, finite learning rate, as a float."""
    if not require_number("learning_rate", learning_rate) > 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    return float(learning_rate)


class CategoricalPolicy:
    """Independent categorical distributions, one per decision, trained with Adam.

    Args:
        sizes: Number of choices of each decision.
        learning_rate: Adam step size (0.5 by default; see ``naslib_mini.strategies.reinforce``).
        seed: Seed or generator for the initial logits (``1e-3`` times a standard
            normal, as in the NAS-Bench-201 script).
        betas, eps: Adam's moment decays and denominator constant (torch's defaults).

    Example:
        >>> policy = CategoricalPolicy([3, 2], learning_rate=0.5, seed=0)
        >>> rng = np.random.default_rng(0)
        >>> indices = policy.sample(rng)
        >>> before = policy.log_prob(indices)
        >>> policy.update(indices, advantage=1.0)
        >>> bool(policy.log_prob(indices) > before)
        True
    """

    def __init__(self, sizes: Sequence[int], learning_rate: float = 0.5, seed: int | np.random.Generator = 0,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.sizes = check_sizes(sizes)
        self.learning_rate = check_learning_rate(learning_rate)
        self.betas, self.eps = betas, eps
        rng = np.random.default_rng(seed)
        width = max(self.sizes)
        self._rows = np.arange(len(self.sizes))
        self._last = np.array(self.sizes) - 1
        # The decisions' logits side by side in one padded matrix; the padding
        # gets -inf, hence probability 0 and gradient 0.
        self.mask_ = np.arange(width)[None, :] < np.array(self.sizes)[:, None]
        self._padding = np.where(self.mask_, 0.0, -np.inf)
        self._theta = np.where(self.mask_, 1e-3 * rng.standard_normal((len(self.sizes), width)), 0.0)
        self._m = np.zeros_like(self._theta)
        self._v = np.zeros_like(self._theta)
        self._cache: np.ndarray | None = None
        self.steps_ = 0

    @property
    def logits_(self) -> np.ndarray:
        """The logits, one row per decision, padded with ``-inf`` to the widest decision."""
        return self._theta + self._padding

    @logits_.setter
    def logits_(self, value: np.ndarray) -> None:
        value = np.asarray(value, dtype=float)
        if value.shape != self.mask_.shape or not np.isfinite(value[self.mask_]).all():
            raise ValueError(f"logits must be a {self.mask_.shape} array, finite where a choice exists")
        self._theta = np.where(self.mask_, value, 0.0)
        self._cache = None

    def _probs(self) -> np.ndarray:
        if self._cache is None:
            z = self._theta + self._padding
            e = np.exp(z - z.max(axis=1, keepdims=True))
            self._cache = e / e.sum(axis=1, keepdims=True)
        return self._cache

    def probabilities(self) -> list[np.ndarray]:
        """The current probability of each choice, one array per decision."""
        probs = self._probs()
        return [probs[d, :size].copy() for d, size in enumerate(self.sizes)]

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        """Draw one choice per decision (inverse CDF, one uniform number per decision)."""
        cumulative = np.cumsum(self._probs(), axis=1)
        u = rng.random(len(self.sizes))[:, None] * cumulative[:, -1:]
        return tuple(np.minimum((cumulative <= u).sum(axis=1), self._last).tolist())

    def log_prob(self, indices: Sequence[int]) -> float:
        """Log-probability of a vector of choices."""
        return float(np.log(self._probs()[self._rows, np.asarray(indices)]).sum())

    def mode(self) -> tuple[int, ...]:
        """The most probable choice of each decision."""
        return tuple(np.argmax(self.logits_, axis=1).tolist())

    def update(self, indices: Sequence[int], advantage: float) -> None:
        """One Adam step on ``-log_prob(indices) * advantage``.

        The gradient of ``log softmax(logits)[a]`` is ``onehot(a) - softmax``.
        """
        grad = self._probs() * float(advantage)
        grad[self._rows, np.asarray(indices)] -= float(advantage)
        beta1, beta2 = self.betas
        self.steps_ += 1
        self._m = beta1 * self._m + (1 - beta1) * grad
        self._v = beta2 * self._v + (1 - beta2) * grad * grad
        m_hat = self._m / (1 - beta1 ** self.steps_)
        v_hat = self._v / (1 - beta2 ** self.steps_)
        self._theta = self._theta - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
        self._cache = None
