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


def test_few_shot_rows_reuse_the_one_shot_rows_and_compare_on_the_same_architectures(tmp_path):
    bench = benchmark_scripts.load("supernet_ranking")
    out = tmp_path / "ranking.json"
    results = bench.main(["--quick", "--few-shot", "--out", str(out)])  # no file yet: one-shot rows trained first
    assert json.loads(out.read_text()) == json.loads(json.dumps(results))
    one, few = results["rows"]
    assert one["estimator"] == "SPOS supernet, 1 epochs" and few["estimator"].startswith("few-shot supernets (edge 0)")
    paired = few["few_shot"]["tau_minus_one_shot"]
    assert paired["difference"] == pytest.approx(few["kendall"] - one["kendall"])
    assert paired["low"] <= paired["high"] and 0 <= paired["share_above_zero"] <= 1
    again = bench.main(["--quick", "--few-shot", "--out", str(out)])  # rerun: one-shot rows kept, few-shot replaced
    assert [r["estimator"] for r in again["rows"]] == [one["estimator"], few["estimator"]]
    assert again["estimates"]["nb201"][one["estimator"]] == results["estimates"]["nb201"][one["estimator"]]
    with pytest.raises(SystemExit):
        bench.parse_args(["--few-shot", "--edge", "6"])
