"""The NAS-Bench-201 search-strategy table (Dong & Yang 2020, Table 5), with its cost.

A thin wrapper around ``python -m naslib_mini reproduce nb201``: same options,
plus the CPU seconds the workers used (wall time depends on what else the
machine runs; CPU time does not much), and ``--profile NAME`` to see where one
strategy's time goes (cProfile over 50 inline runs).

Usage:
    python benchmarks/reproduce_nb201.py --runs 500 --seed 0
    python benchmarks/reproduce_nb201.py --profile bohb
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import time

from naslib_mini.cli import reproduce as command
from naslib_mini.reproductions import nb201


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def profile(name: str, runs: int = 50) -> None:
    nb201.run_once(name, 0)  # load the table outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for seed in range(runs):
        nb201.run_once(name, seed)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--profile"] and len(argv) == 2:
        profile(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_arguments(parser)
    args = parser.parse_args(["nb201", *argv])
    started, cpu = time.perf_counter(), cpu_seconds()
    status = command.main(args)
    print(f"CPU time (all processes): {cpu_seconds() - cpu:.1f} s; "
          f"wall time with start-up: {time.perf_counter() - started:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
