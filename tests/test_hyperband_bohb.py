"""Successive halving, Hyperband and BOHB: budget ladders, brackets, promotions, the TPE model."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.strategies.bohb import BOHB
from naslib_mini.strategies.hyperband import Hyperband, SuccessiveHalving, geometric_budgets, hyperband_plans
from naslib_mini.strategies.tpe import CategoricalKDE, TPEModel


@pytest.fixture
def space():
    return nm.SPACES.create("nb201")


def tell_all(strategy, candidates, estimator, start=0):
    for offset, candidate in enumerate(candidates):
        m = estimator.estimate(candidate.arch, candidate.budget)
        strategy.tell(nm.Trial(start + offset, candidate, nm.TrialState.COMPLETE, m, cost=m.cost))


# -- the budget ladder and bracket shapes -------------------------------------------------------

def test_ladder_and_brackets_match_the_bohb_reference_for_nb201():
    budgets = geometric_budgets(12, 200, 3)
    assert np.allclose(budgets, (200 / 9, 200 / 3, 200))
    plans = hyperband_plans(budgets, 3)
    assert [p.sizes for p in plans] == [(9, 3, 1), (3, 1), (3,)]
    assert [len(p.budgets) for p in plans] == [3, 2, 1]
    assert all(p.budgets[-1] == 200 for p in plans)


def test_hyperband_paper_example_r81_eta3():
    plans = hyperband_plans(geometric_budgets(1, 81, 3), 3)
    assert plans[0].sizes == (81, 27, 9, 3, 1) and plans[0].budgets == (1.0, 3.0, 9.0, 27.0, 81.0)
    assert plans[-1].sizes == (5,) and plans[-1].budgets == (81.0,)


@pytest.mark.parametrize("kwargs, word", [
    ({"min_budget": 0}, "min_budget"), ({"min_budget": 50, "max_budget": 10}, "min_budget"),
    ({"eta": 1}, "eta"), ({"budgets": (200, 12)}, "increasing"), ({"budgets": ()}, "increasing")])
def test_bad_ladders_are_named(space, kwargs, word):
    with pytest.raises(ValueError, match=word):
        Hyperband(space, **kwargs)


# -- successive halving on the table's two schedules --------------------------------------------

def test_successive_halving_promotes_the_best_third_to_the_larger_budget(space):
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    sh = SuccessiveHalving(space, seed=0, budgets=(12, 200), eta=3)
    assert sh.uses_budget
    rung0 = [sh.ask() for _ in range(3)]
    assert [c.budget for c in rung0] == [12.0] * 3
    assert [c.info["rung"] for c in rung0] == [0, 0, 0]
    tell_all(sh, reversed(rung0), estimator)  # out of order on purpose
    promoted = sh.ask()
    best = max(rung0, key=lambda c: estimator.estimate(c.arch, 12).score)
    assert promoted.arch == best.arch
    assert promoted.budget == 200.0 and promoted.info["rung"] == 1
    assert promoted.info["bracket"] == best.info["bracket"] and promoted.info["config"] == best.info["config"]


def test_waiting_for_results_opens_new_brackets_instead_of_blocking(space):
    hb = Hyperband(space, seed=0, min_budget=12, max_budget=200)
    asked = [hb.ask() for _ in range(9 + 3 + 3 + 2)]
    brackets = [c.info["bracket"] for c in asked]
    assert brackets == [0] * 9 + [1] * 3 + [2] * 3 + [3] * 2  # brackets cycle s = 2, 1, 0, 2, ...
    assert {round(c.budget, 1) for c in asked[9:12]} == {66.7} and {c.budget for c in asked[12:15]} == {200.0}


def test_failed_trials_are_never_promoted(space):
    sh = SuccessiveHalving(space, seed=0, budgets=(1, 3), eta=3)
    rung0 = [sh.ask() for _ in range(3)]
    for number, candidate in enumerate(rung0):
        if number == 0:
            sh.tell(nm.Trial(number, candidate, nm.TrialState.FAILED, error="RuntimeError: boom"))
        else:
            sh.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(-float(number), 1.0)))
    promoted = sh.ask()
    assert promoted.budget == 3.0 and promoted.arch == rung0[1].arch


def test_foreign_trials_do_not_disturb_the_schedule(space):
    sh = SuccessiveHalving(space, seed=0, budgets=(1, 3), eta=3)
    rung0 = [sh.ask() for _ in range(3)]
    stranger = nm.Candidate(rung0[0].arch, budget=1.0, info={"bracket": 0, "rung": 0, "config": 7})
    sh.tell(nm.Trial(0, stranger, nm.TrialState.COMPLETE, nm.Measurement(100.0, 1.0)))
    assert sh.ask().budget == 1.0  # rung 0 is still waiting, so a new bracket starts


def test_successive_halving_repeats_one_bracket_shape(space):
    sh = SuccessiveHalving(space, seed=0, min_budget=1, max_budget=9, num_configs=5)
    assert [p.sizes for p in sh.plans] == [(5, 1, 1)]


# -- the TPE model ---------------------------------------------------------------------------------

def test_aitchison_aitken_density_sums_to_one():
    rng = np.random.default_rng(0)
    sizes = (3, 4, 2)
    kde = CategoricalKDE(rng.integers(2, size=(6, 3)), sizes, np.array([0.3, 0.5, 0.1]))
    grid = np.array(list(itertools.product(*(range(s) for s in sizes))))
    assert kde.pdf(grid).sum() == pytest.approx(1.0)


def test_kde_samples_follow_the_density():
    sizes = (3, 2)
    kde = CategoricalKDE(np.array([[0, 1], [2, 1]]), sizes, np.array([0.4, 0.2]))
    draws = kde.sample(np.random.default_rng(0), 40_000)
    grid = list(itertools.product(range(3), range(2)))
    freq = np.array([np.mean((draws == cell).all(axis=1)) for cell in grid])
    np.testing.assert_allclose(freq, kde.pdf(np.array(grid)), atol=0.01)


def test_kde_rejects_bandwidths_beyond_uniform():
    with pytest.raises(ValueError, match="bandwidths"):
        CategoricalKDE(np.array([[0]]), (2,), np.array([0.9]))


def test_tpe_needs_enough_points_then_prefers_the_good_region():
    rng = np.random.default_rng(0)
    sizes = (5, 5, 5)
    model = TPEModel(sizes, num_samples=32)
    assert model.required == 6
    model.fit(np.zeros((5, 3), dtype=int), np.arange(5.0))
    assert not model.fitted and model.propose(rng) is None
    x = rng.integers(5, size=(60, 3))
    y = -np.abs(x - 4).sum(axis=1)  # best at (4, 4, 4)
    model.fit(x, y)
    proposals = np.array([model.propose(rng) for _ in range(200)])
    assert np.mean(-np.abs(proposals - 4).sum(axis=1)) > np.mean(y) + 2.0


# -- BOHB ---------------------------------------------------------------------------------------

def test_bohb_turns_model_based_once_a_budget_has_enough_observations(space):
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10", honour_budget=False)
    bohb = BOHB(space, seed=0, min_budget=12, max_budget=200, num_samples=4, random_fraction=0.0)
    history = nm.run(bohb, estimator, nm.Budget(trials=60))
    origins = [t.candidate.info["origin"] for t in history if t.candidate.info["rung"] == 0]
    required = bohb.model.required  # 9 for six decisions
    assert origins[:required] == ["random"] * required
    assert "model" in origins
    assert bohb.model_budget_ is not None


def test_bohb_random_fraction_one_is_random_search_in_brackets(space):
    bohb = BOHB(space, seed=0, random_fraction=1.0)
    for number in range(40):
        candidate = bohb.ask()
        bohb.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(number), 1.0)))
    assert {c for c in (bohb.ask().info["origin"] for _ in range(10))} == {"random"}


def test_bohb_model_proposals_beat_random_samples(space):
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10", honour_budget=False)
    model_scores, random_scores = [], []
    for seed in range(4):
        bohb = BOHB(space, seed=seed, min_budget=12, max_budget=200, num_samples=64, random_fraction=0.0)
        history = nm.run(bohb, estimator, nm.Budget(trials=120))
        for trial in history:
            if trial.candidate.info["rung"] == 0:
                origin = trial.candidate.info["origin"]
                (model_scores if origin == "model" else random_scores).append(trial.score)
    assert np.mean(model_scores) > np.mean(random_scores) + 0.03  # 3 points


def test_bohb_counts_failures_and_strangers_as_observations(space):
    bohb = BOHB(space, seed=0, budgets=(12, 200))
    arch = space.sample(np.random.default_rng(0))
    bohb.tell(nm.Trial(0, nm.Candidate(arch, budget=200.0), nm.TrialState.FAILED, error="RuntimeError: x"))
    bohb.tell(nm.Trial(1, nm.Candidate(arch, budget=12.0), nm.TrialState.COMPLETE, nm.Measurement(70.0, 1.0)))
    assert bohb.observations[200.0][0][1] == -np.inf
    assert bohb.observations[12.0][0] == (tuple(space.to_decisions(arch)), 70.0)


def test_brackets_work_on_a_chain_space():
    space = nm.SPACES.create("chain-small")
    for strategy in (Hyperband(space, seed=0), BOHB(space, seed=0, random_fraction=0.0)):
        for number in range(50):
            candidate = strategy.ask()
            space.validate(candidate.arch)
            score = float(np.sum(space.to_decisions(candidate.arch))) + 0.01 * candidate.budget
            strategy.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(score, 1.0)))


def test_a_rung_whose_scores_all_tie_warns_that_its_promotion_follows_sampling_order(space, caplog):
    sh = SuccessiveHalving(space, seed=0, budgets=(1, 3), eta=3)
    rung0 = [sh.ask() for _ in range(3)]
    with caplog.at_level("WARNING", logger="naslib_mini.strategies.hyperband"):
        for number, candidate in enumerate(rung0):
            sh.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(0.0, 1.0)))
    assert "all 3 scores at budget 1 are 0" in caplog.text and "sampling order" in caplog.text
    promoted = sh.ask()
    assert promoted.budget == 3 and promoted.arch == rung0[0].arch
    caplog.clear()
    sh2 = SuccessiveHalving(space, seed=0, budgets=(1, 3), eta=3)
    with caplog.at_level("WARNING", logger="naslib_mini.strategies.hyperband"):
        for number, (candidate, score) in enumerate(zip([sh2.ask() for _ in range(3)], (0.1, 0.3, 0.2))):
            sh2.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(score, 1.0)))
    assert "sampling order" not in caplog.text
