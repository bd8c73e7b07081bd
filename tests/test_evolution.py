"""The genetic algorithm: generations, elitism, tournaments, crossover, mutation, failures, quality."""
from __future__ import annotations

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.spaces.nb201 import NB201Space
from naslib_mini.strategies.evolution import Evolution


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("nb201")


def complete(number, candidate, score):
    return nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(score), 1.0), cost=1.0)


def test_registered_with_defaults(space):
    ga = nm.STRATEGIES.create("evolution", space=space)
    assert isinstance(ga, Evolution)
    assert (ga.population_size, ga.tournament_size, ga.crossover_prob, ga.mutation_prob, ga.elitism) == \
        (10, 3, 0.5, 0.5, 2)


@pytest.mark.parametrize("kwargs, word", [({"population_size": 1}, "population_size"),
                                          ({"tournament_size": 11}, "tournament_size"),
                                          ({"crossover_prob": 1.5}, "crossover_prob"),
                                          ({"mutation_prob": -0.1}, "mutation_prob"),
                                          ({"elitism": 10}, "elitism")])
def test_bad_hyperparameters_are_named(space, kwargs, word):
    with pytest.raises(ValueError, match=word):
        Evolution(space, **kwargs)


def test_generations_keep_their_size_and_the_elites_survive(space):
    ga = Evolution(space, seed=0, population_size=6, elitism=2)
    scores = iter(np.random.default_rng(0).permutation(60).astype(float))
    for number in range(6):
        ga.tell(complete(number, ga.ask(), next(scores)))
    assert ga.generation == 1 and len(ga.population) == 6
    for generation in range(2, 9):
        elites = sorted(ga.population, key=lambda member: -member[1])[:2]
        children = []
        for number in range(4):
            candidate = ga.ask()
            assert candidate.info == {"role": "child", "generation": generation - 1}
            score = next(scores)
            children.append((candidate.arch, score))
            ga.tell(complete(100 * generation + number, candidate, score))
        assert ga.generation == generation
        assert ga.population == elites + children


def test_the_tournament_winner_is_the_best_of_those_drawn(space):
    ga = Evolution(space, seed=1, population_size=5, tournament_size=5)
    for number in range(5):
        ga.tell(complete(number, ga.ask(), number))
    best = max(ga.population, key=lambda member: member[1])[0]
    assert all(ga.tournament() == best for _ in range(20))
    ga = Evolution(space, seed=1, population_size=5, tournament_size=1)
    for number in range(5):
        ga.tell(complete(number, ga.ask(), number))
    assert len({ga.tournament() for _ in range(60)}) == 5  # size 1 is a uniform draw


class SpySpace(NB201Space):
    """NAS-Bench-201, recording which genetic operators the strategy applies."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def crossover(self, first, second, rng):
        self.calls.append(("crossover", first, second))
        return super().crossover(first, second, rng)

    def mutate(self, arch, rng):
        self.calls.append(("mutate", arch))
        return super().mutate(arch, rng)


@pytest.mark.parametrize("crossover_prob, mutation_prob", [(1.0, 0.0), (0.0, 1.0), (0.5, 0.5)])
def test_children_come_from_crossover_and_mutation_of_members(crossover_prob, mutation_prob):
    space = SpySpace()
    ga = Evolution(space, seed=2, population_size=8, crossover_prob=crossover_prob, mutation_prob=mutation_prob)
    for number in range(8):
        ga.tell(complete(number, ga.ask(), number))
    members = {arch for arch, _ in ga.population}
    crossed = mutated = 0
    for number in range(100):
        space.calls.clear()
        ga.ask()
        kinds = [call[0] for call in space.calls]
        crossed += "crossover" in kinds
        mutated += bool(kinds) and kinds[-1] == "mutate"
        if "crossover" in kinds:
            assert kinds.count("crossover") == 1 and kinds[0] == "crossover"
            assert {space.calls[0][1], space.calls[0][2]} <= members  # two tournament winners
        elif kinds:
            assert space.calls[0][1] in members  # a mutated copy of a winner
    assert crossed == pytest.approx(100 * crossover_prob, abs=15)
    if mutation_prob == 1.0:
        assert mutated == 100


def test_failed_and_repeated_children_never_join_the_population(space):
    ga = Evolution(space, seed=3, population_size=4, elitism=1)
    for number in range(4):
        ga.tell(complete(number, ga.ask(), number))
    members = list(ga.population)
    for number in range(4, 10):
        ga.tell(nm.Trial(number, ga.ask(), nm.TrialState.FAILED, error="CandidateFailed: NaN loss"))
    ga.tell(complete(10, nm.Candidate(members[0][0]), 99.0))  # a repeat told again
    assert ga.population == members and ga.generation == 1


def test_asks_before_any_result_never_block_or_repeat(space):
    ga = Evolution(space, seed=4, population_size=3)
    asked = [ga.ask() for _ in range(12)]
    assert all(c.info["role"] == "random" for c in asked)
    assert len({space.canonical(c.arch) for c in asked}) == 12


def test_works_on_a_chain_space():
    space = nm.SPACES.create("chain-small")
    ga = Evolution(space, seed=0, population_size=4)
    for number in range(20):
        candidate = ga.ask()
        space.validate(candidate.arch)
        ga.tell(complete(number, candidate, float(len(space.to_str(candidate.arch)))))
    assert ga.generation >= 3
