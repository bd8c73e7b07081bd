"""The MNIST-1D multi-objective benchmark in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("mnist1d_multi_objective")


def test_searches_three_objectives_under_constraints_and_scores_finalists_beside_the_baseline(bench, tmp_path):
    out, journal = tmp_path / "mo.json", tmp_path / "search.jsonl"
    result = bench.main(["--quick", "--latency-constraint", "--out", str(out), "--journal", str(journal)])
    assert json.loads(out.read_text()) == result
    assert result["constraints"][0] == "params <= 17885" and result["constraints"][1].startswith("latency_ms <= ")
    assert result["search"]["trials"] == 6 and len(result["search"]["trials_table"]) == 6
    for row in result["search"]["trials_table"]:  # every trial measured its latency and knows if it is feasible
        assert row["latency_ms"] > 0
        assert (row["constraint_violation"] == 0) == (row["params"] <= 17885 and
                                                      row["latency_ms"] <= result["baseline_latency_at_search_ms"])
    networks = result["networks"]
    assert set(networks) == {"finalist1", "baseline"} and result["pick"] == "finalist1"
    assert networks["baseline"]["params"] == 35770
    for row in networks.values():
        assert row["fresh"][0] == pytest.approx(1 - len(row["fresh_errors"][0]) / 1000)
        assert row["latency_ms"] > 0 and len(row["rounds_ms"]) == 1
    target = networks["finalist1"]["target"]
    assert target["params_at_most_half"] == (networks["finalist1"]["params"] <= 17885)
    assert target["met"] == all(value for name, value in target.items() if name != "met")
    # a second start resumes from the journal: nothing is recorded twice and the results are the same
    stages = (tmp_path / "search.jsonl.stages").read_text().splitlines()
    again = bench.main(["--quick", "--latency-constraint", "--out", str(out), "--journal", str(journal)])
    assert again["search"]["trials_table"] == result["search"]["trials_table"]
    assert (tmp_path / "search.jsonl.stages").read_text().splitlines() == stages
    assert again["networks"]["finalist1"]["fresh"] == networks["finalist1"]["fresh"]


@pytest.mark.parametrize("argv, message", [(["--data-seed", "42"], "--data-seed 42 regenerates the official"),
                                           (["--channels", "16,32"], "--channels must include 48"),
                                           (["--population", "1"], "--population must be at least 2, got 1")])
def test_bad_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err


def test_table_latency_bounds_the_search_with_the_baselines_prediction(bench, tmp_path):
    out, journal = tmp_path / "table.json", tmp_path / "search.jsonl"
    argv = ["--quick", "--latency-source", "table", "--connections", "series,skip", "--max-depth", "5",
            "--table-repeats", "3", "--out", str(out), "--journal", str(journal)]
    result = bench.main(argv)
    assert json.loads(out.read_text()) == result and result["latency_source"] == "table"
    bound = result["latency_table"]["baseline_predicted_ms"]
    assert result["constraints"] == ["params <= 17885", f"predicted_latency_ms <= {bound:.6f}"]
    assert result["latency_table"]["entries"] > 100 and (tmp_path / "search.jsonl.table.json").exists()
    assert result["search"]["space"]["connections"] == ["series", "skip"]
    for row in result["search"]["trials_table"]:  # the table's prediction, not a timing, decides feasibility
        assert row["arch"].count("|") < 5 and "latency_ms" not in row
        assert (row["constraint_violation"] == 0) == (row["params"] <= 17885 and
                                                      row["predicted_latency_ms"] <= float(f"{bound:.6f}"))
    networks = result["networks"]
    assert networks["baseline"]["predicted_latency_ms"] == pytest.approx(bound)
    assert all(row["latency_ms"] > 0 and row["predicted_latency_ms"] > 0 for row in networks.values())
    # a resumed run predicts with the table it saved, so its bound and trials are the same
    again = bench.main(argv)
    assert again["latency_table"]["baseline_predicted_ms"] == bound
    assert again["search"]["trials_table"] == result["search"]["trials_table"]


@pytest.mark.parametrize("argv, message", [(["--connections", "series"], "--connections must include skip"),
                                           (["--connections", "dense,skip"], "connections are distinct values"),
                                           (["--max-depth", "4"], "--max-depth must be at least 5"),
                                           (["--latency-source", "table", "--latency-constraint"],
                                            "the predicted latency is bounded already")])
def test_bad_table_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert message in capsys.readouterr().err
