"""AutoML-Zero: the program language, its interpreter, simplify, mutations, FEC and the two searches."""
import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.automl_zero import (evolve, execute, FECache, fitness, Instruction, linear_regression_tasks, LinearTasks,
                                     Mutator,
                                     Program, random_program, random_search, SearchConfig, sgd_linear_regression,
                                     simplify, task_fitness)

SMALL = {"setup": 3, "predict": 2, "learn": 4}


def test_hand_written_sgd_reaches_the_target_on_unseen_tasks():
    unseen = linear_regression_tasks(100, seed=123_456)
    per_task = task_fitness(sgd_linear_regression(), unseen)
    assert per_task.mean() >= 0.9999
    # the interpreter really trains: without learn the weights stay zero and the fit is poor
    untrained = sgd_linear_regression().with_function("learn", ())
    assert fitness(untrained, unseen) < 0.5


def test_interpreter_matches_a_plain_python_sgd_loop():
    tasks = linear_regression_tasks(2, seed=3, n_train=30, n_valid=5)
    train, valid = execute(sgd_linear_regression(0.1), tasks)
    for t in range(2):
        w = np.zeros(4)
        for x, y, got in zip(tasks.x_train[t], tasks.y_train[t], train[t]):
            assert got == pytest.approx(x @ w)
            w = w + 0.1 * (y - x @ w) * x
        assert valid[t] == pytest.approx(tasks.x_valid[t] @ w)


def test_simplify_keeps_sgd_and_removes_dead_instructions():
    sgd = sgd_linear_regression()
    assert simplify(sgd) == sgd
    dead = (Instruction("scalar_const", 3, value=0.5),          # overwritten in learn before any read
            Instruction("vector_sum", 2, (0, 0)))               # v2 is rewritten in learn before it is read
    noisy = sgd.with_function("setup", sgd.setup + dead)
    noisy = noisy.with_function("learn", noisy.learn + (Instruction("scalar_product", 0, (0, 0)),))  # s0 is reset
    assert len(noisy) == len(sgd) + 3
    assert simplify(noisy) == sgd
    tasks = linear_regression_tasks(3, seed=0)
    assert fitness(noisy, tasks) == fitness(sgd, tasks)


def test_simplify_keeps_what_flows_from_learn_to_the_next_prediction():
    # predict reads v1, which only learn writes: those learn instructions are live
    sgd = sgd_linear_regression()
    assert simplify(sgd).learn == sgd.learn
    # a program that predicts a constant needs nothing of learn
    constant = sgd.with_function("predict", (Instruction("scalar_const", 1, value=0.3),))
    assert simplify(constant) == Program(predict=(Instruction("scalar_const", 1, value=0.3),))


def test_simplify_preserves_predictions_of_random_programs():
    rng = np.random.default_rng(0)
    tasks = linear_regression_tasks(2, seed=1, n_train=15, n_valid=15)
    for _ in range(40):
        program = random_program(rng, {"setup": 6, "predict": 3, "learn": 6})
        a, b = execute(program, tasks), execute(simplify(program), tasks)
        np.testing.assert_array_equal(a[1], b[1])


def test_programs_print_as_text_and_are_values():
    text = str(sgd_linear_regression())
    assert "s1 = dot(v0, v1)" in text and "v1 = v1 + v2" in text and text.startswith("def setup():")
    assert str(Program()).count("pass") == 3
    assert len({sgd_linear_regression(), sgd_linear_regression()}) == 1


def test_fec_gives_functionally_equal_programs_one_fitness():
    tasks = linear_regression_tasks(1, seed=0, n_train=10, n_valid=10)
    cache = FECache(tasks)
    sgd = sgd_linear_regression()
    # the same function written differently: the product's operands swapped
    swapped = sgd.with_function("learn", (sgd.learn[0], Instruction("scalar_product", 3, (3, 2))) + sgd.learn[2:])
    assert swapped != sgd
    cache.put(cache.key(sgd), 0.75)
    assert cache.get(cache.key(swapped)) == 0.75 and cache.hits == 1
    assert cache.get(cache.key(sgd_linear_regression(0.05))) is None and cache.misses == 1


def test_search_uses_the_cache_and_is_deterministic():
    tasks = linear_regression_tasks(3, seed=0, n_train=20, n_valid=20)
    config = SearchConfig(population_size=20, tournament_size=5, max_individuals=300)
    first, again = evolve(tasks, config, seed=4), evolve(tasks, config, seed=4)
    assert first.fitnesses == again.fitnesses and first.best == again.best
    assert first.fec_hits + first.repeat_hits > 0
    assert first.evaluations + first.fec_hits + first.repeat_hits == first.individuals == 300
    assert first.fitnesses != evolve(tasks, config, seed=5).fitnesses
    assert random_search(tasks, config, seed=4).fitnesses == random_search(tasks, config, seed=4).fitnesses


def test_search_stops_at_the_target_only_when_the_selection_tasks_agree():
    tasks = linear_regression_tasks(2, seed=0, n_train=20, n_valid=20)
    config = SearchConfig(population_size=10, tournament_size=3, max_individuals=200, target=0.3)
    result = evolve(tasks, config, seed=0, select_tasks=tasks)
    assert result.reached_target and result.individuals == result.trajectory[-1][0] < 200
    assert result.best_fitness == result.selected_fitness >= 0.3
    # labels a million times larger: no program of the search passes the selection check
    hard = LinearTasks(tasks.x_train, tasks.y_train * 1e6, tasks.x_valid, tasks.y_valid * 1e6, tasks.weights * 1e6)
    result = evolve(tasks, config, seed=0, select_tasks=hard)
    assert not result.reached_target and result.individuals == 200
    assert result.best_fitness >= 0.3 > result.selected_fitness


def test_mutations_change_one_function_within_bounds():
    rng = np.random.default_rng(0)
    mutator = Mutator(min_sizes=(0, 1, 0), max_sizes=(3, 2, 5))
    program = random_program(rng, SMALL)
    for _ in range(200):
        child = mutator.mutate(program, rng)
        assert sum(child.function(n) != program.function(n) for n in ("setup", "predict", "learn")) <= 1
        assert all(lo <= len(child.function(n)) <= hi for n, lo, hi in
                   zip(("setup", "predict", "learn"), (0, 1, 0), (3, 2, 5)))
        program = child


@pytest.mark.parametrize("make, match", [
    (lambda: Instruction("scalar_diff", 4, (0, 1)), "output address 4"),
    (lambda: Instruction("vector_sum", 0, (0,)), "reads 2 addresses"),
    (lambda: Instruction("matrix_product", 0, (0, 0)), "unknown operation 'matrix_product'"),
    (lambda: Mutator(mutations=("crossover",)), "crossover"),
    (lambda: SearchConfig(tournament_size=20, population_size=10), "tournament_size 20"),
    (lambda: SearchConfig(init_sizes=(20, 2, 6)), "init_sizes"),
    (lambda: linear_regression_tasks(0), "n_tasks must be a positive integer, got 0"),
    (lambda: sgd_linear_regression().function("train"), "unknown function 'train'"),
])
def test_bad_input_is_named(make, match):
    with pytest.raises(nm.ConfigurationError, match=match):
        make()


def test_plot_program_search_draws_both_searches():
    import matplotlib
    matplotlib.use("Agg")
    from naslib_mini.viz import plot_program_search

    tasks = linear_regression_tasks(2, seed=0, n_train=10, n_valid=10)
    config = SearchConfig(population_size=10, tournament_size=3, max_individuals=50)
    ax = plot_program_search({"evolution": evolve(tasks, config), "random": random_search(tasks, config)})
    assert len(ax.lines) == 3 and ax.get_xlabel() == "programs evaluated"
