"""benchmarks/once_for_all.py in its quick mode: shrinking, the from-scratch comparison, specialisation."""
import json

from benchmark_scripts import load


def test_quick_once_for_all_benchmark_writes_every_comparison(tmp_path):
    out = tmp_path / "ofa.json"
    record = load("once_for_all").main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(record))
    assert out.with_suffix(".png").stat().st_size > 0
    assert [p["phase"] for p in record["phases"]] == ["full", "kernel", "depth", "depth", "width", "width"]
    subnets = record["subnets"]
    assert len(subnets) == 3 and len({r["arch"] for r in subnets}) == 3
    assert [r["params"] for r in subnets] == sorted(r["params"] for r in subnets)
    for row in subnets:
        for key in ("inherited_test_accuracy", "finetuned_test_accuracy", "scratch_mean"):
            assert 0 <= row[key] <= 1
        assert abs(row["gap_points"] - 100 * (row["scratch_mean"] - row["inherited_test_accuracy"])) < 1e-9
        assert row["latency_ms"] > 0 and len(row["scratch_test_accuracy"]) == 1
    special = record["specialisation"]
    assert -1 <= special["predictor_heldout"]["spearman"] <= 1
    limits = [p["limit_ms"] for p in special["picks"]]
    assert len(limits) == 3 and limits == sorted(limits)
    for pick in special["picks"]:
        if pick["arch"] is not None:
            assert pick["table_latency_ms"] <= pick["limit_ms"] and 0 <= pick["test_accuracy"] <= 1
    assert any(pick["arch"] is not None for pick in special["picks"])
    assert "| **mean** |" in record["table"]
