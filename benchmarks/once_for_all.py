"""Once-for-All on MNIST-1D: one elastic supernet, sub-networks against training from scratch, and
specialisation to latency limits without retraining (Cai et al. 2020).

1. **Train once.** The elastic supernet of ``ElasticSpace()`` (three stages of MobileNet blocks,
   16/24/32 channels, depth 2-4, kernel 3/5/7, expansion 3/4/6) is trained by progressive
   shrinking (``paper_schedule``: the largest network for ``--full-epochs`` with the recipe's
   learning rate, then kernel, depth x2 and width x2 phases of ``--phase-epochs`` each at 0.03,
   the largest network as the distillation teacher). After each phase the largest, a middle and
   the smallest sub-network are scored with inherited, recalibrated weights (validation split).
2. **Against training from scratch.** ``--subnets`` sub-networks spread over the size range
   (quantiles of the parameter counts of ``--size-pool`` seeded samples, smallest and largest included), each
   scored on the test split with (a) inherited weights after batch-norm recalibration on 2,000
   training examples, (b) the extracted network fine-tuned for ``--finetune-epochs`` at lr 0.01, and
   (c) the same network trained from scratch with the same recipe as the full network
   (``TrainingConfig(epochs=--full-epochs)``: SGD, lr 0.1, cosine, batch 64) for ``--seeds`` seeds.
   The gap is from-scratch mean minus inherited, in points; the target is 1 point on average.
3. **Specialise.** An accuracy predictor (an ensemble of small MLPs on the architecture encoding)
   is fitted on ``--predictor-archs`` sub-networks sampled per dimension and scored with inherited
   weights on the validation split (75% to fit, 25% held out for its rank correlation; then refitted
   on all). Latency comes from a ``LatencyTable`` of the blocks timed on this CPU (batch 1, one
   thread). Regularized evolution (``--trials`` trials) picks a sub-network under each of three
   latency limits (the 20/50/80% quantiles of the sampled sub-networks' predicted latency); each
   pick is scored on the test split with inherited weights and its latency measured whole.

Costs are CPU seconds of this process (``time.process_time``), one thread. Writes
``results/once_for_all.json`` and ``results/once_for_all.png`` (``nm.viz.plot_once_for_all``) and
prints the tables.

Usage::

    python benchmarks/once_for_all.py            # 19 CPU minutes of one thread (46 min wall on a shared machine)
    python benchmarks/once_for_all.py --quick    # a smoke run of a few seconds on a tiny space
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

import naslib_mini as nm
from naslib_mini.estimators.routines import TrainingConfig, evaluate, fit, seeded, torch_threads
from naslib_mini.hardware import LatencyTable, measure_latency
from naslib_mini.spaces.elastic import ElasticSpace
from naslib_mini.supernet.elastic import ElasticSupernet
from naslib_mini.supernet.shrinking import inherited_accuracy, paper_schedule, progressive_shrinking
from naslib_mini.supernet.specialise import (AccuracyPredictor, SpecialisationEstimator, fill_latency_table,
                                             specialise)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "once_for_all.json"
log = logging.getLogger("once_for_all")

FULL = dict(full_epochs=10, phase_epochs=6, subnets=10, size_pool=500, seeds=3, finetune_epochs=2, predictor_archs=200,
            trials=300, calibration=2000, repeats=20, space={})
QUICK = dict(full_epochs=0.5, phase_epochs=0.1, subnets=3, size_pool=40, seeds=1, finetune_epochs=0.1,
             predictor_archs=10, trials=12, calibration=256, repeats=3,
             space=dict(stage_channels=(8, 12), stage_strides=(1, 2), depths=(1, 2), kernels=(3, 5),
                        expansions=(3, 6), stem_channels=8))
QUANTILES = (0.2, 0.5, 0.8)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on a tiny space")
    for name, value in FULL.items():
        if name != "space":
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None,
                                help=f"default {value} (quick: {QUICK[name]})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS), help="JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    if args.subnets < 2 or args.predictor_archs < 8:
        parser.error(f"need --subnets >= 2 and --predictor-archs >= 8, got {args.subnets}, {args.predictor_archs}")
    return args


def spread_by_size(space: ElasticSpace, spec: nm.TaskSpec, count: int, seed: int, samples: int = 500) -> list:
    """``count`` distinct sub-networks at evenly spaced quantiles of the parameter counts of ``samples`` samples
    (and the smallest and largest sub-network)."""
    rng = np.random.default_rng(seed)
    pool = list(dict.fromkeys([space.sample_elastic(rng) for _ in range(samples)]
                              + [space.smallest(), space.largest()]))
    sizes = np.array([nm.count_params(nm.meta_network(space, a, spec)) for a in pool])
    order = np.argsort(sizes, kind="stable")
    picks = []
    for q in np.linspace(0, 1, count):
        for j in range(int(round(q * (len(order) - 1))), len(order)):
            if pool[order[j]] not in picks:
                picks.append(pool[order[j]])
                break
    return picks


def train_supernet(space, task, args) -> tuple[ElasticSupernet, list[dict]]:
    with seeded(args.seed):
        supernet = ElasticSupernet(space, task.spec)
    calib = task.x_train[:args.calibration]
    rng = np.random.default_rng(args.seed)
    middle = space.sample_elastic(rng, depths=space.config.depths[len(space.config.depths) // 2:][:1])
    probes = {"largest": space.largest(), "middle": middle, "smallest": space.smallest()}
    phases = []

    def after(record, net):
        row = {"phase": record.name, "epochs": record.epochs, "seconds": round(record.seconds, 1),
               "loss": record.loss}
        for name, arch in probes.items():
            row[f"{name}_val_accuracy"] = inherited_accuracy(net, arch, calib, task.x_val, task.y_val)
        log.info("after %s: %s", record.name, row)
        phases.append(row)

    schedule = paper_schedule(space, full_epochs=args.full_epochs, epochs=args.phase_epochs)
    progressive_shrinking(supernet, task.x_train, task.y_train, TrainingConfig(threads=1), schedule,
                          seed=args.seed, on_phase_end=after)
    return supernet, phases


def compare_with_scratch(supernet, space, task, archs, args) -> list[dict]:
    rows, calib = [], task.x_train[:args.calibration]
    recipe = TrainingConfig(epochs=args.full_epochs, threads=1)
    for arch in archs:
        key = space.to_str(arch)
        row = {"arch": key, "params": nm.count_params(nm.meta_network(space, arch, task.spec))}
        started = time.process_time()
        row["inherited_test_accuracy"] = inherited_accuracy(supernet, arch, calib, task.x_test, task.y_test)
        row["inherited_seconds"] = time.process_time() - started
        net = supernet.extract(arch)  # recalibrated statistics come with it
        row["latency_ms"] = measure_latency(net, task.spec.input_shape, threads=1, repeats=args.repeats).median_ms
        started = time.process_time()
        fit(net, task.x_train, task.y_train, TrainingConfig(lr=0.01, threads=1), epochs=args.finetune_epochs,
            seed=args.seed)
        row["finetuned_test_accuracy"] = evaluate(net, task.x_test, task.y_test)[0]
        row["finetune_seconds"] = time.process_time() - started
        scratch, seconds = [], []
        for seed in range(args.seeds):
            started = time.process_time()
            with seeded(nm.derive_seed(seed, key)):
                fresh = nm.build_network(space, arch, task.spec)
            fit(fresh, task.x_train, task.y_train, recipe, epochs=recipe.epochs, seed=seed)
            scratch.append(evaluate(fresh, task.x_test, task.y_test)[0])
            seconds.append(time.process_time() - started)
        row.update(scratch_test_accuracy=scratch, scratch_mean=float(np.mean(scratch)),
                   scratch_std=float(np.std(scratch)), scratch_seconds=float(np.mean(seconds)))
        row["gap_points"] = 100 * (row["scratch_mean"] - row["inherited_test_accuracy"])
        log.info("%s", {k: v for k, v in row.items() if k != "scratch_test_accuracy"})
        rows.append(row)
    return rows


def specialisation(supernet, space, task, args) -> dict:
    rng, calib = np.random.default_rng(args.seed + 1), task.x_train[:args.calibration]
    archs = list(dict.fromkeys(space.sample_elastic(rng) for _ in range(args.predictor_archs)))
    started = time.process_time()
    accs = [inherited_accuracy(supernet, a, calib, task.x_val, task.y_val) for a in archs]
    measure_seconds = time.process_time() - started
    split = int(0.75 * len(archs))
    held = AccuracyPredictor(space, seed=args.seed).fit(archs[:split], accs[:split]).predict(archs[split:])
    predictor = AccuracyPredictor(space, seed=args.seed).fit(archs, accs)
    table = LatencyTable(threads=1, repeats=args.repeats)
    started = time.process_time()
    fill_latency_table(table, space, task.spec)
    table_seconds = time.process_time() - started
    estimator = SpecialisationEstimator(space, task.spec, predictor, table)
    latencies = [estimator.latency_ms(a) for a in archs]
    picks = []
    for q in QUANTILES:
        limit = float(np.quantile(latencies, q))
        started = time.process_time()
        history = specialise(estimator, limit, trials=args.trials, seed=args.seed)
        search_seconds = time.process_time() - started
        best = history.best()
        if best is None:
            picks.append({"limit_ms": limit, "arch": None})
            continue
        arch = best.arch
        test = inherited_accuracy(supernet, arch, calib, task.x_test, task.y_test)
        net = supernet.extract(arch)
        picks.append({"limit_ms": limit, "arch": space.to_str(arch), "predicted_accuracy": best.score,
                      "table_latency_ms": best.measurement.metrics["latency_ms"],
                      "measured_latency_ms": measure_latency(net, task.spec.input_shape, threads=1,
                                                             repeats=args.repeats).median_ms,
                      "test_accuracy": test, "params": nm.count_params(net), "search_seconds": search_seconds})
        log.info("pick %s", picks[-1])
    return {"sampled": [{"arch": space.to_str(a), "val_accuracy": v, "table_latency_ms": t}
                        for a, v, t in zip(archs, accs, latencies)],
            "predictor_heldout": {"archs": len(archs) - split,
                                  "spearman": float(stats.spearmanr(held, accs[split:]).statistic),
                                  "kendall": float(stats.kendalltau(held, accs[split:]).statistic)},
            "measure_seconds": measure_seconds, "table_seconds": table_seconds, "table_entries": len(table),
            "picks": picks}


def format_tables(record: dict) -> str:
    lines = ["| phase | epochs | CPU s | largest | middle | smallest |", "|---|---|---|---|---|---|"]
    for p in record["phases"]:
        lines.append(f"| {p['phase']} | {p['epochs']:g} | {p['seconds']:.0f} | {100 * p['largest_val_accuracy']:.1f} | "
                     f"{100 * p['middle_val_accuracy']:.1f} | {100 * p['smallest_val_accuracy']:.1f} |")
    lines += ["", "| sub-network | params | latency ms | inherited | fine-tuned | from scratch (mean ± sd) | gap |",
              "|---|---|---|---|---|---|---|"]
    for r in record["subnets"]:
        lines.append(f"| `{r['arch']}` | {r['params']:,} | {r['latency_ms']:.3f} | "
                     f"{100 * r['inherited_test_accuracy']:.1f} | {100 * r['finetuned_test_accuracy']:.1f} | {100 * r['scratch_mean']:.1f} ± "
                     f"{100 * r['scratch_std']:.1f} | {r['gap_points']:+.1f} |")
    s = record["summary"]
    lines.append(f"| **mean** | | | {s['inherited']:.1f} | {s['finetuned']:.1f} | {s['scratch']:.1f} | "
                 f"{s['gap_points']:+.1f} |")
    spec = record["specialisation"]
    h = spec["predictor_heldout"]
    lines += ["", f"Accuracy predictor on {h['archs']} held-out sub-networks: Spearman {h['spearman']:.3f}, "
              f"Kendall {h['kendall']:.3f}", "",
              "| latency limit ms | pick | predicted | test (inherited) | table ms | measured ms |",
              "|---|---|---|---|---|---|"]
    for p in spec["picks"]:
        if p["arch"] is None:
            lines.append(f"| {p['limit_ms']:.3f} | none met the limit | | | | |")
            continue
        lines.append(f"| {p['limit_ms']:.3f} | `{p['arch']}` | {100 * p['predicted_accuracy']:.1f} | "
                     f"{100 * p['test_accuracy']:.1f} | {p['table_latency_ms']:.3f} | {p['measured_latency_ms']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    task = nm.TASKS.create("mnist1d", seed=0)
    space = ElasticSpace(**args.space)
    with torch_threads(1):
        supernet, phases = train_supernet(space, task, args)
        archs = spread_by_size(space, task.spec, args.subnets, args.seed, args.size_pool)
        subnets = compare_with_scratch(supernet, space, task, archs, args)
        special = specialisation(supernet, space, task, args)
    summary = {key: float(100 * np.mean([r[f"{key}_test_accuracy"] if key != "scratch" else r["scratch_mean"]
                                          for r in subnets])) for key in ("inherited", "finetuned", "scratch")}
    summary["gap_points"] = float(np.mean([r["gap_points"] for r in subnets]))
    summary["shrinking_seconds"] = float(sum(p["seconds"] for p in phases))
    record = {"command": "python benchmarks/once_for_all.py" + (" --quick" if args.quick else ""),
              "settings": {k: v for k, v in vars(args).items() if k not in ("out", "quick")},
              "space": repr(space), "task": "mnist1d (seed 0 split)", "threads": 1,
              "load_average": list(os.getloadavg()), "phases": phases, "subnets": subnets, "summary": summary,
              "specialisation": special}
    record["wall_seconds"] = round(time.perf_counter() - started, 1)
    record["table"] = format_tables(record)
    print(record["table"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    from naslib_mini.viz import plot_once_for_all
    ax = plot_once_for_all(record)
    ax.figure.savefig(out.with_suffix(".png"), dpi=120, bbox_inches="tight")
    return record


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    main(sys.argv[1:])
    sys.exit(0)
