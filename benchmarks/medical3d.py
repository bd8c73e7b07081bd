"""A searched 3D network against a hand-designed 3D ResNet-style baseline, on lesions3d or MedMNIST-3D.

For each seed, random search over the ``chain-3d`` space (3x3x3, dilated and separable
convolutions, pooling, the attention gate, multi-scale fusion) scores candidates by
validation accuracy with the training estimator; the best is retrained on training +
validation and evaluated once on the test split, like the baseline: a small residual
network in the same space, in the spirit of the 3D ResNets of MedMNIST v2 (a 3x3x3
convolution at 4 channels, then 8 and 16 channels with skips, halving the grid twice).
The baseline is of similar cost to the searched networks: on lesions3d (16^3 volumes)
it has 12,415 parameters and 9.9 MFLOPs, against 12,472 parameters and 10.6 MFLOPs on
average for the networks the recorded run found (within 1% and 7%; the residual
baseline used before, 8 and 16 channels at full resolution, had 3.1x their FLOPs). Both report
test accuracy and ROC AUC (one-vs-rest for several classes, MedMNIST's definition), and
the two are compared paired over the same test volumes (``naslib_mini.comparison``:
exact McNemar over example-runs). For reference, the MedMNIST v2 paper reports ResNet-18
+ 3D at AUC 0.996 and ACC 0.907 on OrganMNIST3D (Yang et al. 2023, Table 3), after 100
epochs on a GPU; the budgets here are minutes on a CPU.

Usage:
    python benchmarks/medical3d.py                       # lesions3d, offline (the README's table)
    python benchmarks/medical3d.py --task medmnist3d --dataset organmnist3d --root ~/.medmnist
    python benchmarks/medical3d.py --quick               # smoke test: tiny volumes, one seed
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

import naslib_mini as nm
from naslib_mini.tasks.medmnist import MEDMNIST3D

#: The hand-designed baseline: a small 3D residual network written in the chain-3d space, of the searched
#: networks' cost (12,415 params, 9.9 MFLOPs on a 16^3 volume; they average 12,472 and 10.6M).
BASELINE = "conv3x3-4-s1-series|conv3x3-8-s2-skip|conv3x3-16-s1-skip|conv3x3-16-s2-skip"
RESULTS = Path(__file__).resolve().parent / "results"
#: MedMNIST v2, Table 3: ResNet-18 + 3D on OrganMNIST3D.
PAPER = {"organmnist3d": {"model": "ResNet-18 + 3D", "auc": 0.996, "acc": 0.907}}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("lesions3d", "medmnist3d"), default="lesions3d")
    parser.add_argument("--dataset", choices=list(MEDMNIST3D), default="organmnist3d",
                        help="with --task medmnist3d: which dataset (default: organmnist3d)")
    parser.add_argument("--root", type=Path, default=None,
                        help="with --task medmnist3d: folder of the .npz files (default: $NASLIB_MINI_MEDMNIST "
                             "or ~/.medmnist)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--search-epochs", type=float, default=3)
    parser.add_argument("--final-epochs", type=float, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--trial-timeout", type=float, default=60.0,
                        help="seconds after which a search trial is stopped and recorded as failed (default: 60)")
    parser.add_argument("--quick", action="store_true", help="tiny volumes, one seed, two trials, one epoch")
    parser.add_argument("--out", type=Path, default=None, help="JSON file (default: benchmarks/results/...)")
    args = parser.parse_args(argv)
    for name in ("seeds", "trials"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.quick:
        args.seeds, args.trials, args.search_epochs, args.final_epochs = 1, 2, 1, 1
    if args.out is None:
        name = "lesions3d" if args.task == "lesions3d" else args.dataset
        args.out = RESULTS / f"medical3d_{name}{'_quick' if args.quick else ''}.json"
    return args


def make_task(args: argparse.Namespace, seed: int) -> nm.Task:
    if args.task == "medmnist3d":
        return nm.TASKS.create("medmnist3d", seed=seed, dataset=args.dataset, root=args.root)
    small = {"num_samples": 60, "num_test": 30, "size": 8} if args.quick else {}
    return nm.TASKS.create("lesions3d", seed=seed, **small)


def main(argv=None) -> dict:
    args = parse_args(argv)
    space = nm.SPACES.create("chain-3d")
    rows = {"searched": [], "baseline": []}
    errors = {"searched": [], "baseline": []}
    started = time.perf_counter()
    for seed in range(args.seeds):
        task = make_task(args, seed)
        search = nm.TrainingConfig(epochs=args.search_epochs, threads=args.threads, seed=seed,
                                   timeout_seconds=args.trial_timeout)
        final = nm.TrainingConfig(epochs=args.final_epochs, threads=args.threads, seed=seed)
        history = nm.run(nm.STRATEGIES.create("random", space=space, seed=seed),
                         nm.TrainingEstimator(task, space, search), nm.Budget(trials=args.trials))
        best = history.best()
        for name, arch in (("searched", best.arch), ("baseline", space.from_str(BASELINE))):
            result = nm.train_final(task, space, arch, final, latency_repeats=5)
            rows[name].append({"seed": seed, "arch": space.to_str(arch), "test_accuracy": result.test_accuracy,
                               "test_auc": result.test_auc, "params": result.params, "flops": result.flops,
                               **({"val_accuracy": best.score, "search_seconds": history.total_cost,
                                   "failed_trials": sum(not t.ok for t in history)}
                                  if name == "searched" else {})})
            errors[name].append(result.test_errors)
    paired = nm.compare_errors(errors["searched"], errors["baseline"], examples=len(task.y_test))
    summary = {name: {"test_accuracy": statistics.mean(r["test_accuracy"] for r in rows[name]),
                      "test_auc": statistics.mean(r["test_auc"] for r in rows[name]),
                      "flops": statistics.mean(r["flops"] for r in rows[name])} for name in rows}
    result = {"task": args.task, "dataset": args.dataset if args.task == "medmnist3d" else None,
              "seeds": args.seeds, "trials": args.trials, "search_epochs": args.search_epochs,
              "final_epochs": args.final_epochs, "threads": args.threads, "trial_timeout": args.trial_timeout,
              "baseline_arch": BASELINE,
              "test_volumes": len(task.y_test), "rows": rows, "summary": summary,
              "paired": {"only_searched_right": paired.only_a_right, "only_baseline_right": paired.only_b_right,
                         "accuracy_difference": paired.accuracy_difference, "p_value": paired.p_value},
              "paper": PAPER.get(args.dataset) if args.task == "medmnist3d" else None,
              "wall_seconds": time.perf_counter() - started, "torch": torch.__version__}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.task}{' ' + args.dataset if args.task == 'medmnist3d' else ''}: random search, {args.trials} "
          f"trials x {args.search_epochs} epochs, final {args.final_epochs} epochs, {args.seeds} seed(s), "
          f"{len(task.y_test)} test volumes")
    print(f"{'network':<10}{'seed':>5}{'test acc':>10}{'test AUC':>10}{'params':>8}{'MFLOPs':>8}  arch")
    for name in rows:
        for r in rows[name]:
            print(f"{name:<10}{r['seed']:>5}{r['test_accuracy']:>10.3f}{r['test_auc']:>10.3f}{r['params']:>8}"
                  f"{r['flops'] / 1e6:>8.1f}  {r['arch']}")
    for name, s in summary.items():
        print(f"mean {name:<10} test acc {s['test_accuracy']:.3f}  test AUC {s['test_auc']:.3f}")
    print(f"paired over test volumes: searched right alone {paired.only_a_right}, baseline right alone "
          f"{paired.only_b_right}, exact McNemar p = {paired.p_value:.3g}")
    if result["paper"]:
        p = result["paper"]
        print(f"MedMNIST v2 paper, {p['model']}: AUC {p['auc']}, ACC {p['acc']} (100 epochs, GPU)")
    return result


if __name__ == "__main__":
    main()
