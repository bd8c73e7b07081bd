"""Parallel evaluation, measured: real training on Dask workers, and a scaling simulation on NAS-Bench-201.

Two parts (each a function below; past readings are in ``benchmarks/README.md``):

1. ``throughput``: random search with real training on MNIST-1D (a small chain space, each
   candidate trained for ``--epochs`` with one torch thread), the same ``--trials``
   architectures on a local Dask cluster of 1 and then 2 single-threaded workers
   (``nm.DaskPool``). Trials per hour are timed from the first ask to the last result, the
   cluster started and warmed up (its start-up time is reported apart). Target: 2 workers give at
   least 1.8 times the trials per hour of 1. The machine's load (``os.getloadavg``) before
   and after is recorded: on a machine shared with other jobs the ratio is lower.
2. ``scaling``: the NAS-Bench-201 table (CIFAR-10) with each trial's simulated training time
   as its duration, run through the same ask/tell loop on a ``nm.SimulatedPool`` of 1 to 64
   workers (a discrete-event simulation: no sleeping): simulated hours until the architecture
   the search would return (best validation accuracy so far) has a test accuracy of at least
   ``--target``, asynchronous evaluation against synchronous batches, for random search,
   regularized evolution and GP Bayesian optimisation (constant liar for pending candidates).
   Median over ``--seeds`` seeds; a run that never reaches the target within ``--trials``
   trials counts as infinite (the median may then be infinite too).

Results go to ``--out`` (``benchmarks/results/parallel.json``) and a table is printed;
``nm.viz.plot_scaling`` draws the curves.

Usage:
    python benchmarks/parallel.py                 # full run, about 10 minutes on 2 cores
    python benchmarks/parallel.py --part scaling  # the simulation only (a few minutes, no training)
    python benchmarks/parallel.py --part throughput  # the real training only (about 3 minutes); the
                                                     # other part's last reading in --out is kept
    python benchmarks/parallel.py --quick         # smoke configuration, about a minute
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import naslib_mini as nm

RESULTS = Path(__file__).resolve().parent / "results" / "parallel.json"
#: The chain space trained on MNIST-1D: small enough that one candidate trains in seconds.
SPACE = dict(ops=("conv3x3", "conv5x5", "dilconv3x3"), channels=(16, 32), strides=(1,), connections=("skip",),
             min_depth=2, max_depth=4, stem_channels=16)
STRATEGIES = ("random", "rea", "bo")
MODES = ("async", "sync")
FULL = dict(trials=16, epochs=2.0, samples=4000, workers=(1, 2, 4, 8, 16, 32, 64), seeds=10, sim_trials=400)
QUICK = dict(trials=4, epochs=0.25, samples=1000, workers=(1, 4), seeds=2, sim_trials=60)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke configuration (about a minute)")
    parser.add_argument("--part", choices=("both", "throughput", "scaling"), default="both")
    parser.add_argument("--trials", type=int, help="trainings per worker count (throughput)")
    parser.add_argument("--epochs", type=float, help="training epochs per trial (throughput)")
    parser.add_argument("--samples", type=int, help="MNIST-1D examples generated (throughput)")
    parser.add_argument("--workers", type=lambda text: tuple(int(w) for w in text.split(",")),
                        help="worker counts simulated, comma-separated (scaling)")
    parser.add_argument("--seeds", type=int, help="searches per strategy, mode and worker count (scaling)")
    parser.add_argument("--sim-trials", type=int, help="trials per simulated search (scaling)")
    parser.add_argument("--target", type=float, default=0.935,
                        help="test accuracy the returned architecture must reach (scaling; default 0.935)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("trials", "samples", "seeds", "sim_trials"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if not args.epochs > 0:
        parser.error(f"--epochs must be positive, got {args.epochs}")
    if not args.workers or min(args.workers) < 1:
        parser.error(f"--workers must be positive integers, got {args.workers}")
    if not 0 < args.target <= 1:
        parser.error(f"--target is a test accuracy in (0, 1], got {args.target}")
    return args


# -- 1. real training on Dask workers -------------------------------------------------------------
def throughput(args: argparse.Namespace) -> dict:
    """Trials per hour of the same random search with 1 and with 2 single-threaded Dask workers.

    One local cluster of two workers serves both measurements: through its scheduler's
    address, a pool of one slot keeps one trial in flight (the other worker idles), a pool of
    two keeps both busy.
    """
    task = nm.TASKS.create("mnist1d", seed=0, num_samples=args.samples)
    space = nm.SPACES.create("chain", **SPACE)
    config = nm.TrainingConfig(epochs=args.epochs, threads=1, seed=0)
    started = time.perf_counter()
    rows = []
    with nm.DaskPool(workers=2) as cluster:
        cluster.client.wait_for_workers(2)
        startup = time.perf_counter() - started
        address = cluster.client.scheduler.address
        with nm.DaskPool(workers=2, scheduler=address) as pool:
            # untimed trials first: each worker process imports torch and receives the data once
            nm.run(nm.STRATEGIES.create("random", space=space, seed=99), nm.TrainingEstimator(task, space, config),
                   nm.Budget(trials=4), pool=pool)
        for workers in (1, 2):
            load_before = os.getloadavg()
            with nm.DaskPool(workers=workers, scheduler=address) as pool:
                began = time.perf_counter()
                history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0),
                                 nm.TrainingEstimator(task, space, config), nm.Budget(trials=args.trials), pool=pool)
                wall = time.perf_counter() - began
            rows.append({"workers": workers, "trials": len(history), "failed": sum(not t.ok for t in history),
                         "wall_seconds": wall, "trials_per_hour": 3600 * len(history) / wall,
                         "training_seconds": history.total_cost,
                         # trainings running at once on average: 2 means both workers stayed busy, whatever
                         # the trials per hour (on a loaded machine each training is then slower)
                         "concurrency": history.total_cost / wall,
                         "archs": [space.to_str(t.arch) for t in history],
                         "load_before": load_before, "load_after": os.getloadavg()})
    one, two = rows
    return {"task": "mnist1d", "samples": args.samples, "epochs": args.epochs, "space": SPACE, "rows": rows,
            "cluster_startup_seconds": startup, "same_architectures": sorted(one["archs"]) == sorted(two["archs"]),
            "speedup": two["trials_per_hour"] / one["trials_per_hour"], "target_speedup": 1.8}


# -- 2. the scaling simulation ------------------------------------------------------------------------
def simulate(strategy: str, workers: int, mode: str, seed: int, args: argparse.Namespace,
             estimator: nm.Estimator) -> dict:
    """One simulated search: when its returned architecture first reached the target test accuracy."""
    space = nm.SPACES.create("nb201")
    pool = nm.SimulatedPool(workers)
    nm.run(nm.STRATEGIES.create(strategy, space=space, seed=seed), estimator, nm.Budget(trials=args.sim_trials),
           pool=pool, synchronous=mode == "sync")
    busy = sum(span.finish - span.start for span in pool.timeline)
    return {"seconds": nm.time_to_reach(pool.timeline, args.target, metric="test_accuracy"),
            "utilisation": busy / (workers * pool.now)}


def scaling(args: argparse.Namespace) -> dict:
    """Median simulated hours to the target for every strategy, mode and worker count."""
    estimator = nm.ESTIMATORS.create("tabular", dataset="cifar10")
    rows = []
    for strategy in STRATEGIES:
        for mode in MODES:
            for workers in args.workers:
                runs = [simulate(strategy, workers, mode, seed, args, estimator) for seed in range(args.seeds)]
                seconds = [run["seconds"] for run in runs]
                median = statistics.median(seconds)
                rows.append({"strategy": strategy, "mode": mode, "workers": workers,
                             "median_hours": median / 3600 if math.isfinite(median) else None,
                             "reached": sum(math.isfinite(s) for s in seconds) / len(seconds),
                             "utilisation": statistics.mean(run["utilisation"] for run in runs),
                             "hours": [s / 3600 if math.isfinite(s) else None for s in seconds]})
    return {"dataset": "cifar10", "target_test_accuracy": args.target, "trials": args.sim_trials,
            "seeds": args.seeds, "rows": rows}


# -- report ------------------------------------------------------------------------------------------
def print_report(report: dict) -> None:
    if "throughput" in report:
        part = report["throughput"]
        print(f"\nReal training on MNIST-1D ({part['samples']} examples, {part['epochs']} epochs per trial), "
              "single-threaded Dask workers")
        print(f"{'workers':>8} {'trials':>7} {'wall s':>8} {'trials/h':>9} {'s/trial':>8} {'concurrency':>12} "
              f"{'load before':>12} {'load after':>11}")
        for row in part["rows"]:
            print(f"{row['workers']:>8} {row['trials']:>7} {row['wall_seconds']:>8.1f} {row['trials_per_hour']:>9.1f} "
                  f"{row['training_seconds'] / row['trials']:>8.2f} {row['concurrency']:>12.2f} "
                  f"{row['load_before'][0]:>12.2f} {row['load_after'][0]:>11.2f}")
        print(f"speed-up of 2 workers: {part['speedup']:.2f}x (target {part['target_speedup']}x); "
              f"cluster start-up {part['cluster_startup_seconds']:.1f} s, not counted")
    if "scaling" in report:
        part = report["scaling"]
        print(f"\nSimulated NAS-Bench-201 CIFAR-10: median hours until the returned architecture has test "
              f"accuracy >= {part['target_test_accuracy']} ({part['seeds']} seeds, {part['trials']} trials each)")
        workers = sorted({row["workers"] for row in part["rows"]})
        print(f"{'strategy':>9} {'mode':>6} " + " ".join(f"{w:>7}" for w in workers))
        for strategy in STRATEGIES:
            for mode in MODES:
                cells = {row["workers"]: row for row in part["rows"]
                         if row["strategy"] == strategy and row["mode"] == mode}
                text = [f"{cells[w]['median_hours']:>7.2f}" if cells[w]["median_hours"] is not None else f"{'inf':>7}"
                        for w in workers]
                print(f"{strategy:>9} {mode:>6} " + " ".join(text))


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    report: dict = {}
    if args.part != "both" and args.out.exists():  # rerunning one part keeps the other's last reading
        report = json.loads(args.out.read_text())
    report.update({"quick": args.quick, "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                                     "python": sys.version.split()[0]}})
    for part, measure in (("scaling", scaling), ("throughput", throughput)):
        if args.part in ("both", part):
            began = time.perf_counter()
            report[part] = {**measure(args), "seconds": time.perf_counter() - began}
    report["wall_time_seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"\nwritten to {args.out} in {report['wall_time_seconds']:.0f} s")
    return report


if __name__ == "__main__":
    main()
