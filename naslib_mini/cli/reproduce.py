"""``python -m naslib_mini reproduce nb201``: the NAS-Bench-201 strategy table beside the paper's.

Options, printing and the JSON file only; the protocol and the runs are
``naslib_mini.reproductions.nb201``, the table ``nb201_results.format_table``
(percent, as the paper prints it). The JSON file holds the library's unit:
``{strategy: {"mean", "std", "runs"}}`` with accuracies as fractions.
"""
from __future__ import annotations

import argparse
import json
import time

from naslib_mini.cli.arguments import non_negative_int, positive_int
from naslib_mini.cli.paths import check_output_file, write_output
from naslib_mini.reproductions.nb201 import DATASETS, DEFAULT_STRATEGIES, Protocol, reproduce_nb201
from naslib_mini.reproductions.nb201_results import format_table
from naslib_mini.strategies import STRATEGIES

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m naslib_mini reproduce``."""
    parser.add_argument("benchmark", choices=["nb201"], help="the benchmark to reproduce")
    parser.add_argument("--dataset", default="cifar10", choices=DATASETS, help="whose test accuracy is reported")
    parser.add_argument("--search-dataset", default=None, choices=DATASETS,
                        help="whose validation accuracy guides the search (default: --dataset)")
    parser.add_argument("--strategies", default=",".join(DEFAULT_STRATEGIES),
                        help="comma-separated strategy names, or 'all' (default: %(default)s)")
    parser.add_argument("--runs", type=positive_int, default=500, help="searches per strategy (default: %(default)s)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="base seed (default: %(default)s)")
    parser.add_argument("--processes", type=positive_int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument("--data-dir", default=None, help="benchmark data directory (default: the shipped data)")
    parser.add_argument("--json", default=None,
                        help="write {strategy: {mean, std, runs}} to this file (accuracies as fractions)")
    parser.add_argument("--verbose", action="store_true", help="log progress and skipped strategies")


def main(args: argparse.Namespace) -> int:
    """Run the reproduction, print the table, write the JSON; returns the exit status."""
    names = [n.strip() for n in args.strategies.split(",") if n.strip()]
    if not names:
        raise ValueError(f"--strategies names no strategy: {args.strategies!r}; valid choices: all, "
                         + ", ".join(STRATEGIES.names()))
    if args.json:
        check_output_file(args.json, "--json")  # before the runs, not after an hour of them
    started = time.perf_counter()
    result = reproduce_nb201(args.dataset, names, args.runs, args.seed, args.processes, args.data_dir,
                             search_dataset=args.search_dataset)
    elapsed = time.perf_counter() - started
    print(format_table(result, Protocol(args.dataset, args.search_dataset or args.dataset)))
    print(f"wall time: {elapsed:.1f} s")
    if args.json:
        write_output(args.json, json.dumps(result, indent=2) + "\n", "--json")
    return 0
