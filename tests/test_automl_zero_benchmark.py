"""benchmarks/automl_zero.py in --quick mode: both searches, the final check, fitness rising, the JSON it writes."""
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
        assert row["individuals"] == 30_000 == row["evaluations"] + row["fec_hits"] + row["repeat_hits"]
        assert 0 <= row["final_fitness"] <= 1 and row["success"] == (row["final_fitness"] >= 0.9999)
        fits = [point[2] for point in row["trajectory"]]
        assert fits == sorted(fits) and fits[-1] == row["best_fitness"]
    evolution = rows["evolution"]
    # evolution climbs above the best of its random initial population, and beyond random search
    assert evolution["best_fitness"] > evolution["population_best_at_start"]
    assert evolution["best_fitness"] > rows["random"]["best_fitness"]
    assert record["sgd_reference"]["final_fitness"] >= 0.9999
    assert "def learn():" in evolution["best_simplified"] and "search fit" in record["table"]
