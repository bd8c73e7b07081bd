"""REINFORCE traces record what the strategy did; their plots; the lab widget re-runs one on each change.

Headless runs never fire widget events, so the tests set widget values the way a
click does and check that the displayed state follows.
"""
import html
import importlib

import matplotlib
import numpy as np
import pytest
from fakes import LinearEstimator

import naslib_mini as nm
from naslib_mini.reinforce_trace import ReinforceTrace, trace_reinforce, trace_summary
from naslib_mini.seeding import run_seeds
from naslib_mini.viz import plot_learning, plot_policy_heatmap
from naslib_mini.widgets import reinforce_lab

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def trace():
    return trace_reinforce("reinforce", 0.05, runs=2, trials=40, seed=3)


def test_trace_records_the_strategys_own_rewards_and_baselines(trace):
    space = nm.SPACES.create("nb201")
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    for i, run_seed in enumerate(run_seeds("reinforce", 2, seed=3)):
        strategy = nm.STRATEGIES.create("reinforce", space=space, seed=run_seed, learning_rate=0.05)
        history = nm.run(strategy, estimator, nm.Budget(trials=40))
        assert [t.arch for t in history] == [t.arch for t in trace.histories[i]]
        np.testing.assert_array_equal(trace.rewards[i], [r["reward"] for r in strategy.records])
        np.testing.assert_array_equal(trace.baselines[i], [r["baseline"] for r in strategy.records])
        final = np.array(strategy.policy.probabilities())
        np.testing.assert_allclose(trace.probabilities[i, -1], final)
        assert trace.entropy[i, -1] == pytest.approx(strategy.entropy())
        assert trace.distinct[i, -1] == len({t.arch for t in history})


def test_trace_shapes_start_uniform_and_are_probabilities(trace):
    assert isinstance(trace, ReinforceTrace)
    assert trace.rewards.shape == trace.baselines.shape == trace.distinct.shape == (2, 40)
    assert trace.probabilities.shape == (2, 41, 6, 5) and trace.entropy.shape == (2, 41)
    np.testing.assert_allclose(trace.probabilities.sum(axis=-1), 1.0)
    np.testing.assert_allclose(trace.entropy[:, 0], 6 * np.log(5), atol=1e-4)
    assert trace.max_entropy == pytest.approx(6 * np.log(5))
    assert trace.decisions[0] == "edge(0->1)" and trace.choices[0][3] == "nor_conv_3x3"
    assert (np.diff(trace.distinct, axis=1) >= 0).all() and trace.learning_rate == 0.05


def test_trace_is_deterministic_and_the_learning_rate_sets_the_speed(trace):
    again = trace_reinforce("reinforce", 0.05, runs=2, trials=40, seed=3)
    np.testing.assert_array_equal(trace.rewards, again.rewards)
    fast = trace_reinforce("reinforce", 0.5, runs=2, trials=40, seed=3)
    slow = trace_reinforce("reinforce", 0.001, runs=2, trials=40, seed=3)
    assert fast.entropy[:, -1].max() < trace.entropy[:, -1].min()
    assert trace.entropy[:, -1].max() < slow.entropy[:, -1].min()
    assert fast.distinct[:, -1].mean() < slow.distinct[:, -1].mean()


def test_trace_of_the_lstm_controller_uses_its_default_rate():
    lstm = trace_reinforce("reinforce-lstm", runs=1, trials=5)
    assert lstm.policy == "reinforce-lstm" and lstm.learning_rate == 0.02
    assert lstm.probabilities.shape == (1, 6, 6, 5)
    np.testing.assert_allclose(lstm.probabilities.sum(axis=-1), 1.0, atol=1e-6)


def test_trace_with_another_space_and_estimator_pads_and_skips_failures():
    space = nm.SPACES.create("chain-small")
    trace = trace_reinforce(runs=1, trials=9, space=space, estimator=LinearEstimator(space, seed=0, fail_every=3))
    assert trace.rewards.shape == (1, 6)  # every third trial fails and teaches nothing
    widest = max(len(d.choices) for d in space.decisions())
    assert trace.probabilities.shape == (1, 7, len(space.decisions()), widest)
    depth = trace.decisions.index("depth")
    assert np.isnan(trace.probabilities[0, 0, depth, 3:]).all()  # depth has 3 choices, padded with NaN
    assert trace.entropy[0, 0] == pytest.approx(trace.max_entropy, abs=1e-3)


@pytest.mark.parametrize("kwargs, message", [
    ({"policy": "ppo"}, "ppo.*valid choices: reinforce, reinforce-lstm"),
    ({"runs": 0}, "runs must be an integer >= 1, got 0"),
    ({"trials": 2.5}, "trials must be an integer >= 1, got 2.5"),
    ({"space": "nb201"}, "give both space and estimator"),
])
def test_bad_input_names_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        trace_reinforce(**kwargs)


def test_plots_draw_every_run_and_every_choice(trace):
    import matplotlib.pyplot as plt

    axes = plot_learning(trace, label="a")
    plot_learning(trace, axes, label="b")
    assert [t.get_text() for t in axes[1].get_legend().get_texts()] == ["a", "b"]
    plt.close(axes[0].figure)
    ax = plot_policy_heatmap(trace, run_index=1, decisions=["edge(0->1)", "edge(2->3)"])
    image = ax.get_images()[0].get_array()
    assert image.shape == (10, 41)
    np.testing.assert_allclose(image[:5], trace.probabilities[1, :, 0, :].T)
    assert ax.get_yticklabels()[5].get_text() == "edge(2->3)  none"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="run_index must be in 0..1, got 2"):
        plot_policy_heatmap(trace, run_index=2)
    with pytest.raises(ValueError, match=r"\['edge\(9->9\)'\].*valid choices: edge\(0->1\)"):
        plot_policy_heatmap(trace, decisions=["edge(9->9)"])


def test_summary_reports_entropy_and_distinct_counts(trace):
    text = trace_summary(trace)
    assert text.startswith("reinforce, learning rate 0.05, 2 runs of 40 updates")
    assert f"-> {trace.entropy[:, -1].mean():.2f} nats (uniform 9.66)" in text
    assert f"{trace.distinct[:, -1].mean():.0f} of 40 queries" in text


def test_lab_runs_nothing_until_displayed_then_reruns_on_each_change():
    lab = reinforce_lab(trials=30, runs=1, seed=1)
    assert lab.trace is None and lab.summary.value == ""  # constructing is instant
    lab._repr_mimebundle_()  # what displaying it in a notebook calls
    assert lab.trace.rewards.shape == (1, 30) and bytes(lab.plot.value).startswith(b"\x89PNG")
    assert "learning rate 0.05" in html.unescape(lab.summary.value)
    lab.learning_rate.value = 0.5
    assert lab.trace.learning_rate == 0.5 and "learning rate 0.5," in lab.summary.value
    lab.trials.value = 40
    assert lab.trace.rewards.shape == (1, 40)
    lab.policy.value = "reinforce-lstm"
    assert lab.trace.policy == "reinforce-lstm" and "reinforce-lstm" in lab.summary.value
    with pytest.raises(ValueError, match="valid choices: reinforce, reinforce-lstm"):
        reinforce_lab(policy="lstm")


def test_lab_shows_a_trace_it_is_given_without_running_one(trace, monkeypatch):
    lab_module = importlib.import_module("naslib_mini.widgets.reinforce_lab")  # the package's name is the function
    monkeypatch.setattr(lab_module, "trace_reinforce", lambda *a, **k: pytest.fail("ran a trace"))
    lab = reinforce_lab(trace=trace)
    assert lab.trace is trace and trace_summary(trace) in html.unescape(lab.summary.value)
    assert lab.learning_rate.value == trace.learning_rate and lab.policy.value == trace.policy
    assert bytes(lab.plot.value).startswith(b"\x89PNG")
