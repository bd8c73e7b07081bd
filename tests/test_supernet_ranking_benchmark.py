"""The supernet ranking benchmark end to end in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


def test_quick_run_writes_study_rows_for_both_spaces(tmp_path):
    bench = benchmark_scripts.load("supernet_ranking")
    out = tmp_path / "ranking.json"
    results = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(results))
    rows = results["rows"]
    assert [(r["space"], r["family"]) for r in rows] == [("nb201", "weight sharing"), ("chain", "weight sharing")]
    for row in rows:
        assert row["n"] == 6 and row["failed"] == 0
        assert -1 <= row["kendall_low"] <= row["kendall"] <= row["kendall_high"] <= 1
        assert row["supernet_cpu_seconds"] > 0 and row["seconds"] >= row["supernet_cpu_seconds"] / 6
        scores = results["estimates"][row["space"]][row["estimator"]]
        assert len(scores) == 6 and all(0 <= s <= 1 for s in scores)


def test_bad_arguments_are_refused():
    bench = benchmark_scripts.load("supernet_ranking")
    with pytest.raises(SystemExit):
        bench.parse_args(["--archs", "2"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--epochs", "0"])
