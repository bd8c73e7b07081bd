"""Do architectures differ on lesions3d? Two small 3D networks trained at several difficulties.

The lesions3d task (``naslib_mini/tasks/lesions.py``) classifies lesion shapes in textured
volumes; its ``difficulty`` lowers the lesions' contrast. A task on which every network
scores alike cannot rank architectures, so this script trains a one-layer network (one
3x3x3 convolution after the stem, full resolution) and a three-layer one (a stride-2
convolution, a residual convolution, multi-scale fusion with dilations 1, 2, 4) with the
training estimator at each difficulty and reports validation accuracy and ROC AUC. The
default difficulty of the task is chosen from this table.

Usage:
    python benchmarks/lesions3d_difficulty.py              # the table in the README (minutes)
    python benchmarks/lesions3d_difficulty.py --quick      # smoke test: tiny volumes, one epoch
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

import naslib_mini as nm
from naslib_mini.tasks.lesions import lesions3d

NETWORKS = {"one conv": "conv3x3-4-s1-series",
            "three layers + fusion": "conv3x3-8-s2-series|conv3x3-16-s1-skip|msfusion_d124-16-s1-series"}
RESULTS = Path(__file__).resolve().parent / "results" / "lesions3d_difficulty.json"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--difficulties", type=float, nargs="+", default=[0.0, 0.3, 0.6])
    parser.add_argument("--epochs", type=float, default=6)
    parser.add_argument("--samples", type=int, default=1200, help="volumes in the training + validation pool")
    parser.add_argument("--size", type=int, default=16, help="voxels per side")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="tiny volumes and one epoch: checks the script runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.difficulties, args.epochs, args.samples, args.size = [0.3], 1, 60, 8
    if any(not 0 <= d <= 1 for d in args.difficulties):
        parser.error(f"--difficulties must lie in [0, 1], got {args.difficulties}")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    space = nm.SPACES.create("chain-3d")
    config = nm.TrainingConfig(epochs=args.epochs, batch_size=32, lr=0.05, threads=args.threads, seed=0)
    rows = []
    for difficulty in args.difficulties:
        task = lesions3d(seed=0, num_samples=args.samples, size=args.size, difficulty=difficulty)
        estimator = nm.TrainingEstimator(task, space, config)
        for name, arch in NETWORKS.items():
            started = time.perf_counter()
            m = estimator.estimate(space.from_str(arch))
            rows.append({"difficulty": difficulty, "network": name, "arch": arch,
                         "val_accuracy": m.metrics["val_accuracy"], "val_auc": m.metrics["val_auc"],
                         "params": int(m.metrics["params"]), "flops": int(m.metrics["flops"]),
                         "seconds": time.perf_counter() - started})
    result = {"task": "lesions3d", "size": args.size, "samples": args.samples, "epochs": args.epochs,
              "batch_size": 32, "lr": 0.05, "threads": args.threads, "torch": torch.__version__, "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"lesions3d {args.size}^3, {args.samples} volumes (80% train, 20% validation), {args.epochs} epochs, "
          f"SGD lr 0.05 batch 32, {args.threads} thread(s)")
    print(f"{'difficulty':>10}  {'network':<24}{'val acc':>8}{'val AUC':>9}{'params':>8}{'MFLOPs':>8}{'s':>7}")
    for r in rows:
        print(f"{r['difficulty']:>10.1f}  {r['network']:<24}{r['val_accuracy']:>8.3f}{r['val_auc']:>9.3f}"
              f"{r['params']:>8}{r['flops'] / 1e6:>8.1f}{r['seconds']:>7.1f}")
    return result


if __name__ == "__main__":
    main()
