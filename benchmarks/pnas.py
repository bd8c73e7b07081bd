"""Progressive NAS against regularized evolution and random search at equal query budgets, paired over runs.

Two measurements, written to ``benchmarks/results/pnas.json``:

1. **NAS-Bench-Macro** (Su et al. 2021; the table of 6,561 CIFAR-10 networks, mean of
   3 runs as the signal): ``pnas``, ``rea`` and ``random`` with 25, 50 and 100 queries,
   100 runs each (run ``i`` of a strategy with seed ``strategy_seeds(name, runs, seed)[i]``,
   ``naslib_mini.seeding.run_seeds``), scored by the test accuracy of the chosen
   architecture; PNAS is paired with each other strategy run by run (wins/ties/losses and
   the Wilcoxon signed-rank test; ``naslib_mini.reproductions.progressive``).
2. **Chain space with real training on MNIST-1D** (``--chain``): the chain space of the
   ground-truth recipe (``naslib_mini.ground_truth.RECIPE_SPACES["chain"]``: 9 operations,
   16/32/64 channels, up to 6 layers), every query a real training of the candidate on
   MNIST-1D by the ``training`` estimator (``--epochs`` epochs of SGD, one thread),
   scored by its validation accuracy. The ground-truth set of 200 trained chains (the
   ``ground-truth`` estimator) would be cheaper, but it holds only 6-layer chains (199)
   and one 5-layer chain: PNAS, which starts from one-layer networks, cannot grow in it
   (``pnas`` refuses that space with a clear error). A training is a deterministic
   function of the architecture and the seed, so each distinct architecture is trained
   once and shared by every run that asks for it (``SharedTrainings``); this changes
   nothing but the wall time. Each run searches with the largest budget and the smaller
   budgets read its best among the first queries.

Usage:
    python benchmarks/pnas.py                # NAS-Bench-Macro, 100 runs x 25/50/100 queries (~1 min)
    python benchmarks/pnas.py --chain        # and MNIST-1D chains, 8 runs x 20/40 queries, 2 epochs (~30 min)
    python benchmarks/pnas.py --quick --chain  # a few runs of each, seconds
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Hashable

import torch

import naslib_mini as nm
from naslib_mini.ground_truth import RECIPE_SPACES
from naslib_mini.reproductions.progressive import (format_budget_table, macro_at_budgets, paired_test,
                                                   search_at_budgets)

RESULTS = Path(__file__).resolve().parent / "results" / "pnas.json"
STRATEGIES = ("pnas", "rea", "random")


class SharedTrainings(nm.Estimator):
    """The training estimator with every distinct architecture trained once (its result is a function of it)."""

    name = "shared-trainings"

    def __init__(self, inner: nm.Estimator) -> None:
        self.inner, self.results = inner, {}
        self.seconds = 0.0

    def estimate(self, arch: Hashable, budget: float | None = None) -> nm.Measurement:
        if (arch, budget) not in self.results:
            self.results[arch, budget] = self.inner.estimate(arch, budget)
            self.seconds += self.results[arch, budget].cost
        return self.results[arch, budget]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few runs and queries of each part")
    parser.add_argument("--runs", type=int, default=None, help="NAS-Bench-Macro runs per strategy (default 100)")
    parser.add_argument("--budgets", type=int, nargs="+", default=None, help="queries (default 25 50 100)")
    parser.add_argument("--chain", action="store_true", help="also the chain space with real MNIST-1D training")
    parser.add_argument("--chain-runs", type=int, default=None, help="chain runs per strategy (default 8)")
    parser.add_argument("--chain-budgets", type=int, nargs="+", default=None, help="queries (default 20 40)")
    parser.add_argument("--epochs", type=float, default=None, help="training epochs per query (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS), help="JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (4 if args.quick else 100)
    args.budgets = args.budgets or ([10, 20] if args.quick else [25, 50, 100])
    args.chain_runs = args.chain_runs or (2 if args.quick else 8)
    args.chain_budgets = args.chain_budgets or ([3, 5] if args.quick else [20, 40])
    args.epochs = args.epochs or (0.5 if args.quick else 2.0)
    return args


def summary(scores: dict[str, dict[int, list[float]]]) -> dict:
    """Per strategy and budget: the runs' values, their mean, and PNAS paired against each other strategy."""
    out: dict = {}
    for name, by_budget in scores.items():
        out[name] = {}
        for q, values in by_budget.items():
            row = {"mean": sum(values) / len(values), "runs": len(values), "values": values}
            if name != "pnas":
                row["pnas_vs_this"] = paired_test(scores["pnas"][q], values).as_dict()
            out[name][str(q)] = row
    return out


def macro_part(args: argparse.Namespace) -> dict:
    begun = time.perf_counter()
    scores = macro_at_budgets(STRATEGIES, args.budgets, args.runs, args.seed)
    estimator = nm.ESTIMATORS.create("nas-bench-macro")
    title = (f"NAS-Bench-Macro (CIFAR-10): test accuracy of the chosen architecture, signal: mean of 3 runs "
             f"(optimum {100 * estimator.best_test_accuracy():.2f})")
    table = format_budget_table(scores, "pnas", title)
    print(table, f"\nwall time: {time.perf_counter() - begun:.1f} s\n")
    return {"runs": args.runs, "budgets": args.budgets, "table_optimum": estimator.best_test_accuracy(),
            "results": summary(scores), "table": table, "wall_seconds": round(time.perf_counter() - begun, 1)}


def chain_part(args: argparse.Namespace) -> dict:
    begun = time.perf_counter()
    space = nm.SPACES.create("chain", **RECIPE_SPACES["chain"])
    trainings = SharedTrainings(nm.ESTIMATORS.create("training", task="mnist1d", space=space, epochs=args.epochs,
                                                     threads=1))
    scores = search_at_budgets(STRATEGIES, args.chain_budgets, args.chain_runs, space, trainings, args.seed)
    title = (f"Chain space on MNIST-1D, real training ({args.epochs:g} epochs per query): validation accuracy "
             f"of the best architecture found")
    table = format_budget_table(scores, "pnas", title)
    wall = time.perf_counter() - begun
    print(table, f"\n{len(trainings.results)} distinct trainings, {trainings.seconds:.0f} s of training; "
          f"wall time: {wall:.1f} s\n")
    return {"runs": args.chain_runs, "budgets": args.chain_budgets, "epochs": args.epochs,
            "space": {"name": "chain", **{k: list(v) if isinstance(v, tuple) else v
                                           for k, v in RECIPE_SPACES["chain"].items()}},
            "distinct_trainings": len(trainings.results), "training_seconds": round(trainings.seconds, 1),
            "results": summary(scores), "table": table, "wall_seconds": round(wall, 1)}


def main(argv: list[str]) -> dict:
    args = parse_args(argv)
    torch.set_num_threads(1)
    record: dict = {"command": "python benchmarks/pnas.py" + " ".join([""] + argv), "seed": args.seed,
                    "strategies": list(STRATEGIES), "macro": macro_part(args)}
    if args.chain:
        record["chain"] = chain_part(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    return record


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
