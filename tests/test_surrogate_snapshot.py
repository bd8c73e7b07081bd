"""Surrogate snapshots (a refit at an iteration of a search), their text and plot, and the explorer widget."""
import numpy as np
import pytest
from fakes import LinearEstimator

import naslib_mini as nm
from naslib_mini.strategies.bayesopt import GaussianProcess
from naslib_mini.strategies.surrogate_snapshot import snapshot_text, surrogate_snapshot
from naslib_mini.viz import plot_snapshot
from naslib_mini.widgets import surrogate_explorer


@pytest.fixture(scope="module")
def space(nb201_space):
    return nb201_space  # conftest's session-wide NAS-Bench-201 space


@pytest.fixture(scope="module")
def table(nb201_table):
    return nb201_table  # conftest's CIFAR-10 table with the 12-epoch signal


@pytest.fixture(scope="module")
def history(space, table):
    return nm.run(nm.STRATEGIES.create("random", space=space, seed=4), table, nm.Budget(trials=70))


@pytest.fixture(scope="module")
def reference(space):
    rng = nm.default_rng(11)
    return [space.sample(rng) for _ in range(150)]


def truth_of(table):
    return lambda arch: table.estimate(arch).score


def test_snapshot_is_the_gp_fit_on_the_first_results(space, table, history, reference):
    snap = surrogate_snapshot(space, history, 20, reference, truth_of(table))
    seen = history.trials[:20]
    X = np.stack([space.encode(t.arch, "path") for t in seen])
    gp = GaussianProcess().fit(X, np.array([t.score for t in seen]))
    mean, std = gp.predict(np.stack([space.encode(a, "path") for a in reference]))
    np.testing.assert_allclose(snap["reference_mean"], mean)
    np.testing.assert_allclose(snap["reference_std"], std)
    np.testing.assert_allclose(snap["reference_true"], [table.estimate(a).score for a in reference])
    assert snap["incumbent"] == max(t.score for t in seen)


def test_the_next_pick_is_the_next_trial_of_the_search(space, table, history, reference):
    snap = surrogate_snapshot(space, history, 33, reference, truth_of(table), acquisition="ucb", kappa=2.0)
    nxt = history.trials[33]
    assert snap["next"]["number"] == nxt.number and snap["next"]["arch"] == space.to_str(nxt.arch)
    assert snap["next"]["true"] == nxt.score
    assert snap["next"]["acquisition"] == pytest.approx(snap["next"]["mean"] + 2.0 * snap["next"]["std"])
    above = np.sum(snap["reference_acquisition"] > snap["next"]["acquisition"])
    assert snap["next"]["acquisition_rank"] == 1 + above


def test_the_surrogate_ranks_better_with_more_results(space, table, history, reference):
    early = surrogate_snapshot(space, history, 5, reference, truth_of(table))
    late = surrogate_snapshot(space, history, 69, reference, truth_of(table))
    assert late["kendall_tau"] > 0.3
    assert late["kendall_tau"] > early["kendall_tau"] + 0.1 or np.isnan(early["kendall_tau"])
    assert 0.0 <= late["coverage"] <= 1.0 and late["coverage"] > 0.7


def test_rank_targets_fit_the_gaussian_rank_scores(space, table, history, reference):
    from naslib_mini.strategies.model_based import transform_targets

    snap = surrogate_snapshot(space, history, 25, reference, truth_of(table), targets="rank")
    seen = history.trials[:25]
    y = transform_targets(np.array([t.score for t in seen]), "rank")
    gp = GaussianProcess().fit(np.stack([space.encode(t.arch, "path") for t in seen]), y)
    np.testing.assert_allclose(snap["reference_mean"], gp.predict(np.stack([space.encode(a, "path")
                                                                            for a in reference]))[0])
    assert np.isnan(snap["coverage"]) and "within mean" not in snapshot_text(snap)
    assert snap["incumbent"] == max(t.score for t in seen)  # reported in score units
    assert plot_snapshot(snap).get_ylabel() == "predicted rank score"
    with pytest.raises(ValueError, match="unknown targets 'quantile'"):
        surrogate_snapshot(space, history, 25, reference, truth_of(table), targets="quantile")


def test_encoding_and_surrogate_can_be_chosen(space, table, history, reference):
    class Constant:
        def fit(self, X, y):
            self.width = X.shape[1]
            return self

        def predict(self, X):
            assert X.shape[1] == self.width == 30  # the onehot encoding of a cell
            return np.full(len(X), 80.0), np.ones(len(X))

    snap = surrogate_snapshot(space, history, 10, reference, truth_of(table), encoding="onehot", surrogate=Constant)
    assert set(snap["reference_mean"]) == {80.0} and snap["next"]["mean"] == 80.0
    assert np.isnan(snap["kendall_tau"])  # constant predictions rank nothing


def test_failed_trials_are_skipped():
    chain = nm.SPACES.create("chain-small")
    failing = nm.run(nm.STRATEGIES.create("random", space=chain, seed=0), LinearEstimator(chain, fail_every=3),
                     nm.Budget(trials=9))
    complete = failing.completed()
    snap = surrogate_snapshot(chain, failing, 3, [chain.sample(nm.default_rng(0))], lambda a: 0.0)
    assert len(complete) == 6 and snap["next"]["number"] == complete[3].number


def test_bad_arguments_name_the_valid_choices(space, table, history, reference):
    truth = truth_of(table)
    for iteration in (0, 70, 2.5):
        with pytest.raises(ValueError, match=r"iteration must be an integer in 1\.\.69"):
            surrogate_snapshot(space, history, iteration, reference, truth)
    with pytest.raises(ValueError, match="unknown acquisition 'pi'; valid choices: ei, ucb, its"):
        surrogate_snapshot(space, history, 5, reference, truth, acquisition="pi")
    with pytest.raises(ValueError, match="unknown encoding 'adjacency'"):
        surrogate_snapshot(space, history, 5, reference, truth, encoding="adjacency")
    with pytest.raises(ValueError, match="reference must hold at least one"):
        surrogate_snapshot(space, history, 5, [], truth)


def test_text_and_plot_show_the_snapshot(space, table, history, reference):
    import matplotlib

    matplotlib.use("Agg")
    snap = surrogate_snapshot(space, history, 40, reference, truth_of(table))
    text = snapshot_text(snap)
    assert snap["next"]["arch"] in text and "after 40 results" in text and "150 reference" in text
    ax = plot_snapshot(snap)
    assert "after 40 results" in ax.get_title()
    assert ax.get_xlabel() == "true score"


def test_the_explorer_follows_its_slider(space, table, history, reference):
    explorer = surrogate_explorer(space, history, reference[:40], truth_of(table))
    assert explorer.slider.max == 69 and explorer.snapshot["iteration"] == 69
    explorer.slider.value = 12
    assert explorer.snapshot["iteration"] == 12
    assert explorer.snapshot["next"]["arch"] == space.to_str(history.trials[12].arch)
    assert "after 12 results" in explorer.text.value


def test_the_explorer_needs_two_complete_trials(space, table):
    one = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table, nm.Budget(trials=1))
    with pytest.raises(ValueError, match="at least 2 complete trials"):
        surrogate_explorer(space, one, [space.sample(nm.default_rng(0))], truth_of(table))
