"""Build the ground-truth set of the estimator study: many architectures trained stand-alone with one recipe.

Draws distinct architectures of two spaces with a seed, trains each one from scratch on
MNIST-1D (``TASKS.create("mnist1d", seed=0)``) with one fixed recipe and records what a
study of cheap estimators compares against:

- ``nb201``: NAS-Bench-201 cells built for 1D input by the one builder
  (``SPACES.create("nb201", width=..., cells_per_stage=...)``), one per isomorphism class
  (``space.canonical``);
- ``chain``: canonical architectures of the chain space (``CHAIN_SPACE``'s choices; the
  dead class, which computes a constant, at most once).

For every training: the per-epoch validation loss and accuracy (``val_accuracy_epoch_<k>``,
the training estimator's curve names, and ``val_loss_epoch_<k>``), the per-epoch training
loss and accuracy measured on a fixed subset of the training split (``train_loss_epoch_<k>``,
``train_accuracy_epoch_<k>``), the last epoch's mean training loss (``train_loss``), final
validation and test accuracy and loss, params, FLOPs, CPU latency of batch 1
(``latency_ms``) and wall time (``seconds``). The test split is read after training, for
the study only; nothing search-facing sees it. A subset (``--second-seed``, split between
the spaces in proportion) is trained again with a second seed, for the noise ceiling.

Every part runs through ``nm.run`` with its own journal under ``--journal`` (a folder), so
the set can be built in several sittings: rerunning the same command continues where the
last one stopped and retrains nothing. At the end it writes the records, one JSON object per
training, to ``--out`` (gzip-compressed JSON lines) and a summary (counts, cost, the spread
of final accuracies, the seed-to-seed rank correlation) to ``--summary``.

Run (about an hour of one core at the defaults; benchmarks/README.md, "The ground-truth set of
the estimator study", says how the recipe was chosen and what it costs)::

    python benchmarks/ground_truth.py                    # the full set, resumable
    python benchmarks/ground_truth.py --quick --out /tmp/gt.jsonl.gz   # smoke test

Options: ``--nb201 N`` / ``--chain N`` / ``--second-seed N`` (how many architectures),
``--epochs``, ``--width`` / ``--cells-per-stage`` (the NB201 network), ``--seed`` (which
architectures are drawn), ``--threads`` (torch CPU threads, default 1), ``--journal``,
``--out``, ``--summary``, ``--quick`` (a handful of architectures, 1 epoch); ``--help``
lists them.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import math
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Hashable, Iterable

import torch
from scipy import stats

import naslib_mini as nm
from naslib_mini.estimators.routines import evaluate, fit, seeded, torch_threads
from naslib_mini.estimators.training import CURVE_METRIC
from naslib_mini.ground_truth import RECIPE_SPACES

RESULTS = Path(__file__).resolve().parent / "results"

#: The chain space's choices for the set (``naslib_mini.ground_truth.RECIPE_SPACES``): every operation
#: and connection, narrow layers, up to six.
CHAIN_SPACE = RECIPE_SPACES["chain"]

#: The recipe, chosen with the pilot in benchmarks/README.md ("The recipe, chosen with a pilot").
RECIPE = dict(epochs=10, **RECIPE_SPACES["nb201"])

FULL = dict(nb201=300, chain=200, second_seed=50, epochs=RECIPE["epochs"])
QUICK = dict(nb201=3, chain=3, second_seed=2, epochs=1)

#: Training examples on which the per-epoch training loss and accuracy are measured.
TRAIN_PROBE = 800

log = logging.getLogger("ground_truth")


class ListedArchitectures(nm.Strategy):
    """Proposes a fixed list of architectures once each, in order, skipping those already told."""

    name = "listed"

    def __init__(self, space: nm.SearchSpace, archs: Iterable[Hashable]) -> None:
        super().__init__(space, 0)
        self.archs = list(archs)
        self._done: set = set()

    def ask(self) -> nm.Candidate:
        for arch in self.archs:
            if arch not in self._done:
                self._done.add(arch)
                return nm.Candidate(arch)
        raise nm.SearchExhausted(f"all {len(self.archs)} listed architectures were proposed")

    def tell(self, trial: nm.Trial) -> None:
        self._done.add(trial.arch)


class StandAloneTraining(nm.Estimator):
    """Trains an architecture from scratch with the recipe and records its curves and test accuracy.

    The score is the final validation accuracy; the test metrics are for the study only.
    """

    name = "stand-alone"

    def __init__(self, task: nm.Task, space: nm.SearchSpace, config: nm.TrainingConfig,
                 latency_repeats: int = 20) -> None:
        self.task, self.space, self.config, self.latency_repeats = task, space, config, latency_repeats
        self.x_probe, self.y_probe = task.x_train[:TRAIN_PROBE], task.y_train[:TRAIN_PROBE]

    def estimate(self, arch: Hashable, budget: float | None = None) -> nm.Measurement:
        config, task = self.config, self.task
        key = self.space.to_str(arch)
        metrics: dict[str, float] = {}

        def record(epoch: int, model: torch.nn.Module) -> bool:
            size = config.eval_batch_size
            metrics[CURVE_METRIC.format(epoch)], metrics[f"val_loss_epoch_{epoch}"] = evaluate(
                model, task.x_val, task.y_val, size)
            metrics[f"train_accuracy_epoch_{epoch}"], metrics[f"train_loss_epoch_{epoch}"] = evaluate(
                model, self.x_probe, self.y_probe, size)
            return False

        started = time.perf_counter()
        with torch_threads(config.threads):
            with seeded(nm.derive_seed(config.seed, key)):
                model = nm.build_network(self.space, arch, task.spec)
            train_loss = fit(model, task.x_train, task.y_train, config, epochs=config.epochs,
                             seed=nm.derive_seed(config.seed, key, "data"), on_epoch_end=record)
            val_accuracy, val_loss = evaluate(model, task.x_val, task.y_val, config.eval_batch_size)
            test_accuracy, test_loss = evaluate(model, task.x_test, task.y_test, config.eval_batch_size)
            latency = nm.measure_latency(model, task.spec.input_shape, repeats=self.latency_repeats)
        seconds = time.perf_counter() - started
        metrics.update(val_accuracy=val_accuracy, val_loss=val_loss, test_accuracy=test_accuracy,
                       test_loss=test_loss, train_loss=train_loss, latency_ms=latency,
                       params=float(nm.count_params(model)),
                       flops=float(nm.count_flops(model, task.spec.input_shape)),
                       epochs=float(config.epochs), seed=float(config.seed))
        return nm.Measurement(score=val_accuracy, cost=seconds, metrics=metrics)


def spaces(args: argparse.Namespace) -> dict[str, nm.SearchSpace]:
    """The two spaces of the set, configured by the recipe."""
    return {"nb201": nm.SPACES.create("nb201", width=args.width, cells_per_stage=args.cells_per_stage),
            "chain": nm.SPACES.create("chain", **CHAIN_SPACE)}


def draw(space: nm.SearchSpace, count: int, seed: int) -> list[Hashable]:
    """``count`` architectures of ``space`` drawn uniformly with ``seed``, distinct up to ``space.canonical``
    where the space has it (NB201 isomorphism classes), else distinct canonical architectures."""
    rng = nm.default_rng(nm.derive_seed(seed, space.name, "ground-truth"))
    identity = getattr(space, "canonical", lambda arch: arch)
    seen: dict[Hashable, Hashable] = {}
    for _ in range(1000 * count):
        if len(seen) == count:
            break
        arch = space.sample(rng)
        seen.setdefault(identity(arch), arch)
    if len(seen) < count:
        raise SystemExit(f"could draw only {len(seen)} distinct architectures of {space.name!r}, asked for {count}")
    return list(seen.values())


def second_seed_counts(args: argparse.Namespace) -> dict[str, int]:
    """How many architectures of each space get a second seed: ``--second-seed`` split in proportion."""
    nb201 = round(args.second_seed * args.nb201 / (args.nb201 + args.chain)) if args.nb201 + args.chain else 0
    return {"nb201": min(nb201, args.nb201), "chain": min(args.second_seed - nb201, args.chain)}


def parts(args: argparse.Namespace) -> list[tuple[str, int, nm.SearchSpace, list[Hashable]]]:
    """The trainings to run: (space name, training seed, space, architectures) per part."""
    built = spaces(args)
    archs = {"nb201": draw(built["nb201"], args.nb201, args.seed),
             "chain": draw(built["chain"], args.chain, args.seed)}
    seconds = second_seed_counts(args)
    listed = [(name, 0, built[name], archs[name]) for name in ("nb201", "chain")]
    listed += [(name, 1, built[name], archs[name][:seconds[name]]) for name in ("nb201", "chain")]
    return [part for part in listed if part[3]]


def build(args: argparse.Namespace) -> list[dict]:
    """Train every part (resuming its journal) and return one record per training."""
    task = nm.TASKS.create("mnist1d", seed=0)
    journal_dir = Path(args.journal)
    journal_dir.mkdir(parents=True, exist_ok=True)
    records = []
    for name, seed, space, archs in parts(args):
        config = nm.TrainingConfig(epochs=args.epochs, threads=args.threads, seed=seed)
        # the recipe is in the name, so a journal never mixes trainings of two recipes
        journal = journal_dir / f"{name}-seed{seed}-{args.epochs:g}ep-w{args.width}c{args.cells_per_stage}.jsonl"
        log.info("%s, seed %d: %d architectures, journal %s", name, seed, len(archs), journal)

        def show(trial: nm.Trial, history: nm.History, name=name, seed=seed, space=space, total=len(archs)) -> None:
            metrics = trial.measurement.metrics if trial.ok else {}
            log.info("  %s seed %d  %3d/%d  val %.4f  test %.4f  %5.1fs  %s", name, seed, len(history), total,
                     metrics.get("val_accuracy", float("nan")), metrics.get("test_accuracy", float("nan")),
                     trial.cost, trial.error or space.to_str(trial.arch))

        history = nm.run(ListedArchitectures(space, archs), StandAloneTraining(task, space, config),
                         nm.Budget(trials=len(archs)), journal=journal, resume=True, callbacks=[show])
        for trial in history.trials:
            if not trial.ok:
                raise SystemExit(f"training {space.to_str(trial.arch)} ({name}, seed {seed}) failed: {trial.error}")
            records.append({"space": name, "arch": space.to_str(trial.arch), "seed": seed,
                            "seconds": trial.cost, **trial.measurement.metrics})
    return records


def spread(values: list[float]) -> dict[str, float]:
    """Min, quartiles and max of ``values``, and the share that ties with another value."""
    ordered = sorted(values)
    counts: dict[float, int] = {}
    for value in ordered:
        counts[value] = counts.get(value, 0) + 1
    quartiles = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    return {"min": ordered[0], "q1": quartiles[0], "median": quartiles[1], "q3": quartiles[2], "max": ordered[-1],
            "tied_share": sum(n for n in counts.values() if n > 1) / len(ordered)}


def summarize(records: list[dict], args: argparse.Namespace) -> dict:
    """Counts, cost and the spread of final accuracies per space; the rank correlation of the two seeds."""
    summary = {"recipe": {"epochs": args.epochs, "nb201_width": args.width, "cells_per_stage": args.cells_per_stage,
                          "chain_space": {k: list(v) if isinstance(v, tuple) else v for k, v in CHAIN_SPACE.items()},
                          "training": "TrainingConfig defaults (SGD lr 0.1, cosine, batch 64)",
                          "task": "mnist1d, split seed 0", "threads": args.threads},
               "trainings": len(records), "seconds": sum(r["seconds"] for r in records), "spaces": {}}
    for name in ("nb201", "chain"):
        first = {r["arch"]: r for r in records if r["space"] == name and r["seed"] == 0}
        second = {r["arch"]: r for r in records if r["space"] == name and r["seed"] == 1}
        if not first:
            continue
        entry = {"architectures": len(first), "second_seed": len(second),
                 "seconds": sum(r["seconds"] for r in records if r["space"] == name),
                 "val_accuracy": spread([r["val_accuracy"] for r in first.values()]),
                 "test_accuracy": spread([r["test_accuracy"] for r in first.values()])}
        paired = [arch for arch in second if arch in first]
        if len(paired) > 2:
            rho = stats.spearmanr([first[a]["val_accuracy"] for a in paired],
                                  [second[a]["val_accuracy"] for a in paired]).statistic
            entry["seed_spearman_val_accuracy"] = None if math.isnan(rho) else float(rho)
        summary["spaces"][name] = entry
    return summary


def write(records: list[dict], summary: dict, out: Path, summary_path: Path) -> None:
    """Write the records as gzip-compressed JSON lines and the summary as JSON."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nb201", type=int, help=f"NB201 architectures (default {FULL['nb201']})")
    parser.add_argument("--chain", type=int, help=f"chain architectures (default {FULL['chain']})")
    parser.add_argument("--second-seed", type=int, help=f"architectures trained with a second seed "
                                                        f"(default {FULL['second_seed']})")
    parser.add_argument("--epochs", type=float, help=f"training epochs (default {FULL['epochs']})")
    parser.add_argument("--width", type=int, default=RECIPE["width"],
                        help=f"channels of the NB201 network's first stage (default {RECIPE['width']})")
    parser.add_argument("--cells-per-stage", type=int, default=RECIPE["cells_per_stage"],
                        help=f"cells per stage of the NB201 network (default {RECIPE['cells_per_stage']})")
    parser.add_argument("--seed", type=int, default=0, help="seed that draws the architectures (default 0)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--journal", help="folder of the journals, one per part; an existing one is resumed "
                                          "(default benchmarks/results/ground_truth_journal, with --quick "
                                          "a folder in the temporary directory)")
    parser.add_argument("--out", help="records, gzip-compressed JSON lines "
                                      "(default benchmarks/results/ground_truth.jsonl.gz)")
    parser.add_argument("--summary", help="summary JSON (default: --out with .summary.json instead of .jsonl.gz)")
    parser.add_argument("--quick", action="store_true", help="a handful of architectures, 1 epoch (a test)")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("nb201", "chain", "second_seed"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be at least 0, got {getattr(args, name)}")
    for name in ("width", "cells_per_stage", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if not (args.epochs > 0 and math.isfinite(args.epochs)):
        parser.error(f"--epochs must be a positive number, got {args.epochs}")
    if args.nb201 + args.chain == 0:
        parser.error("--nb201 and --chain are both 0: nothing to train")
    if args.second_seed > args.nb201 + args.chain:
        parser.error(f"--second-seed must be at most --nb201 + --chain = {args.nb201 + args.chain}, "
                     f"got {args.second_seed}")
    scratch = Path(tempfile.gettempdir())
    if args.journal is None:
        args.journal = scratch / "ground_truth_quick_journal" if args.quick else RESULTS / "ground_truth_journal"
    if args.out is None:
        args.out = scratch / "ground_truth_quick.jsonl.gz" if args.quick else RESULTS / "ground_truth.jsonl.gz"
    args.out = Path(args.out)
    if args.summary is None:
        args.summary = args.out.with_name(args.out.name.removesuffix(".gz").removesuffix(".jsonl")
                                          + ".summary.json")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Build (or continue) the set, write the records and the summary, and return the summary."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    records = build(args)
    summary = {"command": shlex.join(["python", "benchmarks/ground_truth.py",
                                      *(sys.argv[1:] if argv is None else argv)]),
               **summarize(records, args)}
    write(records, summary, args.out, Path(args.summary))
    print(f"{summary['trainings']} trainings, {summary['seconds'] / 3600:.2f} CPU hours: {args.out}")
    for name, entry in summary["spaces"].items():
        val = entry["val_accuracy"]
        print(f"  {name}: {entry['architectures']} architectures, val accuracy min {val['min']:.3f} "
              f"median {val['median']:.3f} max {val['max']:.3f}, tied {val['tied_share']:.0%}")
    return summary


if __name__ == "__main__":
    main()
