"""The fresh-signal MNIST-1D benchmark in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("mnist1d_fresh_test")


def test_retrains_both_networks_of_the_report_and_scores_them_on_fresh_signals(bench, tmp_path):
    out = tmp_path / "fresh.json"
    result = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == result
    committed = json.loads((benchmark_scripts.BENCHMARKS / "results" / "mnist1d.json").read_text())
    assert result["searched"]["arch"] == committed["arch"]
    assert result["baseline"]["arch"] == committed["baseline_arch"]
    assert result["report"] == "benchmarks/results/mnist1d.json"  # relative: no directory of this machine
    assert result["signals"] == 1000 and result["data_seed"] == 43 and result["runs"] == 1
    for name in ("searched", "baseline"):
        row = result[name]
        assert row["fresh"][0] == pytest.approx(1 - len(row["fresh_errors"][0]) / 1000)
        assert all(0 <= i < 1000 for i in row["fresh_errors"][0])
        assert row["reported"] == committed[("" if name == "searched" else "baseline_") + "test_accuracies"][:1]
        assert not row["matches_report"]  # one epoch, not the report's sixty
    a, b = (set(result[name]["fresh_errors"][0]) for name in ("searched", "baseline"))
    assert (result["paired"]["only_a_right"], result["paired"]["only_b_right"]) == (len(b - a), len(a - b))


def test_the_committed_results_name_their_report_relative_to_the_repository():
    committed = json.loads((benchmark_scripts.BENCHMARKS / "results" / "mnist1d_fresh.json").read_text())
    assert committed["report"] == "benchmarks/results/mnist1d.json"


def test_fresh_signals_are_not_the_official_ones(bench):
    x, y = bench.fresh_signals(500, 43)
    official, _ = bench.fresh_signals(500, 42)
    assert x.shape == (500, 1, 40) and sorted(y.bincount().tolist()) == [50] * 10
    assert not any(bool((x == row).all(dim=(1, 2)).any()) for row in official[:50])


@pytest.mark.parametrize("argv, message", [(["--data-seed", "42"], "--data-seed 42 regenerates the official"),
                                           (["--signals", "5"], "--signals must be at least 10, got 5")])
def test_bad_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err
