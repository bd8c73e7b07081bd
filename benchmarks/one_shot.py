"""DARTS (first and second order) and GDAS on MNIST-1D: which cells do they find, and how good are they?

Runs ``nm.one_shot.search`` for DARTS first order (DARTS-V1), DARTS second order (DARTS-V2)
and GDAS, three seeds each, on MNIST-1D in the NAS-Bench-201 cell space of the ground-truth
recipe (``RECIPE_SPACES['nb201']``: width 16, one cell per stage, 1D). The weights train with
the papers' search settings (SGD, lr 0.025 cosine, momentum 0.9, weight decay 3e-4, batch 64);
alpha with Adam (lr 3e-4, betas (0.5, 0.999), weight decay 1e-3); GDAS's temperature falls
from 10 to 0.1. The search sees the training and validation splits only.

Per method and seed it reports the derived cell (argmax over all operations, NB201's
convention), its stand-alone MNIST-1D test accuracy (looked up in the ground-truth set by
isomorphism class, or else trained with the recipe: 10 epochs on the training split,
``nm.train_final(..., merge_validation=False)``), its percentile among the set's 300 NB201
test accuracies, the search's CPU seconds (``time.process_time``, one thread), the
per-epoch dominant Hessian eigenvalue of the validation loss w.r.t. alpha (Zela et al. 2020),
the per-epoch share of parameter-free operations in the derived cell, the per-epoch
validation accuracy of the derived cell with the supernet's weights and of the relaxed
supernet itself (their gap is the discretization gap), and the cell's
CIFAR-10 test accuracy in the NAS-Bench-201 table (200 epochs) beside the paper's rows
(Dong & Yang 2020, Table 5: DARTS-V1 54.30, DARTS-V2 54.30, GDAS 93.61, optimum 94.37).

Run (about 14 CPU minutes of one core at the defaults: 8 epochs; 23 minutes of wall time on a busy 2-core machine)::

    python benchmarks/one_shot.py
    python benchmarks/one_shot.py --quick --out /tmp/one_shot.json   # smoke test

Writes ``results/one_shot.json`` and prints the table. ``--help`` lists the options.
"""
from __future__ import annotations

import argparse
import json
import logging
import shlex
import statistics
import sys
import time
from pathlib import Path

import naslib_mini as nm
from naslib_mini import one_shot
from naslib_mini.ground_truth import RECIPE_SPACES
from naslib_mini.types import ConfigurationError

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: (label, method, options): the paper's names for DARTS' two orders.
METHODS = (("DARTS-V1", "darts", {"order": 1}), ("DARTS-V2", "darts", {"order": 2}), ("GDAS", "gdas", {}))
#: CIFAR-10 test accuracy (%) of the searched cells in NAS-Bench-201 (Dong & Yang 2020, Table 5).
PAPER_CIFAR10 = {"DARTS-V1": 54.30, "DARTS-V2": 54.30, "GDAS": 93.61, "optimum": 94.37}

FULL = dict(epochs=8, seeds=(0, 1, 2), eigen_iterations=10, standalone_epochs=10, train_samples=None)
QUICK = dict(epochs=1, seeds=(0,), eigen_iterations=2, standalone_epochs=1, train_samples=256)

log = logging.getLogger("one_shot")


def small_task(task: nm.Task, n: int | None) -> nm.Task:
    """``task`` with its first ``n`` training and validation samples (all of them for ``None``)."""
    if n is None:
        return task
    return nm.Task(task.spec, task.x_train[:n], task.y_train[:n], task.x_val[:n], task.y_val[:n],
                   task.x_test, task.y_test)


def percentile(value: float, population: list[float]) -> float:
    """Percent of ``population`` at or below ``value``."""
    return 100.0 * sum(p <= value for p in population) / len(population)


def stand_alone(arch, space, task, ground_truth, args) -> tuple[float, bool]:
    """The cell's stand-alone test accuracy: from the ground-truth set, or trained with the recipe."""
    try:
        return ground_truth.estimate(arch).metrics["test_accuracy"], True
    except ConfigurationError:
        config = nm.TrainingConfig(epochs=args.standalone_epochs, threads=args.threads, seed=0)
        return nm.train_final(task, space, arch, config, merge_validation=False).test_accuracy, False


def run_one(label, method, options, seed, space, task, args) -> dict:
    config = nm.TrainingConfig(**{**one_shot.DEFAULT_TRAINING.__dict__, "epochs": args.epochs,
                                  "threads": args.threads})
    started = time.process_time()
    history = one_shot.search(method, task, space, config, seed=seed, eigen_iterations=args.eigen_iterations,
                              eigen_samples=min(256, len(task.y_val)), **options)
    seconds = time.process_time() - started
    cell = one_shot.result(history)
    metrics = [t.measurement.metrics for t in history]
    return {"method": label, "seed": seed, "cell": space.to_str(cell), "search_cpu_seconds": seconds,
            "history_cost": history.total_cost,
            "eigenvalue": [m["eigenvalue"] for m in metrics],
            "parameter_free_share": [m["parameter_free_share"] for m in metrics],
            "supernet_val_accuracy": [m["val_accuracy"] for m in metrics],
            "relaxed_val_accuracy": [m["relaxed_val_accuracy"] for m in metrics],
            "cells": [space.to_str(t.arch) for t in history],
            "alphas_last": history.trials[-1].candidate.info["alphas"]}


def table_lines(rows: list[dict], optimum: float) -> list[str]:
    lines = ["| method | seed | derived cell | MNIST-1D test acc | percentile (GT set) | CIFAR-10 test % (NB201) "
             "| paper CIFAR-10 % | search CPU s | eigenvalue first -> last | param-free share last "
             "| val acc last: derived / relaxed |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        source = "" if r["in_ground_truth"] else " (trained)"
        lines.append(f"| {r['method']} | {r['seed']} | `{r['cell']}` | {r['test_accuracy']:.4f}{source} | "
                     f"{r['percentile']:.1f} | {100 * r['cifar10_test_accuracy']:.2f} | "
                     f"{PAPER_CIFAR10[r['method']]:.2f} "
                     f"| {r['search_cpu_seconds']:.0f} | {r['eigenvalue'][0]:.3g} -> {r['eigenvalue'][-1]:.3g} | "
                     f"{r['parameter_free_share'][-1]:.2f} | {r['supernet_val_accuracy'][-1]:.3f} / "
                     f"{r['relaxed_val_accuracy'][-1]:.3f} |")
    lines.append(f"| optimum | | | | | {100 * optimum:.2f} | {PAPER_CIFAR10['optimum']:.2f} | | | | |")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, help=f"search epochs (default {FULL['epochs']})")
    parser.add_argument("--seeds", type=int, nargs="+", help="search seeds (default 0 1 2)")
    parser.add_argument("--eigen-iterations", type=int,
                        help=f"power iterations for the eigenvalue (default {FULL['eigen_iterations']})")
    parser.add_argument("--standalone-epochs", type=int,
                        help=f"epochs of a cell trained stand-alone (default {FULL['standalone_epochs']})")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--ground-truth", help="the ground-truth set (default: nm.ground_truth.GROUND_TRUTH_FILE)")
    parser.add_argument("--out", type=Path, default=RESULTS / "one_shot.json", help="results JSON")
    parser.add_argument("--quick", action="store_true", help="1 epoch, 1 seed, 256 training samples (a test)")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    for name in ("epochs", "threads", "eigen_iterations", "standalone_epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run every method and seed, write the JSON, print the table and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    space = nm.SPACES.create("nb201", **RECIPE_SPACES["nb201"])
    task = small_task(nm.TASKS.create("mnist1d", seed=0), args.train_samples)
    ground_truth = nm.ESTIMATORS.create("ground-truth", space=space, path=args.ground_truth)
    population = [ground_truth.estimate(a).metrics["test_accuracy"] for a in ground_truth.archs()]
    nb201 = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    rows = []
    for label, method, options in METHODS:
        for seed in args.seeds:
            row = run_one(label, method, options, seed, space, task, args)
            cell = space.from_str(row["cell"])
            row["test_accuracy"], row["in_ground_truth"] = stand_alone(cell, space, task, ground_truth, args)
            row["percentile"] = percentile(row["test_accuracy"], population)
            row["cifar10_test_accuracy"] = nb201.test_accuracy(cell)
            log.info("%s seed %d: %s test %.4f (percentile %.1f), CIFAR-10 %.2f%%, %.0f CPU s", label, seed,
                     row["cell"], row["test_accuracy"], row["percentile"], 100 * row["cifar10_test_accuracy"],
                     row["search_cpu_seconds"])
            rows.append(row)
    summary = {label: {"test_accuracy_mean": statistics.mean(r["test_accuracy"] for r in rows if r["method"] == label),
                       "cifar10_test_accuracy_mean": statistics.mean(r["cifar10_test_accuracy"] for r in rows
                                                                     if r["method"] == label),
                       "search_cpu_seconds_mean": statistics.mean(r["search_cpu_seconds"] for r in rows
                                                                  if r["method"] == label)}
               for label, _, _ in METHODS}
    results = {"command": shlex.join(["python", "benchmarks/one_shot.py", *(sys.argv[1:] if argv is None else argv)]),
               "space": {"name": "nb201", **RECIPE_SPACES["nb201"]}, "task": "mnist1d",
               "epochs": args.epochs, "seeds": list(args.seeds), "train_samples": args.train_samples,
               "ground_truth_archs": len(population), "paper_cifar10_test_percent": PAPER_CIFAR10,
               "nb201_cifar10_optimum": nb201.best_test_accuracy(), "summary": summary, "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n".join(table_lines(rows, results["nb201_cifar10_optimum"])))
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    main()
