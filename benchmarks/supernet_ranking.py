"""How far can shared weights be trusted? SPOS supernet scores against stand-alone training.

Trains the single-path one-shot supernet (Guo et al. 2020; ``nm.SupernetEstimator``, uniform
path sampling, batch-norm recalibration per path on 10 training batches) on MNIST-1D, once per
space of the ground-truth set (NAS-Bench-201 cells of the recipe, width 16, one cell per stage,
built for 1D input; the chain recipe space) and per number of supernet epochs (``--epochs``),
then scores the same architectures as ``benchmarks/estimator_study.py``: the first ``--archs``
architectures of each space trained with seed 0 in the ground-truth set
(``nm.load_ground_truth()``). The truth is their stand-alone test accuracy after the recipe's
10 epochs; the supernet sees only the training and validation splits. Paths are sampled from
the whole recipe space, not only from the scored architectures.

Reports, per space and supernet: Kendall's tau with a 95% bootstrap interval, Spearman's rho and
top-10% precision (``nm.agreement``), the supernet's training CPU seconds, and the cost per
architecture **amortised** over the scored architectures (its share of the supernet plus its
own recalibration and evaluation), so the rows sit in the estimator study's chart beside the
zero-cost proxies and proxy tasks (``study_row(...).to_dict()``, family "weight sharing").
Costs are CPU seconds of this process (``time.process_time``) on one thread.

With ``--few-shot``, few-shot supernets (Zhao et al. 2021, ``nm.FewShotEstimator``: of ``E``
epochs, half train the one-shot supernet, then it is split on the operations of edge
``--edge`` into 5 sub-supernets initialised from it, each trained ``E / 10`` epochs on its own
paths) score the same NB201 cells; their rows are added to ``--out`` beside the one-shot rows
of the same training length, which are read from the file (trained first if it has none), with
the tau difference and its paired bootstrap interval (the same resamples of the same cells).

Run (about 17 minutes of one core at the defaults: supernets of 25, 100 and 300 epochs per space)::

    python benchmarks/supernet_ranking.py
    python benchmarks/supernet_ranking.py --few-shot --epochs 100   # add few-shot rows (about 2 minutes)
    python benchmarks/supernet_ranking.py --quick --out /tmp/supernet_ranking.json   # smoke test

Writes ``results/supernet_ranking.json`` (rows, per-architecture scores, settings) and prints
the table. ``--help`` lists the options.
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
from naslib_mini.estimator_study import study_row
from naslib_mini.ground_truth import RECIPE_SPACES
from naslib_mini.rank_agreement import paired_tau_difference

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

FULL = dict(archs=100, epochs=(25, 100, 300), resamples=1000)
QUICK = dict(archs=6, epochs=(1,), resamples=50)

log = logging.getLogger("supernet_ranking")


def score(estimator, archs: list, epochs: int) -> tuple[list[float], list[float], object]:
    """Train ``estimator``'s supernet, score ``archs``; scores, per-architecture CPU seconds, the trained supernet."""
    estimator.fit()
    trained = estimator.supernets_[float(epochs)]
    scores, scoring = [], []
    for arch in archs:
        started = time.process_time()
        scores.append(estimator.estimate(arch).score)
        scoring.append(time.process_time() - started)
    return scores, scoring, trained


def study_dict(label: str, space: str, scores, scoring, trained, truth, standalone, args, epochs) -> dict:
    """One row: agreement, costs amortised over the scored architectures, the supernet's training."""
    costs = [s + trained.seconds / len(scores) for s in scoring]  # amortised over the scored architectures
    row = study_row(label, "weight sharing", space, scores, costs, truth, resamples=args.resamples, seed=0)
    a = row.agreement
    log.info("%-6s %-28s tau %.3f [%.3f, %.3f]  rho %.3f  top-10%% %.2f  supernet %.1f CPU s, %.3g s/arch",
             space, label, a.kendall, a.kendall_low, a.kendall_high, a.spearman, a.top_precision,
             trained.seconds, row.seconds)
    return {**row.to_dict(), "supernet_epochs": epochs, "supernet_cpu_seconds": trained.seconds,
            "supernet_train_loss": trained.train_loss, "scoring_seconds_median": statistics.median(scoring),
            "standalone_trainings_equivalent": trained.seconds / standalone}


def scored_records(name: str, table, args: argparse.Namespace) -> tuple[nm.SearchSpace, list[dict]]:
    """The space and the first ``--archs`` seed-0 records of it in the ground-truth set."""
    space = nm.SPACES.create(name, **RECIPE_SPACES[name])
    return space, table[(table["space"] == name) & (table["seed"] == 0)].head(args.archs).to_dict("records")


def rank_space(name: str, table, args: argparse.Namespace, task: nm.Task) -> tuple[list[dict], dict]:
    """The rows of one space (one per supernet training length) and the per-architecture scores."""
    space, records = scored_records(name, table, args)
    archs = [space.from_str(r["arch"]) for r in records]
    truth = [r["test_accuracy"] for r in records]
    standalone = statistics.median(r["seconds"] for r in records)
    rows, estimates = [], {"archs": [r["arch"] for r in records], "truth": truth,
                           "standalone_seconds_median": standalone}
    for epochs in args.epochs:
        estimator = nm.SupernetEstimator(task, space, nm.TrainingConfig(epochs=epochs, threads=args.threads, seed=0))
        scores, scoring, trained = score(estimator, archs, epochs)
        label = f"SPOS supernet, {epochs} epochs"
        rows.append(study_dict(label, name, scores, scoring, trained, truth, standalone, args, epochs))
        estimates[label] = scores
    return rows, estimates


def few_shot_rows(table, args: argparse.Namespace, task: nm.Task, one_shot: dict) -> tuple[list[dict], dict]:
    """Few-shot supernets (Zhao et al. 2021) on the NB201 cells that ``one_shot`` (the one-shot estimates) scored.

    Each row holds the few-shot supernet's agreement and its tau minus the one-shot supernet's of the
    same training length on the same architectures, with a paired bootstrap interval.
    """
    space, records = scored_records("nb201", table, args)
    if [r["arch"] for r in records] != one_shot["archs"]:
        raise nm.ConfigurationError("the one-shot supernets scored other architectures than --archs selects; "
                                    "rerun without --few-shot first, or give the same --archs and --ground-truth")
    archs, truth = [space.from_str(r["arch"]) for r in records], one_shot["truth"]
    rows, estimates = [], {}
    for epochs in args.epochs:
        baseline = one_shot.get(f"SPOS supernet, {epochs} epochs")
        if baseline is None:
            raise nm.ConfigurationError(f"no one-shot supernet of {epochs} epochs in the results to compare with; "
                                        f"those there: {[k for k in one_shot if k.startswith('SPOS')]}")
        estimator = nm.FewShotEstimator(task, space, nm.TrainingConfig(epochs=epochs, threads=args.threads, seed=0),
                                        edge=args.edge, split_fraction=args.split_fraction)
        scores, scoring, trained = score(estimator, archs, epochs)
        label = f"few-shot supernets (edge {args.edge}), {epochs} epochs"
        row = study_dict(label, "nb201", scores, scoring, trained, truth, one_shot["standalone_seconds_median"],
                         args, epochs)
        paired = paired_tau_difference(scores, baseline, truth, resamples=max(1, args.resamples),
                                                         seed=0)
        log.info("few-shot minus one-shot tau at %d epochs: %.3f [%.3f, %.3f], better in %.0f%% of resamples",
                 epochs, paired["difference"], paired["low"], paired["high"], 100 * paired["share_above_zero"])
        rows.append({**row, "few_shot": {"edge": args.edge, "split_fraction": args.split_fraction,
                                         "tau_minus_one_shot": paired}})
        estimates[label] = scores
    return rows, estimates


def table_lines(rows: list[dict]) -> list[str]:
    """The rows as a markdown table."""
    lines = ["| space | estimator | supernet CPU s | CPU s / arch (amortised) | Kendall tau [95% CI] | Spearman "
             "| top-10% precision | n |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['space']} | {r['estimator']} | {r['supernet_cpu_seconds']:.0f} | {r['seconds']:.3g} | "
                     f"{r['kendall']:.3f} [{r['kendall_low']:.2f}, {r['kendall_high']:.2f}] | {r['spearman']:.3f} | "
                     f"{r['top_precision']:.2f} | {r['n']} |")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ground-truth", help="the ground-truth set (default: nm.ground_truth.GROUND_TRUTH_FILE)")
    parser.add_argument("--archs", type=int, help=f"architectures per space (default {FULL['archs']})")
    default_epochs = " ".join(map(str, FULL["epochs"]))
    parser.add_argument("--epochs", type=int, nargs="+",
                        help=f"supernet training epochs, one supernet each (default {default_epochs})")
    parser.add_argument("--resamples", type=int, help=f"bootstrap resamples (default {FULL['resamples']})")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS / "supernet_ranking.json", help="results JSON")
    parser.add_argument("--quick", action="store_true", help="6 architectures, one supernet of 1 epoch")
    parser.add_argument("--few-shot", action="store_true",
                        help="add few-shot supernets (Zhao et al. 2021) on NB201 to --out, compared on the same "
                             "architectures with its one-shot rows (reused; trained first if --out has none)")
    parser.add_argument("--edge", type=int, default=0, help="--few-shot: the edge split on (0 to 5, default 0)")
    parser.add_argument("--split-fraction", type=float, default=0.5,
                        help="--few-shot: share of the epochs before the split (default 0.5)")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    if args.archs < 3:
        parser.error(f"--archs must be at least 3 (a rank correlation needs them), got {args.archs}")
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if min(args.epochs) < 1:
        parser.error(f"--epochs must be at least 1, got {min(args.epochs)}")
    if args.resamples < 0:
        parser.error(f"--resamples must be at least 0, got {args.resamples}")
    if not 0 <= args.edge < 6:
        parser.error(f"--edge must be an NB201 edge, 0 to 5, got {args.edge}")
    if not 0 <= args.split_fraction < 1:
        parser.error(f"--split-fraction must lie in [0, 1), got {args.split_fraction}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train the supernets, score the architectures, write the JSON, print the table and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    table = nm.load_ground_truth(args.ground_truth)
    task = nm.TASKS.create("mnist1d", seed=0)
    if args.few_shot:
        return add_few_shot(args, table, task, argv)
    rows, estimates = [], {}
    for name in ("nb201", "chain"):
        if not ((table["space"] == name) & (table["seed"] == 0)).any():
            log.warning("the ground-truth set holds no %s architecture; that space is left out", name)
            continue
        space_rows, estimates[name] = rank_space(name, table, args, task)
        rows += space_rows
    results = {"command": shlex.join(["python", "benchmarks/supernet_ranking.py",
                                      *(sys.argv[1:] if argv is None else argv)]),
               "ground_truth": str(args.ground_truth or nm.ground_truth.GROUND_TRUTH_FILE),
               "truth": "stand-alone test accuracy, seed 0, 10 epochs",
               "cost": "CPU seconds of one thread per architecture: supernet training amortised over the scored "
                       "architectures plus the architecture's own BN recalibration and evaluation",
               "archs_per_space": args.archs, "rows": rows, "estimates": estimates}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n".join(table_lines(rows)))
    print(f"written: {args.out}")
    return results


def add_few_shot(args: argparse.Namespace, table, task: nm.Task, argv: list[str] | None) -> dict:
    """``--few-shot``: few-shot rows added to ``--out`` (its one-shot NB201 rows reused, or trained now)."""
    if args.out.exists():
        results = json.loads(args.out.read_text())
    else:
        rows, estimates = rank_space("nb201", table, args, task)
        results = {"command": "", "rows": rows, "estimates": {"nb201": estimates}, "archs_per_space": args.archs}
    label = "few-shot"
    results["rows"] = [r for r in results["rows"] if not r["estimator"].startswith(label)]
    results["estimates"]["nb201"] = {k: v for k, v in results["estimates"]["nb201"].items()
                                     if not k.startswith(label)}
    rows, estimates = few_shot_rows(table, args, task, results["estimates"]["nb201"])
    results["rows"] += rows
    results["estimates"]["nb201"].update(estimates)
    results["few_shot_command"] = shlex.join(["python", "benchmarks/supernet_ranking.py",
                                              *(sys.argv[1:] if argv is None else argv)])
    results["few_shot"] = ("Zhao et al. 2021: of E epochs, split_fraction * E train the one-shot supernet, then each "
                           "of the 5 sub-supernets (one per operation of the split edge, initialised from it) trains "
                           "(1 - split_fraction) * E / 5 epochs on its own paths; tau_minus_one_shot is paired (the "
                           "same bootstrap resamples of the same architectures)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n".join(table_lines(results["rows"])))
    for r in rows:
        d = r["few_shot"]["tau_minus_one_shot"]
        print(f"{r['estimator']}: tau minus one-shot {d['difference']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}], "
              f"better in {100 * d['share_above_zero']:.0f}% of resamples")
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    main()
