"""Plots of parallel evaluation: scaling curves over worker counts, and which trial ran on which worker.

``plot_scaling`` draws the rows of the scaling simulation (``benchmarks/parallel.py``:
median time to a target against the number of workers, asynchronous solid, synchronous
batches dashed, one colour per strategy, with the ideal linear speed-up for reference);
``plot_timeline`` draws a pool's timeline (``SimulatedPool.timeline``) as one bar per
trial on its worker's row. Knows nothing about how the rows or spans were produced.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from naslib_mini.viz.axes import axes_or_new

__all__ = ["plot_scaling", "plot_timeline"]


def plot_scaling(rows: Sequence[Mapping[str, Any]], ax=None, *, value: str = "median_hours",
                 title: str | None = None):
    """Time to target against workers (log-log): a line per strategy and mode.

    Args:
        rows: Dicts with ``strategy``, ``mode`` (``"async"``/``"sync"``), ``workers`` and
            ``value`` (``None`` where the target was not reached: left out of the line).
        ax: Matplotlib axes to draw on (a new figure if ``None``).
        value: The key plotted on the y axis.
        title: Optional axes title.

    Returns:
        The axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> rows = [{"strategy": "rea", "mode": m, "workers": w, "median_hours": 8 / w * (1.2 if m == "sync" else 1)}
        ...         for m in ("async", "sync") for w in (1, 2, 4)]
        >>> ax = plot_scaling(rows)
        >>> [line.get_label() for line in ax.get_lines()]
        ['rea, async', 'rea, sync', 'linear speed-up']
    """
    if not rows:
        raise ValueError("plot_scaling needs at least one row")
    ax = axes_or_new(ax)
    strategies = list(dict.fromkeys(row["strategy"] for row in rows))
    colours = {name: f"C{i}" for i, name in enumerate(strategies)}
    for strategy in strategies:
        for mode, style in (("async", "-"), ("sync", "--")):
            points = sorted((row["workers"], row[value]) for row in rows
                            if row["strategy"] == strategy and row["mode"] == mode and row[value] is not None)
            if points:
                ax.plot(*zip(*points), style, marker="o", color=colours[strategy], label=f"{strategy}, {mode}")
    first = [row for row in rows if row[value] is not None and row["workers"] == min(r["workers"] for r in rows)]
    if first:
        base = max(row[value] for row in first)
        workers = sorted({row["workers"] for row in rows})
        ax.plot(workers, [base * workers[0] / w for w in workers], ":", color="grey", label="linear speed-up")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("workers")
    ax.set_ylabel(value.replace("_", " "))
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def plot_timeline(timeline: Sequence[Any], ax=None, *, title: str | None = None):
    """One horizontal bar per trial on its worker's row, from its start to its finish; failed trials red.

    Args:
        timeline: Spans with ``worker``, ``start``, ``finish`` and ``trial`` (``SimulatedPool.timeline``).
        ax: Matplotlib axes to draw on (a new figure if ``None``).
        title: Optional axes title.

    Returns:
        The axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import naslib_mini as nm
        >>> pool = nm.SimulatedPool(2)
        >>> _ = nm.run(nm.STRATEGIES.create("random", space=nm.SPACES.create("nb201"), seed=0),
        ...            nm.ESTIMATORS.create("tabular", dataset="cifar10"), nm.Budget(trials=6), pool=pool)
        >>> len(plot_timeline(pool.timeline).patches)
        6
    """
    ax = axes_or_new(ax)
    for span in timeline:
        ax.barh(span.worker, span.finish - span.start, left=span.start, height=0.8,
                color="C0" if span.trial.ok else "C3", edgecolor="white")
    ax.set_xlabel("seconds")
    ax.set_ylabel("worker")
    if title:
        ax.set_title(title)
    return ax
