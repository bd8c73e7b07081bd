"""The lesions3d difficulty benchmark in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("lesions3d_difficulty")


def test_trains_both_networks_and_writes_the_table(bench, tmp_path):
    out = tmp_path / "difficulty.json"
    result = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == result
    assert [r["network"] for r in result["rows"]] == list(bench.NETWORKS)
    for row in result["rows"]:
        assert 0 <= row["val_accuracy"] <= 1 and 0 <= row["val_auc"] <= 1 and row["params"] > 0
    one, three = result["rows"]
    assert three["params"] > one["params"]


def test_committed_results_show_the_architectures_apart_at_the_default_difficulty():
    committed = json.loads((benchmark_scripts.BENCHMARKS / "results" / "lesions3d_difficulty.json").read_text())
    rows = {r["network"]: r for r in committed["rows"] if r["difficulty"] == 0.3}
    assert rows["three layers + fusion"]["val_accuracy"] > rows["one conv"]["val_accuracy"] + 0.1


def test_a_difficulty_outside_the_unit_interval_is_refused(bench, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(["--difficulties", "1.5"])
    assert "--difficulties must lie in [0, 1], got [1.5]" in capsys.readouterr().err
