"""Transfer statistics across datasets (naslib_mini.transfer), their plots and the NAS-Bench-201 benchmark."""
import json

import matplotlib
import numpy as np
import pytest
from matplotlib.container import BarContainer

import benchmark_scripts
import naslib_mini as nm
from naslib_mini.reproductions.nb201 import Protocol, run_once, strategy_seeds
from naslib_mini.transfer import nb201_signal, percentile, search_transfer, top_overlap, transfer_statistics
from naslib_mini.viz import plot_task_transfer, plot_transfer_scatter

matplotlib.use("Agg")


def test_one_swapped_pair_gives_the_known_tau_and_overlaps():
    source = np.arange(10.0)
    target = source.copy()
    target[[8, 9]] = target[[9, 8]]  # the two best swapped: 1 discordant pair of 45
    s = transfer_statistics(source, target, top_share=0.3, ks=(1, 2, 3))
    assert s.kendall == pytest.approx(1 - 2 / 45)
    assert s.top_count == 3 and s.kendall_top == pytest.approx(1 / 3)  # 2 concordant, 1 discordant of 3
    assert s.top_overlap == {1: 0.0, 2: 1.0, 3: 1.0}
    assert s.best_index == 9 and s.best_percentile == pytest.approx(0.8)


def test_reversed_ranking_and_identical_ranking():
    values = np.linspace(0.1, 0.9, 50)
    same = transfer_statistics(values, values * 2, ks=(10,))
    reversed_ = transfer_statistics(values, values[::-1], ks=(10,))
    assert same.kendall == pytest.approx(1) and same.top_overlap[10] == 1 and same.best_percentile == 0.98
    assert reversed_.kendall == pytest.approx(-1) and reversed_.top_overlap[10] == 0
    assert reversed_.best_percentile == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: transfer_statistics([1, 2, 3], [1, 2]), "same length"),
    (lambda: transfer_statistics([1, 2], [1, 2]), "at least 3"),
    (lambda: transfer_statistics([1, 2, np.nan], [1, 2, 3]), "finite"),
    (lambda: transfer_statistics([1, 2, 3], [1, 2, 3], top_share=0), "top_share"),
    (lambda: top_overlap([1, 2, 3], [1, 2, 3], 4), "k must be an integer from 1 to 3"),
    (lambda: percentile(1.0, []), "at least one"),
    (lambda: nb201_signal("cifar10", "valid-99"), "valid choices: test, valid12, valid200"),
    (lambda: search_transfer("cifar10", "cifar100", runs=0), "runs must be"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_nb201_rankings_agree_over_all_cells_much_more_than_among_the_best():
    table = nm.transfer_table()
    assert len(table) == 6
    for (source, target), s in table.items():
        assert s.n == 15625 and s.top_count == 157
        assert s.kendall > 0.8 and s.kendall_top < s.kendall - 0.2, (source, target)
        assert s.best_percentile > 0.99
    assert table["cifar10", "cifar100"].kendall == pytest.approx(table["cifar100", "cifar10"].kendall)


def test_a_source_signal_paired_with_its_own_target():
    table = nm.transfer_table(("cifar10", "cifar100"), source_signal="valid12")
    assert set(table) == {("cifar10", "cifar10"), ("cifar10", "cifar100"), ("cifar100", "cifar10"),
                          ("cifar100", "cifar100")}


def test_search_transfer_is_the_reproductions_protocol():
    result = search_transfer("cifar10", "cifar100", strategy="rea", runs=3, seed=1)
    expected = [run_once("rea", s, Protocol(dataset="cifar100", search_dataset="cifar10"))
                for s in strategy_seeds("rea", 3, 1)]
    assert result["mean"] == pytest.approx(np.mean(expected)) and result["runs"] == 3
    truth = nb201_signal("cifar100")
    assert result["percentile_min"] == pytest.approx(min(percentile(v, truth) for v in expected))
    assert search_transfer("cifar10", "cifar100", strategy="rea", runs=3, seed=1) == result


def test_scatter_marks_the_sources_top():
    ax = plot_transfer_scatter(np.arange(200.0) / 200, np.arange(200.0)[::-1] / 200, top_share=0.05)
    assert len(ax.collections[0].get_offsets()) == 200 and len(ax.collections[1].get_offsets()) == 10
    assert ax.collections[1].get_offsets()[:, 0].min() >= 95 * 100 / 200  # percent, the 10 highest sources
    with pytest.raises(ValueError, match="top_share"):
        plot_transfer_scatter([1, 2], [1, 2], top_share=2)


def test_task_transfer_bars_and_published_marks():
    row = lambda m, p: {"runs": {a: {"test_accuracy_mean": m, "test_accuracy_std": 0.01}  # noqa: E731
                                 for a in ("searched", "baseline", "direct")}, "published": p}
    ax = plot_task_transfer({"A": row(0.9, 0.95), "B": row(0.8, None), "C": row(0.7, 0.75)})
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 3 and [b.get_height() for b in bars[0].patches] == pytest.approx([90, 80, 70])
    assert ax.collections[-1].get_offsets().tolist() == [[0, 95], [2, 75]]
    with pytest.raises(ValueError, match="has no runs of direct"):
        plot_task_transfer({"A": {"runs": {"searched": {}}, "published": None}}, ["searched", "direct"])


def test_benchmark_quick_writes_the_tables(tmp_path, capsys):
    bench = benchmark_scripts.load("transfer_nb201")
    report = bench.main(["--quick", "--runs", "2", "--out", str(tmp_path / "t.json")])
    assert json.loads((tmp_path / "t.json").read_text()) == report
    assert len(report["test_to_test"]) == 6 and len(report["valid12_to_test"]) == 9
    assert len(report["searches"]) == 18 and all(r["runs"] == 2 for r in report["searches"])
    paper = [r for r in report["searches"] if "paper" in r]
    assert {r["source"] for r in paper} == {"cifar10"} and len(paper) == 6
    out = capsys.readouterr().out
    assert "tau top1%" in out and "C10 -> IN16" in out and "queries" in out
