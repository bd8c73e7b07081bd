"""benchmarks/automl_zero.py in --quick mode: evolution finds SGD on seed 4, random search with more programs does not."""
import json

import benchmark_scripts


def test_quick_run_evolves_programs_and_checks_them_on_unseen_tasks(tmp_path):
    bench = benchmark_scripts.load("automl_zero")
    out = tmp_path / "automl_zero.json"
    record = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(record))
    rows = {row["method"]: row for row in record["rows"]}
    assert set(rows) == {"evolution", "random"}
    for row in rows.values():
        assert row["individuals"] == row["evaluations"] + row["fec_hits"] + row["repeat_hits"]
        assert 0 <= row["final_fitness"] <= 1 and row["success"] == (row["final_fitness"] >= 0.9999)
        fits = [point[2] for point in row["trajectory"]]
        assert fits == sorted(fits) and fits[-1] == row["best_fitness"]
    evolution, randomly = rows["evolution"], rows["random"]
    # evolution stops early on a program that passes search and selection tasks and the unseen ones;
    # random search, with all 30,000 programs, stays far below
    assert evolution["reached_target"] and evolution["success"] and evolution["individuals"] < 30_000
    assert evolution["best_fitness"] > evolution["population_best_at_start"]
    assert randomly["individuals"] == 30_000 and not randomly["success"] and randomly["best_fitness"] < 0.9
    assert record["sgd_reference"]["final_fitness"] >= 0.9999
    assert "def learn():" in evolution["best_simplified"] and "search fit" in record["table"]
