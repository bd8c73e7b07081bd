"""benchmarks/latency_table.py in its quick mode: every space measured, predicted and compared."""
import json

from benchmark_scripts import load


def test_quick_latency_table_benchmark_writes_every_comparison(tmp_path):
    out = tmp_path / "latency.json"
    record = load("latency_table").main(["--quick", "--archs", "4", "--repeats", "3", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(record))
    assert [s["space"] for s in record["spaces"]] == ["chain", "nb201-1d"]
    for space in record["spaces"]:
        assert space["archs"] == len(space["rows"]) == 4
        assert len({r["arch"] for r in space["rows"]}) == 4
        for key in ("lookup_table", "flops", "params", "onnxruntime", "repeatability"):
            assert -1 <= space[key]["spearman"] <= 1
        row = space["rows"][0]
        assert row["latency_ms"] > 0 and row["onnx_latency_ms"] > 0 and row["predicted_latency_ms"] > 0
        assert row["peak_memory_mb"] > 0 and "latency_ms_again" in row
    assert "| chain | 4 |" in record["table"]
