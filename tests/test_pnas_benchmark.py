"""benchmarks/pnas.py in --quick mode: both comparisons, paired over runs, and the JSON it writes."""
import json

import benchmark_scripts


def test_quick_run_pairs_pnas_with_rea_and_random_on_both_spaces(tmp_path):
    bench = benchmark_scripts.load("pnas")
    out = tmp_path / "pnas.json"
    record = bench.main(["--quick", "--chain", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(record))
    for part, budgets, runs in (("macro", ["10", "20"], 4), ("chain", ["3", "5"], 2)):
        results = record[part]["results"]
        assert list(results) == ["pnas", "rea", "random"]
        for name, by_budget in results.items():
            assert list(by_budget) == budgets
            for row in by_budget.values():
                assert row["runs"] == runs == len(row["values"]) and all(0 < v <= 1 for v in row["values"])
                if name != "pnas":
                    paired = row["pnas_vs_this"]
                    assert paired["wins"] + paired["ties"] + paired["losses"] == runs
                    assert 0 < paired["p_value"] <= 1
        assert "Wilcoxon p" in record[part]["table"]
    assert all(v <= record["macro"]["table_optimum"] for v in record["macro"]["results"]["pnas"]["20"]["values"])
    assert 0 < record["chain"]["distinct_trainings"] <= 3 * 2 * 5
