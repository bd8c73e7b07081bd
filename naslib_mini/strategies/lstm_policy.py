"""The Zoph & Le (2017) LSTM controller as a policy over a space's decision view.

"Neural Architecture Search with Reinforcement Learning": an LSTM emits the
decisions one after another, each step's input the embedding of the previous
choice, with a linear softmax head per decision. Written in numpy, with
backpropagation through time written out and a hand-written Adam step
(Kingma & Ba 2015) over one flat parameter vector: the controller is tiny (35
units), so in torch nearly all of its time was per-call overhead, about 9 ms
per sample-and-update on our 2-core machine against 0.5-0.8 ms here. Tests
check it against ``torch.nn.LSTM`` and ``torch.optim.Adam``.

Has the interface of ``naslib_mini.strategies.policies.CategoricalPolicy``;
knows nothing about spaces, rewards or baselines.
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from naslib_mini.strategies.base import require_int
from naslib_mini.strategies.policies import check_learning_rate, check_sizes

__all__ = ["LSTMPolicy"]


class LSTMPolicy:
    """The Zoph & Le (2017) controller: an LSTM that emits decisions in sequence.

    Step ``t`` feeds the embedding of the choice made at step ``t-1`` (a learned
    start token at ``t=0``; one embedding table per decision) through a
    ``num_layers``-layer LSTM, and a linear head for decision ``t`` turns the top
    hidden state into logits. ``sample`` runs the steps one at a time and picks
    with the Gumbel-max trick (the most probable choice after adding Gumbel noise
    to the logits: an exact sample of their softmax); ``log_prob`` and ``update``
    run the same steps with the choices given (teacher forcing) and backpropagate
    through time by hand. ``update`` reuses the forward pass of the last
    ``sample`` when it drew the same choices and ``theta_`` still equals, element
    for element, the parameters it was drawn with; anything else runs afresh.

    The parameters are views into one flat vector ``theta_``, laid out as torch's
    (``gradient_`` holds the gradient of the last log-probability differentiated):
    ``embedding_`` (the start token, then the table of every decision but the last,
    stacked by rows); ``lstm_weights_``, shape ``(num_layers, 2 * hidden + 2,
    4 * hidden)``, layer ``l`` mapping ``[x, 1, h, 1]`` to the gates in torch's
    order (input, forget, cell, output), its rows torch's ``weight_ih_l{l}.T``,
    ``bias_ih_l{l}``, ``weight_hh_l{l}.T`` and ``bias_hh_l{l}``; ``head_weight_``
    ``(sum(sizes), hidden)`` and ``head_bias_``, the heads' weights and biases
    stacked. They start as torch's do: embeddings standard normal, the rest
    uniform in ``(-1/sqrt(hidden), 1/sqrt(hidden))``. The arithmetic is float32
    by default, as torch's: on our 2-core machine float64 square roots (Adam) and
    tanh cost 2-3 times more and made whole searches 5-10% slower.

    Args:
        sizes: Number of choices of each decision.
        learning_rate: Adam step size. Zoph & Le used 6e-4 over thousands of
            child networks; with the ~100 evaluations of a NAS-Bench-201 budget the
            controller needs a larger step, and 0.02 learns within that budget
            without collapsing at once.
        hidden_size: LSTM units per layer (35 in Zoph & Le).
        num_layers: LSTM layers (2 in Zoph & Le).
        seed: Seed or generator of the initial weights (``sample`` draws from the
            generator it is given).
        betas, eps: Adam's moment decays and denominator constant (torch's defaults).
        dtype: Floating-point type of the parameters and the arithmetic
            (``np.float32`` or ``np.float64``).

    Example:
        >>> policy = LSTMPolicy([3, 2], learning_rate=0.05, seed=0)
        >>> policy.theta_.size  # 4 embedding rows, 2 layers, 2 heads of 35 inputs
        20480
        >>> indices = policy.sample(np.random.default_rng(0))
        >>> before = policy.log_prob(indices)
        >>> policy.update(indices, advantage=1.0)
        >>> bool(policy.log_prob(indices) > before), [round(float(p.sum()), 6) for p in policy.probabilities()]
        (True, [1.0, 1.0])
    """

    def __init__(self, sizes: Sequence[int], learning_rate: float = 0.02, hidden_size: int = 35,
                 num_layers: int = 2, seed: int | np.random.Generator = 0,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 dtype: type = np.float32) -> None:
        self.sizes = check_sizes(sizes)
        self.learning_rate = check_learning_rate(learning_rate)
        for name, value in (("hidden_size", hidden_size), ("num_layers", num_layers)):
            require_int(name, value, 1)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        self.hidden_size, self.num_layers = H, L = int(hidden_size), int(num_layers)
        self.betas, self.eps, self.dtype = betas, eps, np.dtype(dtype)
        T, S = len(self.sizes), sum(self.sizes)
        ends = np.cumsum(self.sizes)
        self._steps = np.arange(T)
        self._first_col = ends - np.array(self.sizes)  # head_weight_ row of each decision's choice 0
        self._heads = [slice(a, b) for a, b in zip(self._first_col.tolist(), ends.tolist())]
        self._first_row = np.cumsum((0, 1) + self.sizes[:-1])[:T]  # embedding_ row read at step t for choice 0
        self._mask = np.full((T, S), -np.inf, dtype=self.dtype)  # step t's logits are its own head's columns
        for t, cols in enumerate(self._heads):
            self._mask[t, cols] = 0.0
        # sigmoid(z) = (1 + tanh(z / 2)) / 2, so gates = tanh(z * s) * s + shift: one tanh for all four.
        self._s = np.repeat([0.5, 0.5, 1.0, 0.5], H).astype(self.dtype)
        self._shift = np.repeat([0.5, 0.5, 0.0, 0.5], H).astype(self.dtype)

        shapes = [(1 + sum(self.sizes[:-1]), H), (L, 2 * H + 2, 4 * H), (S, H), (S,)]
        offsets = np.cumsum([0] + [int(np.prod(shape)) for shape in shapes])
        self.theta_, self.gradient_ = np.zeros(offsets[-1], self.dtype), np.zeros(offsets[-1], self.dtype)
        views = [self.theta_[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], shapes)]
        grads = [self.gradient_[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], shapes)]
        self.embedding_, self.lstm_weights_, self.head_weight_, self.head_bias_ = views
        self._grad_embedding, self._grad_lstm, self._grad_head_weight, self._grad_head_bias = grads
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(H)
        self.embedding_[...] = rng.standard_normal(self.embedding_.shape)
        self.lstm_weights_[...] = rng.uniform(-k, k, self.lstm_weights_.shape)
        self.head_weight_[...] = rng.uniform(-k, k, (S, H))
        self.head_bias_[...] = rng.uniform(-k, k, S)
        self._m, self._v = np.zeros_like(self.theta_), np.zeros_like(self.theta_)
        self.steps_ = 0
        self._last_sample: tuple[list[int], np.ndarray, tuple[np.ndarray, ...]] | None = None

    def _check_indices(self, indices: Sequence[int]) -> list[int]:
        try:
            idx = [operator.index(a) for a in indices]
        except TypeError:
            idx = []
        if len(idx) != len(self.sizes) or not all(0 <= a < size for a, size in zip(idx, self.sizes)):
            raise ValueError(f"indices must hold one integer choice per decision of sizes {self.sizes}, got {indices!r}")
        return idx

    def _run(self, forced: list[int] | None = None,
             noise: np.ndarray | None = None) -> tuple[list[int], list[np.ndarray], tuple[np.ndarray, ...]]:
        """Run the controller step by step, following the ``forced`` choices (teacher forcing)
        or picking at each step the argmax of the logits plus ``noise`` (one number per head
        column: Gumbel noise samples, ``None`` is the greedy path).

        Returns the choices, each step's probabilities (greedy path only), and what
        backpropagation reads: ``record`` (steps + 1, layers + 1, hidden + 1), whose row
        ``t + 1`` holds ``[x, 1]`` of step ``t`` and ``[h, 1]`` of every layer after it (row 0:
        the initial state), the gates (layers, steps, 4 * hidden), the cells (layers, steps + 1,
        hidden; the first zero) and their tanh (layers, steps, hidden).
        """
        H, L, T, s, shift, dtype = self.hidden_size, self.num_layers, len(self.sizes), self._s, self._shift, self.dtype
        state = np.zeros((L + 1, H + 1), dtype)  # [x, 1], then [h, 1] of each layer
        state[:, H] = 1.0
        windows = [state.reshape(-1)[layer * (H + 1):(layer + 2) * (H + 1)] for layer in range(L)]  # [x, 1, h, 1]
        record = np.empty((T + 1, L + 1, H + 1), dtype)
        record[0] = state
        gates, cells, tanh_c = np.empty((L, T, 4 * H), dtype), np.zeros((L, T + 1, H), dtype), np.empty((L, T, H), dtype)
        i, f, g, o = gates.reshape(L, T, 4, H).transpose(2, 0, 1, 3)
        weights, tmp = self.lstm_weights_, np.empty(H, dtype)
        bias = self.head_bias_ if noise is None else self.head_bias_ + noise
        choice, chosen, probabilities = 0, [], []
        for t, cols in enumerate(self._heads):
            state[0, :H] = self.embedding_[self._first_row[t] + choice]
            for layer in range(L):
                z, c = gates[layer, t], cells[layer, t + 1]
                np.dot(windows[layer], weights[layer], out=z)  # np.dot: the least overhead
                z *= s
                np.tanh(z, out=z)
                z *= s
                z += shift
                np.multiply(f[layer, t], cells[layer, t], out=c)
                c += np.multiply(i[layer, t], g[layer, t], out=tmp)
                np.multiply(o[layer, t], np.tanh(c, out=tanh_c[layer, t]), out=state[layer + 1, :H])
            record[t + 1] = state
            if forced is not None:
                choice = forced[t]
                continue
            logits = np.dot(self.head_weight_[cols], state[L, :H])
            logits += bias[cols]
            choice = int(logits.argmax())
            if noise is None:
                e = np.exp(logits - logits[choice])
                probabilities.append((e / e.sum()).astype(float))
            chosen.append(choice)
        return chosen, probabilities, (record, gates, cells, tanh_c)

    def _backward(self, rows: np.ndarray, forward: tuple[np.ndarray, ...], d_top: np.ndarray) -> None:
        """Backpropagation through time, top layer first: ``d_top`` (steps, hidden) is the gradient
        at the top layer's outputs; writes the gradients of the LSTM and of the embeddings."""
        record, gates, cells, tanh_c = forward
        H, L, T = self.hidden_size, self.num_layers, len(rows)
        G = gates.reshape(L, T, 4, H)
        f, o = G[:, :, 1], G[:, :, 3]
        # local[:, :, k] * dc (* dh for the output gate) is the gradient at gate k's pre-activation.
        local = G * (1 - G)  # sigmoid' for i, f, o; tanh' = 1 - g^2 replaces it for g
        local[:, :, 2] = 1 - G[:, :, 2] ** 2
        local *= np.stack([G[:, :, 2], cells[:, :-1], G[:, :, 0], tanh_c], axis=2)
        dc_dh = o * (1 - tanh_c * tanh_c)
        dz = np.empty((L, T, 4, H), self.dtype)
        dz_flat = dz.reshape(L, T, 4 * H)
        dh = d_top
        for layer in range(L - 1, -1, -1):
            W_h, d, flat = self.lstm_weights_[layer, H + 1:-1], dz[layer], dz_flat[layer]
            loc, dcdh, fl = local[layer], dc_dh[layer], f[layer]
            dh_next, dc_next = np.zeros(H, self.dtype), np.zeros(H, self.dtype)
            for t in range(T - 1, -1, -1):
                dh_t = dh[t] + dh_next
                dc = dh_t * dcdh[t]
                dc += dc_next
                np.multiply(dc, loc[t, :3], out=d[t, :3])
                np.multiply(dh_t, loc[t, 3], out=d[t, 3])
                dc_next = dc * fl[t]
                dh_next = np.dot(W_h, flat[t])
            dh = flat @ self.lstm_weights_[layer, :H].T  # the gradient at this layer's inputs
        grad = self._grad_lstm
        np.matmul(record[1:, :L].transpose(1, 2, 0), dz_flat, out=grad[:, :H + 1])  # [x, 1] (layers, H + 1, steps)
        np.matmul(record[:-1, 1:].transpose(1, 2, 0), dz_flat, out=grad[:, H + 1:])  # [h, 1] of the step before
        self._grad_embedding.fill(0.0)
        self._grad_embedding[rows] = dh  # every step reads its own table: no row twice

    def _score(self, indices: Sequence[int], backward: bool) -> float:
        """Log-probability of ``indices``; with ``backward``, its gradient with respect to
        ``theta_`` goes to ``gradient_``. Reuses the last sample's forward pass if it drew
        ``indices`` and the parameters are still those it saw."""
        idx = self._check_indices(indices)
        cached = self._last_sample
        if cached is not None and cached[0] == idx and np.array_equal(cached[1], self.theta_):
            forward = cached[2]
        else:
            forward = self._run(forced=idx)[2]
        top = forward[0][1:, -1, :-1]
        logits = top @ self.head_weight_.T
        logits += self.head_bias_ + self._mask
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        norm = e.sum(axis=1)
        cols = self._first_col + idx
        log_prob = float(logits[self._steps, cols].sum() - np.log(norm).sum())
        if backward:
            d = e / -norm[:, None]  # d log_prob / d logits: one-hot minus softmax
            d[self._steps, cols] += 1.0
            np.matmul(d.T, top, out=self._grad_head_weight)
            d.sum(axis=0, out=self._grad_head_bias)
            rows = self._first_row + ([0] + idx[:-1])  # each step read the embedding of the choice before
            self._backward(rows, forward, d @ self.head_weight_)
        return log_prob

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        """Draw the decisions one after another (Gumbel-max, one draw of ``rng`` per choice)."""
        chosen, _, forward = self._run(noise=rng.gumbel(size=self.head_bias_.shape))
        self._last_sample = (chosen, self.theta_.copy(), forward)
        return tuple(chosen)

    def log_prob(self, indices: Sequence[int]) -> float:
        """Log-probability of a vector of choices."""
        return self._score(indices, backward=False)

    def log_prob_gradient(self, indices: Sequence[int]) -> tuple[float, np.ndarray]:
        """Log-probability of ``indices`` and its gradient with respect to ``theta_`` (a copy)."""
        return self._score(indices, backward=True), self.gradient_.copy()

    def probabilities(self) -> list[np.ndarray]:
        """Per-decision probabilities along the greedy (most probable) path."""
        return self._run()[1]

    def step_probabilities(self, indices: Sequence[int]) -> list[np.ndarray]:
        """Each decision's probabilities given the choices of ``indices`` before it (teacher forcing).

        The distributions the controller sampled ``indices`` from: ENAS (Pham et al. 2018)
        adds their entropies to the reward as an exploration bonus.
        """
        idx = self._check_indices(indices)
        top = self._run(forced=idx)[2][0][1:, -1, :-1]
        logits = (top @ self.head_weight_.T + self.head_bias_ + self._mask).astype(float)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return [e[t, cols] / e[t, cols].sum() for t, cols in enumerate(self._heads)]

    def mode(self) -> tuple[int, ...]:
        """The greedy path: the most probable choice at each step."""
        return tuple(self._run()[0])

    def update(self, indices: Sequence[int], advantage: float) -> None:
        """One Adam step on ``-log_prob(indices) * advantage``, over all parameters at once."""
        self._score(indices, backward=True)
        self._last_sample = None
        advantage, (beta1, beta2) = float(advantage), self.betas
        g, m, v, tmp = self.gradient_, self._m, self._v, np.empty_like(self.theta_)
        self.steps_ += 1  # the loss gradient is -advantage * g; scalars are folded into as few passes as possible
        m *= beta1
        m += np.multiply(g, -(1 - beta1) * advantage, out=tmp)
        v *= beta2
        v += np.multiply(np.square(g, out=tmp), (1 - beta2) * advantage * advantage, out=tmp)
        # theta -= lr * m_hat / (sqrt(v_hat) + eps), with the bias corrections moved onto the scalars
        root = np.sqrt(1 - beta2 ** self.steps_)
        step = np.sqrt(v, out=tmp)
        step += self.eps * root
        np.divide(m, step, out=step)
        step *= self.learning_rate * root / (1 - beta1 ** self.steps_)
        self.theta_ -= step
