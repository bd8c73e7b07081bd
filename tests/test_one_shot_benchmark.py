"""benchmarks/one_shot.py beyond DARTS and GDAS (``--quick``): ENAS and SPOS rows with their supernets' tau and
costs in one table, reuse of earlier rows, the noise ceiling, the collapse mode and the 2D MNIST mode."""
import json

import pytest

import benchmark_scripts


def test_every_family_in_one_table_with_tau_cost_and_the_noise_ceiling(tmp_path):
    bench = benchmark_scripts.load("one_shot")
    out = tmp_path / "one_shot.json"
    results = bench.main(["--quick", "--methods", "DARTS-V1", "ENAS", "SPOS", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(results))
    assert [r["method"] for r in results["rows"]] == ["DARTS-V1", "ENAS", "SPOS"]
    for row in results["rows"]:
        tau = row["supernet_tau"]
        assert tau["n"] == 6 and -1 <= tau["low"] <= tau["kendall"] <= tau["high"] <= 1
        assert row["standalone_trainings"] == pytest.approx(row["search_cpu_seconds"]
                                                            / results["standalone_seconds_median"])
        assert 0 <= row["percentile"] <= 100 and 0 < row["cifar10_test_accuracy"] < 1
    spos = results["rows"][2]
    assert spos["search_cpu_seconds"] >= spos["supernet_cpu_seconds"] > 0  # the supernet is charged to the search
    ceiling = results["noise_ceiling"]
    assert ceiling["pairs"] == 50 and ceiling["top_5"]["n"] >= 1
    assert all(p["first"] >= 95 for p in ceiling["top_5"]["networks"])
    assert results["summary"]["best_method"] in {"DARTS-V1", "ENAS", "SPOS"}

    again = bench.main(["--quick", "--methods", "GDAS", "--update", "--out", str(out)])  # earlier rows reused
    assert [r["method"] for r in again["rows"]] == ["DARTS-V1", "GDAS", "ENAS", "SPOS"]
    kept = {r["method"]: r for r in again["rows"]}
    assert all(kept[r["method"]]["cell"] == r["cell"] and kept[r["method"]]["test_accuracy"] == r["test_accuracy"]
               for r in results["rows"])


def test_collapse_mode_differs_from_plain_darts_only_by_the_early_stop(tmp_path):
    bench = benchmark_scripts.load("one_shot")
    results = bench.main(["--quick", "--collapse", "--out", str(tmp_path / "collapse.json")])
    plain, es = results["rows"]
    assert (plain["method"], es["method"]) == ("DARTS-V1", "DARTS-V1 + DARTS-ES")
    assert plain["epochs_run"] == results["epochs"] and es["epochs_run"] <= results["epochs"]
    assert es["eigenvalue"] == plain["eigenvalue"][:es["epochs_run"]]  # same seed: the same search until it stops
    assert es["cell"] == es["cells"][es["result_epoch"] - 1]
    assert not es["same_as_plain_run"] and es["es_fired_at_epoch"] == es["epochs_run"]  # window 1 fires here
    for row in results["rows"]:
        assert row["checkpoints"][-1]["epoch"] == max(row["epochs_run"], row["result_epoch"])
        assert all(0 <= c["test_accuracy"] <= 1 and 0 <= c["parameter_free_share"] <= 1 for c in row["checkpoints"])
    wide = bench.main(["--quick", "--collapse", "--es-window", "3", "--out", str(tmp_path / "wide.json")])
    plain, es = wide["rows"]  # a window of 3 needs 6 epochs: the rule cannot fire in 4, so no second search
    assert es["same_as_plain_run"] and es["es_fired_at_epoch"] is None
    assert (es["cell"], es["eigenvalue"], es["test_accuracy"]) == (plain["cell"], plain["eigenvalue"],
                                                                     plain["test_accuracy"])


def test_mnist_mode_trains_the_derived_and_random_cells_on_real_digits(tmp_path):
    bench = benchmark_scripts.load("one_shot")
    results = bench.main(["--quick", "--task", "mnist", "--out", str(tmp_path / "mnist.json")])
    assert [r["method"] for r in results["rows"]] == ["DARTS-V1", "GDAS"]
    assert results["task"]["input_shape"] == [1, 7, 7] and len(results["random_cells"]) == 1
    for row in results["rows"] + results["random_cells"]:
        assert 0 <= row["test_accuracy"] <= 1 and row["standalone_cpu_seconds"] > 0
    with pytest.raises(SystemExit):
        bench.parse_args(["--task", "mnist", "--collapse"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--task", "mnist", "--downsample", "0"])
