"""The multi-objective NAS-Bench-201 benchmark and the FLOPs/params table it reads, in quick mode."""
import json

import numpy as np
import pytest

import benchmark_scripts
import naslib_mini as nm
from naslib_mini.data import COST_NB201_FILE, SHIPPED_DATA


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("multi_objective_nb201")


def test_quick_run_compares_nsga2_with_random_search_against_the_true_front(bench, tmp_path):
    result = bench.main(["--quick", "--out", str(tmp_path / "out.json")])
    assert json.loads((tmp_path / "out.json").read_text()) == result
    assert result["protocol"]["runs"] == 4 and result["protocol"]["budget_seconds"] == 3000
    keys = {f"accuracy-vs-{c}/{v}/{r}" for c in ("flops", "params") for v in ("signal", "test")
            for r in ("front", "table")}
    assert set(result["normalised_hypervolume"]) == set(result["paired"]) == keys
    for row in result["normalised_hypervolume"].values():
        for name in ("nsga2", "bananas-parego", "random"):
            assert 0 < row[name]["min"] <= row[name]["mean"] <= 1 + 1e-9  # no search beats the true front
    for pairs in result["paired"].values():
        assert set(pairs) == {"nsga2 - random", "bananas-parego - random"}
        for pair in pairs.values():
            assert pair["wins"] + pair["ties"] + pair["losses"] == 4 and 0 <= pair["wilcoxon_p"] <= 1
    curve = result["hypervolume_over_cost"]["accuracy-vs-flops"]
    assert curve["budgets"][-1] == 3000 and all(np.diff(curve["nsga2"]) >= -1e-12)  # fronts only grow


def test_the_true_front_is_the_tables_non_dominated_set(bench):
    truth = bench.table_values()
    scale = bench.scales_of(1 - truth["test"], truth["flops"])["front"]
    assert scale.ratio(scale.front) == pytest.approx(1.0)
    best = int(np.argmax(truth["test"]))
    assert (scale.front == [1 - truth["test"][best], truth["flops"][best]]).all(axis=1).any()
    cheapest = truth["flops"].min()
    best_cheapest = truth["test"][truth["flops"] == cheapest].max()
    assert scale.ideal[1] == cheapest and scale.nadir[0] == pytest.approx(1 - best_cheapest)


def test_cost_table_is_shipped_loaded_and_agrees_with_the_builder_and_the_official_files(tmp_path):
    cost = nm.load_nb201_cost()
    assert (cost["index"].to_numpy() == np.arange(15625)).all()
    space, spec = nm.NB201Space(), nm.TaskSpec("cifar10", (3, 32, 32), 10)
    for index in (0, 11, 6111):
        net = nm.build_network(space, space.from_index(index), spec)
        assert (cost.loc[index, "flops"], cost.loc[index, "params"]) == (nm.count_flops(net, (3, 32, 32)),
                                                                        nm.count_params(net))
    bench = benchmark_scripts.load("cost_nb201")
    result = bench.main(["--quick", "--out", str(tmp_path / "cost.json"), "--data", str(tmp_path / "c.csv.gz")])
    assert result["check_mismatches"] == [] and not (tmp_path / "c.csv.gz").exists()  # a part ships nothing
    for row in result["official_nats_sample"]:  # the NATS files count multiply-adds in millions
        assert row["ours_mmac"] == pytest.approx(row["official_mflop"], abs=1e-3)
        assert row["ours_params_m"] == pytest.approx(row["official_params_m"], abs=1e-6)
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10", flops=True)
    assert estimator.estimate(space.from_index(11)).metrics["flops"] == cost.loc[11, "flops"]
    with pytest.raises(nm.ConfigurationError, match="flops=True holds the FLOPs of the 10-class CIFAR network"):
        nm.ESTIMATORS.create("nb201", dataset="cifar100", flops=True)


def test_a_damaged_cost_table_is_a_clear_error(tmp_path):
    bad = tmp_path / "cost.csv"
    bad.write_text("index,flops\n0,1\n")
    with pytest.raises(nm.ConfigurationError, match="must have the columns index, flops, params"):
        nm.load_nb201_cost(bad)
    with pytest.raises(nm.DataNotFound, match="benchmarks/cost_nb201.py"):
        nm.load_nb201_cost(tmp_path / "missing.csv.gz")
    assert (SHIPPED_DATA / COST_NB201_FILE).is_file()


def test_tuning_scores_every_nsga2_setting_on_development_seeds_and_chooses_the_best(bench, tmp_path):
    result = bench.main(["--quick", "--tune", "--out", str(tmp_path / "tuning.json")])
    assert json.loads((tmp_path / "tuning.json").read_text()) == result
    grid = bench.TUNING_GRID
    assert len(result["grid"]) == len(grid["population_size"]) * len(grid["crossover_probability"])
    assert result["seeds"].startswith("0 .. 1 (development")
    for row in result["grid"]:
        assert 0 < row["accuracy-vs-flops"] <= 1 + 1e-9 and 0 < row["accuracy-vs-params"] <= 1 + 1e-9
    assert result["chosen"] == max(result["grid"], key=lambda row: row["mean"])


@pytest.mark.parametrize("argv, message", [
    (["--tune", "--tune-seeds", "101"], "--tune-seeds 101 would reach the reported seeds"),
    (["--crossover-probability", "1.5"], "--crossover-probability must be in [0, 1], got 1.5")])
def test_bad_tuning_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err
