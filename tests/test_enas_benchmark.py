"""benchmarks/enas.py end to end in its smoke configuration (``--quick``)."""
import json

import benchmark_scripts
import naslib_mini as nm


def test_quick_run_reports_the_derived_cell_its_truth_percentile_cost_and_cifar10_accuracy(tmp_path):
    bench = benchmark_scripts.load("enas")
    out = tmp_path / "enas.json"
    results = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == results
    space = nm.SPACES.create("nb201", **nm.ground_truth.RECIPE_SPACES["nb201"])
    (row,) = results["rows"]
    arch = space.from_str(row["derived"])
    assert row["derived"] == row["epochs"][-1]["derived"] and len(row["epochs"]) == 2
    assert 0 <= row["test_accuracy"] <= 1 and 0 <= row["percentile"] <= 100 and row["search_cpu_seconds"] > 0
    table = nm.load_nb201().set_index("arch_str")
    assert row["cifar10_test_200"] == table.loc[space.to_str(arch), "c10_test_200"]
    assert results["set_size"] == 300 and results["paper_cifar10"]["ENAS (Dong & Yang 2020)"] == 54.30
    truth = nm.ESTIMATORS.create("ground-truth", space=space)
    if row["test_accuracy_source"] == "ground-truth set":
        assert row["test_accuracy"] == truth.estimate(arch).metrics["test_accuracy"]
    else:
        assert row["test_accuracy_source"].startswith("trained now")
    assert results["mean"]["percentile"]["mean"] == row["percentile"]


def test_percentile_counts_ties_half():
    bench = benchmark_scripts.load("enas")
    assert bench.percentile(0.5, [0.1, 0.5, 0.9, 0.9]) == 37.5
    assert bench.percentile(1.0, [0.1, 0.5]) == 100.0
