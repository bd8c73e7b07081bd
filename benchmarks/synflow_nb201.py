"""Synflow on every NAS-Bench-201 cell, and how well it ranks the table's accuracies.

Builds the CIFAR-shaped NAS-Bench-201 network of each of the 15,625 cells with the
library's one builder (C=16, N=5 cells per stage, 3x32x32 input, 10 classes: the
benchmark's network; synflow needs no data, so no CIFAR image is read), initialises
it under ``derive_seed(--seed, arch_str)`` and computes synflow
(``naslib_mini.proxies.saliency.synflow``, the zero-cost estimator's code path). It
then measures Spearman's rho of synflow, of the table's parameter counts and of our
builder's FLOPs (counted once per multiset of operations: where an operation sits
does not change them) against the table's 200-epoch test accuracy on CIFAR-10, CIFAR-100
and ImageNet16-120, beside the values Abdelfattah et al. (ICLR 2021, Table 1)
published: 0.74, 0.76, 0.75. Their code correlates CIFAR-10 with the test accuracy
of the ``cifar10-valid`` run of NAS-Bench-201 v1.0 (trained on the training half
only), so that target is reported too.

Resumable: every finished cell is appended (and flushed) to ``--progress``, a
plain CSV; a rerun skips the cells listed there, so the full set can be computed in
several sittings (``--max-cells`` stops a sitting after that many new cells). When
every cell of the run is done it writes ``--data`` (gzip CSV ``index,synflow,flops``,
no name or time stamp in the gzip header) and the results JSON ``--out``; before
that, ``--out`` holds the correlations over the cells done so far. Run it
single-threaded and niced beside other work.

Options: ``--sample N`` (a random sample of N cells, seeded by ``--sample-seed``,
instead of all), ``--seed`` (weights, default 0), ``--threads`` (default 1),
``--max-cells``, ``--progress``, ``--data``, ``--out``, ``--quick`` (12 sampled cells,
scratch outputs only: seconds).

Usage:
    nice -n 19 python benchmarks/synflow_nb201.py            # all cells: 18 CPU minutes, resumable
    python benchmarks/synflow_nb201.py --sample 500          # a check on 500 random cells (a minute or two)
    python benchmarks/synflow_nb201.py --quick --out /tmp/q.json --progress /tmp/q.csv --data /tmp/q.csv.gz
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr

import naslib_mini as nm
from naslib_mini.data import SYNFLOW_NB201_FILE, SHIPPED_DATA
from naslib_mini.estimators.routines import torch_threads
from naslib_mini.estimators.zero_cost import proxy_of_architecture

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: The CIFAR-10-shaped task spec of NAS-Bench-201's network (3x32x32 images, 10 classes).
CIFAR_SPEC = nm.TaskSpec("cifar10", (3, 32, 32), 10)
#: (name, table accuracy column, table params column, published synflow rho).
TARGETS = (("cifar10", "c10_test_200", "c10v_params_mb", 0.74),
           ("cifar100", "c100_test_200", "c100_params_mb", 0.76),
           ("imagenet16-120", "in16_test_200", "in16_params_mb", 0.75),
           ("cifar10-valid (v1.0, the reference code's target)", "c10v_test_200_nb201v10", "c10v_params_mb", 0.74))


def repository_path(path: str | Path) -> str:
    """``path`` relative to the repository root when it lies inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def progress_path(path: Path) -> str:
    """``path`` as the results record it: under ``<cache_dir>`` or the repository, never this machine's home."""
    try:
        return "<cache_dir>/" + Path(path).resolve().relative_to(nm.cache_dir().resolve()).as_posix()
    except ValueError:
        return repository_path(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="a random sample of this many cells")
    parser.add_argument("--sample-seed", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights (with each arch string)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-cells", type=int, default=None, help="stop this sitting after so many new cells")
    parser.add_argument("--progress", type=Path, default=None,
                        help="resumable CSV of finished cells (default: in the cache directory)")
    parser.add_argument("--data", type=Path, default=SHIPPED_DATA / SYNFLOW_NB201_FILE)
    parser.add_argument("--out", type=Path, default=RESULTS / "synflow_nb201.json")
    parser.add_argument("--quick", action="store_true", help="12 sampled cells (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sample = 12
    size = nm.NB201Space().size()
    if args.sample is not None and not 3 <= args.sample <= size:
        parser.error(f"--sample must lie in 3..{size}, got {args.sample}")
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.max_cells is not None and args.max_cells < 1:
        parser.error(f"--max-cells must be at least 1, got {args.max_cells}")
    if args.progress is None:
        tag = "all" if args.sample is None else f"sample{args.sample}-{args.sample_seed}"
        args.progress = nm.cache_dir() / f"synflow_nb201_seed{args.seed}_{tag}.csv"
    return args


def cells(args: argparse.Namespace) -> list[int]:
    """Official indices of the cells of this run, in the order they are computed."""
    size = nm.NB201Space().size()
    if args.sample is None:
        return list(range(size))
    return sorted(np.random.default_rng(args.sample_seed).choice(size, args.sample, replace=False).tolist())


def read_progress(path: Path) -> dict[int, tuple[float, float, float]]:
    """{index: (synflow, flops, seconds)} of the cells finished so far (an empty dict if none).

    A last line cut short by a killed run (no final newline) is dropped from the file, so the
    next sitting recomputes that cell.
    """
    if not path.exists():
        return {}
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]
        path.write_text(text)
    return {int(row["index"]): (float(row["synflow"]), float(row["flops"]), float(row["seconds"]))
            for row in csv.DictReader(io.StringIO(text))}


def compute(args: argparse.Namespace, todo: list[int], done: dict) -> None:
    """Compute synflow and FLOPs of the cells in ``todo`` not in ``done``, appending each to the progress file."""
    space = nm.NB201Space()
    inputs, labels = torch.zeros(1, *CIFAR_SPEC.input_shape), torch.zeros(1, dtype=torch.long)  # synflow: shape only
    missing = [i for i in todo if i not in done]
    flops_of_ops: dict[tuple[str, ...], int] = {}
    if args.max_cells is not None:
        missing = missing[:args.max_cells]
    args.progress.parent.mkdir(parents=True, exist_ok=True)
    new_file = not args.progress.exists()
    with args.progress.open("a", newline="") as file, torch_threads(args.threads):
        writer = csv.writer(file)
        if new_file:
            writer.writerow(["index", "synflow", "flops", "seconds"])
        for count, index in enumerate(missing, 1):
            started = time.process_time()
            arch = space.from_index(index)
            value, net = proxy_of_architecture("synflow", space, arch, CIFAR_SPEC, inputs, labels, args.seed)
            ops = tuple(sorted(arch.ops))  # FLOPs count convolutions and the classifier: only the ops matter
            if ops not in flops_of_ops:
                flops_of_ops[ops] = nm.count_flops(net, CIFAR_SPEC.input_shape)
            flops = flops_of_ops[ops]
            seconds = time.process_time() - started
            writer.writerow([index, repr(value), flops, f"{seconds:.4f}"])
            file.flush()
            done[index] = (value, float(flops), seconds)
            if count % 500 == 0:
                print(f"{count}/{len(missing)} new cells, {len(done)} done", file=sys.stderr, flush=True)


def correlations(done: dict, indices: list[int]) -> dict:
    """Spearman's rho of synflow, params and FLOPs with each target over ``indices``."""
    table = nm.load_nb201()
    rows = np.array(indices)
    synflow = np.array([done[i][0] for i in indices])
    flops = np.array([done[i][1] for i in indices])
    result = {}
    for name, accuracy, params, published in TARGETS:
        target = table[accuracy].to_numpy()[rows]
        result[name] = {
            "accuracy_column": accuracy, "published_synflow": published,
            "synflow": round(float(spearmanr(synflow, target).statistic), 4),
            "params": round(float(spearmanr(table[params].to_numpy()[rows], target).statistic), 4),
            "flops": round(float(spearmanr(flops, target).statistic), 4),
        }
    return result


def write_data(path: Path, done: dict, indices: list[int]) -> None:
    """The gzip CSV ``index,synflow,flops`` (no file name or time stamp in the header: reproducible)."""
    text = io.StringIO()
    text.write("index,synflow,flops\n")
    for i in indices:
        text.write(f"{i},{done[i][0]!r},{int(done[i][1])}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode())


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    indices = cells(args)
    done = read_progress(args.progress)
    compute(args, indices, done)
    finished = [i for i in indices if i in done]
    complete = len(finished) == len(indices)
    values = [done[i][0] for i in finished]
    result = {
        "command": " ".join(["python benchmarks/synflow_nb201.py", *(argv if argv is not None else sys.argv[1:])]),
        "network": "NAS-Bench-201, C=16, N=5, input 3x32x32, 10 classes (naslib_mini.build_network)",
        "seed": args.seed, "sample": args.sample, "sample_seed": args.sample_seed if args.sample else None,
        "cells": len(indices), "cells_done": len(finished), "complete": complete,
        "cpu_seconds": round(sum(done[i][2] for i in finished), 1),
        "cpu_seconds_per_cell": round(sum(done[i][2] for i in finished) / max(len(finished), 1), 4),
        "zero_synflow_cells": int(sum(v == 0 for v in values)),
        "spearman": correlations(done, finished) if len(finished) >= 3 else {},
        "data": repository_path(args.data) if complete and args.sample is None else None,
        "progress": progress_path(args.progress),
    }
    if complete and args.sample is None:
        write_data(args.data, done, indices)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["spearman"], indent=2))
    return result


if __name__ == "__main__":
    main()
