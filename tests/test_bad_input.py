"""Bad input to the library's API, tried as a new user would: each is a clear error that
names the bad value and what is allowed, and random search visits a whole finite space."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from fakes import LinearEstimator

import naslib_mini as nm
from naslib_mini.spaces import ChainSpace


# -- spaces ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", nm.SPACES.names())
@pytest.mark.parametrize("text", [None, 5, b"conv3x3-16-s1-series"])
def test_from_str_of_a_non_string_names_it_and_the_format(name, text):
    with pytest.raises(TypeError, match=rf"read from strings such as '.+', got {type(text).__name__}: "):
        nm.SPACES.create(name).from_str(text)


@pytest.mark.parametrize("index", [1.5, 2.0, "3", True, None])
def test_nb201_from_index_needs_an_integer(index):
    with pytest.raises(TypeError, match=rf"index must be an integer in 0..15624, got {type(index).__name__}"):
        nm.SPACES.create("nb201").from_index(index)


@pytest.mark.parametrize("kwargs, pattern", [(dict(width=True), "width must be a positive integer, got True"),
                                             (dict(cells_per_stage=2.0), "cells_per_stage must be a positive")])
def test_nb201_constructor_checks_its_sizes(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        nm.SPACES.create("nb201", **kwargs)


def test_moves_on_an_architecture_of_another_space_name_it():
    chain, nb201 = nm.SPACES.create("chain-small"), nm.SPACES.create("nb201")
    rng = nm.default_rng(0)
    with pytest.raises(ValueError, match="expected a ChainArch, got NB201Arch"):
        chain.mutate(nb201.sample(rng), rng)
    with pytest.raises(TypeError, match="expected an NB201Arch, got ChainArch"):
        nb201.mutate(chain.sample(rng), rng)


# -- budgets and seeds ---------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, pattern", [
    (dict(trials="5"), "trials must be a positive integer, got '5'"),
    (dict(trials=2.5), "trials must be a positive integer, got 2.5"),
    (dict(trials=True), "trials must be a positive integer, got True"),
    (dict(trials=0), "trials must be a positive integer, got 0"),
    (dict(seconds="60"), "seconds must be a positive, finite number of seconds, got '60'"),
    (dict(cost=float("inf")), "cost must be a positive, finite number of seconds, got inf"),
])
def test_bad_budgets_name_the_value(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        nm.Budget(**kwargs)


def test_a_whole_number_of_trials_of_any_integer_type_is_accepted():
    assert nm.Budget(trials=np.int64(5)).trials == 5


@pytest.mark.parametrize("strategy", nm.STRATEGIES.names())
@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_every_strategy_names_a_bad_seed(strategy, seed):
    with pytest.raises(ValueError, match=rf"seed must be a non-negative integer, .* got {seed!r}"):
        nm.STRATEGIES.create(strategy, space=nm.SPACES.create("nb201"), seed=seed)


@pytest.mark.parametrize("strategy", ["random", "rea", "evolution", "ls"])
def test_a_strategy_needs_a_space(strategy):
    with pytest.raises(ValueError, match="space must be a SearchSpace .* got str: 'chain-small'"):
        nm.STRATEGIES.create(strategy, space="chain-small")


# -- strategy sizes ------------------------------------------------------------------------
@pytest.mark.parametrize("strategy, kwargs, pattern", [
    ("rea", dict(population_size=5, sample_size=6),
     r"sample_size must be an integer in \[1, 5\] \(a tournament of at most population_size=5 members\), got 6"),
    ("rea", dict(population_size=True), "population_size must be an integer >= 1, got True"),
    ("rea", dict(sample_size=0), "sample_size must be an integer in"),
    ("evolution", dict(population_size=4, tournament_size=5),
     r"tournament_size must be an integer in \[1, 4\] \(population_size=4\), got 5"),
    ("evolution", dict(tournament_size=True), "tournament_size must be an integer in .*, got True"),
    ("evolution", dict(population_size=4, elitism=4), r"elitism must be an integer in \[0, 3\]"),
    ("evolution", dict(crossover_prob="0.5"), r"crossover_prob must be a probability in \[0, 1\], got '0.5'"),
    ("evolution", dict(mutation_prob=float("nan")), r"mutation_prob must be a probability in \[0, 1\], got nan"),
    ("ls", dict(num_init=0), "num_init must be an integer >= 1, got 0"),
    ("random", dict(max_draws=0), "max_draws must be an integer >= 1, got 0"),
    ("grid", dict(max_size=float("nan")), "max_size must be an integer >= 0, got nan"),
    ("bananas", dict(steps=True), "steps must be an integer >= 1, got True"),
    ("bo", dict(tune_every=True), "tune_every must be an integer >= 1, got True"),
    ("reinforce-lstm", dict(hidden_size=True), "hidden_size must be an integer >= 1, got True"),
    ("sh", dict(num_configs=True), "num_configs must be an integer >= 1, got True"),
])
def test_bad_strategy_sizes_name_the_value_and_the_range(strategy, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        nm.STRATEGIES.create(strategy, space=nm.SPACES.create("nb201"), **kwargs)


# -- random search visits every architecture --------------------------------------------------
@pytest.mark.parametrize("space", [ChainSpace(ops=("conv3x3", "identity", "zero"), channels=(4, 8), strides=(1,),
                                              max_depth=2, stem_channels=4),
                                   nm.SPACES.create("nb201")], ids=["chain", "nb201"])
def test_random_search_visits_each_architecture_exactly_once(space):
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), LinearEstimator(space),
                     nm.Budget(trials=space.size() + 100))
    archs = [trial.arch for trial in history]
    assert len(archs) == len(set(archs)) == space.size()


def test_random_search_names_a_space_too_large_to_list():
    space = nm.SPACES.create("chain-small")
    rs = nm.STRATEGIES.create("random", space=space, seed=0, max_listed=10)
    rs._seen.update(list(space)[:-1])  # as if all but one architecture had been told
    with pytest.raises(nm.SearchExhausted, match="no unseen architecture in 1000 draws .* too large to list"):
        rs.ask()
    listed = nm.STRATEGIES.create("random", space=space, seed=0)
    listed._seen.update(space)
    with pytest.raises(nm.SearchExhausted, match="all 51,088 architectures of 'chain-small' were proposed"):
        listed.ask()


# -- tensor tasks --------------------------------------------------------------------------
X, Y = torch.randn(50, 1, 8), torch.arange(50) % 3


def with_value(position: int, value: float) -> torch.Tensor:
    x = X.clone()
    x[position, 0, 3] = value
    return x


@pytest.mark.parametrize("x, y, kwargs, pattern", [
    (torch.randn(0, 1, 8), torch.zeros(0), {}, r"x holds no values \(shape \(0, 1, 8\)\)"),
    (with_value(7, float("nan")), Y, {}, r"x holds 1 NaN and 0 infinite values \(the first in example 7\)"),
    (with_value(2, float("-inf")), Y, {}, r"x holds 0 NaN and 1 infinite values \(the first in example 2\)"),
    (X, Y - 1, {}, r"labels must be class indices >= 0, got 17 negative ones \(the smallest -1\)"),
    (X, Y, dict(num_classes=2), r"labels must lie in 0..1 for num_classes=2, got 16 outside \(the largest 2\)"),
    (X, Y + 0.5, {}, r"labels must be whole class indices, got 50 that are not \(the first 0.5\)"),
    (X, Y > 0, {}, "labels must be integer class indices, got dtype torch.bool"),
    (X, ["a"] * 50, {}, "labels must be integer class indices, got dtype <U1"),
    (X, Y, dict(num_classes=2.5), "num_classes must be an integer of at least 2, got 2.5"),
    (X[:2], Y[:2], {}, "2 examples are too few for val_fraction=0.2 and test_fraction=0.2: the splits "
                       "would hold 2 training, 0 validation and 0 test examples"),
    (X[:6], Y[:6], dict(val_fraction=0.05), "0 validation"),
])
def test_bad_tensor_tasks_name_the_problem(x, y, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        nm.TASKS.create("tensors", x=x, y=y, **kwargs)


def test_whole_labels_stored_as_floats_are_accepted():
    task = nm.TASKS.create("tensors", x=X, y=Y.double(), seed=0)
    assert task.y_train.dtype == torch.long and task.spec.num_classes == 3


# -- generators, numbers given as strings, the loop's arguments --------------------------------
@pytest.mark.parametrize("name", nm.SPACES.names())
@pytest.mark.parametrize("move", ["sample", "mutate", "crossover"])
def test_moves_need_a_generator_not_a_seed(name, move):
    space = nm.SPACES.create(name)
    arch = space.sample(nm.default_rng(0))
    call = {"sample": lambda: space.sample(5), "mutate": lambda: space.mutate(arch, 5),
            "crossover": lambda: space.crossover(arch, arch, 5)}[move]
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator .*default_rng\(0\).*got int: 5"):
        call()


@pytest.mark.parametrize("name, kwargs, word", [
    ("reinforce", dict(learning_rate="0.1"), "learning_rate"),
    ("reinforce", dict(baseline_momentum="0.9"), "baseline_momentum"),
    ("hyperband", dict(eta="3"), "eta"),
    ("hyperband", dict(min_budget="1"), "min_budget"),
    ("hyperband", dict(max_budget=float("inf")), "max_budget"),
    ("sh", dict(budgets=(1, "3")), "a budget"),
    ("bananas", dict(learning_rate="0.05"), "learning_rate"),
    ("bohb", dict(bandwidth_factor="3"), "bandwidth_factor"),
])
def test_numbers_given_as_strings_are_named(nb201_space, name, kwargs, word):
    with pytest.raises(ValueError, match=rf"{word} must be a finite number, got "):
        nm.STRATEGIES.create(name, space=nb201_space, **kwargs)


def test_a_task_seed_must_be_a_non_negative_integer():
    with pytest.raises(ValueError, match="seed must be a non-negative integer.*got -1"):
        nm.TASKS.create("digits", seed=-1)


@pytest.mark.parametrize("position, value, kind", [(0, "rea", "Strategy"), (1, "nb201", "Estimator"),
                                                   (2, 5, "Budget")])
def test_run_names_an_argument_of_the_wrong_kind(nb201_space, position, value, kind):
    args = [nm.STRATEGIES.create("random", space=nb201_space), LinearEstimator(nb201_space), nm.Budget(trials=2)]
    args[position] = value
    with pytest.raises(TypeError, match=rf"run needs a {kind} \(e.g. .*\), got {type(value).__name__}"):
        nm.run(*args)


def test_a_journal_path_that_is_a_directory_is_refused(nb201_space, tmp_path):
    with pytest.raises(nm.JournalError, match=f"journal path {tmp_path} is a directory"):
        nm.run(nm.STRATEGIES.create("random", space=nb201_space), LinearEstimator(nb201_space),
               nm.Budget(trials=2), journal=tmp_path)


def test_an_estimator_of_another_space_stops_the_search_before_any_trial(nb201_space, tmp_path):
    estimator = nm.ESTIMATORS.create("training", task="digits", space="chain-small", epochs=1)
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(nm.ConfigurationError, match="space 'chain-small' cannot hold this architecture.*same space"):
        nm.run(nm.STRATEGIES.create("random", space=nb201_space), estimator, nm.Budget(trials=3), journal=journal)
    assert not journal.exists()
