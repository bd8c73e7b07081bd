"""Contract tests every registered space and strategy must pass.

A new space or strategy gets these tests for free by registering itself.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import naslib_mini as nm
from fakes import LinearEstimator

SPACE_NAMES = nm.SPACES.names()
STRATEGY_NAMES = nm.STRATEGIES.names()
#: Spaces every strategy is exercised on: the tabular cell space and a small chain space.
STRATEGY_SPACES = [name for name in ("nb201", "chain-small") if name in nm.SPACES]


@pytest.fixture(params=SPACE_NAMES)
def space(request):
    return nm.SPACES.create(request.param)


def samples(space, n=40, seed=0):
    rng = nm.default_rng(seed)
    return [space.sample(rng) for _ in range(n)]


class TestSpaceContract:
    def test_strings_round_trip(self, space):
        for arch in samples(space):
            text = space.to_str(arch)
            assert isinstance(text, str)
            assert space.from_str(text) == arch
            assert hash(space.from_str(text)) == hash(arch)

    def test_bad_string_is_a_clear_error(self, space):
        with pytest.raises(ValueError):
            space.from_str("definitely|not~an|architecture")

    def test_sampling_is_seeded(self, space):
        assert samples(space, 10, seed=5) == samples(space, 10, seed=5)
        assert samples(space, 10, seed=5) != samples(space, 10, seed=6)

    def test_decisions_round_trip(self, space):
        decisions = space.decisions()
        for arch in samples(space):
            indices = space.to_decisions(arch)
            assert len(indices) == len(decisions)
            assert all(0 <= i < len(d.choices) for i, d in zip(indices, decisions))
            assert space.from_decisions(indices) == arch
            space.validate(arch)

    def test_moves_give_valid_new_architectures(self, space):
        rng = nm.default_rng(1)
        for arch, other in zip(samples(space, 15), samples(space, 15, seed=2)):
            child = space.mutate(arch, rng)
            assert child != arch
            space.validate(child)
            neighbours = space.neighbours(arch)
            assert neighbours and arch not in neighbours
            assert len(set(neighbours)) == len(neighbours)
            space.validate(space.crossover(arch, other, rng))

    def test_encodings_have_fixed_length(self, space):
        for encoding in space.encodings:
            vectors = [space.encode(arch, encoding) for arch in samples(space, 20)]
            assert len({v.shape for v in vectors}) == 1
            assert all(np.isfinite(v).all() for v in vectors)
        with pytest.raises(ValueError, match="valid choices"):
            space.encode(samples(space, 1)[0], "no-such-encoding")

    def test_size_is_an_exact_positive_int(self, space):
        assert isinstance(space.size(), int) and space.size() > 1

    @pytest.mark.parametrize("input_shape", [(1, 8, 8), (1, 24)])
    def test_sampled_networks_build_and_run(self, space, input_shape):
        spec = nm.TaskSpec("toy", input_shape, 3)
        for arch in samples(space, 3):
            net = nm.build_network(space, arch, spec)
            out = net(torch.randn(2, *input_shape))
            assert out.shape == (2, 3)
            out.sum().backward()


@pytest.fixture(params=[(s, n) for s in STRATEGY_NAMES for n in STRATEGY_SPACES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def setting(request):
    strategy_name, space_name = request.param
    return strategy_name, nm.SPACES.create(space_name)


def make(name, space, seed=0):
    return nm.STRATEGIES.create(name, space=space, seed=seed)


class TestStrategyContract:
    def test_searches_with_valid_proposals(self, setting):
        name, space = setting
        history = nm.run(make(name, space), LinearEstimator(space, fail_every=7), nm.Budget(trials=25))
        assert 0 < len(history) <= 25
        for trial in history:
            space.validate(trial.arch)
        assert history.best() is not None

    def test_same_seed_same_trials(self, setting):
        name, space = setting
        runs = [nm.run(make(name, space, seed=4), LinearEstimator(space), nm.Budget(trials=20)) for _ in range(2)]
        assert [(t.arch, t.candidate.budget) for t in runs[0]] == [(t.arch, t.candidate.budget) for t in runs[1]]

    def test_several_asks_before_tells_in_any_order(self, setting):
        name, space = setting
        strategy, estimator = make(name, space), LinearEstimator(space)
        for round_ in range(3):
            asked = []
            for _ in range(4):
                try:
                    asked.append(strategy.ask())
                except nm.SearchExhausted:
                    break
            for offset, candidate in enumerate(reversed(asked)):
                number = 10 * round_ + offset
                if offset == 1:
                    trial = nm.Trial(number, candidate, nm.TrialState.FAILED, error="RuntimeError: boom")
                else:
                    m = estimator.estimate(candidate.arch, candidate.budget)
                    trial = nm.Trial(number, candidate, nm.TrialState.COMPLETE, m, cost=m.cost)
                strategy.tell(trial)

    def test_accepts_trials_it_never_proposed(self, setting):
        name, space = setting
        strategy, estimator = make(name, space), LinearEstimator(space)
        for number, arch in enumerate(samples(space, 5, seed=9)):
            m = estimator.estimate(arch)
            strategy.tell(nm.Trial(number, nm.Candidate(arch), nm.TrialState.COMPLETE, m, cost=m.cost))
        space.validate(strategy.ask().arch)

    def test_resumed_search_continues_like_an_uninterrupted_one(self, setting, tmp_path):
        name, space = setting
        journal = tmp_path / "journal.jsonl"
        nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=8), journal=journal)
        resumed = nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=16),
                         journal=journal, resume=True)
        straight = nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=16))
        assert [(t.arch, t.candidate.budget) for t in resumed] == [(t.arch, t.candidate.budget) for t in straight]
