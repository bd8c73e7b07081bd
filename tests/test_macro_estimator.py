"""The NAS-Bench-Macro tabular estimator: the table's runs as fractions, its noise, its proxy, and every strategy on it."""
from __future__ import annotations

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.estimators.macro import COST_PER_QUERY, EPOCHS, PROXY_BUDGET
from naslib_mini.history import PROXY_METRIC

BEST_KEYS = {"22212220", "22212202"}  # the two keys of the best class: mean 93.1267 %


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("macro")


@pytest.fixture(scope="module")
def table():
    return nm.load_nas_bench_macro()


def test_score_is_the_mean_of_the_three_runs_as_a_fraction(space, table):
    estimator = nm.ESTIMATORS.create("nas-bench-macro")
    for key in ("00000000", "01201120", "22222222"):
        m = estimator.estimate(space.from_str(key))
        assert m.score == pytest.approx(table.loc[key, "mean_acc"] / 100, abs=1e-6)
        assert m.metrics["test_accuracy"] == m.score == m.metrics["val_accuracy"]
        assert (m.metrics["params"], m.metrics["flops"]) == (table.loc[key, "params"], table.loc[key, "flops"])
        assert (m.cost, m.metrics["epochs"]) == (COST_PER_QUERY, EPOCHS)
    assert estimator.estimate("01201120") == estimator.estimate(space.from_str("01201120"))  # keys are accepted


def test_optimum_and_mean_of_the_table(table):
    estimator = nm.ESTIMATORS.create("macro")
    assert estimator.best_test_accuracy() == pytest.approx(table["mean_acc"].max() / 100, abs=1e-6)
    assert estimator.mean_test_accuracy() == pytest.approx(table["mean_acc"].mean() / 100, abs=1e-6)
    assert {k for k in table.index if estimator.test_accuracy(k) == estimator.best_test_accuracy()} == BEST_KEYS


def test_noisy_scores_draw_each_run_with_their_own_seeded_generator(space, table):
    key = "22212220"
    runs = np.array(table.loc[key, "test_acc"]) / 100
    draws = [nm.ESTIMATORS.create("macro", noisy=True, seed=3).estimate(key) for _ in range(2)]
    assert draws[0] == draws[1]  # same seed, same draw
    estimator = nm.ESTIMATORS.create("macro", noisy=True, seed=3)
    measured = [estimator.estimate(key) for _ in range(300)]
    chosen = np.array([m.metrics["run"] for m in measured], dtype=int)
    assert set(chosen.tolist()) == {0, 1, 2} and np.bincount(chosen).min() > 70  # about uniform
    assert all(m.score == pytest.approx(runs[int(m.metrics["run"])]) for m in measured)
    assert all(m.metrics["test_accuracy"] == pytest.approx(runs.mean()) for m in measured)
    other = nm.ESTIMATORS.create("macro", noisy=True, seed=4)
    assert [other.estimate(key).metrics["run"] for _ in range(20)] != chosen[:20].tolist()


def test_budgets_the_table_does_not_hold_are_configuration_errors(space):
    arch = space.from_str("01201120")
    with pytest.raises(nm.ConfigurationError, match="one schedule, 50 epochs.*honour_budget=False"):
        nm.ESTIMATORS.create("macro").estimate(arch, 12)
    lenient = nm.ESTIMATORS.create("macro", honour_budget=False)
    assert lenient.estimate(arch, 3) == lenient.estimate(arch, EPOCHS)
    with pytest.raises(nm.ConfigurationError, match="noisy must be True or False"):
        nm.ESTIMATORS.create("macro", noisy="yes")


def test_proxy_fidelity_is_the_parameter_count_and_free(space, table):
    m = nm.ESTIMATORS.create("macro", honour_budget=False).estimate(space.from_str("01201120"), PROXY_BUDGET)
    assert m.score == table.loc["01201120", "params"] and m.cost == 0
    assert m.metrics[PROXY_METRIC] == 1 and m.metrics["epochs"] == 0 and "val_accuracy" not in m.metrics


def test_architectures_of_other_spaces_are_a_space_mismatch():
    nb201 = nm.SPACES.create("nb201")
    with pytest.raises(nm.ConfigurationError, match="nas-bench-macro space"):
        nm.ESTIMATORS.create("macro").estimate(nb201.sample(nm.default_rng(0)))
    with pytest.raises(ValueError, match="8 digits"):
        nm.ESTIMATORS.create("macro").estimate("0120112")


@pytest.mark.parametrize("name", nm.STRATEGIES.names())
def test_every_strategy_searches_the_table_through_the_loop(name, space):
    """50 training queries each (the warm-up's proxy queries cost nothing); the choice is a real table entry."""
    uses_budget = nm.STRATEGIES.get(name).uses_budget
    estimator = nm.ESTIMATORS.create("macro", noisy=True, seed=1, honour_budget=not uses_budget)
    strategy = nm.STRATEGIES.create(name, space=space, seed=0)
    history = nm.run(strategy, estimator, nm.Budget(cost=50 * COST_PER_QUERY))
    trained = [t for t in history if not t.measurement.metrics.get(PROXY_METRIC)]
    assert len(trained) == 50 and all(t.ok for t in history)
    best = history.best()
    space.validate(best.arch)
    assert 0.45 < estimator.test_accuracy(best.arch) <= estimator.best_test_accuracy()


def test_searches_beat_a_single_random_query_on_average(space):
    """Sanity of the signal: the best of 50 random queries is well above the table's mean."""
    estimator = nm.ESTIMATORS.create("macro")
    found = [estimator.test_accuracy(nm.run(nm.STRATEGIES.create("random", space=space, seed=s), estimator,
                                            nm.Budget(trials=50)).best().arch) for s in range(5)]
    assert min(found) > estimator.mean_test_accuracy() + 0.01
