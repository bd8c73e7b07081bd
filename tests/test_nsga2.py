"""NSGA-II and our front-keeping: sorting and hypervolume against pymoo, crowding by hand, the strategy at work."""
from __future__ import annotations

import numpy as np
import pytest
from pymoo.indicators.hv import HV
from pymoo.operators.survival.rank_and_crowding.metrics import calc_crowding_distance
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

import naslib_mini as nm
from fakes import LinearEstimator
from naslib_mini.objectives import CONSTRAINT_METRIC
from naslib_mini.pareto import crowding_distance, hypervolume, non_dominated, non_dominated_sort
from naslib_mini.strategies.nsga2 import rank_and_crowding


@pytest.mark.parametrize("n, k, seed", [(1, 2, 0), (30, 2, 1), (60, 3, 2), (80, 2, 3), (40, 4, 4)])
def test_non_dominated_sort_matches_pymoo_on_random_points(n, k, seed):
    rng = np.random.default_rng(seed)
    values = rng.random((n, k))
    values[: n // 4] = np.round(values[: n // 4], 1)  # ties and duplicates too
    ours = [sorted(front.tolist()) for front in non_dominated_sort(values)]
    theirs = [sorted(front.tolist()) for front in NonDominatedSorting().do(values)]
    assert ours == theirs
    assert non_dominated(values).tolist() == theirs[0]


def test_the_first_front_of_a_table_sized_set_matches_pymoo():
    values = np.round(np.random.default_rng(5).random((15625, 2)), 3)
    expected = NonDominatedSorting().do(values, only_non_dominated_front=True)
    assert non_dominated(values).tolist() == sorted(expected.tolist())


def test_duplicates_share_a_front_and_the_first_front_is_non_dominated():
    values = np.array([[1.0, 1.0], [1.0, 1.0], [0.5, 2.0], [2.0, 2.0]])
    assert [f.tolist() for f in non_dominated_sort(values)] == [[0, 1, 2], [3]]
    assert non_dominated(values).tolist() == [0, 1, 2] and non_dominated(np.zeros((0, 2))).tolist() == []


def test_crowding_distance_of_a_known_front():
    # Objective ranges are 4 and 4. Row 1: neighbours (0,4) and (3,1) -> 3/4 + 3/4; row 2: 3/4 + 2/4.
    front = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    assert crowding_distance(front).tolist() == [np.inf, 1.5, 1.25, np.inf]
    assert crowding_distance(front[:2]).tolist() == [np.inf, np.inf]


def test_crowding_distance_matches_pymoo_on_a_random_front():
    rng = np.random.default_rng(7)
    x = np.sort(rng.random(12))
    front = np.column_stack([x, 1 - np.sqrt(x)])  # non-dominated by construction
    ours, theirs = crowding_distance(front), calc_crowding_distance(front)
    finite = np.isfinite(ours)
    assert (np.isinf(theirs) == ~finite).all()
    # pymoo divides each objective's gaps by its range as Deb et al. 2002 do, then averages over
    # the objectives instead of summing them: the same order, scaled by the number of objectives
    assert ours[finite] == pytest.approx(front.shape[1] * theirs[finite])


def test_hypervolume_matches_pymoo_and_ignores_points_beyond_the_reference():
    rng = np.random.default_rng(3)
    values = rng.random((25, 3))
    reference = np.array([1.1, 1.1, 1.1])
    assert hypervolume(values, reference) == pytest.approx(HV(ref_point=reference)(values))
    assert hypervolume(np.array([[2.0, 0.0]]), np.array([1.0, 1.0])) == 0.0
    with pytest.raises(ValueError, match="one value per objective"):
        hypervolume(values, np.array([1.0, 1.0]))


def test_rank_and_crowding_puts_violations_behind_every_feasible_row():
    values = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.5, 0.5]])
    rank, crowd = rank_and_crowding(values, np.array([0.3, 0.0, 0.0, 0.1]))
    assert rank.tolist() == [3, 0, 1, 2]  # the best values but the largest violation: last
    assert crowd[[0, 3]].tolist() == [0.0, 0.0]


def make_nsga2(space, seed=0, **kwargs):
    return nm.STRATEGIES.create("nsga2", space=space, seed=seed, **kwargs)


def test_nsga2_keeps_an_elitist_population_and_never_proposes_a_cell_twice():
    space = nm.SPACES.create("nb201")
    strategy = make_nsga2(space, population_size=10, objectives=["val_accuracy", "params"])
    history = nm.run(strategy, nm.ESTIMATORS.create("nb201"), nm.Budget(trials=80))
    assert strategy.generation >= 7 and len(strategy.population) == 10
    keys = [strategy.archive.key(t.arch) for t in history]
    assert len(set(keys)) == len(keys)
    assert [t.candidate.info["origin"] for t in history][:10] == ["random"] * 10
    # elitism: every trial on the history's front is in the final population or dominated by one in it
    members = {strategy.archive.key(arch) for arch, _, _ in strategy.population}
    front = history.front(["val_accuracy", "params"])
    assert sum(strategy.archive.key(t.arch) in members for t in front) >= min(len(front), 10) // 2


def test_nsga2_finds_a_better_front_than_random_search_on_nb201():
    space, objectives = nm.SPACES.create("nb201"), ["val_accuracy", "params"]
    reference = [0.0, 1.2e6]
    volumes = {}
    for name in ("nsga2", "random"):
        extra = {"objectives": objectives, "population_size": 8} if name == "nsga2" else {}
        volumes[name] = np.mean([
            nm.run(nm.STRATEGIES.create(name, space=space, seed=seed, **extra), nm.ESTIMATORS.create("nb201"),
                   nm.Budget(trials=100)).hypervolume(objectives, reference) for seed in range(6)])
    assert volumes["nsga2"] > volumes["random"]


def test_nsga2_honours_constraints_through_the_loop():
    space, constraints = nm.SPACES.create("nb201"), ["params <= 300000"]
    strategy = make_nsga2(space, seed=3, population_size=8, objectives=["val_accuracy", "params"])
    history = nm.run(strategy, nm.ESTIMATORS.create("nb201"), nm.Budget(trials=120), constraints=constraints)
    blind = nm.run(nm.STRATEGIES.create("random", space=space, seed=3), nm.ESTIMATORS.create("nb201"),
                   nm.Budget(trials=120), constraints=constraints)
    share = lambda h: np.mean([t.measurement.metrics[CONSTRAINT_METRIC] > 0 for t in h.trials[60:]])  # noqa: E731
    assert share(history) < 0.7 * share(blind)  # mutations of feasible parents still overshoot at times
    assert all(violation == 0 for _, _, violation in strategy.population)
    assert all(t.measurement.metrics["params"] <= 300_000 for t in history.front(["val_accuracy", "params"]))


def test_nsga2_refuses_a_missing_objective_and_bad_settings_with_clear_errors():
    space = nm.SPACES.create("chain-small")
    with pytest.raises(nm.ConfigurationError, match="metric 'flops' is not measured"):
        nm.run(make_nsga2(space, objectives=["score", "flops"]), LinearEstimator(space), nm.Budget(trials=3))
    with pytest.raises(ValueError, match="population_size must be an integer >= 2, got 1"):
        make_nsga2(space, population_size=1)
    with pytest.raises(ValueError, match="crossover_probability must be a probability in \\[0, 1\\], got 1.5"):
        make_nsga2(space, crossover_probability=1.5)


@pytest.mark.parametrize("name", ["bananas", "bo"])
def test_parego_option_of_model_based_strategies_searches_two_objectives(name):
    space, objectives = nm.SPACES.create("nb201"), ["val_accuracy", "params"]
    strategy = nm.STRATEGIES.create(name, space=space, seed=0, scalarisation="parego", objectives=objectives,
                                    num_init=10, refit_every=5)
    history = nm.run(strategy, nm.ESTIMATORS.create("nb201"), nm.Budget(trials=30))
    assert len(history) == 30 and strategy.weights_ is not None
    assert strategy.weights_.sum() == pytest.approx(1.0) and (strategy.weights_ >= 0).all()
    assert len(strategy._objective_rows) == len(strategy.archive)
    again = nm.run(nm.STRATEGIES.create(name, space=space, seed=0, scalarisation="parego", objectives=objectives,
                                        num_init=10, refit_every=5), nm.ESTIMATORS.create("nb201"),
                   nm.Budget(trials=30))
    assert [t.arch for t in history] == [t.arch for t in again]
    with pytest.raises(ValueError, match="unknown scalarisation 'pareto'; valid choices: None, 'parego'"):
        nm.STRATEGIES.create(name, space=space, scalarisation="pareto")


def test_plot_front_greys_dominated_trials_and_draws_the_true_front():
    import matplotlib

    matplotlib.use("Agg")
    from naslib_mini.viz import plot_front

    space = nm.SPACES.create("nb201")
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=1),
                     nm.ESTIMATORS.create("nb201", flops=True), nm.Budget(trials=30))
    ax = plot_front(history, ["flops", "val_accuracy"], true_front=np.array([[2e7, 0.7], [1e8, 0.85]]),
                    marks={"baseline": (5e7, 0.8)}, log_x=True)
    dominated, front = ax.collections[0], ax.collections[1]
    assert len(front.get_offsets()) == len(history.front(["flops", "val_accuracy"]))
    assert len(dominated.get_offsets()) + len(front.get_offsets()) == len(history)
    assert "true front" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match="two objectives"):
        plot_front(history, ["flops"])


def test_front_scale_normalises_by_the_known_front_and_scores_fronts_as_a_fraction_of_it():
    from naslib_mini.pareto import FrontScale

    rng = np.random.default_rng(0)
    values = rng.random((200, 2)) * [1.0, 50.0]
    scale = FrontScale(values)
    assert scale.ratio(scale.front) == pytest.approx(1.0)
    assert scale.normalise(scale.front).min(axis=0).tolist() == [0.0, 0.0]
    assert scale.normalise(scale.front).max(axis=0).tolist() == [1.0, 1.0]
    assert scale.raw(scale.normalise(values[:3])) == pytest.approx(values[:3])
    assert 0 < scale.ratio(scale.front[::2]) < 1  # part of the front covers less
    assert scale.ratio(values[:0]) == 0.0
    wide = FrontScale(values, bound=values.max(axis=0))
    assert (wide.reference >= scale.reference).all()
    with pytest.raises(ValueError, match="needs at least two rows, got 1"):
        FrontScale(values[:1])
    with pytest.raises(ValueError, match="no extent in some objective"):
        FrontScale(np.array([[0.0, 1.0], [0.0, 1.0]]))
