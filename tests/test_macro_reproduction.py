"""The NAS-Bench-Macro comparison: determinism, the reference row, skipped strategies and the command."""
from __future__ import annotations

import json

import pytest

import naslib_mini as nm
from naslib_mini.cli import main
from naslib_mini.reproductions import macro
from naslib_mini.reproductions.macro import MacroProtocol, format_macro_table, reproduce_macro, run_once

SMALL = dict(runs=3, queries=20)


def test_a_run_reports_the_mean_accuracy_of_the_best_signal_within_the_queries():
    protocol = MacroProtocol(queries=30, noisy=True)
    history = macro.search_once("rea", seed=5, protocol=protocol)
    assert len(history) == 30 and history.total_cost == 30
    best = max(history, key=lambda t: t.score)  # the noisy signal chooses, the mean is reported
    assert run_once("rea", seed=5, protocol=protocol) == pytest.approx(best.measurement.metrics["test_accuracy"])


def test_results_are_deterministic_and_the_same_in_parallel():
    names = ("rea", "bohb", "warmup")
    inline = reproduce_macro(names, seed=1, processes=1, **SMALL)
    assert inline == reproduce_macro(names, seed=1, processes=1, **SMALL)
    assert inline == reproduce_macro(names, seed=1, processes=2, **SMALL)
    assert list(inline) == ["random", *names]  # random search is the reference, always first
    optimum = nm.ESTIMATORS.create("macro").best_test_accuracy()
    assert all(row["runs"] == 3 and 0.80 < row["mean"] <= optimum for row in inline.values())
    assert reproduce_macro(("rea",), seed=2, processes=1, **SMALL)["rea"] != inline["rea"]
    assert reproduce_macro(("rea",), seed=1, noisy=True, processes=1, **SMALL)["rea"] != inline["rea"]


def test_all_runs_every_strategy_that_can_search_and_skips_the_rest(monkeypatch, caplog):
    class Broken(nm.Strategy):
        def ask(self):
            raise RuntimeError("cannot propose anything here")

        def tell(self, trial):
            raise RuntimeError("unreachable")

    monkeypatch.setitem(nm.STRATEGIES._factories, "broken", Broken)
    with caplog.at_level("WARNING"):
        kept = macro.searchable(["rs", "broken", "hyperband", "warmup"])
    assert kept == ["rs", "hyperband", "warmup"]
    assert "broken" in caplog.text and "cannot propose" in caplog.text


def test_table_shows_percent_the_optimum_and_random_search():
    result = {"random": {"mean": 0.9290, "std": 0.0013, "runs": 4}, "rea": {"mean": 0.9306, "std": 0.0009, "runs": 4}}
    table = format_macro_table(result, MacroProtocol(queries=50, noisy=True))
    assert "50 queries" in table and "one of 3 runs drawn per query" in table
    assert "93.06 ± 0.09" in table and "+0.16" in table and "optimum of the table: 93.13" in table
    assert "random search: 92.90 ± 0.13" in table and "mean of its 6561 architectures: 90.25" in table
    assert "not run" in format_macro_table({"rea": result["rea"]})


@pytest.mark.parametrize("kwargs, message", [
    ({"runs": 0}, "runs must be an integer >= 1"),
    ({"queries": 0}, "queries must be a positive integer"),
    ({"strategies": ("nonsense",)}, "valid choices"),
])
def test_bad_settings_are_clear_errors(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        reproduce_macro(**{"strategies": ("rea",), "processes": 1, **kwargs})


def test_missing_data_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nas-bench-macro_cifar10.json.gz"):
        reproduce_macro(("rea",), runs=1, processes=1, data_dir=tmp_path)


def test_command_prints_the_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "macro.json"
    status = main(["reproduce", "macro", "--strategies", "rea,ls", "--runs", "2", "--queries", "20",
                   "--processes", "1", "--json", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "NAS-Bench-Macro" in printed and "optimum of the table: 93.13" in printed and "wall time" in printed
    written = json.loads(out.read_text())
    assert list(written) == ["random", "rea", "ls"] and all(0 < row["mean"] <= 1 for row in written.values())
    assert written["rea"]["runs"] == 2


def test_command_rejects_a_bad_query_count(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["reproduce", "macro", "--queries", "0"])
    assert exit_.value.code == 2
    assert "argument --queries: invalid value '0': expected a positive integer" in capsys.readouterr().err
