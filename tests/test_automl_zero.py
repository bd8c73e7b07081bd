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


def _reference_execute(program, tasks):
    """A plain per-task, per-example interpreter: the semantics ``execute`` must reproduce."""
    ops = {"scalar_const": None, "scalar_sum": np.add, "scalar_diff": np.subtract, "scalar_product": np.multiply,
           "scalar_vector_product": np.multiply, "vector_sum": np.add, "vector_inner_product": np.dot,
           "matrix_vector_product": np.matmul}
    train, valid = np.empty(tasks.y_train.shape), np.empty(tasks.y_valid.shape)

    def run(body, memory):
        for i in body:
            memory[i.writes] = (i.value if i.op == "scalar_const"
                                else ops[i.op](*(memory[r] for r in i.reads)))

    with np.errstate(all="ignore"):
        for t in range(tasks.n_tasks):
            memory = {f"s{k}": 0.0 for k in range(4)}
            memory.update({f"v{k}": np.zeros(4) for k in range(3)}, m0=np.zeros((4, 4)))
            run(program.setup, memory)
            for k in range(tasks.y_train.shape[1]):
                memory["v0"], memory["s0"] = tasks.x_train[t, k], 0.0
                run(program.predict, memory)
                train[t, k] = memory["s1"]
                memory["s0"] = tasks.y_train[t, k]
                run(program.learn, memory)
            for k in range(tasks.y_valid.shape[1]):
                memory["v0"], memory["s0"] = tasks.x_valid[t, k], 0.0
                run(program.predict, memory)
                valid[t, k] = memory["s1"]
    return train, valid


def test_execute_matches_a_per_example_interpreter_with_and_without_state_in_predict():
    from naslib_mini.automl_zero.interpreter import _stateless
    from naslib_mini.automl_zero.instruction import OPERATIONS

    rng = np.random.default_rng(7)
    tasks = linear_regression_tasks(3, seed=2, n_train=12, n_valid=9)
    kinds = set()
    for _ in range(60):
        program = random_program(rng, {"setup": 4, "predict": 3, "learn": 4}, tuple(OPERATIONS))
        kinds.add(_stateless(program.predict))
        got, want = execute(program, tasks), _reference_execute(program, tasks)
        np.testing.assert_allclose(got[0], want[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-9, atol=1e-12)
    assert kinds == {True, False}  # both the batched and the sequential validation path were compared
    # a predict that accumulates over examples is sequential; SGD's predict is not
    counter = (Instruction("scalar_sum", 2, (2, 3)), Instruction("scalar_sum", 1, (2, 2)))
    assert not _stateless(counter) and _stateless(sgd_linear_regression().predict)


def test_random_instructions_never_write_the_label_or_the_features():
    from naslib_mini.automl_zero.instruction import alter_argument, OPERATIONS, random_instruction

    rng = np.random.default_rng(0)
    outputs = set()
    for _ in range(2000):
        instruction = random_instruction(rng, tuple(OPERATIONS))
        outputs.add(instruction.writes)
        outputs.add(alter_argument(instruction, rng).writes)
    assert "s0" not in outputs and "v0" not in outputs
    assert {"s1", "s2", "s3", "v1", "v2"} <= outputs


def test_constants_mutate_on_a_log_scale_or_flip_sign():
    from naslib_mini.automl_zero.instruction import alter_argument

    rng = np.random.default_rng(0)
    const = Instruction("scalar_const", 2, value=0.5)
    values = np.array([alter_argument(const, rng).value for _ in range(4000)])
    changed = values[values != 0.5]               # the other half redraws the output address
    flipped = np.isclose(changed, -0.5)
    assert 0.35 < len(changed) / len(values) < 0.65
    assert 0.06 < flipped.mean() < 0.14           # the paper's sign-flip probability, 0.1
    scale = np.log(changed[~flipped] / 0.5)       # otherwise multiplied by exp(N(0, 1)): never a sign change
    assert abs(scale.mean()) < 0.1 and 0.9 < scale.std() < 1.1


def test_demo_mutations_keep_the_demo_function_sizes():
    config = SearchConfig()
    assert config.init_sizes == (10, 2, 8) and config.mutator.mutations == nm.automl_zero.DEMO_MUTATIONS
    rng = np.random.default_rng(1)
    program = random_program(rng, dict(zip(("setup", "predict", "learn"), config.init_sizes)))
    for _ in range(300):
        program = config.mutator.mutate(program, rng)
        assert tuple(len(program.function(n)) for n in ("setup", "predict", "learn")) == (10, 2, 8)


def test_budget_counts_cpu_time_of_the_process_not_wall_clock(monkeypatch):
    from naslib_mini.automl_zero import search

    clock = iter(np.arange(0.0, 1000.0, 0.5))      # a CPU clock advancing 0.5 s per reading
    monkeypatch.setattr(search.time, "process_time", lambda: float(next(clock)))
    monkeypatch.setattr(search.time, "perf_counter", lambda: pytest.fail("the budget must not read wall clock"))
    tasks = linear_regression_tasks(1, seed=0, n_train=5, n_valid=5)
    config = SearchConfig(population_size=10, tournament_size=3, max_individuals=10_000, max_seconds=20.0)
    result = evolve(tasks, config, seed=0)
    assert result.individuals < 100 and result.seconds >= 20.0


def test_evolution_restarts_from_a_fresh_population_after_restart_every_programs():
    tasks = linear_regression_tasks(2, seed=0, n_train=10, n_valid=10)
    config = SearchConfig(population_size=10, tournament_size=3, max_individuals=250, restart_every=100)
    result = evolve(tasks, config, seed=3)
    assert result.restarts == 2 and result.individuals == 250
    assert result.fitnesses == evolve(tasks, config, seed=3).fitnesses
    once = evolve(tasks, SearchConfig(population_size=10, tournament_size=3, max_individuals=250), seed=3)
    assert once.restarts == 0 and once.fitnesses[:100] == result.fitnesses[:100] != once.fitnesses
    with pytest.raises(nm.ConfigurationError, match="restart_every must be None or an integer above population_size"):
        SearchConfig(population_size=10, tournament_size=3, restart_every=10)
