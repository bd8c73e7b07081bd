"""Progressive NAS: the spaces' growth methods and the strategy's rounds (grow the best, rank by surrogate)."""
import numpy as np
import pytest
import scipy.stats

import naslib_mini as nm
from fakes import LinearEstimator
from naslib_mini.spaces.chain import ChainSpace
from naslib_mini.strategies.pnas import supports_growth


@pytest.mark.parametrize("name", ["nb201", "nas-bench-macro", "chain-small"])
def test_growth_adds_exactly_one_block_and_starts_from_the_smallest(name):
    space = nm.SPACES.create(name)
    smallest = space.smallest_archs()
    assert smallest and len(set(smallest)) == len(smallest)
    assert {space.blocks(a) for a in smallest} == {1}
    rng = nm.default_rng(0)
    for arch in [space.sample(rng) for _ in range(10)] + smallest[:3]:
        children = space.grow(arch)
        assert len(set(children)) == len(children)
        for child in children:
            space.validate(child)
            assert space.blocks(child) == space.blocks(arch) + 1


def test_macro_growth_fills_identity_layers_until_none_is_left():
    space = nm.SPACES.create("nas-bench-macro")
    assert len(space.smallest_archs()) == 16
    assert len({space.canonical(a) for a in space.smallest_archs()}) == 12
    assert [str(a) for a in space.grow(space.from_str("12120120"))] == ["12121120", "12122120", "12120121",
                                                                       "12120122"]
    assert space.grow(space.from_str("12121212")) == []


def test_chain_grows_at_its_output_and_stops_at_max_depth():
    space = ChainSpace(ops=("conv3x3", "identity", "zero"), channels=(8, 16), max_depth=2)
    arch = space.from_str("conv3x3-8-s1-series")
    children = space.grow(arch)
    assert children and all(child.layers[0] == arch.layers[0] for child in children)
    assert all(not space.is_dead(child) for child in children)
    assert all(space.grow(child) == [] for child in children)


def test_pnas_refuses_a_space_it_cannot_grow_with_a_clear_error():
    class Flat(ChainSpace):
        grow = None

    with pytest.raises(ValueError, match="pnas cannot search space 'chain'.*blocks, grow, smallest_archs"):
        nm.STRATEGIES.create("pnas", space=Flat(max_depth=2, channels=(8,)))
    assert not supports_growth(Flat())
    with pytest.raises(ValueError, match="beam must be an integer >= 1, got 0"):
        nm.STRATEGIES.create("pnas", space=nm.SPACES.create("macro"), beam=0)


def test_a_sample_without_one_layer_chains_cannot_be_searched_progressively():
    members = [a for a in nm.SPACES.create("chain", channels=(8,), max_depth=2) if a.depth == 2][:20]
    subset = nm.SubsetSpace(nm.SPACES.create("chain", channels=(8,), max_depth=2), members)
    assert supports_growth(subset) and subset.smallest_archs() == []
    with pytest.raises(ValueError, match="growth has nowhere to start"):
        nm.STRATEGIES.create("pnas", space=subset)


def test_rounds_grow_the_best_of_the_last_size_in_surrogate_order():
    space = nm.SPACES.create("nas-bench-macro")
    estimator = nm.ESTIMATORS.create("nas-bench-macro")
    history = nm.run(nm.STRATEGIES.create("pnas", space=space, seed=3, beam=3), estimator, nm.Budget(trials=60))
    trials = list(history)
    first = [t for t in trials if t.candidate.info["role"] == "first"]
    assert len(first) == 12 and all(t.candidate.info["blocks"] == 1 for t in first)  # one per network
    rounds = sorted({t.candidate.info["round"] for t in trials if t.candidate.info["role"] == "grow"})
    assert len(rounds) == 7  # 2 to 8 blocks
    for r in rounds:
        proposed = [t for t in trials if t.candidate.info["round"] == r]
        size = proposed[0].candidate.info["blocks"]
        assert len(proposed) == 3 and all(t.candidate.info["blocks"] == size for t in proposed)
        earlier = [t for t in trials if t.number < proposed[0].number and t.candidate.info["blocks"] == size - 1]
        parents = sorted(earlier, key=lambda t: -t.score)[:3]
        assert all(any(t.arch in space.grow(p.arch) for p in parents) for t in proposed)
        predicted = [t.candidate.info["predicted"] for t in proposed]
        assert predicted == sorted(predicted, reverse=True)
    assert {t.candidate.info["role"] for t in trials[12 + 21:]} == {"refine"}  # 8 blocks reached: neighbours


def test_the_surrogate_ranks_unseen_networks_better_than_chance():
    space = nm.SPACES.create("nas-bench-macro")
    estimator = nm.ESTIMATORS.create("nas-bench-macro")
    strategy = nm.STRATEGIES.create("pnas", space=space, seed=0)
    nm.run(strategy, estimator, nm.Budget(trials=40))
    rng = nm.default_rng(1)
    unseen = strategy.archive.unseen(space.sample(rng) for _ in range(300))
    predicted = strategy.surrogate().predict(strategy.features(unseen))[0]
    truth = [estimator.estimate(a).score for a in unseen]
    rho = scipy.stats.spearmanr(predicted, truth).statistic
    assert rho > 0.3, rho  # trained on 40 networks, most of them small; chance is 0


def test_beats_random_search_at_fifty_queries_on_nas_bench_macro():
    from naslib_mini.reproductions.macro import MacroProtocol, run_once
    protocol = MacroProtocol(queries=50)
    pnas = [run_once("pnas", seed, protocol) for seed in range(10)]
    random = [run_once("random", seed, protocol) for seed in range(10)]
    assert np.mean(pnas) > np.mean(random)


def test_first_level_larger_than_num_first_is_a_seeded_sample():
    space = nm.SPACES.create("chain-small")  # 27 one-layer chains
    def first(seed):
        strategy = nm.STRATEGIES.create("pnas", space=space, seed=seed, num_first=5)
        history = nm.run(strategy, LinearEstimator(space), nm.Budget(trials=5))
        return [t.arch for t in history]
    assert first(0) == first(0) != first(1)
    assert all(a in space.smallest_archs() for a in first(0))


def test_each_round_records_the_ranked_children_and_every_proposal_its_parent():
    space = nm.SPACES.create("nas-bench-macro")
    strategy = nm.STRATEGIES.create("pnas", space=space, seed=0)
    history = nm.run(strategy, nm.ESTIMATORS.create("nas-bench-macro"), nm.Budget(trials=24))
    record = strategy.rounds_[0]
    assert record["role"] == "grow" and len(record["children"]) == len(record["predicted"])
    chosen = [record["children"][i] for i in record["chosen"]]
    grown = [t for t in history if t.candidate.info["round"] == record["round"]]
    assert [t.arch for t in grown] == chosen
    assert all(t.arch in space.grow(space.from_str(t.candidate.info["parent"])) for t in grown)


def test_the_growth_and_round_plots_draw_what_the_search_recorded():
    import matplotlib
    matplotlib.use("Agg")
    from naslib_mini import viz

    space = nm.SPACES.create("nas-bench-macro")
    estimator = nm.ESTIMATORS.create("nas-bench-macro")
    strategy = nm.STRATEGIES.create("pnas", space=space, seed=0)
    history = nm.run(strategy, estimator, nm.Budget(trials=24))
    ax = viz.plot_growth(history, score=estimator.test_accuracy)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 24 + 1  # every trial, and the best again
    assert len(ax.lines) == 24 - 12  # one line per grown architecture to its parent
    record = strategy.rounds_[0]
    ax = viz.plot_round(record, [estimator.estimate(a).score for a in record["children"]])
    assert "Kendall tau" in ax.get_title() and len(ax.collections[1].get_offsets()) == len(record["chosen"])
    ax = viz.plot_budgets({"pnas": {10: [0.9, 0.91]}, "rea": {10: [0.89, 0.9]}})
    assert len(ax.containers) == 2
