"""How fast the NAS-Bench-201 table loads and answers queries.

Times four things on the table ``naslib_mini`` reads by default (the shipped copy,
or ``$NASLIB_MINI_DATA``): reading and checking the table from disk, a repeated
``load_nb201`` (served from the cache), the first query of a ``TabularEstimator``
(which builds its dataset's columns) and one query for every cell after that.
Prints a table of medians over ``--repeats`` runs; ``--quick`` runs once and
queries 1,000 cells, for a smoke test.

Usage:
    python benchmarks/tabular_speed.py [--repeats 5] [--dataset cifar10] [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import pandas  # noqa: F401  (imported here, so the load time below does not include importing pandas)

import naslib_mini as nm
from naslib_mini.data import _load_nb201, load_nb201


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def one_run(dataset: str, cells: int) -> dict[str, float]:
    """Seconds of each step, and of one query on average, in a fresh cache."""
    _load_nb201.cache_clear()
    load = timed(load_nb201)
    cached = timed(load_nb201)
    space = nm.SPACES.create("nb201")
    archs = [space.from_index(i) for i in range(cells)]
    estimator = nm.TabularEstimator(dataset)
    first = timed(lambda: estimator.estimate(archs[0]))
    queries = timed(lambda: [estimator.estimate(arch) for arch in archs])
    return {"load": load, "cached load": cached, "first query": first, "per query": queries / cells}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs to take the median of (default: 5)")
    parser.add_argument("--dataset", default="cifar10", help="dataset the estimator reads (default: cifar10)")
    parser.add_argument("--quick", action="store_true", help="one run of 1,000 queries (a smoke test)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the measurement, print the table, and return the median seconds of each step."""
    args = parse_args(argv)
    repeats, cells = (1, 1000) if args.quick else (args.repeats, nm.NB201Space().size())
    runs = [one_run(args.dataset, cells) for _ in range(repeats)]
    medians = {step: statistics.median(run[step] for run in runs) for step in runs[0]}
    print(f"NAS-Bench-201 table ({args.dataset}), median of {repeats} run(s), {cells:,} queries each")
    print(f"{'step':<12} {'time':>12}")
    for step, seconds in medians.items():
        shown = f"{seconds * 1e6:9.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:9.1f} ms"
        print(f"{step:<12} {shown:>12}")
    return medians


if __name__ == "__main__":
    main()
