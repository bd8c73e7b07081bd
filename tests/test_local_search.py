"""Local search: random start, neighbour moves (first or best improvement), restarts, quality."""
from __future__ import annotations

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.strategies.local_search import LocalSearch


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("nb201")


def conv_count(space):
    """A toy score on NAS-Bench-201: the number of edges that carry a 3x3 convolution."""
    conv = space.decisions()[0].choices.index("nor_conv_3x3")
    return lambda arch: float(sum(i == conv for i in space.to_decisions(arch)))


def step(strategy, number, score):
    candidate = strategy.ask()
    strategy.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(score(candidate.arch), 1.0),
                           cost=1.0))
    return candidate


def test_registered_with_the_papers_defaults(space):
    ls = nm.STRATEGIES.create("ls", space=space)
    assert isinstance(ls, LocalSearch)
    assert (ls.num_init, ls.improvement, ls.restart) == (10, "first", "random")


@pytest.mark.parametrize("kwargs, words", [({"num_init": 0}, "num_init"),
                                           ({"improvement": "steepest"}, "'steepest'.*first, best"),
                                           ({"restart": "never"}, "'never'.*random, best")])
def test_bad_hyperparameters_are_named(space, kwargs, words):
    with pytest.raises(ValueError, match=words):
        LocalSearch(space, **kwargs)


def test_climbs_from_the_best_random_start_and_moves_on_first_improvement(space):
    score = conv_count(space)
    ls = LocalSearch(space, seed=0, num_init=5)
    starts = [step(ls, n, score) for n in range(5)]
    assert all(c.info["role"] == "random" for c in starts)
    centre = max(starts, key=lambda c: score(c.arch)).arch
    number = 5
    while True:
        candidate = step(ls, number, score)
        number += 1
        assert candidate.info["role"] == "neighbour"
        assert candidate.arch in space.neighbours(centre)
        if score(candidate.arch) > score(centre):
            centre = candidate.arch  # the very next proposal is around the better neighbour
            break
    assert step(ls, number, score).arch in space.neighbours(centre)
    assert ls.centres[-1] == centre


def test_best_improvement_evaluates_the_whole_neighbourhood_first(space):
    score = conv_count(space)
    ls = LocalSearch(space, seed=1, num_init=1, improvement="best")
    start = step(ls, 0, score).arch
    fresh = {space.canonical(a) for a in space.neighbours(start)} - {space.canonical(start)}
    told = [step(ls, n, score) for n in range(1, len(fresh) + 1)]
    assert {space.canonical(c.arch) for c in told} == fresh
    best = max(told, key=lambda c: score(c.arch)).arch
    assert step(ls, 99, score).arch in space.neighbours(best)


def test_reaches_the_optimum_of_a_smooth_landscape(space):
    score = conv_count(space)
    ls = LocalSearch(space, seed=2)
    scores = [score(step(ls, n, score).arch) for n in range(120)]
    assert max(scores) == 6.0  # all six edges 3x3 convolutions
    climb = [score(c) for c in ls.centres]
    assert 6.0 in climb and climb[: climb.index(6.0) + 1] == sorted(climb[: climb.index(6.0) + 1])


@pytest.mark.parametrize("restart", ["random", "best"])
def test_restarts_at_a_local_optimum(space, restart):
    target = space.sample(np.random.default_rng(5))

    def peak(arch):  # a single peak: closeness to ``target``
        return -float(sum(a != b for a, b in zip(space.to_decisions(arch), space.to_decisions(target))))

    ls = LocalSearch(space, seed=3, num_init=3, restart=restart)
    roles = [step(ls, n, peak).info["role"] for n in range(140)]
    assert target in ls.centres  # climbed to the peak
    at_peak = ls.centres.index(target)
    after = roles[roles.index("neighbour"):]
    if restart == "random":
        # the peak's neighbourhood is exhausted, then num_init new random starts
        assert "random" in after and len(ls.centres) > at_peak + 1
    else:
        assert ls.centres[at_peak + 1] != target and peak(ls.centres[at_peak + 1]) == -1.0


def test_never_repeats_an_isomorphic_cell_and_survives_failures(space):
    table = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    history = nm.run(LocalSearch(space, seed=4), table, nm.Budget(trials=150))
    keys = [space.canonical(t.arch) for t in history]
    assert len(keys) == len(set(keys)) == 150
    ls = LocalSearch(space, seed=4, num_init=2)
    for number in range(20):
        candidate = ls.ask()
        ls.tell(nm.Trial(number, candidate, nm.TrialState.FAILED, error="CandidateFailed: NaN loss"))
    assert ls.ask().info["role"] == "random"  # nothing to climb from yet, and no deadlock


def test_works_on_a_chain_space():
    space = nm.SPACES.create("chain-small")
    ls = LocalSearch(space, seed=0, num_init=3)
    score = lambda arch: float(len(space.to_str(arch)))  # noqa: E731
    for number in range(25):
        candidate = step(ls, number, score)
        space.validate(candidate.arch)
    assert ls.centres
