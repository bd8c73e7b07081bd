"""benchmarks/macro.py in --quick mode: both tables, the parameter and FLOPs checks, and the JSON it writes."""
import json

import benchmark_scripts
import naslib_mini as nm


def test_quick_run_writes_both_tables_and_finds_the_builder_equal_to_the_table(tmp_path):
    bench = benchmark_scripts.load("macro")
    out = tmp_path / "macro.json"
    record = bench.main(["--quick", "--processes", "1", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(record))
    assert set(record["results"]) == {"mean", "noisy"}
    for result in record["results"].values():
        assert list(result)[0] == "random" and set(result) >= {"rea", "bo", "warmup", "hyperband"}
        assert all(row["runs"] == 3 and 0 < row["mean"] <= record["table_optimum"] for row in result.values())
    assert "one of 3 runs drawn per query" in record["tables"]["noisy"]
    assert record["params_check"]["checked"] == 132 and record["params_check"]["mismatches"] == 0
    assert record["flops_check"]["checked"] == 3 and record["flops_check"]["mismatches"] == 0
    assert record["table_optimum"] == nm.ESTIMATORS.create("macro").best_test_accuracy()
