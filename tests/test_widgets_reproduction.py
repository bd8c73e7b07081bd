"""NAS-Bench-201 results read off a reproduction's histories (as the command computes them), their plot,
and the explorer widget over both.

Headless runs never fire widget events, so the tests set widget values the way a
click does and check that the displayed state follows.
"""
import html

import matplotlib
import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.reproductions import nb201
from naslib_mini.reproductions.nb201_results import (cost_grid, final_accuracies, paper_figures, reproduction_curves,
                                                      reproduction_result, reproduction_table)
from naslib_mini.viz import plot_reproduction
from naslib_mini.widgets import reproduction_explorer

matplotlib.use("Agg")

METHODS = ("rs", "rea", "reinforce", "bohb")
RUNS = 4


@pytest.fixture(scope="module")
def searches():
    return {name: [nb201.search_once(name, s) for s in nb201.strategy_seeds(name, RUNS, seed=2)]
            for name in METHODS}


@pytest.mark.parametrize("dataset", ["cifar10", "imagenet16-120"])
def test_result_is_what_the_reproduction_command_computes(searches, dataset):
    ours = reproduction_result(searches, dataset)
    assert ours == nb201.reproduce_nb201(dataset, METHODS, runs=RUNS, seed=2, processes=1, search_dataset="cifar10")
    assert list(reproduction_result(searches, dataset, ["bohb", "rs"])) == ["bohb", "rs"]


def test_final_accuracies_report_the_best_signal_within_budget(searches):
    history = searches["rs"][0]
    best = max(history.within(12_000), key=lambda t: t.score)
    assert final_accuracies([history])[0] == best.measurement.metrics["test_accuracy"]
    cifar100 = nm.ESTIMATORS.create("nb201", dataset="cifar100")
    assert final_accuracies([history], "cifar100")[0] == cifar100.test_accuracy(best.arch)
    # a smaller budget reads an earlier incumbent
    early = history.best(max_cost=3_000)
    assert final_accuracies([history], cost_budget=3_000)[0] == early.measurement.metrics["test_accuracy"]


def test_curves_follow_the_incumbent_by_signal_and_end_at_the_table(searches):
    grid = cost_grid(12_000, 12)
    curves = reproduction_curves(searches, "cifar10", ["rea", "bohb"], grid)
    assert list(curves) == ["rea", "bohb"] and curves["rea"].shape == (RUNS, 12)
    for name, rows in curves.items():
        np.testing.assert_array_equal(rows[:, -1], final_accuracies(searches[name]))
        for history, row in zip(searches[name], rows):
            expected = [history.best(max_cost=g).measurement.metrics["test_accuracy"] for g in grid]
            np.testing.assert_array_equal(row, expected)


def test_curves_are_nan_before_the_first_query_finishes(searches):
    first = min(h.trials[0].cost for h in searches["rs"])
    curves = reproduction_curves(searches, "cifar10", ["rs"], [first / 2, 12_000])["rs"]
    assert np.isnan(curves[:, 0]).all() and not np.isnan(curves[:, 1]).any()


def test_table_shows_the_paper_only_beside_comparable_searches(searches):
    table = reproduction_table(searches, "cifar100")
    assert "searched on cifar10, test accuracy on cifar100" in table
    assert "71.04 ± 1.07" in table and "70.85 ± 1.28" in table  # the paper's random search and BOHB
    mean = reproduction_result(searches, "cifar100")["rea"]["mean"]
    assert 0.6 < mean < 0.74 and f"{100 * mean:.2f}" in table  # a fraction, printed in percent
    lonely = reproduction_table(searches, "cifar100", ["rs"], search_dataset="cifar100")
    assert "71.04" not in lonely and "none comparable" in lonely


@pytest.mark.parametrize("call, message", [
    (lambda s: reproduction_result(s, "cifar1000"), "cifar1000.*valid choices: cifar10, cifar100, imagenet16-120"),
    (lambda s: reproduction_result(s, "cifar10", ["rs", "darts"]), r"\['darts'\].*valid choices: rs, rea"),
    (lambda s: reproduction_curves(s, "svhn"), "svhn.*valid choices"),
    (lambda s: reproduction_table(s, "cifar10", search_dataset="mnist"), "mnist.*valid choices"),
    (lambda s: reproduction_result({"rs": []}), "no runs"),
    (lambda s: cost_grid(12_000, 0), "points must be an integer >= 1, got 0"),
    (lambda s: cost_grid(-1, 3), "cost_budget must be positive, got -1"),
])
def test_bad_input_names_the_value_and_the_choices(searches, call, message):
    with pytest.raises(ValueError, match=message):
        call(searches)


def test_cost_grid_ends_at_the_budget():
    grid = cost_grid(12_000, 40)
    assert len(grid) == 40 and grid[0] == 300 and grid[-1] == 12_000 and (np.diff(grid) > 0).all()


def test_plot_draws_one_curve_per_method_and_the_papers_markers(searches):
    import matplotlib.pyplot as plt

    grid = cost_grid(12_000, 8)
    curves = reproduction_curves(searches, "cifar10", ["rs", "rea"], grid)
    ax = plot_reproduction(curves, grid, paper_figures(["rs", "rea"], nb201.Protocol()))
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["rs", "rea", "paper (mean ± std)"]
    assert [line.get_label() for line in ax.get_lines()][:2] == ["rs", "rea"]
    mean_line = ax.get_lines()[1].get_ydata()
    np.testing.assert_allclose(mean_line, 100 * curves["rea"].mean(axis=0))  # drawn in percent
    assert "%" in ax.get_ylabel()
    plt.close(ax.figure)
    ax = plot_reproduction(curves, grid, paper_figures(["rs"], nb201.Protocol("cifar10", "cifar100")))
    assert "paper (mean ± std)" not in ax.get_legend_handles_labels()[1]
    plt.close(ax.figure)


def test_explorer_follows_dataset_and_method_choices(searches):
    explorer = reproduction_explorer(searches, methods=["rs", "rea"])
    shown = html.unescape(explorer.table.value)
    assert "test accuracy on cifar10" in shown and "\nrea " in shown and "bohb" not in shown
    first_plot = bytes(explorer.plot.value)
    assert first_plot.startswith(b"\x89PNG")
    explorer.band.value = "quartiles"
    assert bytes(explorer.plot.value).startswith(b"\x89PNG") and bytes(explorer.plot.value) != first_plot

    explorer.dataset.value = "imagenet16-120"
    shown = html.unescape(explorer.table.value)
    assert "test accuracy on imagenet16-120" in shown
    assert f"{100 * reproduction_result(searches, 'imagenet16-120')['rs']['mean']:.2f}" in shown

    explorer.methods.value = ("bohb",)
    shown = html.unescape(explorer.table.value)
    assert "bohb" in shown and "\nrs " not in shown

    explorer.methods.value = ()
    assert "choose at least one method" in explorer.table.value and bytes(explorer.plot.value) == b""
    with pytest.raises(ValueError, match="no runs to explore"):
        reproduction_explorer({})
