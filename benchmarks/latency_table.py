"""Latency measured and predicted: PyTorch, onnxruntime and the per-operation lookup table, per space.

For each space, 200 distinct architectures (seeded samples) are built by the one builder
for the task shape the course uses with that space, and for each:

* params, FLOPs and the peak memory of a forward pass (``naslib_mini.hardware``);
* latency at batch 1 with one thread, measured with PyTorch and with onnxruntime (the
  median of 30 samples after 5 warm-up passes, the interquartile range recorded);
* the latency the lookup table predicts: the sum of its operations' latencies, each
  timed alone at the shape it occurs in (``LatencyTable``), without running the network.

Then the Spearman and Kendall correlations and the median absolute percentage error of
the prediction against PyTorch's measurement, beside FLOPs and params as predictors, and
the measurement's own repeatability: the first 50 networks measured again, later, by the
same protocol (its Spearman with the first measurement is the ceiling any predictor can
reach on this machine at this load). Written to ``benchmarks/results/latency_table.json``.

Usage:
    python benchmarks/latency_table.py            # 4 spaces x 200 architectures
    python benchmarks/latency_table.py --quick    # 2 spaces x 6 architectures, 5 samples per latency
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import stats

import naslib_mini as nm
from naslib_mini.hardware import LatencyTable, measure_latency, peak_memory_bytes

RESULTS = Path(__file__).resolve().parent / "results" / "latency_table.json"

#: Space name -> (space arguments, task shape, what the course uses it for).
SETUPS = {
    "chain": ({}, nm.TaskSpec("mnist1d", (1, 40), 10), "the chain space on MNIST-1D"),
    "nb201-1d": ({"cells_per_stage": 1}, nm.TaskSpec("mnist1d", (1, 40), 10),
                 "NB201 cells, the ground-truth recipe's network (width 16, one cell per stage)"),
    "nb201": ({}, nm.TaskSpec("cifar10", (3, 32, 32), 10), "NB201 cells, the benchmark's CIFAR network"),
    "nas-bench-macro": ({}, nm.TaskSpec("cifar10", (3, 32, 32), 10), "NAS-Bench-Macro's CIFAR network"),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 spaces x 6 architectures, 5 samples per latency")
    parser.add_argument("--spaces", nargs="+", choices=list(SETUPS), default=None)
    parser.add_argument("--archs", type=int, default=None, help="architectures per space (default 200)")
    parser.add_argument("--repeats", type=int, default=None, help="timed samples per latency (default 30)")
    parser.add_argument("--remeasured", type=int, default=None, help="networks measured twice (default 50)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS), help="JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    args.spaces = args.spaces or (["chain", "nb201-1d"] if args.quick else list(SETUPS))
    args.archs = args.archs or (6 if args.quick else 200)
    args.repeats = args.repeats or (5 if args.quick else 30)
    args.remeasured = min(args.remeasured or (3 if args.quick else 50), args.archs)
    if args.archs < 3:
        parser.error(f"--archs must be at least 3 (a rank correlation needs them), got {args.archs}")
    return args


def distinct_archs(space: nm.SearchSpace, count: int, seed: int) -> list:
    """``count`` distinct architectures sampled with ``seed``."""
    rng, archs, seen = nm.default_rng(seed), [], set()
    for _ in range(100 * count):
        arch = space.sample(rng)
        key = space.to_str(arch)
        if key not in seen:
            seen.add(key)
            archs.append(arch)
        if len(archs) == count:
            return archs
    raise RuntimeError(f"found only {len(archs)} distinct architectures in {100 * count} samples")


def agreement(predicted: list[float], measured: list[float]) -> dict:
    predicted, measured = np.asarray(predicted), np.asarray(measured)
    return {"spearman": float(stats.spearmanr(predicted, measured).statistic),
            "kendall": float(stats.kendalltau(predicted, measured).statistic)}


def measure_space(name: str, args: argparse.Namespace) -> dict:
    """Measure, predict and compare ``args.archs`` architectures of one space."""
    kwargs, spec, about = SETUPS[name]
    space = nm.SPACES.create(name.replace("-1d", ""), **kwargs)
    archs = distinct_archs(space, args.archs, nm.derive_seed(args.seed, name))
    table = LatencyTable(repeats=args.repeats)
    rows, started = [], time.perf_counter()
    for arch in archs:
        net = nm.build_network(space, arch, spec)
        torch_latency = measure_latency(net, spec.input_shape, repeats=args.repeats)
        onnx_latency = measure_latency(net, spec.input_shape, runtime="onnxruntime", repeats=args.repeats)
        table.add(net, spec.input_shape)
        rows.append({"arch": space.to_str(arch), "params": nm.count_params(net),
                     "flops": nm.count_flops(net, spec.input_shape),
                     "peak_memory_mb": peak_memory_bytes(net, spec.input_shape) / 2**20,
                     **torch_latency.metrics(), **onnx_latency.metrics(),
                     "predicted_latency_ms": table.predict(net, spec.input_shape)})
    for row, arch in zip(rows[:args.remeasured], archs):
        row["latency_ms_again"] = measure_latency(nm.build_network(space, arch, spec), spec.input_shape,
                                                  repeats=args.repeats).median_ms
    measured = [r["latency_ms"] for r in rows]
    predicted = [r["predicted_latency_ms"] for r in rows]
    errors = np.abs(np.asarray(predicted) - measured) / np.asarray(measured)
    twice = rows[:args.remeasured]
    return {"space": name, "about": about, "input_shape": list(spec.input_shape), "archs": len(rows),
            "table_entries": len(table), "seconds": round(time.perf_counter() - started, 1),
            "lookup_table": {**agreement(predicted, measured), "median_abs_pct_error": float(100 * np.median(errors)),
                             "mean_predicted_over_measured": float(np.mean(np.asarray(predicted) / measured))},
            "flops": agreement([r["flops"] for r in rows], measured),
            "params": agreement([r["params"] for r in rows], measured),
            "onnxruntime": agreement([r["onnx_latency_ms"] for r in rows], measured),
            "repeatability": agreement([r["latency_ms_again"] for r in twice], [r["latency_ms"] for r in twice]),
            "latency_ms_range": [min(measured), max(measured)],
            "median_iqr_over_median": float(np.median([r["latency_iqr_ms"] / r["latency_ms"] for r in rows])),
            "rows": rows}


def format_table(results: list[dict]) -> str:
    lines = ["| space | archs | latency range (ms) | LUT Spearman | LUT Kendall | LUT median error | "
             "FLOPs Spearman | params Spearman | onnxruntime Spearman | remeasured Spearman |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        low, high = r["latency_ms_range"]
        lines.append(f"| {r['space']} | {r['archs']} | {low:.2f}-{high:.2f} | {r['lookup_table']['spearman']:.3f} | "
                     f"{r['lookup_table']['kendall']:.3f} | {r['lookup_table']['median_abs_pct_error']:.1f}% | "
                     f"{r['flops']['spearman']:.3f} | {r['params']['spearman']:.3f} | "
                     f"{r['onnxruntime']['spearman']:.3f} | {r['repeatability']['spearman']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> dict:
    args = parse_args(argv)
    results = [measure_space(name, args) for name in args.spaces]
    table = format_table(results)
    print(table)
    record = {"command": "python benchmarks/latency_table.py" + (" --quick" if args.quick else ""),
              "seed": args.seed, "repeats": args.repeats, "threads": 1, "batch_size": 1,
              "load_average": list(os.getloadavg()), "table": table, "spaces": results}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    return record


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
