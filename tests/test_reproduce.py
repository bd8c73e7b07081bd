"""The NAS-Bench-201 reproduction: protocol, determinism, parallel runs, the command, and the paper's figures."""
from __future__ import annotations

import argparse
import json

import pytest

import naslib_mini as nm
from naslib_mini.cli import reproduce as command
from naslib_mini.reproductions import nb201
from naslib_mini.reproductions.nb201 import PAPER_FIGURES, Protocol, reproduce_nb201, run_once
from naslib_mini.reproductions.nb201_results import format_table


def parse(*argv):
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(["nb201", *argv])


def test_a_run_reports_the_test_accuracy_of_the_best_signal_within_budget(data_dir):
    space = nm.SPACES.create("nb201")
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    seed = 3
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=seed), estimator, nm.Budget(cost=12000))
    kept = history.within(12000)
    assert sum(t.cost for t in kept) <= 12000 < history.total_cost  # the overrunning query is discarded
    best = max(kept, key=lambda t: t.score)
    assert run_once("rs", seed) == pytest.approx(best.measurement.metrics["test_accuracy"])


def test_results_are_deterministic_and_the_same_in_parallel(data_dir):
    names = ("rs", "rea", "reinforce", "bohb")
    inline = reproduce_nb201(strategies=names, runs=6, seed=1, processes=1)
    again = reproduce_nb201(strategies=names, runs=6, seed=1, processes=1)
    parallel = reproduce_nb201(strategies=names, runs=6, seed=1, processes=2)
    assert inline == again == parallel
    assert list(inline) == list(names)
    assert all(row["runs"] == 6 and 0.85 < row["mean"] < 0.944 and row["std"] >= 0 for row in inline.values())
    assert reproduce_nb201(strategies=("rs",), runs=6, seed=2, processes=1) != {"rs": inline["rs"]}


def test_means_match_the_paper_on_cifar10(data_dir):
    """A 60-run check of the protocol (the 500-run table is in benchmarks/reproduce_nb201.py)."""
    result = reproduce_nb201(strategies=("rs", "rea", "reinforce", "bohb"), runs=60, seed=0, processes=2)
    paper = Protocol().paper()
    for name, key in (("rs", "random"), ("rea", "rea"), ("reinforce", "reinforce"), ("bohb", "bohb")):
        assert abs(result[name]["mean"] - paper[key][0]) < 0.0035, (name, result[name])
    assert result["rea"]["mean"] > result["rs"]["mean"]


def test_paper_figures_are_fractions_and_only_beside_comparable_protocols():
    transfer = Protocol("cifar100", "cifar10").paper()
    assert transfer.keys() == PAPER_FIGURES["cifar100"].keys()
    assert all(transfer[k] == pytest.approx((m / 100, s / 100)) for k, (m, s) in PAPER_FIGURES["cifar100"].items())
    assert Protocol("cifar100", "cifar100").paper() == {}
    assert Protocol("cifar10", "cifar10", cost_budget=6000).paper() == {}


def test_table_prints_fractions_as_percent_beside_the_paper():
    table = format_table({"rs": {"mean": 0.937, "std": 0.003, "runs": 5}}, Protocol())
    assert "93.70 ± 0.30" in table and "93.70 ± 0.36" in table and "+0.00" in table
    lonely = format_table({"rs": {"mean": 0.70, "std": 0.01, "runs": 5}}, Protocol("cifar100", "cifar100"))
    assert "93.70" not in lonely and "none comparable" in lonely


def test_the_transfer_protocol_reports_the_other_datasets_test_accuracy(data_dir):
    own = reproduce_nb201("cifar100", ("rs",), runs=4, seed=0, processes=1)
    transfer = reproduce_nb201("cifar100", ("rs",), runs=4, seed=0, processes=1, search_dataset="cifar10")
    c10 = reproduce_nb201("cifar10", ("rs",), runs=4, seed=0, processes=1)
    assert 0.60 < own["rs"]["mean"] < 0.74 and 0.60 < transfer["rs"]["mean"] < 0.74
    assert transfer["rs"]["mean"] != c10["rs"]["mean"]


def test_command_prints_the_table_and_writes_json(tmp_path, capsys, data_dir):
    out = tmp_path / "out.json"
    status = command.main(parse("--strategies", "rs,rea", "--runs", "3", "--processes", "1", "--json", str(out)))
    assert status == 0
    printed = capsys.readouterr().out
    assert "93.70 ± 0.36" in printed and "93.92 ± 0.30" in printed and "wall time" in printed
    written = json.loads(out.read_text())
    assert set(written) == {"rs", "rea"} and 0 < written["rea"]["mean"] <= 1  # the library's unit
    assert set(written["rs"]) == {"mean", "std", "runs"} and written["rs"]["runs"] == 3


def test_all_runs_every_strategy_that_can_search_and_skips_the_rest(monkeypatch, caplog):
    class Broken(nm.Strategy):
        def ask(self):
            raise RuntimeError("cannot propose anything here")

        def tell(self, trial):
            raise RuntimeError("unreachable")

    monkeypatch.setitem(nm.STRATEGIES._factories, "broken", Broken)
    with caplog.at_level("WARNING"):
        kept = nb201.searchable(["rs", "broken", "hyperband"])
    assert kept == ["rs", "hyperband"]
    assert "broken" in caplog.text and "cannot propose" in caplog.text


@pytest.mark.parametrize("argv, error, word", [
    (("--strategies", "rs,nonsense"), KeyError, "valid choices"),
    (("--strategies", ","), ValueError, "--strategies"),
])
def test_bad_options_are_clear_errors(argv, error, word):
    with pytest.raises(error, match=word):
        command.main(parse(*argv))


def test_bad_dataset_names_the_choices():
    with pytest.raises(ValueError, match="valid choices: cifar10, cifar100, imagenet16-120"):
        Protocol("cifar1000")


def test_missing_data_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nb201.csv.gz"):
        reproduce_nb201(strategies=("rs",), runs=1, processes=1, data_dir=tmp_path)

