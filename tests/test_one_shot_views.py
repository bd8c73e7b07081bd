"""What the one-shot notebooks show: a search's trace (alphas, cells, diagnostics), its plots and the two widgets.

Headless runs never fire widget events, so the widget tests set control values the way a
click does and check that the displayed state follows.
"""
import html

import matplotlib
import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini import one_shot
from naslib_mini.estimators.routines import torch_threads
from naslib_mini.one_shot_trace import OneShotTrace
from naslib_mini.spaces.nb201_cell import NB201Arch
from naslib_mini.types import Candidate, Measurement, Trial, TrialState
from naslib_mini.viz import plot_alphas, plot_cell, plot_collapse, plot_sampled_paths
from naslib_mini.widgets import epoch_scrubber, ranking_explorer
from naslib_mini.widgets.one_shot import epoch_figure
from naslib_mini.widgets.supernet_ranking import ranking_text

matplotlib.use("Agg")


def tiny_space():
    return nm.SPACES.create("nb201", width=4, cells_per_stage=1)


def tiny_task():
    """240 signals of 4 classes: the signs of the sums of the two halves."""
    x = torch.randn(240, 1, 12, generator=torch.Generator().manual_seed(0))
    y = (x[:, 0, :6].sum(1) > 0).long() + 2 * (x[:, 0, 6:].sum(1) > 0).long()
    return nm.Task.from_tensors(x, y, name="tiny", seed=0, num_classes=4)


@pytest.fixture(scope="module")
def searches():
    config = nm.TrainingConfig(epochs=3, threads=1, batch_size=32)
    with torch_threads(1):
        return {method: one_shot.search(method, tiny_task(), tiny_space(), config, seed=0, eigen_iterations=3)
                for method in ("darts", "gdas")}


def test_trace_holds_every_epoch_of_the_history(searches):
    darts, gdas = (OneShotTrace.from_history(searches[m]) for m in ("darts", "gdas"))
    history = searches["darts"]
    assert darts.method == "darts-1" and gdas.method == "gdas" and darts.epochs == 3
    assert darts.cells == tuple(t.arch for t in history)
    assert darts.alphas.shape == (3, 6, 5) and np.allclose(darts.alphas.sum(-1), 1, atol=1e-5)
    assert all(one_shot.derive(torch.tensor(a)) == cell for a, cell in zip(darts.alphas, darts.cells))
    for name in ("val_accuracy", "relaxed_val_accuracy", "parameter_free_share", "eigenvalue"):
        assert getattr(darts, name).tolist() == [t.measurement.metrics[name] for t in history]
    assert np.allclose(darts.discretization_gap, darts.relaxed_val_accuracy - darts.val_accuracy)
    assert np.isnan(darts.tau).all() and gdas.tau.tolist() == pytest.approx([10.0, 5.05, 0.1])
    assert darts.cells[darts.result_epoch - 1] == one_shot.result(history)


def test_trace_keeps_the_epoch_darts_es_returns():
    space = tiny_space()
    history = nm.History(space)
    alphas = np.full((6, 5), 0.2).tolist()
    for epoch in (1, 2, 3):
        info = {"method": "darts-1", "epoch": epoch, "alphas": alphas,
                **({"early_stop": {"result_epoch": 1}} if epoch == 3 else {})}
        metrics = {"val_accuracy": 0.5, "relaxed_val_accuracy": 0.6, "parameter_free_share": 0.5, "eigenvalue": 1.0}
        history.append(Trial(epoch - 1, Candidate(space.sample(nm.default_rng(epoch)), epoch, info),
                             TrialState.COMPLETE, Measurement(0.5, 1.0, metrics)))
    trace = OneShotTrace.from_history(history)
    assert trace.result_epoch == 1 and trace.cells[0] == one_shot.result(history)
    assert "DARTS-ES stopped the search; its result is the cell of epoch 1" in trace.describe(3)


def test_describe_names_the_epoch_cell_and_diagnostics_and_refuses_other_epochs(searches):
    trace = OneShotTrace.from_history(searches["gdas"])
    text = trace.describe(2)
    assert text.startswith(f"gdas, epoch 2 of 3: derived cell {trace.cells[1]}")
    assert f"parameter-free share {trace.parameter_free_share[1]:.2f}" in text and "Gumbel temperature 5.05" in text
    assert f"derived cell {trace.val_accuracy[1]:.3f}" in text
    for bad in (0, 4, 1.5, True):
        with pytest.raises(ValueError, match="epoch must be an integer from 1 to 3"):
            trace.describe(bad)


def test_a_history_without_one_shot_records_is_refused():
    space = tiny_space()
    with pytest.raises(ValueError, match="holds no trials"):
        OneShotTrace.from_history(nm.History(space))
    history = nm.run(nm.STRATEGIES.create("rs", space=space, seed=0),
                     nm.ESTIMATORS.create("nb201"), nm.Budget(trials=2))
    with pytest.raises(ValueError, match=r"trials \[0, 1\] lack the one-shot records"):
        OneShotTrace.from_history(history)


def test_plots_draw_what_they_are_given_and_refuse_bad_shapes(searches):
    trace = OneShotTrace.from_history(searches["darts"])
    axes = plot_collapse(trace, epoch=2)
    assert axes[0].lines[0].get_ydata().tolist() == trace.parameter_free_share.tolist()
    assert axes[1].lines[0].get_ydata().tolist() == trace.eigenvalue.tolist()
    assert axes[2].lines[1].get_ydata().tolist() == trace.relaxed_val_accuracy.tolist()
    assert axes[0].lines[-1].get_xdata()[0] == 2  # the epoch marker
    ax = plot_alphas(trace.alphas[-1], colorbar=False)
    assert np.array_equal(ax.images[0].get_array(), trace.alphas[-1])
    assert [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"] == \
        [f"{row.max():.3f}" for row in trace.alphas[-1]]  # each edge's largest alpha is marked
    with pytest.raises(ValueError, match=r"values must have shape \(6, 5\)"):
        plot_alphas(np.ones((5, 6)))
    cell = NB201Arch(("none",) * 6)
    assert len(plot_cell(cell).texts) == 4  # only the nodes: no edge carries anything
    with pytest.raises(TypeError, match="NAS-Bench-201 cell"):
        plot_cell("|none~0|")
    image = plot_sampled_paths(np.array([[0, 1, 2, 3, 4, 0]] * 3)).images[0]
    assert image.get_array().shape == (6, 3)  # edges by steps
    with pytest.raises(ValueError, match=r"operation indices 0..4"):
        plot_sampled_paths([[0, 1, 2, 3, 4, 5]])


def test_epoch_scrubber_follows_the_slider_and_the_search(searches):
    traces = {"DARTS": OneShotTrace.from_history(searches["darts"]),
              "GDAS": OneShotTrace.from_history(searches["gdas"])}
    widget = epoch_scrubber(traces, epoch=1)
    assert html.unescape(widget.text.value).count(traces["DARTS"].describe(1)) == 1
    first_image = widget.plot.value
    widget.epoch.value = 3
    assert traces["DARTS"].describe(3) in html.unescape(widget.text.value) and widget.plot.value != first_image
    widget.search.value = "GDAS"
    assert traces["GDAS"].describe(3) in html.unescape(widget.text.value)
    assert epoch_scrubber(traces["GDAS"]).epoch.value == 3  # one trace, its last epoch by default
    epoch_figure(traces["GDAS"], 1)
    with pytest.raises(ValueError, match="unknown search 'ENAS'; valid choices: DARTS, GDAS"):
        epoch_scrubber(traces, search="ENAS")
    with pytest.raises(ValueError, match="epoch must be an integer from 1 to 3, got 9"):
        epoch_scrubber(traces, epoch=9)


def test_ranking_text_and_explorer_follow_the_chosen_architecture():
    space = tiny_space()
    archs = [space.to_str(space.sample(nm.default_rng(i))) for i in range(5)]
    truth = [0.90, 0.95, 0.80, 0.99, 0.85]
    scores = {"good": [0.5, 0.6, 0.3, 0.7, 0.4], "reversed": [0.5, 0.4, 0.7, 0.3, 0.6]}
    text = ranking_text(archs, truth, scores["good"], 3, "good")
    assert text.splitlines()[1:] == ["stand-alone test accuracy 0.9900: rank 1 of 5",
                                     "good score 0.7000: rank 1 of 5 (rank moved by 0)",
                                     "good over all 5 architectures: Kendall tau 1.000"]
    widget = ranking_explorer(space, archs, truth, scores)
    assert widget.index == 3 and html.unescape(widget.text.value) == f"<pre style='line-height:1.3'>{text}</pre>"
    widget.rank.value = 5  # the worst by stand-alone accuracy
    assert widget.index == 2 and "rank 5 of 5" in widget.text.value
    widget.supernet.value = "reversed"
    assert "reversed score 0.7000: rank 1 of 5 (rank moved by 4)" in widget.text.value
    assert "Kendall tau -1.000" in widget.text.value
    with pytest.raises(ValueError, match="index must be an integer from 0 to 4, got 5"):
        ranking_text(archs, truth, scores["good"], 5)
    with pytest.raises(ValueError, match="one entry per architecture"):
        ranking_explorer(space, archs, truth, {"short": [0.1]})
    with pytest.raises(ValueError, match="rank must be an integer from 1 to 5, got 0"):
        ranking_explorer(space, archs, truth, scores, rank=0)
