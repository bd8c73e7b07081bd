"""``python -m naslib_mini reproduce nb201|macro``: a tabular benchmark's strategy table.

``nb201``: the NAS-Bench-201 table beside the paper's; ``macro``: every registered
strategy on NAS-Bench-Macro under one query budget, beside the table's optimum and
random search. Options, printing and the JSON file only; the protocols and the runs
are ``naslib_mini.reproductions.nb201`` and ``.macro``, the tables
``nb201_results.format_table`` and ``macro.format_macro_table`` (percent, as papers
print them). The JSON file holds the library's unit: ``{strategy: {"mean", "std",
"runs"}}`` with accuracies as fractions.
"""
from __future__ import annotations

import argparse
import json
import time

from naslib_mini.cli.arguments import non_negative_int, positive_int
from naslib_mini.cli.paths import check_output_file, write_output
from naslib_mini.reproductions.macro import DEFAULT_QUERIES, DEFAULT_RUNS, MacroProtocol, format_macro_table, \
    reproduce_macro
from naslib_mini.reproductions.nb201 import DATASETS, DEFAULT_STRATEGIES, Protocol, reproduce_nb201
from naslib_mini.reproductions.nb201_results import format_table
from naslib_mini.strategies import STRATEGIES

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m naslib_mini reproduce``."""
    parser.add_argument("benchmark", choices=["nb201", "macro"], help="the benchmark to reproduce")
    parser.add_argument("--dataset", default="cifar10", choices=DATASETS, help="whose test accuracy is reported")
    parser.add_argument("--search-dataset", default=None, choices=DATASETS,
                        help="whose validation accuracy guides the search (default: --dataset)")
    parser.add_argument("--strategies", default=None,
                        help=f"comma-separated strategy names, or 'all' (default: {','.join(DEFAULT_STRATEGIES)} "
                             "for nb201, all for macro)")
    parser.add_argument("--runs", type=positive_int, default=None,
                        help=f"searches per strategy (default: 500 for nb201, {DEFAULT_RUNS} for macro)")
    parser.add_argument("--queries", type=positive_int, default=DEFAULT_QUERIES,
                        help="macro: table queries per search (default: %(default)s)")
    parser.add_argument("--noisy", action="store_true",
                        help="macro: search on one of the 3 runs drawn per query instead of their mean")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="base seed (default: %(default)s)")
    parser.add_argument("--processes", type=positive_int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument("--data-dir", default=None, help="benchmark data directory (default: the shipped data)")
    parser.add_argument("--json", default=None,
                        help="write {strategy: {mean, std, runs}} to this file (accuracies as fractions)")
    parser.add_argument("--verbose", action="store_true", help="log progress and skipped strategies")


def main(args: argparse.Namespace) -> int:
    """Run the reproduction, print the table, write the JSON; returns the exit status."""
    macro = args.benchmark == "macro"
    strategies = args.strategies if args.strategies is not None else "all" if macro else ",".join(DEFAULT_STRATEGIES)
    runs = args.runs if args.runs is not None else DEFAULT_RUNS if macro else 500
    names = [n.strip() for n in strategies.split(",") if n.strip()]
    if not names:
        raise ValueError(f"--strategies names no strategy: {strategies!r}; valid choices: all, "
                         + ", ".join(STRATEGIES.names()))
    if args.json:
        check_output_file(args.json, "--json")  # before the runs, not after an hour of them
    started = time.perf_counter()
    if macro:
        result = reproduce_macro(names, runs, args.queries, args.seed, args.noisy, args.processes, args.data_dir)
        table = format_macro_table(result, MacroProtocol(args.queries, args.noisy), args.data_dir)
    else:
        result = reproduce_nb201(args.dataset, names, runs, args.seed, args.processes, args.data_dir,
                                 search_dataset=args.search_dataset)
        table = format_table(result, Protocol(args.dataset, args.search_dataset or args.dataset))
    elapsed = time.perf_counter() - started
    print(table)
    print(f"wall time: {elapsed:.1f} s")
    if args.json:
        write_output(args.json, json.dumps(result, indent=2) + "\n", "--json")
    return 0
