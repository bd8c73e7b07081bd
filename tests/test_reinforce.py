"""REINFORCE: the categorical policy's gradient and sampling, the EMA baseline, and learning on the NB201 table.

The LSTM controller's own tests are in ``test_lstm_policy.py``.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini.strategies.policies import CategoricalPolicy
from naslib_mini.strategies.reinforce import Reinforce, ReinforceLSTM


@pytest.fixture
def space():
    return nm.SPACES.create("nb201")


def complete(number, candidate, score):
    return nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(score), 1.0), cost=1.0)


def test_categorical_update_equals_torch_autograd_and_adam():
    sizes, lr = (3, 5, 2), 0.5
    policy = CategoricalPolicy(sizes, learning_rate=lr, seed=0)
    # The same problem in torch: padded logits, log-softmax, Adam.
    logits = torch.nn.Parameter(torch.tensor(np.where(policy.mask_, policy.logits_, 0.0)))
    mask = torch.tensor(policy.mask_)
    optimizer = torch.optim.Adam([logits], lr=lr)
    rng = np.random.default_rng(1)
    for step in range(6):
        indices = policy.sample(rng)
        advantage = float(rng.normal())
        log_probs = torch.log_softmax(logits.masked_fill(~mask, -torch.inf), dim=1)
        loss = -log_probs[torch.arange(len(sizes)), torch.tensor(indices)].sum() * advantage
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        policy.update(indices, advantage)
        np.testing.assert_allclose(policy.logits_[policy.mask_], logits.detach().numpy()[policy.mask_], atol=1e-9)
        with torch.no_grad():
            after = torch.log_softmax(logits.masked_fill(~mask, -torch.inf), dim=1)
            expected = float(after[torch.arange(len(sizes)), torch.tensor(indices)].sum())
        assert policy.log_prob(indices) == pytest.approx(expected, abs=1e-9)


def test_categorical_samples_follow_its_probabilities():
    policy = CategoricalPolicy((4, 2), seed=0)
    logits = policy.logits_
    logits[0, :4] = [2.0, 0.0, -1.0, 1.0]
    policy.logits_ = logits
    expected = policy.probabilities()[0]
    rng = np.random.default_rng(0)
    counts = np.bincount([policy.sample(rng)[0] for _ in range(20_000)], minlength=4) / 20_000
    np.testing.assert_allclose(counts, expected, atol=0.015)
    assert all(np.isclose(p.sum(), 1.0) for p in policy.probabilities())


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_learning_rate_is_named(space, bad):
    with pytest.raises(ValueError, match="learning_rate"):
        Reinforce(space, learning_rate=bad)


def test_bad_baseline_momentum_is_named(space):
    with pytest.raises(ValueError, match="baseline_momentum"):
        Reinforce(space, baseline_momentum=1.0)


def test_baseline_is_an_ema_that_starts_at_the_first_reward(space):
    rl = Reinforce(space, seed=0)
    rewards = [60.0, 80.0, 70.0]
    for number, reward in enumerate(rewards):
        rl.tell(complete(number, rl.ask(), reward))
    baselines = [r["baseline"] for r in rl.records]
    assert baselines[0] == 60.0
    assert np.isclose(baselines[1], 0.9 * 60 + 0.1 * 80)
    assert np.isclose(baselines[2], 0.9 * baselines[1] + 0.1 * 70)
    assert [r["reward"] for r in rl.records] == rewards
    assert np.isclose(rl.records[2]["advantage"], 70 - baselines[2])


def test_failed_trials_give_no_update(space):
    rl = Reinforce(space, seed=0)
    before = rl.policy.logits_.copy()
    rl.tell(nm.Trial(0, rl.ask(), nm.TrialState.FAILED, error="RuntimeError: boom"))
    assert rl.records == [] and rl.baseline is None
    np.testing.assert_array_equal(rl.policy.logits_, before)


def test_learns_from_trials_it_never_proposed(space):
    rl = Reinforce(space, seed=0, learning_rate=0.5)
    good = space.from_str("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    bad = space.from_str("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    for number in range(10):
        rl.tell(complete(2 * number, nm.Candidate(bad), 10.0))
        rl.tell(complete(2 * number + 1, nm.Candidate(good), 90.0))
    assert space.from_decisions(rl.policy.mode()) == good
    assert rl.recommend() == good


def test_probabilities_cover_every_decision(space):
    for rl in (Reinforce(space), ReinforceLSTM(space)):
        probs = rl.policy.probabilities()
        assert [len(p) for p in probs] == [len(d.choices) for d in space.decisions()]
        assert rl.entropy() == pytest.approx(6 * np.log(5), rel=0.05)  # nearly uniform at the start


@pytest.mark.parametrize("name", ["reinforce", "reinforce-lstm"])
def test_rewards_rise_on_the_nb201_table(space, name):
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    first, last = [], []
    for seed in range(3):
        strategy = nm.STRATEGIES.create(name, space=space, seed=seed)
        history = nm.run(strategy, estimator, nm.Budget(trials=100))
        rewards = [r["reward"] for r in strategy.records]
        assert len(rewards) == 100
        first.append(np.mean(rewards[:20]))
        last.append(np.mean(rewards[-20:]))
        assert history.best().score == max(rewards)
    assert np.mean(last) > np.mean(first) + 0.05, (first, last)  # 5 points


def test_works_on_a_chain_space():
    space = nm.SPACES.create("chain-small")
    for rl in (Reinforce(space, seed=0), ReinforceLSTM(space, seed=0)):
        for number in range(6):
            candidate = rl.ask()
            space.validate(candidate.arch)
            rl.tell(complete(number, candidate, float(number)))
        assert len(rl.records) == 6
