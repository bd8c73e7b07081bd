"""Policies over a space's decision view, for policy-gradient search (REINFORCE).

Two policies with one interface (``sample``, ``log_prob``, ``update``,
``probabilities``):

* ``CategoricalPolicy``: one independent categorical distribution (learnable
  logits) per decision; for NAS-Bench-201 this is the per-edge policy of the
  NAS-Bench-201 paper (Dong & Yang 2020). Written in numpy with the exact
  gradient of the log-probability and a hand-written Adam step (Kingma & Ba
  2015, the same update as ``torch.optim.Adam``), because a search runs tens of
  thousands of steps and torch's per-call overhead would dominate them.
* ``LSTMPolicy``: the controller of Zoph & Le 2017, "Neural Architecture Search
  with Reinforcement Learning": an LSTM emits the decisions one after another,
  each step's input the embedding of the previous choice, with a linear softmax
  head per decision. Torch, with its own ``torch.Generator`` for sampling.

``update(indices, advantage)`` takes one gradient step on
``-log_prob(indices) * advantage`` (Williams 1992). The policies know nothing
about spaces, rewards or baselines; ``naslib_mini.strategies.reinforce`` does.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Sequence

import numpy as np

__all__ = ["CategoricalPolicy", "LSTMPolicy"]


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    sizes = tuple(int(s) for s in sizes)
    if not sizes or any(s < 1 for s in sizes):
        raise ValueError(f"a policy needs at least one decision with >= 1 choice, got sizes {sizes}")
    return sizes


def _check_lr(learning_rate: float) -> float:
    if not (learning_rate > 0 and np.isfinite(learning_rate)):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    return float(learning_rate)


@contextlib.contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """Run torch on ``threads`` threads inside the block, then restore the setting."""
    import torch

    before = torch.get_num_threads()
    if threads is None or threads == before:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
        self.sizes = _check_sizes(sizes)
        self.learning_rate = _check_lr(learning_rate)
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


class LSTMPolicy:
    """The Zoph & Le (2017) controller: an LSTM that emits decisions in sequence.

    Step ``t`` feeds the embedding of the choice made at step ``t-1`` (a learned
    start token at ``t=0``) through the LSTM; a linear head for decision ``t``
    turns the hidden state into logits. Sampling runs without gradients; ``update``
    re-scores the sampled choices with gradients (teacher forcing) and takes one
    Adam step.

    Args:
        sizes: Number of choices of each decision.
        learning_rate: Adam step size. Zoph & Le used 6e-4 over thousands of
            child networks; with the ~100 evaluations of a NAS-Bench-201 budget the
            controller needs a larger step, and 0.02 learns within that budget
            without collapsing at once.
        hidden_size: LSTM units per layer (35 in Zoph & Le).
        num_layers: LSTM layers (2 in Zoph & Le).
        seed: Seed of the weight initialisation and of the sampling generator.
        threads: Torch threads while the controller samples and learns (restored
            afterwards). Its tensors are tiny, so 1 is fastest: more threads only
            add synchronisation, which costs ~30x on a busy 2-core machine.
            ``None`` leaves torch's setting alone.

    Example:
        >>> policy = LSTMPolicy([3, 2], seed=0)
        >>> indices = policy.sample(np.random.default_rng(0))
        >>> len(indices), [round(float(p.sum()), 6) for p in policy.probabilities()]
        (2, [1.0, 1.0])
    """

    def __init__(self, sizes: Sequence[int], learning_rate: float = 0.02, hidden_size: int = 35,
                 num_layers: int = 2, seed: int = 0, threads: int | None = 1) -> None:
        import torch

        if threads is not None and not (isinstance(threads, int) and threads >= 1):
            raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
        self.threads = threads
        self.sizes = _check_sizes(sizes)
        self.learning_rate = _check_lr(learning_rate)
        if hidden_size < 1 or num_layers < 1:
            raise ValueError(f"hidden_size and num_layers must be >= 1, got {hidden_size}, {num_layers}")
        self.hidden_size, self.num_layers = hidden_size, num_layers
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            self.embeddings = torch.nn.ModuleList(
                [torch.nn.Embedding(1, hidden_size)]  # the start token
                + [torch.nn.Embedding(size, hidden_size) for size in self.sizes[:-1]])
            self.lstm = torch.nn.LSTM(hidden_size, hidden_size, num_layers=num_layers)
            self.heads = torch.nn.ModuleList([torch.nn.Linear(hidden_size, size) for size in self.sizes])
        self.network = torch.nn.ModuleList([self.embeddings, self.lstm, self.heads])
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=self.learning_rate)
        self.generator = torch.Generator().manual_seed(int(seed) + 1)

    def _chosen_log_probs(self, indices: Sequence[int]):
        """Log-probabilities of the given choices, with gradients (teacher forcing).

        The inputs are all known, so the LSTM runs once over the whole sequence.
        """
        import torch

        inputs = [self.embeddings[0].weight[0]]
        inputs += [self.embeddings[t + 1].weight[int(indices[t])] for t in range(len(self.sizes) - 1)]
        out, _ = self.lstm(torch.stack(inputs).unsqueeze(1))  # (steps, batch=1, hidden)
        return [torch.log_softmax(head(out[t, 0]), dim=-1)[int(indices[t])] for t, head in enumerate(self.heads)]

    def _walk(self, greedy: bool) -> tuple[tuple[int, ...], list[np.ndarray]]:
        """Emit the decisions one by one: sampled (own generator) or greedy; no gradients."""
        import torch

        previous, state, chosen, probabilities = 0, None, [], []
        with torch.no_grad(), _torch_threads(self.threads):
            for step, head in enumerate(self.heads):
                out, state = self.lstm(self.embeddings[step].weight[previous].view(1, 1, -1), state)
                probs = torch.softmax(head(out[0, 0]), dim=-1)
                if greedy:
                    previous = int(probs.argmax())
                else:
                    previous = int(torch.multinomial(probs, 1, generator=self.generator))
                chosen.append(previous)
                probabilities.append(probs.numpy().astype(float))
        return tuple(chosen), probabilities

    def sample(self, rng: np.random.Generator | None = None) -> tuple[int, ...]:
        """Draw the decisions one after another (``rng`` is unused: the policy's own
        ``torch.Generator`` samples, so the LSTM's randomness stays in torch)."""
        return self._walk(greedy=False)[0]

    def log_prob(self, indices: Sequence[int]) -> float:
        import torch

        with torch.no_grad(), _torch_threads(self.threads):
            return float(sum(self._chosen_log_probs(indices)))

    def probabilities(self) -> list[np.ndarray]:
        """Per-decision probabilities along the greedy (most probable) path."""
        return self._walk(greedy=True)[1]

    def mode(self) -> tuple[int, ...]:
        """The greedy path: the most probable choice at each step."""
        return tuple(int(np.argmax(p)) for p in self.probabilities())

    def update(self, indices: Sequence[int], advantage: float) -> None:
        """One Adam step on ``-log_prob(indices) * advantage``."""
        with _torch_threads(self.threads):
            loss = -sum(self._chosen_log_probs(indices)) * float(advantage)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
