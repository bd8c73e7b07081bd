"""Bracket schedules match what the strategies run, records read promotions back; their plots and the planner.

Headless runs never fire widget events, so the tests set widget values the way a
click does and check that the displayed state follows.
"""
import html

import matplotlib
import numpy as np
import pytest
from fakes import LinearEstimator

import naslib_mini as nm
from naslib_mini.strategies.brackets import bracket_records, bracket_schedule, schedule_text
from naslib_mini.viz import plot_brackets, plot_schedule
from naslib_mini.widgets import bracket_planner

matplotlib.use("Agg")


def sizes(rows, bracket):
    return [(r["configs"], r["budget"]) for r in rows if r["bracket"] == bracket]


def test_schedule_of_hyperband_1_to_27():
    rows = bracket_schedule(1, 27, 3)
    assert sizes(rows, 0) == [(27, 1.0), (9, 3.0), (3, 9.0), (1, 27.0)]
    assert sizes(rows, 1) == [(9, 3.0), (3, 9.0), (1, 27.0)]
    assert sizes(rows, 2) == [(6, 9.0), (2, 27.0)]
    assert sizes(rows, 3) == [(4, 27.0)]
    assert all(r["cost"] == r["configs"] * r["budget"] for r in rows)
    assert [r["rung"] for r in rows if r["bracket"] == 1] == [0, 1, 2]


def test_successive_halving_is_the_first_bracket_and_bohb_hyperbands():
    assert bracket_schedule(1, 27, 3, "sh") == [r for r in bracket_schedule(1, 27, 3) if r["bracket"] == 0]
    assert bracket_schedule(1, 9, 3, "bohb") == bracket_schedule(1, 9, 3, "hyperband")


def test_explicit_ladder_of_the_table():
    assert [(r["bracket"], r["configs"], r["budget"]) for r in bracket_schedule(budgets=(12, 200), eta=3)] == \
        [(0, 3, 12.0), (0, 1, 200.0), (1, 2, 200.0)]


@pytest.mark.parametrize("name", ["sh", "hyperband", "bohb"])
def test_the_strategies_run_the_schedule(name):
    space = nm.SPACES.create("chain-small")
    rows = bracket_schedule(1, 9, 3, name)
    evaluations = sum(r["configs"] for r in rows)
    strategy = nm.STRATEGIES.create(name, space=space, seed=0, min_budget=1, max_budget=9, eta=3)
    history = nm.run(strategy, LinearEstimator(space, seed=1), nm.Budget(trials=evaluations))
    records = bracket_records(history)
    ran = records.groupby(["bracket", "rung"]).agg(configs=("config", "size"), budget=("budget", "first"))
    assert [(int(r.configs), float(r.budget)) for r in ran.itertuples()] == [(r["configs"], r["budget"]) for r in rows]


def test_records_mark_the_best_of_each_rung_as_promoted():
    space = nm.SPACES.create("chain-small")
    strategy = nm.STRATEGIES.create("hyperband", space=space, seed=2, min_budget=1, max_budget=9, eta=3)
    history = nm.run(strategy, LinearEstimator(space, seed=3), nm.Budget(trials=20))
    records = bracket_records(history)
    assert list(records.columns) == ["number", "bracket", "rung", "config", "budget", "score", "cost", "arch",
                                     "promoted"]
    assert len(records) == 20 and records["promoted"].sum() == 3 + 1 + 1  # 9->3->1 and 3->1
    for (bracket, rung), part in records.groupby(["bracket", "rung"]):
        kept = part[part["promoted"]]
        if len(kept):
            assert kept["score"].min() >= part.loc[~part["promoted"], "score"].max()
            later = records[(records["bracket"] == bracket) & (records["rung"] == rung + 1)]
            assert set(later["config"]) == set(kept["config"])
    assert records.loc[0, "arch"] == space.to_str(history.trials[0].arch)
    assert records["cost"].tolist() == [t.cost for t in history]


def test_records_refuse_a_search_without_brackets():
    space = nm.SPACES.create("chain-small")
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), LinearEstimator(space), nm.Budget(trials=3))
    with pytest.raises(ValueError, match="no trial of this history carries bracket information"):
        bracket_records(history)


@pytest.mark.parametrize("kwargs, message", [
    ({"strategy": "asha"}, "asha.*valid choices: sh, hyperband, bohb"),
    ({"eta": 1}, "eta must be > 1"),
    ({"min_budget": 10, "max_budget": 3}, "min_budget=10"),
    ({"budgets": (200, 12)}, "strictly increasing"),
])
def test_bad_schedules_name_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bracket_schedule(**kwargs)


def test_schedule_text_totals():
    text = schedule_text(bracket_schedule(1, 9, 3))
    assert text.splitlines() == [
        "bracket 0:   9 x 1 -> 3 x 3 -> 1 x 9 epochs   (13 evaluations, 27 epochs)",
        "bracket 1:   3 x 3 -> 1 x 9 epochs   (4 evaluations, 18 epochs)",
        "bracket 2:   3 x 9 epochs   (3 evaluations, 27 epochs)",
        "one round: 20 evaluations, 72 epochs",
    ]
    with pytest.raises(ValueError, match="no rungs"):
        schedule_text([])


def test_plots_draw_every_rung_and_bracket():
    import matplotlib.pyplot as plt

    rows = bracket_schedule(1, 27, 3)
    ax = plot_schedule(rows)
    labels = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert labels == sorted(r["configs"] for r in rows)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["bracket 0", "bracket 1", "bracket 2", "bracket 3"]
    plt.close(ax.figure)

    space = nm.SPACES.create("chain-small")
    history = nm.run(nm.STRATEGIES.create("hyperband", space=space, seed=0, min_budget=1, max_budget=9),
                     LinearEstimator(space, seed=1), nm.Budget(trials=20))
    axes = plot_brackets(history)
    assert len(axes) == 3 and axes[0].get_title() == "bracket 0: 9 -> 3 -> 1 configs"
    points = sum(len(line.get_xdata()) for line in axes[0].get_lines())
    assert points == 13  # every job of bracket 0, one marker each
    plt.close(axes[0].figure)
    with pytest.raises(ValueError, match=r"no bracket\(s\) \[7\].*valid choices: 0, 1, 2"):
        plot_brackets(history, brackets=[7])


def test_planner_follows_every_control():
    planner = bracket_planner(eta=3, min_budget=1, max_budget=27)
    assert "one round: 65 evaluations, 405 epochs" in planner.text.value
    assert bytes(planner.plot.value).startswith(b"\x89PNG")
    planner.strategy.value = "sh"
    assert "one round: 40 evaluations, 108 epochs" in planner.text.value
    planner.max_budget.value = 9
    assert "13 evaluations, 27 epochs" in planner.text.value
    planner.eta.value = 2
    assert [r["budget"] for r in planner.rows] == [1.125, 2.25, 4.5, 9.0]
    planner.min_budget.value = 20  # larger than max_budget: the error is shown, not raised
    assert "min_budget=20" in html.unescape(planner.text.value) and bytes(planner.plot.value) == b""
    assert np.isclose(bracket_planner(strategy="bohb").rows[-1]["budget"], 27)
