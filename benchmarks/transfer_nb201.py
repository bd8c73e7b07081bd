"""How architecture rankings transfer across NAS-Bench-201's datasets, and what a search on one finds on another.

Issue 18, point 5. From the shipped table (all 15,625 cells on CIFAR-10, CIFAR-100 and
ImageNet16-120), for every source -> target pair (``naslib_mini.transfer``):

* rank statistics of the source's 200-epoch test accuracy against the target's (the
  paper's cross-dataset correlation) and of the source's 12-epoch validation accuracy (the signal the
  searches use) against the target's test accuracy; the latter includes the target paired
  with itself, the noise any transfer is measured against: Kendall tau over all cells and
  over the source's top 1%, top-k overlap (k = 10, 50, 157 = 1%), the target percentile
  of the source's best cell;
* searches (random search and REA, the reproduction's protocol: 12-epoch validation
  signal, 12,000 simulated seconds) guided by the source, scored on the target's test
  accuracy, ``--runs`` runs each, beside the same searches guided by the target itself.

Usage:
    python benchmarks/transfer_nb201.py              # 500 runs per search -> results/transfer_nb201.json
    python benchmarks/transfer_nb201.py --quick      # 5 runs per search, a few seconds
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from naslib_mini.reproductions.nb201 import DATASETS, PAPER_FIGURES, PAPER_OPTIMUM
from naslib_mini.transfer import search_transfer, statistics_rows, transfer_table

RESULTS = Path(__file__).resolve().parent / "results"
SHORT = {"cifar10": "C10", "cifar100": "C100", "imagenet16-120": "IN16"}
STRATEGIES = ("rs", "rea")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs per search")
    parser.add_argument("--runs", type=int, help="runs per search (default 500, 5 with --quick)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="default results/transfer_nb201.json (_quick with --quick)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (5 if args.quick else 500)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    args.out = args.out or RESULTS / ("transfer_nb201_quick.json" if args.quick else "transfer_nb201.json")
    return args


def rank_lines(rows: list[dict], title: str) -> list[str]:
    lines = [title, f"{'source -> target':<18}{'tau all':>9}{'tau top1%':>11}{'top10':>7}{'top50':>7}{'top157':>8}"
                    f"{'best pct':>10}"]
    for row in rows:
        overlap = row["top_overlap"]
        lines.append(f"{SHORT[row['source']] + ' -> ' + SHORT[row['target']]:<18}{row['kendall']:>9.3f}"
                     f"{row['kendall_top']:>11.3f}{overlap['10']:>7.2f}{overlap['50']:>7.2f}{overlap['157']:>8.2f}"
                     f"{100 * row['best_percentile']:>10.2f}")
    return lines


def search_lines(rows: list[dict]) -> list[str]:
    lines = ["searches (test accuracy on the target, percent; percentile of the found cell among all cells)",
             f"{'strategy':<9}{'source -> target':<18}{'test acc':>16}{'pct mean':>10}{'pct min':>9}{'queries':>9}"
             f"{'paper':>8}"]
    for row in rows:
        paper = "" if row.get("paper") is None else f"{row['paper']:.2f}"
        lines.append(f"{row['strategy']:<9}{SHORT[row['source']] + ' -> ' + SHORT[row['target']]:<18}"
                     f"{100 * row['mean']:>9.2f} ± {100 * row['std']:.2f}{100 * row['percentile_mean']:>10.2f}"
                     f"{100 * row['percentile_min']:>9.2f}{row['queries_mean']:>9.1f}{paper:>8}")
    return lines


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    test_rows = statistics_rows(transfer_table(DATASETS))
    signal_rows = statistics_rows(transfer_table(DATASETS, source_signal="valid12"))
    searches = []
    for strategy in STRATEGIES:
        for source in DATASETS:
            for target in DATASETS:
                row = {"strategy": strategy, "source": source, "target": target,
                       **search_transfer(source, target, strategy, runs=args.runs, seed=args.seed)}
                if source == "cifar10":  # the paper's Table 5 searches on CIFAR-10 only
                    row["paper"] = PAPER_FIGURES[target]["random" if strategy == "rs" else strategy][0]
                searches.append(row)
    report = {"command": "python benchmarks/transfer_nb201.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "quick": args.quick, "runs": args.runs, "seed": args.seed, "cells": test_rows[0]["n"],
              "test_to_test": test_rows, "valid12_to_test": signal_rows, "searches": searches,
              "optimum_percent": PAPER_OPTIMUM, "wall_time_seconds": round(time.perf_counter() - started, 1)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print("\n".join(rank_lines(test_rows, "200-epoch test accuracy -> 200-epoch test accuracy")))
    print("\n".join(rank_lines(signal_rows, "12-epoch validation accuracy (search signal) -> 200-epoch test accuracy")))
    print("\n".join(search_lines(searches)))
    print(f"optimum (percent): {PAPER_OPTIMUM}; wall time {report['wall_time_seconds']:.0f} s -> {args.out}")
    return report


if __name__ == "__main__":
    main()
