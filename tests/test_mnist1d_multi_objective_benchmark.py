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
