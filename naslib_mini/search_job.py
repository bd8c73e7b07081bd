"""The main job, ``python -m naslib_mini search``: search, retrain the best, export it.

Builds the task, space, strategy and training estimator from their registries,
runs the ask/tell loop with a journal (so ``--resume`` continues a killed run),
retrains the best architecture on train+validation, reports its test accuracy,
parameters, FLOPs and CPU latency, and writes the journal, weights, architecture
JSON, a checked ONNX export and a plot into ``--out``.
"""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from naslib_mini.estimators import ESTIMATORS
from naslib_mini.estimators.final import train_final
from naslib_mini.estimators.training import TrainingConfig
from naslib_mini.export import export_onnx
from naslib_mini.loop import Budget, run
from naslib_mini.progress import ProgressBar
from naslib_mini.spaces import SPACES
from naslib_mini.strategies import STRATEGIES
from naslib_mini.tasks import TASKS

__all__ = ["add_arguments", "main"]

log = logging.getLogger(__name__)

#: Options that must match when a run is resumed.
RUN_OPTIONS = ("task", "space", "strategy", "epochs", "seed")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected a positive integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected a positive integer")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", default="digits", choices=[n for n in TASKS.names() if n != "tensors"],
                        help="task to search on (default: digits)")
    parser.add_argument("--space", default="chain-small", choices=SPACES.names(),
                        help="search space (default: chain-small)")
    parser.add_argument("--strategy", default="random", choices=STRATEGIES.names(),
                        help="search strategy (default: random)")
    parser.add_argument("--trials", type=positive_int, default=24, help="number of trials (default: 24)")
    parser.add_argument("--epochs", type=positive_int, default=8,
                        help="training epochs per trial and for the final training (default: 8)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, search and training (default: 0)")
    parser.add_argument("--threads", type=positive_int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--trial-timeout", type=float, default=120.0,
                        help="seconds after which a trial is stopped and recorded as failed (default: 120)")
    parser.add_argument("--out", type=Path, default=Path("runs/search"), help="output directory (default: runs/search)")
    parser.add_argument("--resume", action="store_true", help="continue the search journaled in --out")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--verbose", action="store_true", help="log what the library does")


def check_resume(args: argparse.Namespace, config_path: Path) -> None:
    """Write the run's options, or check they match the run being resumed."""
    options = {name: getattr(args, name) for name in RUN_OPTIONS}
    journal = args.out / "journal.jsonl"
    if config_path.exists() and journal.exists():
        saved = json.loads(config_path.read_text())
        if not args.resume:
            raise FileExistsError(f"{args.out} already holds a search; pass --resume to continue it "
                                  "or choose another --out")
        for name, value in options.items():
            if saved.get(name) != value:
                raise ValueError(f"--{name} {value} does not match the search in {args.out} "
                                 f"(it used --{name} {saved.get(name)})")
    args.out.mkdir(parents=True, exist_ok=True)
    config_path.write_text(json.dumps(options, indent=2) + "\n")


def main(args: argparse.Namespace) -> int:
    task = TASKS.create(args.task, seed=args.seed)
    space = SPACES.create(args.space)
    strategy = STRATEGIES.create(args.strategy, space=space, seed=args.seed)
    config = TrainingConfig(epochs=args.epochs, seed=args.seed, threads=args.threads,
                            timeout_seconds=args.trial_timeout)
    estimator = ESTIMATORS.create("training", task=task, space=space, config=config)
    check_resume(args, args.out / "config.json")

    with ProgressBar(total=args.trials, disable=args.no_progress, desc=f"{args.strategy} on {args.task}") as bar:
        history = run(strategy, estimator, Budget(trials=args.trials), journal=args.out / "journal.jsonl",
                      resume=args.resume, callbacks=[bar])
    best = history.best()
    failed = sum(1 for trial in history if not trial.ok)
    if best is None:
        print(f"no trial completed ({failed} failed); see {args.out / 'journal.jsonl'}")
        return 1

    final = train_final(task, space, best.arch, config)
    arch_text = space.to_str(best.arch)
    write_outputs(args.out, history, space, best, final, task.spec.input_shape)
    print(f"searched {len(history)} trials ({failed} failed) with {args.strategy} on {args.task}, "
          f"space {args.space}")
    print(f"best architecture: {arch_text}")
    print(f"validation accuracy (search): {best.score:.4f}")
    print(f"test accuracy (retrained on train+validation): {final.test_accuracy:.4f}")
    print(f"params: {final.params:,}  FLOPs: {final.flops:,}  CPU latency: {final.latency_ms:.2f} ms")
    print(f"outputs in {args.out}/: journal.jsonl, best_arch.json, best_model.pt, best_model.onnx, search.png")
    return 0


def write_outputs(out: Path, history, space, best, final, input_shape) -> None:
    """Weights, architecture JSON, checked ONNX export and the search plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from naslib_mini.viz import plot_history

    torch.save(final.model.state_dict(), out / "best_model.pt")
    difference = export_onnx(final.model, input_shape, out / "best_model.onnx")
    (out / "best_arch.json").write_text(json.dumps({
        "space": space.name,
        "arch": space.to_str(best.arch),
        "trial": best.number,
        "val_accuracy": best.score,
        "test_accuracy": final.test_accuracy,
        "params": final.params,
        "flops": final.flops,
        "latency_ms": final.latency_ms,
        "onnx_max_abs_difference": difference,
    }, indent=2) + "\n")
    figure, ax = plt.subplots(figsize=(7, 4))
    plot_history(history, ax, title=f"search on {space.name}: validation accuracy per trial")
    figure.tight_layout()
    figure.savefig(out / "search.png", dpi=120)
    plt.close(figure)
