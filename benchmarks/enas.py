"""ENAS on MNIST-1D in the NAS-Bench-201 cell space of the ground-truth recipe: what it derives, and how good that is.

Runs ENAS (Pham et al. 2018; ``naslib_mini.supernet.enas.search``) with several seeds on
MNIST-1D (``TASKS.create("mnist1d", seed=0)``) in the recipe's cell space
(``RECIPE_SPACES["nb201"]``: width 16, one cell per stage, built for 1D input). For each
seed's derived cell (the last epoch's trial) it reports:

- its stand-alone test accuracy: looked up in the ground-truth set when its isomorphism
  class was trained there (``ESTIMATORS.create("ground-truth", ...)``, seed 0), else trained
  now with the set's recipe (``benchmarks/ground_truth.py``'s ``StandAloneTraining``, the
  same seeds and 10 epochs);
- its percentile among the set's NB201 test accuracies (seed 0; ties count half), so 95
  means the top 5%;
- the search's CPU seconds (``time.process_time``, one thread) and that cost in stand-alone
  trainings (the set's median training time, wall seconds of one thread);
- its CIFAR-10 test accuracy after 200 epochs in the NAS-Bench-201 table (``c10_test_200``),
  beside the paper's ENAS row (54.30) and the table's best (94.37).

Run (about 3 CPU minutes at the defaults, 4.5 wall minutes on a busy 2-core machine: 3 seeds of
27-46 CPU s, plus a stand-alone training of ~10 s for each derived cell outside the set)::

    python benchmarks/enas.py
    python benchmarks/enas.py --quick --out /tmp/enas.json   # smoke test: 1 seed, tiny search, 1-epoch training

Writes ``results/enas.json`` (per seed: derived cell, scores, percentile, costs, per-epoch
controller entropy and mean reward; their means) and prints the table. ``--help`` lists the options.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import logging
import shlex
import statistics
import sys
from pathlib import Path

from scipy import stats

import naslib_mini as nm
from naslib_mini.ground_truth import RECIPE_SPACES
from naslib_mini.supernet.enas import ENASConfig, search

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: NAS-Bench-201 paper, Table 5, CIFAR-10 test accuracy: ENAS, and the table's optimum.
PAPER = {"ENAS (Dong & Yang 2020)": 54.30, "optimum": 94.37}

FULL = dict(seeds=(0, 1, 2), config=ENASConfig(epochs=20, weight_steps=50, controller_steps=50, derive_samples=20),
            standalone_epochs=10)
QUICK = dict(seeds=(0,), config=ENASConfig(epochs=2, weight_steps=4, controller_steps=4, derive_samples=3,
                                           hidden_size=16),
             standalone_epochs=1)

log = logging.getLogger("enas")


def stand_alone_training():
    """The ground-truth set's stand-alone training estimator (``benchmarks/ground_truth.py``), loaded from its file."""
    spec = importlib.util.spec_from_file_location("ground_truth_bench", HERE / "ground_truth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.StandAloneTraining


def percentile(value: float, population: list[float]) -> float:
    """Percent of ``population`` below ``value``, ties counting half (100 is better than every one)."""
    return float(stats.percentileofscore(population, value, kind="mean"))


def run_seed(seed: int, args: argparse.Namespace, task: nm.Task, space: nm.SearchSpace, truth, set_accuracies,
             standalone_seconds: float, table, on_epoch_end=None) -> dict:
    """One ENAS search and the evaluation of its derived cell (``on_epoch_end`` goes to ``search``, uncharged)."""
    history = search(task, space, args.config, seed=seed, on_epoch_end=on_epoch_end)
    seconds = history.total_cost  # the search's CPU seconds, without what on_epoch_end did
    final = history.trials[-1]
    arch, name = final.arch, space.to_str(final.arch)
    try:
        measured = truth.estimate(arch)
        source = "ground-truth set"
    except nm.ConfigurationError:
        config = nm.TrainingConfig(epochs=args.standalone_epochs, threads=args.threads, seed=0)
        measured = stand_alone_training()(task, space, config).estimate(arch)
        source = f"trained now with the recipe ({args.standalone_epochs} epochs)"
    test_accuracy = measured.metrics["test_accuracy"]
    cifar10 = float(table.loc[name, "c10_test_200"])
    row = {"seed": seed, "derived": name, "shared_val_accuracy": final.score, "test_accuracy": test_accuracy,
           "test_accuracy_source": source, "percentile": percentile(test_accuracy, set_accuracies),
           "search_cpu_seconds": seconds, "standalone_trainings": seconds / standalone_seconds,
           "cifar10_test_200": cifar10,
           "epochs": [{"epoch": int(t.measurement.metrics["epoch"]), "derived": space.to_str(t.arch),
                       "shared_val_accuracy": t.score,
                       "controller_entropy": t.measurement.metrics["controller_entropy"],
                       "mean_reward": t.measurement.metrics["mean_reward"], "cost": t.cost} for t in history]}
    log.info("seed %d: %s  test %.4f (%s, percentile %.1f)  CIFAR-10 %.2f  %.1f CPU s", seed, name, test_accuracy,
             source, row["percentile"], cifar10, seconds)
    return row


def summary(rows: list[dict]) -> dict:
    """Mean and standard deviation over the seeds of each number the table shows."""
    out = {}
    for key in ("test_accuracy", "percentile", "search_cpu_seconds", "standalone_trainings", "cifar10_test_200"):
        values = [r[key] for r in rows]
        out[key] = {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else 0.0}
    return out


def table_lines(rows: list[dict], means: dict) -> list[str]:
    """The rows and their mean as a markdown table."""
    lines = ["| seed | derived cell | MNIST-1D test acc | percentile in set | search CPU s | stand-alone trainings "
             "| CIFAR-10 (NB201, 200 ep) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        cell = r["derived"].replace("|", "\\|")  # a cell string's bars would end the table's columns
        lines.append(f"| {r['seed']} | `{cell}` | {r['test_accuracy']:.4f} | {r['percentile']:.1f} | "
                     f"{r['search_cpu_seconds']:.0f} | {r['standalone_trainings']:.1f} | {r['cifar10_test_200']:.2f} |")
    m = means
    lines.append(f"| mean | | {m['test_accuracy']['mean']:.4f} | {m['percentile']['mean']:.1f} | "
                 f"{m['search_cpu_seconds']['mean']:.0f} | {m['standalone_trainings']['mean']:.1f} | "
                 f"{m['cifar10_test_200']['mean']:.2f} ± {m['cifar10_test_200']['std']:.2f} |")
    lines.append("| paper | ENAS row of the NAS-Bench-201 paper (CIFAR-10) | | | | | "
                 f"{PAPER['ENAS (Dong & Yang 2020)']:.2f} (optimum {PAPER['optimum']:.2f}) |")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ground-truth", help="the ground-truth set (default: nm.ground_truth.GROUND_TRUTH_FILE)")
    parser.add_argument("--seeds", type=int, nargs="+",
                        help=f"search seeds (default {' '.join(map(str, FULL['seeds']))})")
    parser.add_argument("--epochs", type=int, help=f"ENAS epochs (default {FULL['config'].epochs})")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS / "enas.json", help="results JSON")
    parser.add_argument("--quick", action="store_true", help="1 seed, a tiny search, a 1-epoch stand-alone training")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    args.seeds = tuple(preset["seeds"] if args.seeds is None else args.seeds)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    args.config = dataclasses.replace(preset["config"], threads=args.threads,
                                      **({} if args.epochs is None else {"epochs": args.epochs}))
    args.standalone_epochs = preset["standalone_epochs"]
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run the searches, evaluate the derived cells, write the JSON, print the table and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    task = nm.TASKS.create("mnist1d", seed=0)
    space = nm.SPACES.create("nb201", **RECIPE_SPACES["nb201"])
    truth = nm.ESTIMATORS.create("ground-truth", space=space, path=args.ground_truth)
    records = nm.load_ground_truth(args.ground_truth)
    records = records[(records["space"] == "nb201") & (records["seed"] == 0)]
    set_accuracies = records["test_accuracy"].tolist()
    standalone_seconds = float(records["seconds"].median())
    table = nm.load_nb201().set_index("arch_str")
    rows = [run_seed(seed, args, task, space, truth, set_accuracies, standalone_seconds, table) for seed in args.seeds]
    means = summary(rows)
    results = {"command": shlex.join(["python", "benchmarks/enas.py", *(sys.argv[1:] if argv is None else argv)]),
               "ground_truth": str(args.ground_truth or nm.ground_truth.GROUND_TRUTH_FILE),
               "task": "mnist1d (seed 0 split)", "space": {"name": "nb201", **RECIPE_SPACES["nb201"]},
               "config": dataclasses.asdict(args.config), "set_size": len(set_accuracies),
               "standalone_seconds_median": standalone_seconds,
               "percentile": "percent of the set's NB201 test accuracies (seed 0) below the derived cell's, ties half",
               "cost": "CPU seconds of this process during the search (one thread); stand-alone trainings = that "
                       "over the set's median training time",
               "paper_cifar10": PAPER, "rows": rows, "mean": means}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n".join(table_lines(rows, means)))
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    main()
