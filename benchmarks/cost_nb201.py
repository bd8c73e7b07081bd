"""FLOPs and parameters of every NAS-Bench-201 cell as naslib_mini's builder makes its network.

Builds the CIFAR-shaped NAS-Bench-201 network (C=16, N=5 cells per stage, 3x32x32
input, 10 classes: the network of the benchmark's ``cifar10-valid`` runs) with the
library's one builder and counts its FLOPs per image (``naslib_mini.count_flops``:
``torch.utils.flop_counter``, a multiply-add is two FLOPs; convolutions and the
classifier, not batch norm, pooling or additions) and its trainable parameters.

Every edge of a NAS-Bench-201 cell maps C channels to C channels at the same
resolution, so where an operation sits in the cell changes neither count: only the
multiset of the six operations does (210 multisets of 5 operations). The script
counts one network per multiset (about a minute), gives every cell its multiset's
counts, and checks that claim by counting ``--check`` randomly drawn cells on their
own network (all must match exactly). Counting every cell directly would take about
an hour of one busy core (0.23 s a cell, measured), which is why it does not.

It then compares the counts with the benchmark's own: the table's parameter counts
(``c10v_params_mb``, millions) for all 15,625 cells, and the FLOPs (``flop``, millions
of multiply-adds) and params of the official NATS files shipped in
``benchmark_data/nasbench201/nats_official_sample``.

Writes ``--data`` (gzip CSV ``index,flops,params``, no name or time stamp in the gzip
header) and ``--out`` (JSON). ``--quick`` counts 12 multisets and checks 5 cells,
writing scratch outputs only.

Usage:
    nice -n 10 python benchmarks/cost_nb201.py                 # all cells (about 2 CPU minutes)
    python benchmarks/cost_nb201.py --quick --out /tmp/q.json --data /tmp/q.csv.gz
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import time
from pathlib import Path

import numpy as np
import torch

import naslib_mini as nm
from naslib_mini.data import COST_NB201_FILE, SHIPPED_DATA
from naslib_mini.estimators.routines import torch_threads
from naslib_mini.nats_convert import load_release_file

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: The CIFAR-10-shaped task spec of NAS-Bench-201's network (3x32x32 images, 10 classes).
CIFAR_SPEC = nm.TaskSpec("cifar10", (3, 32, 32), 10)
OFFICIAL = SHIPPED_DATA / "nasbench201" / "nats_official_sample"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, default=200, help="cells counted on their own network")
    parser.add_argument("--seed", type=int, default=0, help="seed of the drawn check cells")
    parser.add_argument("--data", type=Path, default=SHIPPED_DATA / COST_NB201_FILE)
    parser.add_argument("--out", type=Path, default=RESULTS / "cost_nb201.json")
    parser.add_argument("--quick", action="store_true", help="12 multisets, 5 checked cells (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.check = 5
    if args.check < 1:
        parser.error(f"--check must be at least 1, got {args.check}")
    return args


def count(space: nm.NB201Space, arch: nm.NB201Arch) -> tuple[int, int]:
    """(FLOPs per image, trainable parameters) of ``arch``'s CIFAR-shaped network."""
    net = nm.build_network(space, arch, CIFAR_SPEC)
    return nm.count_flops(net, CIFAR_SPEC.input_shape), nm.count_params(net)


def official_sample(space: nm.NB201Space, counts: dict[int, tuple[int, int]]) -> list[dict]:
    """Our counts beside the NATS files' ``flop`` (M multiply-adds) and ``params`` (M) of cifar10-valid."""
    rows = []
    for path in sorted(OFFICIAL.glob("tss_0*.pickle.pbz2")):
        index = int(path.name.split("_")[1].split(".")[0])
        record = next(r for (dataset, _), r in load_release_file(path)["200"]["all_results"].items()
                      if dataset == "cifar10-valid")
        flops, params = counts.get(index) or count(space, space.from_index(index))
        rows.append({"index": index, "arch": space.to_str(space.from_index(index)),
                     "official_mflop": float(record["flop"]), "ours_mmac": flops / 2e6,
                     "official_params_m": float(record["params"]), "ours_params_m": params / 1e6})
    return rows


def write_data(path: Path, flops: np.ndarray, params: np.ndarray) -> None:
    text = io.StringIO()
    text.write("index,flops,params\n")
    for i, (f, p) in enumerate(zip(flops, params)):
        text.write(f"{i},{int(f)},{int(p)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode())


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    space = nm.NB201Space()
    size = space.size()
    archs = [space.from_index(i) for i in range(size)]
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, arch in enumerate(archs):
        groups.setdefault(tuple(sorted(arch.ops)), []).append(index)
    keys = sorted(groups)[:12] if args.quick else sorted(groups)
    started = time.process_time()
    flops, params = np.full(size, -1, dtype=np.int64), np.full(size, -1, dtype=np.int64)
    with torch_threads(1), torch.no_grad():
        for key in keys:
            f, p = count(space, archs[groups[key][0]])
            flops[groups[key]], params[groups[key]] = f, p
        counted = np.flatnonzero(flops >= 0)
        rng = np.random.default_rng(args.seed)
        checked = sorted(rng.choice(counted, min(args.check, len(counted)), replace=False).tolist())
        mismatches = []
        for index in checked:
            f, p = count(space, archs[index])
            if (f, p) != (flops[index], params[index]):
                mismatches.append({"index": index, "direct": [f, p], "by_multiset": [int(flops[index]),
                                                                                    int(params[index])]})
        sample = official_sample(space, {int(i): (int(flops[i]), int(params[i])) for i in counted})
    seconds = time.process_time() - started
    table = nm.load_nb201()
    official_params = table["c10v_params_mb"].to_numpy()[counted] * 1e6
    diff = params[counted] - official_params
    result = {
        "cells": int(len(counted)), "multisets": len(keys), "checked_directly": len(checked),
        "check_mismatches": mismatches, "cpu_seconds": round(seconds, 1), "torch": torch.__version__,
        "flops_range": [int(flops[counted].min()), int(flops[counted].max())],
        "params_range": [int(params[counted].min()), int(params[counted].max())],
        "params_vs_table": {
            "column": "c10v_params_mb (millions, cifar10-valid network)",
            "exact_matches": int(np.sum(np.abs(diff) < 0.5)),
            "max_abs_difference": float(np.abs(diff).max()),
            "median_ours_minus_table": float(np.median(diff)),
            # ours - table, rounded to a parameter, for the cells where they differ: one 1x1 convolution
            # (ReLU-conv-BN on 16, 32 and 64 channels in 5 cells each) is 28,000, one 3x3 convolution 243,040
            "differences": {str(int(k)): int(v) for k, v in zip(*np.unique(np.round(diff[np.abs(diff) >= 0.5]),
                                                                        return_counts=True))},
            "differing_cells_first": [int(i) for i in counted[np.abs(diff) >= 0.5][:10]],
        },
        "official_nats_sample": sample,
        "data": None if args.quick else str(args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT)
                                            else args.data),
    }
    if not args.quick or args.data != SHIPPED_DATA / COST_NB201_FILE:
        if len(counted) == size:
            write_data(args.data, flops, params)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{len(counted)} cells from {len(keys)} multisets; {len(checked)} checked directly, "
          f"{len(mismatches)} mismatches; {seconds:.0f} CPU s")
    print(f"params vs the table's c10v_params_mb: {result['params_vs_table']['exact_matches']} of {len(counted)} "
          f"exact; ours - table where they differ: {result['params_vs_table']['differences']} (difference: cells)")
    print(f"{'index':>6} {'official MFLOP':>15} {'ours M mult-add':>16} {'official Mparams':>17} {'ours Mparams':>13}")
    for row in sample:
        print(f"{row['index']:>6} {row['official_mflop']:>15.3f} {row['ours_mmac']:>16.3f} "
              f"{row['official_params_m']:>17.6f} {row['ours_params_m']:>13.6f}")
    return result


if __name__ == "__main__":
    main()
