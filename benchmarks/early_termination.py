"""Learning-curve extrapolation at work: how much training the Domhan rule saves, and what it costs.

Two measurements of ``nm.DomhanTermination`` (Domhan et al., IJCAI 2015: stop a run when the
extrapolated probability of beating the best final accuracy so far is below 5%), the rule the
``training`` estimator consults after every epoch:

1. **Replayed on the ground-truth curves** (no training): per space, ``--orders`` searches of
   ``--trainings`` architectures drawn from the set in random order; each curve is revealed an
   epoch at a time (``early_termination.replay``). Reported: the share of epochs saved, and
   whether the best architecture of the search (by final validation accuracy) was kept, with
   the regret in validation and test accuracy when it was not.
2. **In a real search** on MNIST-1D: random search over the NAS-Bench-201 cells of the
   ground-truth recipe (1D, width 16, one cell per stage), ``--trials`` trainings of 10 epochs
   each, with and without the rule, for each of ``--seeds``. Random search proposes the same
   architectures whatever it is told, so the two arms train the same networks and differ only
   by the rule. Reported: the CPU seconds of each arm and the incumbent's validation accuracy.

Writes ``results/early_termination.json`` and prints both tables.

Run (about 25 minutes of one core at the defaults)::

    python benchmarks/early_termination.py
    python benchmarks/early_termination.py --quick --out /tmp/et.json   # smoke test

Options: ``--ground-truth``, ``--orders``, ``--trainings``, ``--trials``, ``--seeds``,
``--threads``, ``--min-epochs``, ``--delta``, ``--out``, ``--quick``; ``--help`` lists them.
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

import numpy as np

import naslib_mini as nm
from naslib_mini.estimators.early_termination import replay
from naslib_mini.ground_truth import RECIPE_SPACES

RESULTS = Path(__file__).resolve().parent / "results"
EPOCHS = 10

FULL = dict(orders=20, trainings=50, trials=20, seeds=(0, 1, 2))
QUICK = dict(orders=2, trainings=6, trials=3, seeds=(0,))

log = logging.getLogger("early_termination")


def curve(record: dict) -> list[float]:
    """The validation-accuracy curve of a record, epoch 1 first."""
    return nm.curve_from_metrics(record)[1]


def replayed(table, args: argparse.Namespace) -> dict:
    """The rule replayed on random orders of each space's ground-truth curves."""
    out = {}
    for name in ("nb201", "chain"):
        records = table[(table["space"] == name) & (table["seed"] == 0)].to_dict("records")
        if len(records) < args.trainings:
            log.warning("%s: %d curves, fewer than --trainings %d; left out", name, len(records), args.trainings)
            continue
        runs = []
        for order in range(args.orders):
            rng = np.random.default_rng(nm.derive_seed(order, name, "replay"))
            picked = [records[i] for i in rng.choice(len(records), args.trainings, replace=False)]
            rule = nm.DomhanTermination(min_epochs=args.min_epochs, delta=args.delta, seed=order)
            result = replay(rule, [curve(r) for r in picked])
            best = max(range(len(picked)), key=lambda i: picked[i]["val_accuracy"])
            kept = picked[result.best_index]
            runs.append({"saved": result.saved, "stopped": sum(s is not None for s in result.stopped),
                         "best_kept": result.best_index == best,
                         "val_regret": picked[best]["val_accuracy"] - kept["val_accuracy"],
                         "test_regret": picked[best]["test_accuracy"] - kept["test_accuracy"]})
            log.info("%s order %d: saved %.1f%% of the epochs, stopped %d of %d, best kept: %s", name, order,
                     100 * result.saved, runs[-1]["stopped"], args.trainings, runs[-1]["best_kept"])
        out[name] = {"runs": runs, "mean_saved": statistics.mean(r["saved"] for r in runs),
                     "best_kept": sum(r["best_kept"] for r in runs),
                     "mean_test_regret": statistics.mean(r["test_regret"] for r in runs)}
    return out


def search(args: argparse.Namespace, seed: int, rule: nm.DomhanTermination | None) -> dict:
    """One random search over the recipe's NB201 cells on MNIST-1D; its CPU time and incumbent."""
    space = nm.SPACES.create("nb201", **RECIPE_SPACES["nb201"])
    estimator = nm.TrainingEstimator("mnist1d", space, nm.TrainingConfig(epochs=EPOCHS, threads=args.threads),
                                     record_curve=True, early_termination=rule)
    started = time.process_time()
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=seed), estimator,
                     nm.Budget(trials=args.trials))
    cpu = time.process_time() - started
    complete = [t for t in history if t.ok and "stopped_epoch" not in t.measurement.metrics]
    best = max(complete, key=lambda t: t.measurement.metrics["val_accuracy"])
    return {"cpu_seconds": cpu, "epochs": sum(t.measurement.metrics["epochs"] for t in history if t.ok),
            "stopped": len(history) - len(complete), "incumbent": space.to_str(best.arch),
            "incumbent_val_accuracy": best.measurement.metrics["val_accuracy"]}


def searched(args: argparse.Namespace) -> list[dict]:
    """Both arms of the real search for every seed."""
    rows = []
    for seed in args.seeds:
        plain = search(args, seed, None)
        ruled = search(args, seed, nm.DomhanTermination(min_epochs=args.min_epochs, delta=args.delta, seed=seed))
        rows.append({"seed": seed, "without": plain, "with": ruled,
                     "saved": 1 - ruled["cpu_seconds"] / plain["cpu_seconds"],
                     "same_incumbent": plain["incumbent"] == ruled["incumbent"]})
        log.info("seed %d: %.0f CPU s without the rule, %.0f with it (%.0f%% saved), incumbent val %.4f / %.4f",
                 seed, plain["cpu_seconds"], ruled["cpu_seconds"], 100 * rows[-1]["saved"],
                 plain["incumbent_val_accuracy"], ruled["incumbent_val_accuracy"])
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ground-truth", help="the ground-truth set (default: nm.ground_truth.GROUND_TRUTH_FILE)")
    parser.add_argument("--orders", type=int, help=f"replayed searches per space (default {FULL['orders']})")
    parser.add_argument("--trainings", type=int, help=f"trainings per replayed search (default {FULL['trainings']})")
    parser.add_argument("--trials", type=int, help=f"trials of each real search (default {FULL['trials']})")
    parser.add_argument("--seeds", type=int, nargs="+", help=f"seeds of the real searches (default {FULL['seeds']})")
    parser.add_argument("--min-epochs", type=int, default=3, help="epochs before the rule may stop (default 3)")
    parser.add_argument("--delta", type=float, default=0.05, help="stop below this probability (default 0.05)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS / "early_termination.json", help="results JSON")
    parser.add_argument("--quick", action="store_true", help="2 replays of 6 curves, one real search of 3 trials")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("orders", "trainings", "trials", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if not 0 < args.delta < 1:
        parser.error(f"--delta must lie strictly between 0 and 1, got {args.delta}")
    if not 2 <= args.min_epochs < EPOCHS:
        parser.error(f"--min-epochs must lie in 2..{EPOCHS - 1}, got {args.min_epochs}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Replay the rule, run the real searches, write the JSON, print the tables and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    results = {"command": shlex.join(["python", "benchmarks/early_termination.py",
                                      *(sys.argv[1:] if argv is None else argv)]),
               "rule": {"min_epochs": args.min_epochs, "delta": args.delta, "epochs": EPOCHS},
               "replay": replayed(nm.load_ground_truth(args.ground_truth), args), "search": searched(args)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("| space | replayed searches | epochs saved (mean) | best kept | mean test regret |")
    print("|---|---|---|---|---|")
    for name, entry in results["replay"].items():
        print(f"| {name} | {len(entry['runs'])} x {args.trainings} | {entry['mean_saved']:.1%} | "
              f"{entry['best_kept']}/{len(entry['runs'])} | {entry['mean_test_regret']:.4f} |")
    print("\n| seed | CPU s without | CPU s with | saved | incumbent val without / with | same incumbent |")
    print("|---|---|---|---|---|---|")
    for row in results["search"]:
        print(f"| {row['seed']} | {row['without']['cpu_seconds']:.0f} | {row['with']['cpu_seconds']:.0f} | "
              f"{row['saved']:.0%} | {row['without']['incumbent_val_accuracy']:.4f} / "
              f"{row['with']['incumbent_val_accuracy']:.4f} | {row['same_incumbent']} |")
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    main()
