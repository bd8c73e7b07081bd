"""MNIST-1D with real training: search a chain space, retrain the winner, compare with a baseline.

Steps (each a function below; findings and past readings are in ``benchmarks/README.md``):

1. ``search``: successive halving (Jamieson & Talwalkar 2016) over training epochs in a chain
   space of residual dilated-convolution stacks (``SPACE``): 27 random architectures trained
   for 6.7 epochs, the best 9 for 20, the best 3 for the full 60 epochs of ``recipe`` on the
   training split, ranked on the validation split by ``--objective``. With a strategy that
   does not choose epochs (``--strategy rea``), ``--trials`` proxy trainings of
   ``--search-epochs`` epochs, then the ``--finalists`` best retrained for the full recipe.
2. ``choose_winner``: a cross-validation rung trains the ``--cv-finalists`` best finalists on
   the other ``--cv-folds`` - 1 folds of train + validation (``Task.folds``; fold 0 is their
   full training, reused); the best mean score wins (``--cv-folds 1`` skips it).
3. ``validate_baseline``: the hand-designed ``BASELINE`` (an architecture of the space) is
   trained like a finalist on every fold, for the report only.
4. ``final_runs``: the winner and the baseline are trained ``--runs`` times from scratch on
   train + validation (run ``i`` with seed ``--seed + i``) and scored on the test split, which
   no earlier step looks at; ``summary`` adds each run's test loss at its best temperature and
   ``nm.compare_errors`` pairs the runs' misclassified signals (McNemar's exact test).
5. ``write_report``: the results JSON (``--out``) and a table next to the MNIST-1D paper's
   accuracies (``PAPER``).

Options: ``--quick`` (smoke configuration, about 1-2 minutes), ``--strategy``, ``--trials``,
``--configs``, ``--search-epochs``, ``--final-epochs``, ``--finalists``, ``--cv-folds``,
``--cv-finalists``, ``--runs``, ``--objective``, ``--channels``, ``--seed``, ``--threads``
(use 1 on a loaded machine), ``--journal`` (resumed if it exists), ``--out``; ``--help`` lists
their defaults.

Usage:
    python benchmarks/mnist1d_search.py                 # full run -> benchmarks/results/mnist1d.json
    python benchmarks/mnist1d_search.py --quick         # smoke configuration, about 1-2 minutes
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import torch

import naslib_mini as nm
from naslib_mini.estimators.cross_validation import combine
from naslib_mini.estimators.routines import predict, torch_threads
from naslib_mini.spaces.chain import ChainSpace

#: The chain space searched: residual stacks of 1D-friendly convolutions (dilations 1-8),
#: widths 32-64, 4-7 layers, no downsampling (the signals are only 40 long).
SPACE = dict(
    ops=("conv3x3", "conv5x5", "conv7x7", "dilconv3x3", "dilconv5x5", "dil4conv3x3", "dil4conv5x5",
         "dil8conv3x3"),
    channels=(32, 48, 64),
    strides=(1,),
    connections=("skip",),
    min_depth=4,
    max_depth=7,
    stem_channels=48,
)

#: The hand-designed baseline: a residual stack of 48-channel convolutions with dilations
#: 1, 2, 4, 8, 1 (35,770 parameters with the builder's stem and head).
BASELINE = ("conv3x3-48-s1-skip|dilconv3x3-48-s1-skip|dil4conv3x3-48-s1-skip|"
            "dil8conv3x3-48-s1-skip|conv3x3-48-s1-skip")
BASELINE_WIDTH = 48

#: Test accuracies reported in the MNIST-1D paper (Greydanus & Kobak 2024).
PAPER = {"logistic_regression": 0.32, "mlp": 0.68, "cnn": 0.94, "gru": 0.91, "human_expert": 0.96}

TARGET = 0.99
QUICK = dict(trials=5, configs=3, search_epochs=0.5, final_epochs=1, runs=2, finalists=2, cv_folds=2,
             cv_finalists=2)
FULL = dict(trials=39, configs=27, search_epochs=10, final_epochs=60, runs=3, finalists=3, cv_folds=5,
            cv_finalists=3)


def recipe(epochs: float, threads: int, seed: int) -> nm.TrainingConfig:
    """The one training recipe, shared by search (fewer epochs), finalists and final runs."""
    return nm.TrainingConfig(epochs=epochs, batch_size=128, optimizer="adamw", lr=3e-3, weight_decay=0.05,
                             schedule="onecycle", label_smoothing=0.1, threads=threads, seed=seed)


def space_settings(args: argparse.Namespace) -> dict:
    """``SPACE`` with the widths of ``--channels``."""
    return {**SPACE, "channels": args.channels}


def uses_budget(name: str) -> bool:
    """Whether strategy ``name`` chooses training epochs itself (successive halving, Hyperband, BOHB)."""
    return nm.STRATEGIES.get(nm.STRATEGIES.canonical(name)).uses_budget


def strategy_settings(args: argparse.Namespace) -> dict:
    """Keyword arguments of the search strategy: epoch ladders end at the full recipe."""
    if args.strategy == "sh":
        epochs = args.final_epochs
        return {"budgets": (epochs / 9, epochs / 3, epochs), "num_configs": args.configs}
    if uses_budget(args.strategy):
        return {"min_budget": args.final_epochs / 9, "max_budget": args.final_epochs, "eta": 3}
    if args.strategy == "rea":
        return {"population_size": max(2, min(10, args.trials // 3)), "sample_size": 3}
    return {}


def search(task: nm.Task, space: ChainSpace, args: argparse.Namespace) -> nm.History:
    """Search ``space`` (successive halving by default) with real training; prints each trial.

    Raises:
        SystemExit: Every trial failed.
    """
    strategy = nm.STRATEGIES.create(args.strategy, space=space, seed=args.seed, **strategy_settings(args))
    estimator = nm.TrainingEstimator(task, space, recipe(args.search_epochs, args.threads, args.seed),
                                     objective=args.objective)

    def show(trial: nm.Trial, history: nm.History) -> None:
        if trial.ok:
            metrics = trial.measurement.metrics
            print(f"  trial {trial.number:3d}  {trial.candidate.budget or args.search_epochs:5.1f} ep  "
                  f"val acc {metrics['val_accuracy']:.4f} loss {metrics['val_loss']:.4f} score {trial.score:.4f}  "
                  f"params {int(metrics['params']):7d}  "
                  f"{trial.cost:6.1f}s  {space.to_str(trial.arch)}", flush=True)
        else:
            print(f"  trial {trial.number:3d}  FAILED {trial.error}", flush=True)

    what = (f"epochs chosen by the strategy, up to {args.final_epochs:g}" if uses_budget(args.strategy)
            else f"{args.search_epochs:g} epochs each")
    print(f"search: {args.strategy}, {args.trials} trials ({what})", flush=True)
    journal = args.journal
    history = nm.run(strategy, estimator, nm.Budget(trials=args.trials), journal=journal,
                     resume=journal is not None, callbacks=[show])
    if not history.completed():
        raise SystemExit("every search trial failed; see the errors above")
    return history


def top_candidates(history: nm.History, count: int, budget: float | None = None) -> list[nm.Trial]:
    """The ``count`` best distinct architectures (trained for ``budget`` epochs, if given):
    best score (the ``--objective``), then lower validation loss."""
    best: dict = {}
    for trial in history.completed():
        if budget is not None and trial.candidate.budget != budget:
            continue
        key = (trial.score, -trial.measurement.metrics["val_loss"])
        if trial.arch not in best or key > best[trial.arch][0]:
            best[trial.arch] = (key, trial)
    ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
    return [trial for _, trial in ranked[:count]]


def full_training(task: nm.Task, space: ChainSpace, args: argparse.Namespace) -> nm.TrainingEstimator:
    """The search's own measurement at full fidelity: the whole recipe on the training split,
    seed ``args.seed``, scored on the validation split by ``--objective`` (the last rung of
    successive halving trains exactly like this)."""
    return nm.TrainingEstimator(task, space, recipe(args.final_epochs, args.threads, args.seed),
                                objective=args.objective)


def select(task: nm.Task, space: ChainSpace, finalists: list[nm.Trial],
           args: argparse.Namespace) -> tuple[list[tuple], list[dict]]:
    """Retrain each finalist with the full recipe on the training split; returns ``(arch, measurement)``
    pairs best first, and one row per finalist."""
    estimator = full_training(task, space, args)
    rows, scores, measurements = [], [], []
    for trial in finalists:
        measurement = estimator.estimate(trial.arch)
        measurements.append(measurement)
        metrics = measurement.metrics
        scores.append(measurement.score)
        rows.append({"arch": space.to_str(trial.arch), "search_score": trial.score,
                     "val_accuracy": metrics["val_accuracy"], "val_loss": metrics["val_loss"],
                     "params": int(metrics["params"]), "seconds": round(measurement.cost, 1)})
        print(f"  finalist val acc {metrics['val_accuracy']:.4f} loss {metrics['val_loss']:.4f} (search score "
              f"{trial.score:.4f})  params {rows[-1]['params']:7d}  {measurement.cost:6.1f}s  {rows[-1]['arch']}",
              flush=True)
    # Ties go to the better search score, then to the smaller network.
    order = sorted(range(len(rows)), key=lambda i: (scores[i], rows[i]["search_score"], -rows[i]["params"]),
                   reverse=True)
    return [(finalists[i].arch, measurements[i]) for i in order], rows


def cross_validate(task: nm.Task, space: ChainSpace, ranked: list[tuple], args: argparse.Namespace,
                   label: str = "finalist") -> list[dict]:
    """``--cv-folds``-fold cross-validation of each ``(arch, measurement)`` in ``ranked``, where
    ``measurement`` is the architecture's ``full_training`` on the task's own split: that is fold 0
    (``Task.folds``), so only folds 1 and up are trained. One row per architecture, in input order."""
    estimator = nm.CrossValidationEstimator(task, space, recipe(args.final_epochs, args.threads, args.seed),
                                            folds=args.cv_folds, objective=args.objective)
    rows = []
    for arch, first in ranked:
        folds = [first] + [estimator.estimate_fold(arch, fold) for fold in range(1, args.cv_folds)]
        pooled = combine(folds)
        rows.append({"arch": space.to_str(arch), "score": pooled.score, "score_std": pooled.metrics["score_std"],
                     "val_accuracy": pooled.metrics["val_accuracy"], "val_loss": pooled.metrics["val_loss"],
                     "fold_scores": [m.score for m in folds],
                     "fold_val_accuracies": [m.metrics["val_accuracy"] for m in folds],
                     "params": int(pooled.metrics["params"]), "seconds": round(pooled.cost, 1)})
        print(f"  {label} {args.cv_folds}-fold: val acc {pooled.metrics['val_accuracy']:.4f} loss "
              f"{pooled.metrics['val_loss']:.4f} score {pooled.score:.4f} +- {pooled.metrics['score_std']:.4f}  "
              f"folds {' '.join(f'{m.score:.4f}' for m in folds)}  {rows[-1]['arch']}", flush=True)
    return rows


def final_runs(task: nm.Task, space: ChainSpace, archs: dict, args: argparse.Namespace) -> dict[str, list]:
    """``args.runs`` trainings from scratch of each architecture on train + validation, interleaved
    (so machine load falls on both alike); seeds ``args.seed .. args.seed + runs - 1``."""
    results: dict[str, list] = {name: [] for name in archs}
    for run in range(args.runs):
        for name, arch in archs.items():
            config = recipe(args.final_epochs, args.threads, args.seed + run)
            result = nm.train_final(task, space, arch, config, latency_repeats=3)
            results[name].append(result)
            print(f"  {name:8s} run {run + 1}: test {result.test_accuracy:.4f}  {result.seconds:6.1f}s", flush=True)
    return results


def on_validation(task: nm.Task, space: ChainSpace, arch, args: argparse.Namespace) -> tuple[dict, nm.Measurement]:
    """``arch`` trained exactly like a finalist (``full_training``), scored on the validation split."""
    measurement = full_training(task, space, args).estimate(arch)
    metrics = measurement.metrics
    return ({name: metrics[name] for name in ("val_accuracy", "val_loss", "val_loss_calibrated") if name in metrics},
            measurement)


def summary(task: nm.Task, results: list, threads: int) -> dict:
    accuracies, losses = [r.test_accuracy for r in results], [r.test_loss for r in results]
    with torch_threads(threads):
        calibrated = [nm.temperature_scaled_loss(predict(r.model, task.x_test), task.y_test) for r in results]
    return {"test_accuracies": accuracies, "test_accuracy_mean": statistics.fmean(accuracies),
            "test_accuracy_std": statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0,
            "test_losses": losses, "test_loss_mean": statistics.fmean(losses),
            "test_losses_at_best_temperature": [loss for loss, _ in calibrated],
            "test_loss_at_best_temperature_mean": statistics.fmean(loss for loss, _ in calibrated),
            "best_temperatures": [t for _, t in calibrated],
            "params": results[0].params, "flops": results[0].flops,
            "train_seconds": [round(r.seconds, 1) for r in results],
            "test_errors": [list(r.test_errors) for r in results]}


def print_table(report: dict) -> None:
    """The results table: both networks' test accuracies next to the paper's baselines."""
    print(f"\n{'network':26s} {'params':>8s} {'test mean':>9s} {'std':>7s} {'loss':>7s} {'loss@T':>7s}  runs")
    for name, prefix in (("searched", ""), ("baseline (hand-designed)", "baseline_")):
        runs = " ".join(f"{a:.3f}" for a in report[f"{prefix}test_accuracies"])
        print(f"{name:26s} {report[f'{prefix}params']:8d} {report[f'{prefix}test_accuracy_mean']:9.4f} "
              f"{report[f'{prefix}test_accuracy_std']:7.4f} {report[f'{prefix}test_loss_mean']:7.4f} "
              f"{report[f'{prefix}test_loss_at_best_temperature_mean']:7.4f}  {runs}")
    for name, accuracy in PAPER.items():
        print(f"{'paper: ' + name.replace('_', ' '):26s} {'':8s} {accuracy:9.2f}")
    print(f"searched: {report['arch']}\nbaseline: {report['baseline_arch']}")
    paired = report["paired"]
    print(f"paired over {paired['runs']} runs of {paired['examples']} test signals: searched right and baseline "
          f"wrong {paired['only_a_right']}, the reverse {paired['only_b_right']}, both wrong {paired['both_wrong']} "
          f"(McNemar p = {paired['p_value']:.2f}); missed by every run of both: {len(paired['always_wrong'])} "
          f"{paired['always_wrong'][:20]}")
    print(f"target (mean >= {TARGET:.3f} and >= baseline): {'met' if report['target']['met'] else 'NOT met'}")


def widths(text: str) -> tuple[int, ...]:
    """``--channels``: comma-separated positive layer widths, e.g. ``32,48,64``."""
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive widths such as 32,48,64, got {text!r}")
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, help=f"search trials (default {FULL['trials']})")
    parser.add_argument("--search-epochs", type=float, help=f"proxy epochs per trial (default {FULL['search_epochs']})")
    parser.add_argument("--final-epochs", type=float, help=f"epochs of finalists and final runs "
                                                           f"(default {FULL['final_epochs']})")
    parser.add_argument("--runs", type=int, help=f"final trainings of each network (default {FULL['runs']})")
    parser.add_argument("--finalists", type=int, help=f"search candidates retrained with the full recipe "
                                                      f"(default {FULL['finalists']}; multi-fidelity "
                                                      "strategies use their last rung instead)")
    parser.add_argument("--cv-folds", type=int, help=f"folds of the cross-validation rung that picks the winner "
                                                     f"(default {FULL['cv_folds']}; 1 skips it: the best "
                                                     "finalist on the validation split wins)")
    parser.add_argument("--cv-finalists", type=int, help=f"best finalists cross-validated "
                                                         f"(default {FULL['cv_finalists']})")
    parser.add_argument("--strategy", default="sh", help="search strategy name (default sh)")
    parser.add_argument("--configs", type=int, help=f"architectures in the first rung of successive halving "
                                                    f"(default {FULL['configs']})")
    parser.add_argument("--objective", default="loss", choices=("loss", "accuracy", "calibrated-loss"),
                        help="what the search ranks by on the validation split (default loss)")
    parser.add_argument("--channels", type=widths,
                        default=SPACE["channels"], help="comma-separated layer widths the space chooses from "
                                                        f"(default {','.join(map(str, SPACE['channels']))})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the search and the first run")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--journal", help="JSON-lines journal of the search; an existing one is resumed")
    parser.add_argument("--out", help="results JSON (default benchmarks/results/mnist1d.json; "
                                      "with --quick a file in the temporary directory)")
    parser.add_argument("--quick", action="store_true", help="tiny smoke configuration (about 1-2 minutes)")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("trials", "configs", "runs", "finalists", "threads", "cv_folds", "cv_finalists"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    for name in ("search_epochs", "final_epochs"):
        if not getattr(args, name) > 0:
            parser.error(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    if BASELINE_WIDTH not in args.channels:
        parser.error(f"--channels must include {BASELINE_WIDTH}, the baseline's width (it is an architecture "
                     f"of the space), got {','.join(map(str, args.channels))}")
    if args.strategy not in nm.STRATEGIES.names():
        parser.error(f"unknown strategy {args.strategy!r}; valid choices: {', '.join(sorted(nm.STRATEGIES.names()))}")
    if args.out is None:
        args.out = (Path(tempfile.gettempdir()) / "mnist1d-quick.json" if args.quick
                    else Path(__file__).resolve().parent / "results" / "mnist1d.json")
    return args


@contextlib.contextmanager
def stopwatch(seconds: dict[str, float], step: str) -> Iterator[None]:
    """Record the wall seconds of the block in ``seconds[step]``."""
    started = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - started, 1)


def setup(args: argparse.Namespace) -> tuple[nm.Task, ChainSpace]:
    """The MNIST-1D task (split by ``--seed``) and the space, with ``--channels`` as its widths."""
    task = nm.TASKS.create("mnist1d", seed=args.seed)
    space = ChainSpace(**space_settings(args))
    print(f"MNIST-1D: {len(task.x_train)} train / {len(task.x_val)} val / {len(task.x_test)} test; "
          f"space of {space.size():,} architectures; {args.threads} threads", flush=True)
    return task, space


def choose_finalists(task: nm.Task, space: ChainSpace, history: nm.History,
                     args: argparse.Namespace) -> tuple[list[tuple], list[dict]]:
    """The finalists as ``(arch, full-recipe measurement)`` pairs, best first, and one row per finalist.

    A multi-fidelity search trained its last rung with the full recipe on the training split
    already: every architecture of that rung is a finalist, ranked by its search score. Otherwise
    the ``--finalists`` best are retrained (``select``).
    """
    full = top_candidates(history, len(history), args.final_epochs) if uses_budget(args.strategy) else []
    if not full:
        print(f"finalists: the {args.finalists} best retrained for {args.final_epochs:g} epochs on the "
              "training split", flush=True)
        return select(task, space, top_candidates(history, args.finalists), args)
    print(f"finalists: the {len(full)} trained for {args.final_epochs:g} epochs in the last rung", flush=True)
    rows = [{"arch": space.to_str(t.arch), "val_accuracy": t.measurement.metrics["val_accuracy"],
             "val_loss": t.measurement.metrics["val_loss"], "score": t.score,
             "params": int(t.measurement.metrics["params"]), "seconds": round(t.cost, 1)} for t in full]
    return [(t.arch, t.measurement) for t in full], rows


def choose_winner(task: nm.Task, space: ChainSpace, ranked: list[tuple],
                  args: argparse.Namespace) -> tuple[object, list[dict]]:
    """The winning architecture and the cross-validation rows (none with ``--cv-folds 1``).

    The best mean fold score wins; ties go to the better score on the search's own split.
    """
    if args.cv_folds == 1:
        return ranked[0][0], []
    print(f"cross-validation rung: the {min(args.cv_finalists, len(ranked))} best finalists on "
          f"{args.cv_folds} folds", flush=True)
    rows = cross_validate(task, space, ranked[:args.cv_finalists], args)
    best = max(range(len(rows)), key=lambda i: (rows[i]["score"], rows[i]["fold_scores"][0], -i))
    return ranked[best][0], rows


def validate_baseline(task: nm.Task, space: ChainSpace, args: argparse.Namespace) -> dict:
    """The baseline trained like a finalist (and cross-validated), for the report only: it never
    takes part in choosing the winner."""
    baseline = space.from_str(BASELINE)
    validation, measurement = on_validation(task, space, baseline, args)
    print(f"baseline trained like a finalist: val acc {validation['val_accuracy']:.4f} "
          f"loss {validation['val_loss']:.4f}", flush=True)
    if args.cv_folds > 1:
        validation["cross_validation"] = cross_validate(task, space, [(baseline, measurement)], args,
                                                        label="baseline")[0]
    return validation


def network_fields(prefix: str, summarised: dict) -> dict:
    """One network's ``summary`` as report fields named with ``prefix`` (its run times go elsewhere)."""
    return {prefix + name: value for name, value in summarised.items() if name != "train_seconds"}


def search_fields(args: argparse.Namespace, space: ChainSpace, history: nm.History, finalists: list[dict],
                  cross_validation: list[dict]) -> dict:
    """The report's ``search`` section: strategy, trials, finalists, cross-validation and space."""
    return {"strategy": args.strategy, "settings": strategy_settings(args), "objective": args.objective,
            "trials": len(history), "completed": len(history.completed()),
            "epochs_trained": round(sum(t.candidate.budget or args.search_epochs for t in history), 1),
            "trial_seconds": round(sum(t.cost for t in history), 1),
            "search_epochs": None if uses_budget(args.strategy) else args.search_epochs,
            "finalists": finalists,
            "cross_validation": {"folds": args.cv_folds, "finalists": cross_validation},
            "best_search_val_accuracy": max(t.measurement.metrics["val_accuracy"] for t in history.completed()),
            "space": {k: list(v) if isinstance(v, tuple) else v for k, v in space_settings(args).items()},
            "space_size": space.size()}


def machine_fields(load_start: tuple[float, float, float]) -> dict:
    """Where the benchmark ran: versions, CPU count and the load average at the start and the end."""
    return {"platform": platform.platform(), "python": platform.python_version(), "torch": torch.__version__,
            "cpu_count": os.cpu_count(), "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()]}


def write_report(report: dict, out: Path) -> None:
    """Write the results JSON to ``out`` and print the results table and the time per step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    seconds, machine = report["seconds"], report["machine"]
    print(f"wall time {seconds['total'] / 60:.1f} min (search {seconds['search'] / 60:.1f}, finalists "
          f"{seconds['finalists'] / 60:.1f}, cross-validation {seconds['cross_validation'] / 60:.1f}, final runs "
          f"{seconds['final_runs'] / 60:.1f}); load average {machine['load_average_start'][0]:.1f} -> "
          f"{machine['load_average_end'][0]:.1f} on {machine['cpu_count']} CPUs; wrote {out}")


def main(argv: list[str] | None = None) -> dict:
    """Run the five steps of the module docstring and return the report written to ``--out``."""
    args = parse_args(argv)
    started, load_start = time.perf_counter(), os.getloadavg()
    task, space = setup(args)
    seconds: dict[str, float] = {}
    with stopwatch(seconds, "search"):
        history = search(task, space, args)
    with stopwatch(seconds, "finalists"):
        ranked, finalists = choose_finalists(task, space, history, args)
    with stopwatch(seconds, "cross_validation"):
        winner, cross_validation = choose_winner(task, space, ranked, args)
    with stopwatch(seconds, "baseline_validation"):
        baseline_validation = validate_baseline(task, space, args)
    print(f"final: {args.runs} runs of {args.final_epochs:g} epochs on train + validation", flush=True)
    with stopwatch(seconds, "final_runs"):
        results = final_runs(task, space, {"searched": winner, "baseline": space.from_str(BASELINE)}, args)
    searched, base = (summary(task, results[name], args.threads) for name in ("searched", "baseline"))
    paired = nm.compare_errors(searched["test_errors"], base["test_errors"], examples=len(task.x_test))
    wall = round(time.perf_counter() - started, 1)
    seconds.update(searched_run_mean=statistics.fmean(searched["train_seconds"]),
                   baseline_run_mean=statistics.fmean(base["train_seconds"]), total=wall)
    report = {
        "task": "mnist1d", "command": "python benchmarks/mnist1d_search.py " + " ".join(argv or sys.argv[1:]),
        "quick": args.quick, "arch": space.to_str(winner), **network_fields("", searched),
        "baseline_arch": BASELINE, **network_fields("baseline_", base),
        "baseline_validation": baseline_validation,
        "paired": {**paired.as_dict(), "a": "searched", "b": "baseline", "test": "McNemar exact, runs pooled"},
        "target": {"min_test_accuracy_mean": TARGET, "not_below_baseline": True,
                   "met": searched["test_accuracy_mean"] >= max(TARGET, base["test_accuracy_mean"])},
        "recipe": {k: v for k, v in dataclasses.asdict(recipe(args.final_epochs, args.threads, args.seed)).items()
                   if k not in ("device", "timeout_seconds", "eval_batch_size")},
        "search": search_fields(args, space, history, finalists, cross_validation),
        "runs": args.runs, "seed": args.seed, "threads": args.threads, "seconds": seconds,
        "wall_time_seconds": wall, "machine": machine_fields(load_start), "paper_test_accuracies": PAPER,
    }
    write_report(report, Path(args.out))
    return report


if __name__ == "__main__":
    main()
