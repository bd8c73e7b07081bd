"""Regularized evolution: random start, tournament parents, aging, failures, and search quality."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.strategies.regularized_evolution import RegularizedEvolution


def complete(number, candidate, score):
    return nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(score), 1.0), cost=1.0)


def failed(number, candidate):
    return nm.Trial(number, candidate, nm.TrialState.FAILED, error="CandidateFailed: NaN loss")


@pytest.fixture
def space():
    return nm.SPACES.create("nb201")


def test_registered_with_the_papers_defaults(space):
    rea = nm.STRATEGIES.create("rea", space=space)
    assert isinstance(rea, RegularizedEvolution)
    assert (rea.population_size, rea.sample_size) == (10, 3)


@pytest.mark.parametrize("kwargs, word", [({"population_size": 0}, "population_size"),
                                          ({"sample_size": 0}, "sample_size"),
                                          ({"population_size": 2.5}, "population_size")])
def test_bad_hyperparameters_are_named(space, kwargs, word):
    with pytest.raises(ValueError, match=word):
        RegularizedEvolution(space, **kwargs)


def test_random_population_first_then_mutations_of_members(space):
    rea = RegularizedEvolution(space, seed=1, population_size=5, sample_size=2)
    for number in range(5):
        candidate = rea.ask()
        assert candidate.info["origin"] == "random"
        rea.tell(complete(number, candidate, number))
    members = {arch for arch, _ in rea.population}
    for number in range(5, 30):
        candidate = rea.ask()
        assert candidate.info["origin"] == "mutation"
        parents = {arch for arch in members if candidate.arch in space.neighbours(arch)}
        assert parents, "a child must be one mutation away from a living member"
        rea.tell(complete(number, candidate, 0.0))
        members = {arch for arch, _ in rea.population}


def test_the_oldest_dies_not_the_worst(space):
    rea = RegularizedEvolution(space, seed=0, population_size=3)
    first = rea.ask()
    rea.tell(complete(0, first, 99.0))  # the best ever, but it will age out
    for number in range(1, 4):
        rea.tell(complete(number, rea.ask(), float(number)))
    assert len(rea.population) == 3
    assert [score for _, score in rea.population] == [1.0, 2.0, 3.0]
    assert rea.state() == {"size": 3, "best": 3.0, "mean": 2.0}


def test_tournament_parent_is_the_best_of_the_sample(space):
    rea = RegularizedEvolution(space, seed=3, population_size=4, sample_size=4)
    scores = [1.0, 50.0, 2.0, 3.0]
    for number, score in enumerate(scores):
        rea.tell(complete(number, rea.ask(), score))
    for number in range(4, 24):  # replay the tournament's draws on a copy of the generator
        picks = copy.deepcopy(rea.rng).integers(4, size=4)
        best = max((rea.population[int(i)] for i in picks), key=lambda member: member[1])[0]
        candidate = rea.ask()
        assert candidate.arch in space.neighbours(best)
        rea.tell(failed(number, candidate))  # not pending any more (a pending repeat is drawn again)


def test_failed_trials_never_become_parents(space):
    rea = RegularizedEvolution(space, seed=0, population_size=3)
    asked = [rea.ask() for _ in range(3)]
    for number, candidate in enumerate(asked):
        rea.tell(failed(number, candidate))
    assert len(rea.population) == 0
    assert rea.ask().info["origin"] == "random"  # nothing to mutate: keeps sampling
    good = rea.ask()
    rea.tell(complete(3, good, 1.0))
    assert [arch for arch, _ in rea.population] == [good.arch]


def test_asks_before_any_result_never_block(space):
    rea = RegularizedEvolution(space, seed=0, population_size=3)
    asked = [rea.ask() for _ in range(8)]
    assert all(c.info["origin"] == "random" for c in asked)
    for number, candidate in reversed(list(enumerate(asked))):
        rea.tell(complete(number, candidate, number))
    assert rea.ask().info["origin"] == "mutation"


def test_trials_it_never_proposed_join_the_population(space):
    rea = RegularizedEvolution(space, seed=0, population_size=2)
    archs = [space.sample(np.random.default_rng(i)) for i in range(2)]
    for number, arch in enumerate(archs):
        rea.tell(complete(number, nm.Candidate(arch), 10.0 + number))
    assert [a for a, _ in rea.population] == archs
    child = rea.ask()
    assert child.info["origin"] == "mutation"


def test_works_on_a_chain_space():
    space = nm.SPACES.create("chain-small")
    rea = RegularizedEvolution(space, seed=0, population_size=4)
    for number in range(12):
        candidate = rea.ask()
        space.validate(candidate.arch)
        rea.tell(complete(number, candidate, float(len(space.to_str(candidate.arch)))))
    assert len(rea.population) == 4


def test_pending_candidates_are_never_proposed_twice(space):
    """With several workers, two trials in flight are never the same child."""
    rea = RegularizedEvolution(space, seed=0, population_size=1, sample_size=1)
    rea.tell(complete(0, rea.ask(), 1.0))
    pending = [rea.ask() for _ in range(12)]  # 12 of the parent's 24 neighbours: repeats without the rule
    assert len({c.arch for c in pending}) == 12
    rea.tell(complete(1, pending[0], 5.0))
    assert pending[0].arch not in rea._pending
