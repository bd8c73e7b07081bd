"""MNIST-1D on fresh signals: the MNIST-1D benchmark's final networks, tested on many more signals.

Retrains the searched and the baseline network of a ``mnist1d_search.py`` report (``--report``)
exactly as its final runs did (same architecture, recipe, seeds and thread count, so on the
CPU the same weights: each run's official test accuracy is checked against the report's) and
scores every run on ``--signals`` signals that the MNIST-1D generator (Greydanus & Kobak 2024)
makes with another seed (``--data-seed``; the official data use 42). It writes the per-run
accuracies on the official and the fresh signals, the misclassified fresh signals and
McNemar's exact test over the pairs (``naslib_mini.comparison``) to ``--out``, with paths
relative to the repository. Why and what it found: ``benchmarks/README.md``.

Options: ``--report`` (default ``benchmarks/results/mnist1d.json``), ``--signals`` (default
10,000), ``--data-seed`` (default 43), ``--out``, ``--quick`` (1 run of 1 epoch on 1,000 signals).

Usage:
    python benchmarks/mnist1d_fresh_test.py                  # -> benchmarks/results/mnist1d_fresh.json
    python benchmarks/mnist1d_fresh_test.py --quick          # 1 run of 1 epoch, 1,000 signals (seconds)
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

import naslib_mini as nm
from naslib_mini.estimators.routines import misclassified, predict, torch_threads

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def repository_path(path: str | Path) -> str:
    """``path`` relative to the repository root (as a POSIX path) when it lies inside it, else as given,
    so a results file names no directory of the machine it ran on."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def fresh_signals(count: int, data_seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` MNIST-1D signals from generator seed ``data_seed``: every split of that dataset."""
    task = nm.TASKS.create("mnist1d", num_samples=count, data_seed=data_seed)
    return (torch.cat([task.x_train, task.x_val, task.x_test]), torch.cat([task.y_train, task.y_val, task.y_test]))


def score(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, threads: int) -> tuple[float, list[int]]:
    """Accuracy of ``model`` on ``(x, y)`` and the indices it gets wrong."""
    with torch_threads(threads):
        errors = misclassified(predict(model, x), y)
    return (len(y) - len(errors)) / len(y), list(errors)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", default=str(RESULTS / "mnist1d.json"),
                        help="the mnist1d_search.py results JSON whose networks are retrained")
    parser.add_argument("--signals", type=int, default=10_000, help="fresh signals (default 10,000; "
                                                                    "a multiple of 10 keeps classes balanced)")
    parser.add_argument("--data-seed", type=int, default=43, help="generator seed of the fresh signals "
                                                                  "(default 43; the official data use 42)")
    parser.add_argument("--out", help="results JSON (default benchmarks/results/mnist1d_fresh.json; "
                                      "with --quick a file in the temporary directory)")
    parser.add_argument("--quick", action="store_true", help="1 run of 1 epoch on 1,000 signals (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.signals = min(args.signals, 1_000)
    if args.signals < 10:
        parser.error(f"--signals must be at least 10, got {args.signals}")
    if args.data_seed == 42:
        parser.error("--data-seed 42 regenerates the official data the networks were trained on; choose another")
    if args.out is None:
        args.out = (Path(tempfile.gettempdir()) / "mnist1d-fresh-quick.json" if args.quick
                    else RESULTS / "mnist1d_fresh.json")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    report = json.loads(Path(args.report).read_text())
    space = nm.ChainSpace(**report["search"]["space"])
    recipe = nm.TrainingConfig(**report["recipe"])
    runs, epochs = (1, 1.0) if args.quick else (report["runs"], recipe.epochs)
    task = nm.TASKS.create("mnist1d", seed=report["seed"])
    x_fresh, y_fresh = fresh_signals(args.signals, args.data_seed)
    print(f"{runs} runs of each network ({epochs:g} epochs, {recipe.threads} threads); "
          f"{len(x_fresh)} fresh signals from generator seed {args.data_seed}", flush=True)

    networks = {"searched": ("", report["arch"]), "baseline": ("baseline_", report["baseline_arch"])}
    rows: dict[str, dict] = {name: {"arch": arch, "official": [], "reported": [], "fresh": [], "fresh_errors": []}
                             for name, (_, arch) in networks.items()}
    for run in range(runs):
        config = nm.TrainingConfig(**{**report["recipe"], "seed": report["seed"] + run, "epochs": epochs})
        for name, (prefix, arch) in networks.items():
            result = nm.train_final(task, space, space.from_str(arch), config, latency_repeats=1)
            accuracy, errors = score(result.model, x_fresh, y_fresh, recipe.threads)
            row = rows[name]
            row["official"].append(result.test_accuracy)
            row["reported"].append(report[f"{prefix}test_accuracies"][run])
            row["fresh"].append(accuracy)
            row["fresh_errors"].append(errors)
            print(f"  {name:8s} run {run + 1}: official test {result.test_accuracy:.4f} (report "
                  f"{row['reported'][-1]:.4f})  fresh {accuracy:.4f} ({len(errors)} of {len(y_fresh)} wrong)  "
                  f"{result.seconds:6.1f}s", flush=True)
    for row in rows.values():
        row["matches_report"] = row["official"] == row["reported"]
        row["fresh_mean"] = statistics.fmean(row["fresh"])
    paired = nm.compare_errors(rows["searched"]["fresh_errors"], rows["baseline"]["fresh_errors"],
                               examples=len(y_fresh))
    out = {"command": "python benchmarks/mnist1d_fresh_test.py " + " ".join(argv or sys.argv[1:]),
           "report": repository_path(args.report), "quick": args.quick, "signals": len(y_fresh),
           "data_seed": args.data_seed,
           "runs": runs, "epochs": epochs, **rows,
           "paired": {**paired.as_dict(), "a": "searched", "b": "baseline", "test": "McNemar exact, runs pooled"},
           "wall_time_seconds": round(time.perf_counter() - started, 1)}
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")

    print(f"\n{'network':10s} {'official test (runs)':>28s}  {'fresh signals (runs)':>28s}  fresh mean")
    for name, row in rows.items():
        print(f"{name:10s} {' '.join(f'{a:.4f}' for a in row['official']):>28s}  "
              f"{' '.join(f'{a:.4f}' for a in row['fresh']):>28s}  {row['fresh_mean']:.4f}"
              f"{'' if row['matches_report'] else '  (official accuracies differ from the report)'}")
    print(f"paired over {runs} runs of {len(y_fresh)} fresh signals: searched alone right {paired.only_a_right}, "
          f"baseline alone right {paired.only_b_right}, both wrong {paired.both_wrong} "
          f"(McNemar p = {paired.p_value:.3g}); wrote {path}")
    return out


if __name__ == "__main__":
    main()
