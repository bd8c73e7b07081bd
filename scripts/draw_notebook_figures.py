"""Draw the title figures of the notebooks into ``assets/``.

* ``nas_loop.png``: the search loop, space -> strategy -> estimator -> history
  (Elsken, Metzen & Hutter 2019, Fig. 1).
* ``chain_connections.png``: the four ways a chain layer connects to earlier ones.
* ``grid_vs_random.png``: nine grid points versus nine random points when only one
  of two parameters matters (Bergstra & Bengio 2012, Fig. 1).
* ``evolution_cycle.png``: one generation of evolution: tournament, crossover,
  mutation, evaluation, replacement (notebook 03).
* ``bayes_opt_1d.png``: a Gaussian-process surrogate and expected improvement on a
  1-D toy function (Jones et al. 1998; notebook 05).
* ``nb201_protocol.png``: one run of the NAS-Bench-201 search protocol (notebook 07).
* ``reinforce_loop.png``: the REINFORCE loop, sample -> reward -> policy-gradient step (notebook 04).
* ``successive_halving.png``: one successive-halving bracket, 9 -> 3 -> 1 configurations (notebook 06).

Usage:
    python scripts/draw_notebook_figures.py [--out assets]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

COLOURS = {"space": "#cfe2f3", "strategy": "#fce5cd", "estimator": "#d9ead3", "history": "#ead1dc",
           "layer": "#eeeeee"}


def box(ax, x, y, text, colour, width=2.2, height=0.9, fontsize=11):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05,rounding_size=0.15", fc=colour, ec="#444444"))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, start, end, text="", rad=0.0, offset=(0.0, 0.18)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.3, color="#333333",
                                 connectionstyle=f"arc3,rad={rad}"))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                ha="center", va="bottom", fontsize=9, style="italic")


def nas_loop(path: Path) -> None:
    fig, ax = plt.subplots(figsize=(10, 2.8))
    xs = (1.2, 4.8, 8.4, 12.0)
    box(ax, xs[0], 1.0, "search space\nwhich networks\nare allowed", COLOURS["space"], height=1.2)
    box(ax, xs[1], 1.0, "strategy\nwhich one to\ntry next", COLOURS["strategy"], height=1.2)
    box(ax, xs[2], 1.0, "estimator\nhow good is it?\n(train, validate)", COLOURS["estimator"], height=1.2)
    box(ax, xs[3], 1.0, "history\nevery trial,\nthe best so far", COLOURS["history"], height=1.2)
    arrow(ax, (xs[0] + 1.15, 1.0), (xs[1] - 1.15, 1.0), "samples from", offset=(0, 0.08))
    arrow(ax, (xs[1] + 1.15, 1.0), (xs[2] - 1.15, 1.0), "ask: candidate", offset=(0, 0.08))
    arrow(ax, (xs[2] + 1.15, 1.0), (xs[3] - 1.15, 1.0), "trial", offset=(0, 0.08))
    arrow(ax, (xs[3], 0.35), (xs[1], 0.35), "tell: score and cost", rad=-0.2, offset=(0, -0.85))
    ax.set_xlim(0, 13.2)
    ax.set_ylim(-0.7, 1.8)
    ax.axis("off")
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def chain_connections(path: Path) -> None:
    fig, axes = plt.subplots(1, 4, figsize=(11, 2.6))
    panels = {
        "series: op(x)": [],
        "skip: op(x) + proj(x)": [("x", "out", 0.6)],
        "dense: op(concat of all maps)": [("m0", "op", 0.5), ("x", "op", 0.0)],
        "parallel: op(x) + prev_op(x)": [("x", "prev", 0.0)],
    }
    for ax, (title, extra) in zip(axes, panels.items()):
        nodes = {"x": (1.0, 0.5), "op": (2.5, 0.5), "out": (4.0, 0.5)}
        if title.startswith("dense"):
            nodes = {"m0": (0.2, 0.5), "x": (1.2, 0.5), "op": (2.7, 0.5), "out": (4.0, 0.5)}
            box(ax, *nodes["m0"], "map 0", COLOURS["layer"], width=0.8, height=0.5, fontsize=9)
        box(ax, *nodes["x"], "x", COLOURS["layer"], width=0.7, height=0.5)
        box(ax, *nodes["op"], "op", COLOURS["strategy"], width=0.9, height=0.5)
        box(ax, *nodes["out"], "+" if title.startswith(("skip", "parallel")) else "out", COLOURS["layer"],
            width=0.7, height=0.5)
        if title.startswith("parallel"):
            nodes["prev"] = (2.5, -0.4)
            box(ax, *nodes["prev"], "prev op", COLOURS["estimator"], width=1.0, height=0.5, fontsize=9)
            arrow(ax, (1.35, 0.4), (2.0, -0.35))
            arrow(ax, (3.0, -0.35), (3.65, 0.4))
        elif title.startswith("skip"):
            arrow(ax, (1.0, 0.75), (4.0, 0.75), rad=-0.4)
        elif title.startswith("dense"):
            arrow(ax, (0.2, 0.75), (2.5, 0.75), rad=-0.35)
        arrow(ax, (nodes["x"][0] + 0.35, 0.5), (nodes["op"][0] - 0.45, 0.5))
        arrow(ax, (nodes["op"][0] + 0.45, 0.5), (nodes["out"][0] - 0.35, 0.5))
        ax.set_title(title, fontsize=10)
        ax.set_xlim(-0.3, 4.5)
        ax.set_ylim(-0.9, 1.7)
        ax.axis("off")
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def grid_vs_random(path: Path) -> None:
    rng = np.random.default_rng(0)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
    grid = np.array([(x, y) for x in (1 / 6, 1 / 2, 5 / 6) for y in (1 / 6, 1 / 2, 5 / 6)])
    random = rng.random((9, 2))
    xs = np.linspace(0, 1, 200)
    curve = np.exp(-((xs - 0.68) ** 2) / 0.012)  # only the first parameter matters
    for ax, points, title in ((axes[0], grid, "grid: 3 distinct values tried"),
                              (axes[1], random, "random: 9 distinct values tried")):
        ax.scatter(points[:, 0], points[:, 1], color="black", zorder=3)
        ax.plot(xs, 1.05 + 0.25 * curve, color="tab:green")
        ax.plot(-0.1 - 0.03 * np.sin(6 * xs), xs, color="tab:grey")  # barely matters
        ax.vlines(points[:, 0], 1.0, 1.05 + 0.25 * np.exp(-((points[:, 0] - 0.68) ** 2) / 0.012),
                  color="tab:green", lw=0.8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("important choice")
        ax.set_ylabel("unimportant choice")
        ax.set_xlim(-0.35, 1.02)
        ax.set_ylim(-0.02, 1.35)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def pipeline(ax, steps: list[tuple[str, str]]) -> list[float]:
    """Boxes left to right joined by arrows; returns the boxes' x centres."""
    xs = [1.2 + 2.75 * i for i in range(len(steps))]
    for x, (text, colour) in zip(xs, steps):
        box(ax, x, 1.0, text, colour, width=2.3, height=1.2, fontsize=10)
    for left, right in zip(xs, xs[1:]):
        arrow(ax, (left + 1.2, 1.0), (right - 1.2, 1.0))
    return xs


def save_diagram(fig, ax, path: Path, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """Frame a box-and-arrow diagram, write it and close the figure."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def nb201_protocol(path: Path) -> None:
    """The NAS-Bench-201 search protocol (Dong & Yang 2020), one run from left to right."""
    fig, ax = plt.subplots(figsize=(12, 2.6))
    steps = [("strategy asks\nfor a cell", COLOURS["strategy"]),
             ("look up c10_valid_12;\ncharge its 12-epoch\ntraining seconds", COLOURS["estimator"]),
             ("stop at 12,000 s;\ndrop the query\nthat overruns", COLOURS["history"]),
             ("incumbent: best\nvalidation signal", COLOURS["history"]),
             ("report its\nc10_test_200", COLOURS["space"])]
    xs = pipeline(ax, steps)
    arrow(ax, (xs[1], 0.35), (xs[0], 0.35), "tell: score", rad=-0.35, offset=(0, -0.75))
    ax.text(xs[-1], -0.15, "x 500 runs: mean ± std", ha="center", fontsize=10, style="italic")
    save_diagram(fig, ax, path, (-0.1, xs[-1] + 1.3), (-0.5, 1.8))


def evolution_cycle(path: Path) -> None:
    """One generation of evolution: select parents, recombine, mutate, evaluate, replace."""
    fig, ax = plt.subplots(figsize=(12, 2.9))
    steps = [("population\n(scored\narchitectures)", COLOURS["history"]),
             ("tournament:\nbest of k random\nmembers, twice", COLOURS["strategy"]),
             ("crossover:\nparts from\nboth parents", COLOURS["strategy"]),
             ("mutation:\nchange one\ndecision", COLOURS["strategy"]),
             ("evaluate\nthe child", COLOURS["estimator"])]
    xs = pipeline(ax, steps)
    arrow(ax, (xs[-1], 0.35), (xs[0], 0.35),
          "next generation: the elite survive, children replace the rest (aging: the oldest dies)",
          rad=-0.12, offset=(0, -0.75))
    save_diagram(fig, ax, path, (-0.1, xs[-1] + 1.3), (-0.6, 1.8))


def bayes_opt_1d(path: Path) -> None:
    """Bayesian optimisation on a 1-D toy function: GP mean and band, and expected improvement."""
    from scipy.stats import norm

    def f(x):
        return np.sin(3 * x) + 0.6 * np.cos(7 * x) + 0.3 * x

    xs = np.linspace(0, 3, 300)
    observed = np.array([0.3, 1.1, 1.5, 2.6])
    y = f(observed)

    def kernel(a, b, scale=0.35):
        return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / scale**2)

    K = kernel(observed, observed) + 1e-6 * np.eye(len(observed))
    Ks = kernel(xs, observed)
    mean = y.mean() + Ks @ np.linalg.solve(K, y - y.mean())
    std = np.sqrt(np.maximum(1.0 - np.einsum("ij,ji->i", Ks, np.linalg.solve(K, Ks.T)), 1e-12))
    gain = mean - y.max()
    ei = gain * norm.cdf(gain / std) + std * norm.pdf(gain / std)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.2), sharex=True, height_ratios=(2, 1))
    top.plot(xs, f(xs), "--", color="grey", label="true score (unknown)")
    top.plot(xs, mean, color="tab:blue", label="surrogate mean")
    top.fill_between(xs, mean - 2 * std, mean + 2 * std, color="tab:blue", alpha=0.2, label="mean ± 2 std")
    top.scatter(observed, y, color="black", zorder=3, label="evaluated")
    top.axvline(xs[np.argmax(ei)], color="tab:red", lw=1)
    top.set_ylim((mean - 2 * std).min() - 1.2, (mean + 2 * std).max() + 0.1)  # room for the legend
    top.legend(loc="lower right", fontsize=8, ncol=4)
    top.set_ylabel("score")
    bottom.plot(xs, ei, color="tab:red")
    bottom.fill_between(xs, 0, ei, color="tab:red", alpha=0.2)
    bottom.axvline(xs[np.argmax(ei)], color="tab:red", lw=1)
    bottom.set_ylabel("expected\nimprovement")
    bottom.set_xlabel("architecture (a 1-D stand-in)")
    bottom.text(xs[np.argmax(ei)] + 0.05, ei.max() * 0.8, "next pick", color="tab:red", fontsize=9)
    for ax in (top, bottom):
        ax.set_yticks([])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def reinforce_loop(path: Path) -> None:
    """REINFORCE (Williams 1992; Zoph & Le 2017): sample, reward, baseline, policy-gradient step."""
    fig, ax = plt.subplots(figsize=(11, 2.9))
    box(ax, 1.3, 1.0, "controller\np(a | θ)\none choice per edge", COLOURS["strategy"], width=2.4, height=1.2)
    box(ax, 5.0, 1.0, "architecture a\n(a₁, ..., a₆)", COLOURS["space"], width=2.3, height=1.2)
    box(ax, 8.7, 1.0, "estimator\nreward R\n(validation accuracy)", COLOURS["estimator"], width=2.5, height=1.2)
    arrow(ax, (2.55, 1.0), (3.8, 1.0), "sample", offset=(0, 0.08))
    arrow(ax, (6.2, 1.0), (7.4, 1.0), "train / look up", offset=(0, 0.08))
    arrow(ax, (8.7, 0.35), (1.3, 0.35), "θ ← θ + lr · (R − b) · ∇ log p(a | θ);   b ← 0.9 b + 0.1 R",
          rad=-0.15, offset=(0, -0.8))
    save_diagram(fig, ax, path, (-0.1, 10.2), (-0.8, 1.8))


def successive_halving(path: Path) -> None:
    """One bracket of successive halving (Jamieson & Talwalkar 2016): 9 configs at 1 epoch, 3 at 3, 1 at 9."""
    rng = np.random.default_rng(3)
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    finals, rates = rng.uniform(0.55, 0.95, 9), rng.uniform(0.4, 1.2, 9)
    epochs = np.linspace(0, 9, 91)
    curves = finals[:, None] * (1 - np.exp(-rates[:, None] * (epochs[None, :] + 0.3)))
    rungs = (1, 3, 9)
    kept = {1: 9, 3: 3, 9: 1}
    stop = np.full(9, 1)
    alive = np.arange(9)
    for r, nxt in zip(rungs[:-1], rungs[1:]):  # promote the best third by the value at this rung
        at = curves[alive, np.searchsorted(epochs, r)]
        alive = alive[np.argsort(-at)][: kept[nxt]]
        stop[alive] = nxt
    colours = {1: "tab:grey", 3: "tab:orange", 9: "tab:green"}
    for k in range(9):
        part = epochs <= stop[k] + 1e-9
        ax.plot(epochs[part], curves[k, part], color=colours[stop[k]], lw=1.5)
        ax.scatter([stop[k]], [curves[k, part][-1]], color=colours[stop[k]], zorder=3, s=18)
    for r in rungs:
        ax.axvline(r, color="#999999", ls=":", lw=1)
        ax.text(r, 1.0, f"{kept[r]} config{'s' if kept[r] > 1 else ''}\nat {r} epoch{'s' if r > 1 else ''}",
                ha="center", va="bottom", fontsize=9)
    ax.set_xlabel("budget (epochs)")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0, 1.15)
    ax.set_xlim(0, 9.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("successive halving, eta = 3: keep the best third, give it three times the budget", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assets")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in (("nas_loop", nas_loop), ("chain_connections", chain_connections),
                       ("grid_vs_random", grid_vs_random), ("nb201_protocol", nb201_protocol),
                       ("evolution_cycle", evolution_cycle), ("bayes_opt_1d", bayes_opt_1d),
                       ("reinforce_loop", reinforce_loop), ("successive_halving", successive_halving)):
        draw(args.out / f"{name}.png")
        print(f"wrote {args.out / name}.png")


if __name__ == "__main__":
    main()
