"""The synflow fidelity of the table, the incumbent rule for proxy trials, and the proxy warm-up strategy."""
from __future__ import annotations

import json

import numpy as np
import pytest

import benchmark_scripts
import naslib_mini as nm
from fakes import LinearEstimator
from naslib_mini.estimators.tabular import PROXY_BUDGET, SYNFLOW_CPU_SECONDS
from naslib_mini.history import PROXY_METRIC, is_incumbent_candidate
from naslib_mini.reproductions.nb201 import reproduce_nb201, search_once
from naslib_mini.strategies.proxy_warmup import NUM_WARMUP
from naslib_mini.viz.search import anytime_curve


@pytest.fixture(scope="module")
def space(nb201_space):
    return nb201_space  # conftest's session-wide NAS-Bench-201 space


@pytest.fixture(scope="module")
def table():
    return nm.ESTIMATORS.create("nb201", dataset="cifar10", honour_budget=False)


def warmup(space, seed=0, **settings):
    settings = {"inner": "rea", "num_warmup": 40, "num_seeds": 5, "population_size": 5, **settings}
    return nm.STRATEGIES.create("warmup", space=space, seed=seed, **settings)


# -- the proxy fidelity ----------------------------------------------------------------------------
def test_proxy_budget_returns_the_shipped_synflow_at_its_measured_cost(space, table):
    synflow = nm.load_nb201_synflow()["synflow"].to_numpy()
    for arch in [space.sample(nm.default_rng(3)) for _ in range(5)]:
        m = table.estimate(arch, PROXY_BUDGET)  # honoured although honour_budget=False: not a schedule
        assert m.score == synflow[space.index(arch)] == m.metrics["synflow"]
        assert m.cost == SYNFLOW_CPU_SECONDS and m.metrics[PROXY_METRIC] == 1.0 and m.metrics["epochs"] == 0.0
    assert table.estimate(arch, 200).cost == table.estimate(arch).cost  # other budgets still ignored


def test_the_charged_cost_is_the_benchmark_measurement():
    results = json.loads((benchmark_scripts.BENCHMARKS / "results" / "synflow_nb201.json").read_text())
    assert SYNFLOW_CPU_SECONDS == results["cpu_seconds_per_cell"]


def test_an_unknown_budget_names_the_proxy_budget(space):
    with pytest.raises(ValueError, match="0 for the synflow proxy, got 5"):
        nm.ESTIMATORS.create("nb201").estimate(space.sample(nm.default_rng(0)), 5)


# -- the incumbent rule ----------------------------------------------------------------------------
def test_proxy_trials_are_never_the_incumbent_but_their_cost_counts():
    proxy = nm.Trial(0, nm.Candidate("p", 0), nm.TrialState.COMPLETE, nm.Measurement(1e40, 0.5, {PROXY_METRIC: 1.0}),
                     cost=0.5)
    real = nm.Trial(1, nm.Candidate("r"), nm.TrialState.COMPLETE, nm.Measurement(0.9, 10.0), cost=10.0)
    history = nm.History(None, [proxy, real])
    assert not is_incumbent_candidate(proxy) and is_incumbent_candidate(real)
    assert history.best().arch == "r" and history.best(max_cost=10.5).arch == "r"
    assert nm.History(None, [proxy]).best() is None
    assert [row["best_score"] for row in history.trajectory()][1] == 0.9
    assert np.isnan(history.trajectory()[0]["best_score"])
    assert history.total_cost == 10.5
    np.testing.assert_array_equal(anytime_curve([history], [0.1, 1.0, 20.0]), [[np.nan, np.nan, 0.9]])


# -- the warm-up -----------------------------------------------------------------------------------
def test_asks_num_warmup_distinct_proxy_candidates_first_then_the_top_seeds(space, table):
    strategy = warmup(space)
    history = nm.run(strategy, table, nm.Budget(trials=60))
    proxy, rest = history.trials[:40], history.trials[40:]
    assert all(t.candidate.budget == PROXY_BUDGET and t.candidate.info["role"] == "warmup" for t in proxy)
    assert len({space.canonical(t.arch) for t in proxy}) == 40  # distinct up to isomorphism
    ranked = sorted(proxy, key=lambda t: -t.score)  # stable: the earlier wins ties, as the strategy does
    assert strategy.seeds == [t.arch for t in ranked[:5]]
    assert [t.arch for t in rest[:5]] == strategy.seeds
    assert all(t.candidate.budget is None for t in rest)
    assert [t.candidate.info["role"] for t in rest[:5]] == ["seed"] * 5
    assert all(t.candidate.info.get("origin") == "mutation" for t in rest[5:])  # REA took the seeds as its population


def test_the_seeds_are_the_inner_strategys_initial_population(space, table):
    strategy = warmup(space)
    nm.run(strategy, table, nm.Budget(trials=45))
    assert [arch for arch, _ in strategy.inner.population] == strategy.seeds
    assert all(score < 1.0 for _, score in strategy.inner.population)  # accuracies, no proxy score leaked


def test_the_warmup_is_charged_to_the_budget(space, table):
    history = nm.run(warmup(space), table, nm.Budget(trials=45))
    assert history.total_cost == pytest.approx(40 * SYNFLOW_CPU_SECONDS + sum(t.cost for t in history.trials[40:]))
    assert history.best().candidate.budget is None


def test_same_seed_same_search_other_seed_other_search(space, table):
    def archs(seed):
        return [(t.arch, t.candidate.budget) for t in nm.run(warmup(space, seed), table, nm.Budget(trials=50))]

    assert archs(1) == archs(1) != archs(2)


def test_num_seeds_defaults_to_the_inner_initial_design(space):
    assert nm.STRATEGIES.create("warmup", space=space, seed=0).num_seeds == 30  # bo-local's num_init
    assert nm.STRATEGIES.create("warmup", space=space, seed=0, inner="ls").num_seeds == 10
    assert nm.STRATEGIES.create("warmup", space=space, seed=0).num_warmup == NUM_WARMUP == 3000


def test_a_space_smaller_than_the_warmup_ends_it_early():
    space = nm.SPACES.create("chain", channels=(8,), max_depth=1)  # 35 architectures
    strategy = nm.STRATEGIES.create("warmup", space=space, seed=0, inner="random", num_warmup=100, num_seeds=3)
    history = nm.run(strategy, LinearEstimator(space), nm.Budget(trials=38))
    proxy = [t for t in history if t.candidate.budget == 0]
    assert len(proxy) == strategy.num_warmup == len({t.arch for t in proxy}) <= space.size() < 100
    assert strategy.seeds is not None and len(strategy.seeds) == 3
    assert [t.arch for t in history.trials[len(proxy):len(proxy) + 3]] == strategy.seeds


@pytest.mark.parametrize("settings, message", [
    ({"inner": "warmup"}, "inner must be another strategy"),
    ({"inner": "nope"}, "unknown strategy 'nope'"),
    ({"num_warmup": 5, "num_seeds": 6}, r"num_seeds must be an integer in \[1, 5\]"),
    ({"num_warmup": 0}, "num_warmup must be an integer >= 1"),
    ({"proxy_budget": "0"}, "proxy_budget must be a finite number"),
])
def test_bad_settings_are_clear_errors(space, settings, message):
    with pytest.raises((ValueError, KeyError), match=message):
        nm.STRATEGIES.create("warmup", space=space, seed=0, **settings)


# -- the protocol ----------------------------------------------------------------------------------
def test_a_quick_protocol_run_charges_the_warmup_and_reports_an_accuracy():
    history = search_once("warmup", seed=0)
    proxy = [t for t in history if t.candidate.budget == PROXY_BUDGET]
    assert len(proxy) == NUM_WARMUP
    best = history.best(max_cost=12_000)
    assert best.candidate.budget is None and 0.0 < best.score < 1.0
    result = reproduce_nb201(strategies=("warmup",), runs=3, processes=1)["warmup"]
    assert result["runs"] == 3 and 0.9 < result["mean"] <= nm.ESTIMATORS.create("nb201").best_test_accuracy()


def test_the_paired_benchmark_runs_every_strategy_on_the_same_seeds(tmp_path, capsys):
    script = benchmark_scripts.load("proxy_warmup_nb201")
    out = tmp_path / "paired.json"
    assert script.main(["--runs", "2", "--datasets", "cifar10", "--out", str(out)]) == 0
    result = json.loads(out.read_text())["datasets"]["cifar10"]
    assert set(result["summary"]) == {"warmup", "bo-local", "ls"}
    for comparison in result["paired"].values():
        assert comparison["wins"] + comparison["ties"] + comparison["losses"] == 2
    diff = script.paired(np.array([0.9437, 0.9437, 0.9400]), np.array([0.9437, 0.9400, 0.9437]))
    assert (diff["wins"], diff["ties"], diff["losses"], diff["mean_difference"]) == (1, 1, 1, 0.0)
