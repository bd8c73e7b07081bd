"""The building blocks of the estimator study: rank agreement, measuring, curve estimates, the chart and the explorer.

Headless runs never fire widget events, so the explorer tests set widget values the way a
click does and check that the displayed state follows.
"""
import html
import math

import matplotlib
import numpy as np
import pytest

import naslib_mini as nm
from fakes import LinearEstimator
from naslib_mini.estimator_study import best_within, curve_estimates, measure, study_row
from naslib_mini.rank_agreement import top_precision
from naslib_mini.viz import plot_rank_against_cost
from naslib_mini.widgets import estimator_explorer
from naslib_mini.widgets.estimator_explorer import explorer_text

matplotlib.use("Agg")


def test_agreement_of_a_perfect_a_reversed_and_a_constant_estimate():
    truth = np.linspace(0.5, 0.9, 20)
    perfect = nm.agreement(truth * 3 + 1, truth, seed=0)
    assert (perfect.kendall, perfect.spearman, perfect.top_precision) == (1.0, 1.0, 1.0)
    assert perfect.kendall_low == pytest.approx(1.0) and perfect.kendall_high == pytest.approx(1.0)
    reversed_ = nm.agreement(-truth, truth, resamples=0)
    assert reversed_.kendall == -1.0 and reversed_.top_precision == 0.0
    constant = nm.agreement(np.ones(20), truth, resamples=0)
    assert constant.kendall == constant.spearman == 0.0  # no ranking at all, not nan


def test_agreement_interval_is_seeded_and_covers_a_noisy_estimate():
    rng = np.random.default_rng(0)
    truth = rng.uniform(size=60)
    noisy = truth + rng.normal(0, 0.3, size=60)
    a, b = nm.agreement(noisy, truth, seed=3), nm.agreement(noisy, truth, seed=3)
    assert a == b
    assert a.kendall_low < a.kendall < a.kendall_high and 0 < a.kendall < 1
    assert nm.agreement(noisy, truth, seed=4).kendall_low != a.kendall_low


def test_top_precision_counts_ties_with_the_last_top_architecture_as_top():
    truth = [0.1, 0.2, 0.9, 0.9, 0.5]
    assert top_precision([5, 4, 3, 2, 1], truth, top=0.2) == 0.0
    assert top_precision([1, 2, 3, 4, 0], truth, top=0.2) == 1.0  # picks the second 0.9: tied with the best
    assert top_precision([1, 2, 5, 4, 3], truth, top=0.4) == 1.0


@pytest.mark.parametrize("estimates, truth, message", [
    ([1, 2], [1, 2], "at least 3 architectures, got 2"),
    ([1, 2, 3], [1, 2], "same length"),
    ([1, float("nan"), 3], [1, 2, 3], "must be finite"),
])
def test_agreement_bad_input_names_the_problem(estimates, truth, message):
    with pytest.raises(ValueError, match=message):
        nm.agreement(estimates, truth)


def test_agreement_bad_options_name_the_value():
    with pytest.raises(ValueError, match="top must lie in \\(0, 1\\], got 1.5"):
        nm.agreement([1, 2, 3], [1, 2, 3], top=1.5)
    with pytest.raises(ValueError, match="resamples must be a non-negative integer, got -1"):
        nm.agreement([1, 2, 3], [1, 2, 3], resamples=-1)


def test_measure_keeps_a_failed_candidate_as_nan_and_counts_cpu_time():
    space = nm.SPACES.create("nb201")
    archs = [space.sample(nm.default_rng(i)) for i in range(6)]
    measured = measure(LinearEstimator(space, fail_every=3), archs)
    assert [math.isnan(s) for s in measured.scores] == [False, False, True, False, False, True]
    assert measured.costs[2] == 0.0 and measured.costs[0] == 1.0
    assert len(measured.cpu_seconds) == 6 and all(c >= 0 for c in measured.cpu_seconds)
    row = study_row("fake", "zero-cost proxy", "nb201", measured.scores, measured.cpu_seconds,
                    np.arange(6.0), resamples=0)
    assert row.failed == 2 and row.agreement.n == 4


def curve(final, epochs=10):
    values = [final - (final - 0.3) * math.exp(-e / 2.5) for e in range(1, epochs + 1)]
    record = {f"val_accuracy_epoch_{e}": v for e, v in enumerate(values, start=1)}
    return {**record, "epochs": epochs, "val_accuracy": values[-1]}


def test_curve_estimates_last_value_extrapolation_and_out_of_fold_regression():
    records = [curve(f) for f in np.linspace(0.7, 0.95, 12)]
    estimates = curve_estimates(records, 3, epoch_seconds=2.0)
    assert estimates.last_value == tuple(r["val_accuracy_epoch_3"] for r in records)
    assert estimates.last_value_costs == (6.0,) * 12
    assert all(c >= 6.0 for c in estimates.extrapolated_costs)
    finals = np.array([r["val_accuracy"] for r in records])
    # these curves are one family scaled: a regression from the others' curves predicts each final value closely
    assert np.max(np.abs(np.array(estimates.regressed) - finals)) < 0.02
    assert nm.agreement(estimates.extrapolated, finals, resamples=0).kendall > 0.9
    one = curve_estimates(records, 1, epoch_seconds=2.0)
    assert all(math.isnan(v) for v in one.extrapolated)  # one point cannot be extrapolated


@pytest.mark.parametrize("seen", [0, 10, 2.5])
def test_curve_estimates_refuse_epochs_outside_the_curve(seen):
    with pytest.raises(ValueError, match=f"seen must be an integer in 1..9 .* got {seen!r}"):
        curve_estimates([curve(0.9)], seen, epoch_seconds=1.0)


def test_curve_estimates_refuse_a_curve_with_a_gap():
    record = curve(0.9)
    del record["val_accuracy_epoch_2"]
    with pytest.raises(ValueError, match="record 0 lacks a validation accuracy for one of epochs 1..3"):
        curve_estimates([record], 3, epoch_seconds=1.0)


ROWS = [
    {"space": "nb201", "estimator": "synflow", "family": "zero-cost proxy", "seconds": 0.03, "kendall": 0.45,
     "kendall_low": 0.35, "kendall_high": 0.54, "spearman": 0.6, "top_precision": 0.2, "n": 100},
    {"space": "nb201", "estimator": "params", "family": "zero-cost proxy", "seconds": 0.02, "kendall": 0.32,
     "kendall_low": 0.21, "kendall_high": 0.43, "spearman": 0.45, "top_precision": 0.2, "n": 100},
    {"space": "nb201", "estimator": "2 epochs", "family": "proxy task", "seconds": 1.8, "kendall": 0.41,
     "kendall_low": 0.28, "kendall_high": 0.52, "spearman": 0.58, "top_precision": 0.1, "n": 100},
    # a percentile interval that excludes its estimate (few architectures): still drawn
    {"space": "nb201", "estimator": "full training (validation)", "family": "full training", "seconds": 7.0,
     "kendall": 1.0, "kendall_low": 0.6, "kendall_high": 0.95, "spearman": 1.0, "top_precision": 1.0, "n": 5},
    {"space": "nb201", "estimator": "second training seed", "family": "full training", "seconds": 7.0,
     "kendall": 0.58, "kendall_low": 0.34, "kendall_high": 0.8, "spearman": 0.72, "top_precision": 0.33, "n": 30},
    {"space": "chain", "estimator": "naswot", "family": "zero-cost proxy", "seconds": 0.02, "kendall": 0.6,
     "kendall_low": 0.52, "kendall_high": 0.66, "spearman": 0.8, "top_precision": 0.5, "n": 100},
    {"space": "chain", "estimator": "half width", "family": "proxy task", "seconds": 4.4, "kendall": 0.75,
     "kendall_low": 0.68, "kendall_high": 0.81, "spearman": 0.9, "top_precision": 0.8, "n": 100},
]


def test_best_within_a_budget_never_picks_the_noise_ceiling():
    assert best_within(ROWS, "nb201", 0.05)["estimator"] == "synflow"
    assert best_within(ROWS, "nb201", 10)["estimator"] == "full training (validation)"
    assert best_within(ROWS, "chain", 10)["estimator"] == "half width"
    assert best_within(ROWS, "nb201", 0.001) is None


def test_rank_against_cost_draws_one_panel_per_space_with_the_ceiling_as_a_band():
    figure = plot_rank_against_cost(ROWS, max_seconds=1.0, highlight="synflow")
    nb201_ax, chain_ax = figure.axes
    assert nb201_ax.get_title() == "nb201: 100 architectures" and chain_ax.get_xscale() == "log"
    labels = [t.get_text() for t in nb201_ax.texts]
    assert "second training seed" not in labels and {"synflow", "params", "2 epochs"} <= set(labels)
    legend = [t.get_text() for t in nb201_ax.get_legend().get_texts()]
    assert "noise ceiling (n=30)" in legend and "over the budget" in legend
    matplotlib.pyplot.close(figure)


STUDY = {"rows": ROWS, "estimates": {
    "nb201": {"truth": [0.9, 0.8, 0.95], "synflow": [3.0, 1.0, 4.0], "params": [1.0, 2.0, None],
              "2 epochs": [0.8, 0.7, 0.9], "full training (validation)": [0.9, 0.8, 0.95]},
    "chain": {"truth": [0.9, 0.8, 0.95], "naswot": [3.0, 1.0, 4.0], "half width": [0.8, 0.7, 0.9]}}}


def test_explorer_text_names_the_estimator_the_best_within_budget_and_the_ceiling():
    text = explorer_text(STUDY, "nb201", "params", 0.05)
    assert text.splitlines()[0].startswith("params on nb201: Kendall tau 0.320 [0.21, 0.43]")
    assert "best within 0.05 CPU s: synflow (tau 0.450" in text
    assert "noise ceiling (a second training seed, 30 architectures): tau 0.580" in text
    assert "no estimator costs 0.001 CPU s or less" in explorer_text(STUDY, "nb201", "params", 0.001)


def test_explorer_follows_its_controls():
    explorer = estimator_explorer(STUDY, space="nb201", estimator="params", max_seconds=0.05)
    assert "ceiling" not in " ".join(explorer.estimator.options)  # the ceiling has no per-architecture estimates
    assert "params on nb201" in html.unescape(explorer.text.value)
    explorer.budget.value = 10.0
    assert "best within 10 CPU s: full training (validation)" in html.unescape(explorer.text.value)
    explorer.space.value = "chain"  # the estimator list follows the space; params is not there
    assert list(explorer.estimator.options) == ["naswot", "half width"] and explorer.estimator.value == "naswot"
    assert "naswot on chain" in html.unescape(explorer.text.value)
    assert bytes(explorer.plot.value).startswith(b"\x89PNG")  # the plots, drawn for the chosen estimator


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), "1"])
def test_explorer_refuses_a_budget_that_is_not_positive(bad):
    with pytest.raises(ValueError, match=f"max_seconds must be a positive number of CPU seconds, got {bad!r}"):
        estimator_explorer(STUDY, max_seconds=bad)
