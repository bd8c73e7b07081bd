"""Draw the title figures of notebooks 00-02 into ``assets/``.

* ``nas_loop.png``: the search loop, space -> strategy -> estimator -> history
  (Elsken, Metzen & Hutter 2019, Fig. 1).
* ``chain_connections.png``: the four ways a chain layer connects to earlier ones.
* ``grid_vs_random.png``: nine grid points versus nine random points when only one
  of two parameters matters (Bergstra & Bengio 2012, Fig. 1).

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assets")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in (("nas_loop", nas_loop), ("chain_connections", chain_connections),
                       ("grid_vs_random", grid_vs_random)):
        draw(args.out / f"{name}.png")
        print(f"wrote {args.out / name}.png")


if __name__ == "__main__":
    main()
