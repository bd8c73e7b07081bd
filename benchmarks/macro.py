"""NAS-Bench-Macro measured: every strategy under one query budget, and the builder against the table.

Three measurements, written to ``benchmarks/results/macro_reproduction.json``:

1. ``python -m naslib_mini reproduce macro``'s table, with the mean of the three runs
   as the search signal and again with one run drawn per query (``--noisy``);
2. the parameter count of the one builder's network for every one of the 6,561 keys
   (CIFAR-10 shape, built on torch's meta device so no weights are made) against the
   table's ``params``;
3. FLOPs (``naslib_mini.count_flops``) of a sample against twice the table's
   ``flops`` (the benchmark counts a multiply-add once, torch twice).

Usage:
    python benchmarks/macro.py            # 100 runs x 100 queries per strategy, all keys checked
    python benchmarks/macro.py --quick    # 3 runs x 30 queries, every 50th key
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import torch

import naslib_mini as nm
from naslib_mini.reproductions.macro import DEFAULT_QUERIES, DEFAULT_RUNS, MacroProtocol, format_macro_table, \
    reproduce_macro

RESULTS = Path(__file__).resolve().parent / "results" / "macro_reproduction.json"
CIFAR10 = nm.TaskSpec("cifar10", (3, 32, 32), 10)


def cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs x 30 queries, every 50th key checked")
    parser.add_argument("--runs", type=int, default=None, help=f"searches per strategy (default {DEFAULT_RUNS})")
    parser.add_argument("--queries", type=int, default=None, help=f"queries per search (default {DEFAULT_QUERIES})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument("--flops-sample", type=int, default=None, help="keys whose FLOPs are counted (default 60)")
    parser.add_argument("--out", default=str(RESULTS), help="JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else DEFAULT_RUNS)
    args.queries = args.queries or (30 if args.quick else DEFAULT_QUERIES)
    args.flops_sample = args.flops_sample or (3 if args.quick else 60)
    return args


def check_params(step: int) -> dict:
    """Parameters of the builder's network for every ``step``-th key against the table."""
    space, table = nm.SPACES.create("macro"), nm.load_nas_bench_macro()
    keys = list(table.index[::step])
    started = time.perf_counter()
    with torch.device("meta"):
        counts = [nm.count_params(nm.build_network(space, space.from_str(k), CIFAR10)) for k in keys]
    wrong = [k for k, c in zip(keys, counts) if c != int(table.loc[k, "params"])]
    return {"checked": len(keys), "mismatches": len(wrong), "first_mismatches": wrong[:10],
            "seconds": round(time.perf_counter() - started, 1)}


def check_flops(count: int, seed: int) -> dict:
    """``count_flops`` of ``count`` random keys against twice the table's multiply-adds."""
    space, table = nm.SPACES.create("macro"), nm.load_nas_bench_macro()
    rng = nm.default_rng(nm.derive_seed(seed, "flops-sample"))
    keys = [space.to_str(space.sample(rng)) for _ in range(count)]
    wrong = [k for k in keys
             if nm.count_flops(nm.build_network(space, space.from_str(k), CIFAR10), CIFAR10.input_shape)
             != 2 * int(table.loc[k, "flops"])]
    return {"checked": len(keys), "mismatches": len(wrong), "first_mismatches": wrong[:10],
            "rule": "count_flops == 2 * table flops (multiply-adds of convolutions and the classifier)"}


def main(argv: list[str]) -> dict:
    args = parse_args(argv)
    torch.set_num_threads(1)
    started, cpu = time.perf_counter(), cpu_seconds()
    estimator = nm.ESTIMATORS.create("macro")
    record: dict = {"command": "python benchmarks/macro.py" + (" --quick" if args.quick else ""),
                    "runs": args.runs, "queries": args.queries, "seed": args.seed,
                    "table_optimum": estimator.best_test_accuracy(), "table_mean": estimator.mean_test_accuracy(),
                    "results": {}, "tables": {}}
    for signal, noisy in (("mean", False), ("noisy", True)):
        begun = time.perf_counter()
        result = reproduce_macro(("all",), args.runs, args.queries, args.seed, noisy, args.processes)
        table = format_macro_table(result, MacroProtocol(args.queries, noisy))
        print(table)
        print(f"wall time: {time.perf_counter() - begun:.1f} s\n")
        record["results"][signal], record["tables"][signal] = result, table
    record["params_check"] = check_params(50 if args.quick else 1)
    record["flops_check"] = check_flops(args.flops_sample, args.seed)
    record["cpu_seconds"] = round(cpu_seconds() - cpu, 1)
    record["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(f"parameters: {record['params_check']['checked']} keys, {record['params_check']['mismatches']} "
          f"mismatches; FLOPs: {record['flops_check']['checked']} keys, {record['flops_check']['mismatches']} "
          f"mismatches; CPU {record['cpu_seconds']} s, wall {record['wall_seconds']} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    return record


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
