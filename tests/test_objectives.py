"""Objectives, constraints and scalarisations: parsing, errors, and what run() and History do with them."""
from __future__ import annotations

import math

import numpy as np
import pytest

import naslib_mini as nm
from fakes import LinearEstimator
from naslib_mini.objectives import (CONSTRAINT_METRIC, RAW_SCORE_METRIC, Constraint, MnasNetReward, Objective,
                                    augmented_tchebycheff, parse_constraints, parse_objectives, rescore)


def trial(number, accuracy, params, **extra):
    m = nm.Measurement(accuracy, 1.0, {"val_accuracy": accuracy, "params": params, **extra})
    return nm.Trial(number, nm.Candidate(f"a{number}"), nm.TrialState.COMPLETE, m, cost=1.0)


# -- objectives ----------------------------------------------------------------------------------
def test_objectives_take_known_directions_and_explicit_ones():
    assert [o.direction for o in parse_objectives(["val_accuracy", "params", "flops", "latency_ms"])] == \
        ["max", "min", "min", "min"]
    assert parse_objectives(["energy:min"]) == (Objective("energy", "min"),)
    assert Objective("val_accuracy").minimised(0.8) == -0.8 and Objective("flops").minimised(5) == 5.0


@pytest.mark.parametrize("bad, message", [
    (["energy"], "no known direction for metric 'energy'"),
    (["flops:smaller"], "must be 'max' or 'min', got 'smaller'"),
    (["flops", "flops"], "objectives repeat a metric"),
    ([], "at least one objective"),
    ([3], "an Objective or a metric name, got 3"),
])
def test_bad_objectives_are_clear_errors(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_objectives(bad)


def test_a_missing_objective_metric_names_the_metric_and_what_is_measured():
    with pytest.raises(nm.ConfigurationError, match="metric 'latency_ms' is not measured.*params, val_accuracy"):
        Objective("latency_ms").value(trial(0, 0.9, 100))


# -- constraints ---------------------------------------------------------------------------------
def test_constraints_parse_and_measure_relative_violation():
    c = Constraint.parse("  latency_ms<=2.5 ")
    assert (c.metric, c.operator, c.bound) == ("latency_ms", "<=", 2.5)
    assert c.violation({"latency_ms": 2.0}) == 0.0 and c.violation({"latency_ms": 5.0}) == pytest.approx(1.0)
    low = Constraint.parse("val_accuracy >= 0.5")
    assert low.violation({"val_accuracy": 0.25}) == pytest.approx(0.5) and low.violation({"val_accuracy": 0.6}) == 0
    assert parse_constraints("params <= 1e6") == (Constraint("params", "<=", 1e6),)


@pytest.mark.parametrize("text", ["params < 5", "params <= ", "<= 5", "params <= five", "params == 3", "2 <= params"])
def test_unparseable_constraints_name_the_text_and_the_form(text):
    with pytest.raises(ValueError, match=f"cannot parse constraint {text!r}.*'<metric> <= <number>'"):
        Constraint.parse(text)


def test_bad_constraint_fields_are_clear_errors():
    with pytest.raises(ValueError, match="operator must be one of <=, >=, got '<'"):
        Constraint("params", "<", 3)
    with pytest.raises(ValueError, match="bound must be a finite number, got nan"):
        Constraint("params", "<=", math.nan)


# -- scalarisations ------------------------------------------------------------------------------
def test_mnasnet_reward_soft_and_hard():
    soft = MnasNetReward(target=10.0, cost="flops")
    assert soft({"val_accuracy": 0.8, "flops": 10.0}) == pytest.approx(0.8)  # on target: accuracy itself
    assert soft({"val_accuracy": 0.8, "flops": 20.0}) == pytest.approx(0.8 * 2 ** -0.07)
    assert soft({"val_accuracy": 0.8, "flops": 5.0}) == pytest.approx(0.8 * 0.5 ** -0.07)  # rewarded below target
    hard = MnasNetReward(target=10.0, cost="flops", soft=False)
    assert hard({"val_accuracy": 0.8, "flops": 5.0}) == pytest.approx(0.8)  # no reward below target
    assert hard({"val_accuracy": 0.8, "flops": 20.0}) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="target must be a positive number, got 0"):
        MnasNetReward(target=0)


def test_augmented_tchebycheff_prefers_the_point_its_weights_point_at():
    values = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    ideal, nadir = values.min(0), values.max(0)
    assert np.argmin(augmented_tchebycheff(values, np.array([0.9, 0.1]), ideal, nadir)) == 0
    assert np.argmin(augmented_tchebycheff(values, np.array([0.1, 0.9]), ideal, nadir)) == 2
    assert np.argmin(augmented_tchebycheff(values, np.array([0.5, 0.5]), ideal, nadir)) == 1


def test_rescore_keeps_the_raw_score_and_penalises_violations_below_every_feasible_accuracy():
    constraints = parse_constraints(["params <= 100"])
    feasible = rescore(nm.Measurement(0.1, 1.0, {"params": 100}), constraints)
    violating = rescore(nm.Measurement(0.99, 1.0, {"params": 150}), constraints)
    worse = rescore(nm.Measurement(0.99, 1.0, {"params": 300}), constraints)
    assert feasible.score == 0.1 and feasible.metrics[CONSTRAINT_METRIC] == 0.0
    assert violating.metrics[RAW_SCORE_METRIC] == 0.99 and violating.metrics[CONSTRAINT_METRIC] == pytest.approx(0.5)
    assert worse.score < violating.score < 0 <= feasible.score
    reward = rescore(nm.Measurement(0.8, 1.0, {"val_accuracy": 0.8, "latency_ms": 4.0}), (),
                     MnasNetReward(target=2.0, soft=False))
    assert reward.score == pytest.approx(0.4) and reward.metrics[RAW_SCORE_METRIC] == 0.8


# -- run() and History ---------------------------------------------------------------------------
def test_run_records_violating_trials_penalised_and_best_never_reports_them():
    space = nm.SPACES.create("nb201")
    limit = 360_000  # the best three of these 40 cells have more parameters
    constraints = [f"params <= {limit}"]
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), nm.ESTIMATORS.create("nb201"),
                     nm.Budget(trials=40), constraints=constraints)
    violating = [t for t in history if t.measurement.metrics[CONSTRAINT_METRIC] > 0]
    feasible = [t for t in history if t.measurement.metrics[CONSTRAINT_METRIC] == 0]
    assert len(history) == 40 and violating and feasible  # recorded, not lost
    assert all(t.measurement.metrics["params"] > limit for t in violating)
    assert all(t.score < 0 for t in violating)
    assert max(t.measurement.metrics[RAW_SCORE_METRIC] for t in violating) > max(t.score for t in feasible)
    best = history.best()
    assert best.measurement.metrics["params"] <= limit and best.score == max(t.score for t in feasible)
    assert all(not math.isnan(r["best_score"]) and r["best_score"] >= 0 for r in history.trajectory()
               if r["number"] >= min(t.number for t in feasible))


def test_constraints_steer_a_strategy_away_from_violations():
    space, estimator = nm.SPACES.create("nb201"), nm.ESTIMATORS.create("nb201")
    constraints = ["params <= 300000"]
    free = nm.run(nm.STRATEGIES.create("rea", space=space, seed=1), estimator, nm.Budget(trials=150))
    bound = nm.run(nm.STRATEGIES.create("rea", space=space, seed=1), estimator, nm.Budget(trials=150),
                   constraints=constraints)
    share = lambda h: np.mean([t.measurement.metrics["params"] > 300_000 for t in h.trials[50:]])  # noqa: E731
    assert share(bound) < 0.5 * share(free)


def test_a_constraint_on_an_unmeasured_metric_stops_the_search_with_the_fix():
    space = nm.SPACES.create("nb201")
    with pytest.raises(nm.ConfigurationError, match="metric 'latency_ms' is not measured"):
        nm.run(nm.STRATEGIES.create("random", space=space), nm.ESTIMATORS.create("nb201"), nm.Budget(trials=3),
               constraints=["latency_ms <= 3"])
    with pytest.raises(ValueError, match="cannot parse constraint 'latency < 3'"):
        nm.run(nm.STRATEGIES.create("random", space=space), nm.ESTIMATORS.create("nb201"), nm.Budget(trials=3),
               constraints=["latency < 3"])


def test_a_constrained_search_resumes_from_its_journal_like_an_uninterrupted_one(tmp_path):
    space = nm.SPACES.create("chain-small")
    constraints = ["params <= 1500"]
    make = lambda: nm.STRATEGIES.create("rea", space=space, seed=2, population_size=5)  # noqa: E731
    nm.run(make(), LinearEstimator(space), nm.Budget(trials=10), journal=tmp_path / "j.jsonl", constraints=constraints)
    resumed = nm.run(make(), LinearEstimator(space), nm.Budget(trials=20), journal=tmp_path / "j.jsonl",
                     resume=True, constraints=constraints)
    straight = nm.run(make(), LinearEstimator(space), nm.Budget(trials=20), constraints=constraints)
    assert [(t.arch, t.score) for t in resumed] == [(t.arch, t.score) for t in straight]
    assert any(t.measurement.metrics[CONSTRAINT_METRIC] > 0 for t in resumed.trials[:10])


def test_the_mnasnet_reward_is_the_score_any_strategy_sees():
    space = nm.SPACES.create("nb201")
    reward = MnasNetReward(target=500_000, cost="params")
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), nm.ESTIMATORS.create("nb201"),
                     nm.Budget(trials=10), scalarisation=reward)
    for t in history:
        assert t.score == pytest.approx(reward(t.measurement.metrics))
    assert history.best().score == max(t.score for t in history)


def test_front_and_hypervolume_of_a_history():
    h = nm.History(space=None)
    for i, (acc, params) in enumerate([(0.9, 300), (0.8, 100), (0.7, 200), (0.9, 300), (0.95, 500)]):
        h.append(trial(i, acc, params))
    h.append(trial(5, 0.99, 50, **{CONSTRAINT_METRIC: 0.2}))  # would dominate all, but violates
    assert [t.number for t in h.front(["val_accuracy", "params"])] == [0, 1, 3, 4]
    assert 5 in [t.number for t in h.front(["val_accuracy", "params"], feasible_only=False)]
    assert [t.number for t in h.front(["val_accuracy", "params"], max_cost=3)] == [0, 1]
    # by hand: rectangles of (0.95, 500), (0.9, 300), (0.8, 100) against (0, 600)
    expected = 0.95 * 100 + 0.9 * 200 + 0.8 * 200
    assert h.hypervolume(["val_accuracy", "params"], reference=[0.0, 600]) == pytest.approx(expected)
    with pytest.raises(ValueError, match="one value per objective"):
        h.hypervolume(["val_accuracy", "params"], reference=[0.0])
