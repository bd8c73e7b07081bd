"""Synflow warm-up against the strategies it seeds, paired over the same run seeds (NAS-Bench-201).

Runs ``warmup`` (Abdelfattah et al. 2021's zero-cost warm-up in front of ``bo-local``),
``bo-local`` and ``ls`` under the reproduction protocol (12-epoch signal, 12,000 simulated
seconds, the proxy's CPU time charged) with the *same* seeds, ``strategy_seeds("bo-local",
runs, seed)``, and compares the per-run test accuracies with a Wilcoxon signed-rank test
(scipy, two-sided; ties, runs with equal accuracy, dropped). Each dataset searches on its own
validation columns and reports its own test accuracy; the table's accuracies have two
decimals in percent, so 0.01 is the resolution of a per-run difference.

Usage:
    python benchmarks/proxy_warmup_nb201.py --runs 500 --seed 0 --out benchmarks/results/proxy_warmup_nb201.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

from naslib_mini.reproductions.nb201 import DATASETS, Protocol, run_once, strategy_seeds

#: The new strategy and the ones it is compared with, by registered name.
NEW, BASELINES = "warmup", ("bo-local", "ls")


def paired(new: np.ndarray, old: np.ndarray) -> dict[str, float]:
    """Mean difference (percent points), wins/ties/losses and the Wilcoxon p-value of ``new - old``."""
    diff = np.round((new - old) * 100, 2)
    nonzero = diff[diff != 0]
    p_value = float(wilcoxon(nonzero).pvalue) if len(nonzero) else 1.0
    return {"mean_difference": round(float(diff.mean()), 4), "wins": int((diff > 0).sum()),
            "ties": int((diff == 0).sum()), "losses": int((diff < 0).sum()), "wilcoxon_p": p_value}


def compare(dataset: str, runs: int, seed: int) -> dict:
    """Every strategy's runs on ``dataset`` with the same seeds, and the paired tests."""
    protocol = Protocol(dataset, dataset)
    seeds = strategy_seeds(BASELINES[0], runs, seed)
    started = time.perf_counter()
    accuracy = {name: np.array([run_once(name, s, protocol) for s in seeds]) for name in (NEW, *BASELINES)}
    optimum = max(float(values.max()) for values in accuracy.values())
    return {
        "summary": {name: {"mean": round(float(v.mean() * 100), 4), "std": round(float(v.std() * 100), 4),
                           "share_at_best_found": float((v == optimum).mean())} for name, v in accuracy.items()},
        "best_found": round(optimum * 100, 2),
        "paired": {f"{NEW} - {name}": paired(accuracy[NEW], accuracy[name]) for name in BASELINES},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated NAS-Bench-201 datasets")
    parser.add_argument("--out", type=Path, help="JSON file for the results (printed otherwise)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.seed < 0:
        parser.error(f"--runs must be >= 1 and --seed >= 0, got {args.runs} and {args.seed}")
    result = {"command": "python benchmarks/proxy_warmup_nb201.py " + " ".join(argv), "runs": args.runs,
              "seed": args.seed, "seeds_of": BASELINES[0],
              "datasets": {name: compare(name, args.runs, args.seed) for name in args.datasets.split(",")}}
    text = json.dumps(result, indent=1)
    if args.out is not None:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
