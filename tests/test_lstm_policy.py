"""The numpy Zoph & Le controller: exact gradients, equality with torch's LSTM and Adam, sampling, seeding."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from naslib_mini.strategies.lstm_policy import LSTMPolicy

SIZES = (3, 2, 4)


def finite_differences(policy: LSTMPolicy, indices, eps: float = 1e-6) -> np.ndarray:
    theta, grad = policy.theta_, np.empty_like(policy.theta_)
    for k in range(theta.size):
        old = theta[k]
        theta[k] = old + eps
        up = policy.log_prob(indices)
        theta[k] = old - eps
        down = policy.log_prob(indices)
        theta[k] = old
        grad[k] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("num_layers", [1, 2])
def test_gradient_matches_central_differences(num_layers):
    policy = LSTMPolicy(SIZES, hidden_size=6, num_layers=num_layers, seed=1, dtype=np.float64)
    for indices in [(2, 0, 3), (0, 1, 1)]:
        log_prob, grad = policy.log_prob_gradient(indices)
        assert log_prob == policy.log_prob(indices)
        numeric = finite_differences(policy, indices)
        assert np.count_nonzero(grad) > grad.size // 2  # every LSTM weight gets a gradient
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


class TorchController(torch.nn.Module):
    """The same controller written with torch modules, holding a copy of a policy's weights."""

    def __init__(self, policy: LSTMPolicy) -> None:
        super().__init__()
        H, L, sizes = policy.hidden_size, policy.num_layers, policy.sizes
        self.embeddings = torch.nn.ModuleList([torch.nn.Embedding(1, H)] + [torch.nn.Embedding(s, H) for s in sizes[:-1]])
        self.lstm = torch.nn.LSTM(H, H, num_layers=L)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(H, s) for s in sizes])
        self.double()
        rows = np.cumsum((0, 1) + sizes[:-1])
        cols = np.cumsum((0,) + sizes)
        with torch.no_grad():
            for t, table in enumerate(self.embeddings):
                table.weight.copy_(torch.from_numpy(policy.embedding_[rows[t]:rows[t + 1]]))
            for layer, W in enumerate(policy.lstm_weights_):
                for name, value in zip(("weight_ih", "bias_ih", "weight_hh", "bias_hh"),
                                       (W[:H].T, W[H], W[H + 1:2 * H + 1].T, W[2 * H + 1])):
                    getattr(self.lstm, f"{name}_l{layer}").copy_(torch.from_numpy(np.ascontiguousarray(value)))
            for t, head in enumerate(self.heads):
                head.weight.copy_(torch.from_numpy(policy.head_weight_[cols[t]:cols[t + 1]]))
                head.bias.copy_(torch.from_numpy(policy.head_bias_[cols[t]:cols[t + 1]]))

    def log_prob(self, indices) -> torch.Tensor:
        inputs = [self.embeddings[0].weight[0]]
        inputs += [self.embeddings[t + 1].weight[indices[t]] for t in range(len(indices) - 1)]
        out, _ = self.lstm(torch.stack(inputs).unsqueeze(1))  # (steps, batch=1, hidden)
        return sum(torch.log_softmax(head(out[t, 0]), dim=-1)[indices[t]] for t, head in enumerate(self.heads))

    def flat(self, grads: bool = False) -> np.ndarray:
        """Parameters (or their gradients) in the policy's ``theta_`` layout."""
        get = (lambda p: p.grad) if grads else (lambda p: p.detach())
        lstm = [torch.cat([get(getattr(self.lstm, f"weight_ih_l{layer}")).T, get(getattr(self.lstm, f"bias_ih_l{layer}"))[None],
                           get(getattr(self.lstm, f"weight_hh_l{layer}")).T, get(getattr(self.lstm, f"bias_hh_l{layer}"))[None]])
                for layer in range(self.lstm.num_layers)]
        parts = [torch.cat([get(e.weight) for e in self.embeddings]), torch.stack(lstm),
                 torch.cat([get(h.weight) for h in self.heads]), torch.cat([get(h.bias) for h in self.heads])]
        return np.concatenate([p.numpy().ravel() for p in parts])


@pytest.mark.parametrize("num_layers", [1, 2])
def test_log_probs_and_gradients_equal_torch_lstm(num_layers):
    policy = LSTMPolicy(SIZES, hidden_size=7, num_layers=num_layers, seed=2, dtype=np.float64)
    reference = TorchController(policy)
    np.testing.assert_array_equal(reference.flat(), policy.theta_)  # the copy is complete
    for indices in [(0, 0, 0), (2, 1, 3), (1, 0, 2)]:
        reference.zero_grad()
        expected = reference.log_prob(indices)
        expected.backward()
        log_prob, grad = policy.log_prob_gradient(indices)
        assert log_prob == pytest.approx(expected.item(), abs=1e-10)
        np.testing.assert_allclose(grad, reference.flat(grads=True), rtol=1e-10, atol=1e-12)


def test_update_is_torchs_adam_on_the_reinforce_loss():
    policy = LSTMPolicy(SIZES, learning_rate=0.05, hidden_size=7, seed=3, dtype=np.float64)
    reference = TorchController(policy)
    optimizer = torch.optim.Adam(reference.parameters(), lr=0.05)
    rng = np.random.default_rng(0)
    for advantage in [1.0, -0.5, 2.0, 0.3, -1.2]:
        indices = policy.sample(rng)  # update then reuses this sample's forward pass
        optimizer.zero_grad()
        (-reference.log_prob(indices) * advantage).backward()
        optimizer.step()
        policy.update(indices, advantage)
        np.testing.assert_allclose(policy.theta_, reference.flat(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("advantage", [1.0, -1.0])
def test_update_moves_the_chosen_choices_with_the_advantage(advantage):
    policy = LSTMPolicy((5,) * 6, seed=0)
    indices = policy.sample(np.random.default_rng(4))
    before = policy.log_prob(indices)
    policy.update(indices, advantage)
    assert np.sign(policy.log_prob(indices) - before) == np.sign(advantage)
    assert all(np.isclose(p.sum(), 1.0, atol=1e-6) for p in policy.probabilities())


def test_samples_follow_the_log_probabilities():
    policy = LSTMPolicy((3, 2), learning_rate=0.3, hidden_size=8, seed=5, dtype=np.float64)
    policy.update((2, 1), 1.0)  # move away from uniform
    policy.update((0, 0), -1.0)
    combos = list(itertools.product(range(3), range(2)))
    expected = np.exp([policy.log_prob(c) for c in combos])
    assert expected.sum() == pytest.approx(1.0, abs=1e-12)
    rng = np.random.default_rng(0)
    draws = [policy.sample(rng) for _ in range(4000)]
    observed = np.array([draws.count(c) for c in combos]) / len(draws)
    np.testing.assert_allclose(observed, expected, atol=0.03)
    first = policy.probabilities()[0]  # the first decision does not depend on any other
    np.testing.assert_allclose(first, [expected[:2].sum(), expected[2:4].sum(), expected[4:].sum()], atol=1e-12)
    assert policy.mode()[0] == int(np.argmax(first))


def test_seeds_decide_weights_and_samples():
    def draws(policy_seed, rng_seed):
        policy = LSTMPolicy((5,) * 6, seed=policy_seed)
        rng = np.random.default_rng(rng_seed)
        return [policy.sample(rng) for _ in range(10)]

    global_state = np.random.get_state()[1].copy()
    assert draws(7, 0) == draws(7, 0)
    np.testing.assert_array_equal(np.random.get_state()[1], global_state)  # only the given generator draws
    assert draws(7, 0) != draws(8, 0)
    assert draws(7, 0) != draws(7, 1)
    np.testing.assert_array_equal(LSTMPolicy(SIZES, seed=3).theta_, LSTMPolicy(SIZES, seed=3).theta_)


def test_a_stale_sample_is_never_reused():
    policy = LSTMPolicy(SIZES, seed=0, dtype=np.float64)
    twin = LSTMPolicy(SIZES, seed=0, dtype=np.float64)
    indices = policy.sample(np.random.default_rng(0))
    np.testing.assert_array_equal(policy.log_prob_gradient(indices)[1], twin.log_prob_gradient(indices)[1])
    policy.head_bias_[0] += 0.5  # the parameters change after sampling
    twin.head_bias_[0] += 0.5
    assert policy.log_prob(indices) == twin.log_prob(indices)
    np.testing.assert_array_equal(policy.log_prob_gradient(indices)[1], twin.log_prob_gradient(indices)[1])


@pytest.mark.parametrize("indices", [(0, 0), (0, 0, 4), (3, 0, 0), (0, -1, 0), (0.0, 1, 1)])
def test_bad_indices_are_named(indices):
    with pytest.raises(ValueError, match=r"sizes \(3, 2, 4\)"):
        LSTMPolicy(SIZES).log_prob(indices)


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden_size": 0}, "hidden_size"), ({"num_layers": 1.5}, "num_layers"), ({"dtype": np.int64}, "dtype"),
    ({"learning_rate": 0.0}, "learning_rate"), ({"sizes": ()}, "sizes")])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LSTMPolicy(**{"sizes": SIZES, **kwargs})


def test_step_probabilities_are_the_distributions_a_path_was_sampled_from():
    policy = LSTMPolicy([3, 2, 4], learning_rate=0.05, seed=1)
    indices = policy.sample(np.random.default_rng(0))
    steps = policy.step_probabilities(indices)
    assert [len(p) for p in steps] == [3, 2, 4] and all(abs(p.sum() - 1) < 1e-9 for p in steps)
    assert np.prod([p[a] for p, a in zip(steps, indices)]) == pytest.approx(np.exp(policy.log_prob(indices)), rel=1e-5)
    greedy = policy.mode()
    for p, q in zip(policy.step_probabilities(greedy), policy.probabilities()):
        np.testing.assert_allclose(p, q, rtol=1e-6)
    with pytest.raises(ValueError, match="one integer choice per decision"):
        policy.step_probabilities((0, 5, 0))
