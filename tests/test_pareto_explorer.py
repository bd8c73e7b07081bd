"""The Pareto explorer widget and the chain drawing it uses: what a user sees when stepping along a front."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import naslib_mini as nm  # noqa: E402
from naslib_mini.viz.chain import plot_chain  # noqa: E402
from naslib_mini.widgets.pareto_explorer import front_along, pareto_explorer  # noqa: E402

OBJECTIVES = ["flops", "val_accuracy"]


@pytest.fixture(scope="module")
def history():
    strategy = nm.STRATEGIES.create("nsga2", space=nm.SPACES.create("nb201"), seed=0, population_size=8,
                                    objectives=["val_accuracy", "flops"])
    return nm.run(strategy, nm.ESTIMATORS.create("nb201", dataset="cifar10", flops=True), nm.Budget(trials=40))


def test_front_is_ordered_along_the_first_objective_and_non_dominated(history):
    front = front_along(history, OBJECTIVES)
    flops = [t.measurement.metrics["flops"] for t in front]
    accuracy = [t.measurement.metrics["val_accuracy"] for t in front]
    assert flops == sorted(flops) and len(front) >= 2
    assert accuracy == sorted(accuracy)  # along a front, more FLOPs must buy more accuracy
    assert {t.number for t in front} == {t.number for t in history.front(OBJECTIVES)}


def test_stepping_along_the_front_shows_each_network_drawn_and_measured(history):
    explorer = pareto_explorer(history, OBJECTIVES, marks={"baseline": (1e8, 0.8)}, log_x=True)
    first_png = bytes(explorer.plot.value)
    assert first_png.startswith(b"\x89PNG")
    last = len(explorer.front) - 1
    explorer.step.value = last  # the slider moves the dropdown, which redraws
    assert explorer.choice.value == last
    chosen = explorer.front[last]
    assert f"trial {chosen.number}" in explorer.text.value
    assert history.space.to_str(chosen.arch).replace("|", "") in explorer.text.value.replace("|", "")
    assert bytes(explorer.plot.value) != first_png
    explorer.select(0)
    assert explorer.step.value == 0 and bytes(explorer.plot.value) == first_png
    with pytest.raises(ValueError, match=f"index must be in 0..{last}, got {last + 1}"):
        explorer.select(last + 1)


def test_explorer_rejects_what_it_cannot_draw(history):
    with pytest.raises(ValueError, match="two objectives"):
        pareto_explorer(history, ["flops", "params", "val_accuracy"])
    with pytest.raises(ValueError, match="no front to explore"):
        pareto_explorer(nm.History(space=None), OBJECTIVES)


def test_chain_drawing_names_every_layer_and_its_connection():
    space = nm.SPACES.create("chain")
    arch = space.sample(nm.default_rng(4))
    ax = plot_chain(arch)
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    assert texts[0] == "input" and texts[-1] == "head"
    assert sum(layer.op in text for layer in arch.layers for text in texts) >= arch.depth
    with pytest.raises(TypeError, match="ChainArch"):
        plot_chain("conv3x3")


def test_clicking_a_point_of_the_front_shows_that_network(history):
    from matplotlib.backend_bases import MouseEvent

    explorer = pareto_explorer(history, OBJECTIVES, log_x=True)
    assert not explorer.clickable  # Agg's canvas is no widget: the dropdown and slider stay the way in
    figure = explorer.pick_figure()
    figure.canvas.draw()
    ax = figure.axes[0]
    last = len(explorer.front) - 1
    chosen = explorer.front[last]
    x, y = ax.transData.transform([[chosen.measurement.metrics[name] for name in OBJECTIVES]])[0]
    figure.pick(MouseEvent("button_press_event", figure.canvas, x, y, button=1))  # a click on that point
    assert explorer.choice.value == explorer.step.value == last
    assert f"trial {chosen.number}" in explorer.text.value
    left, bottom = ax.transAxes.transform([0.02, 0.98])  # a click on empty space changes nothing
    figure.pick(MouseEvent("button_press_event", figure.canvas, left, bottom, button=1))
    assert explorer.choice.value == last


def test_under_ipympl_the_front_is_a_live_canvas_that_takes_clicks():
    """``%matplotlib widget`` in JupyterLab: ipympl (in requirements.txt) makes the front's canvas a widget."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import matplotlib
        matplotlib.use("module://ipympl.backend_nbagg")
        import naslib_mini as nm
        from naslib_mini.widgets.pareto_explorer import pareto_explorer
        strategy = nm.STRATEGIES.create("nsga2", space=nm.SPACES.create("nb201"), seed=0, population_size=8,
                                        objectives=["val_accuracy", "flops"])
        history = nm.run(strategy, nm.ESTIMATORS.create("nb201", dataset="cifar10", flops=True), nm.Budget(trials=16))
        explorer = pareto_explorer(history, ["flops", "val_accuracy"], log_x=True)
        print(explorer.clickable, any(child is explorer.figure.canvas for child in explorer.widget.children))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
