"""The main job, ``python -m naslib_mini search``: search, retrain the best, export it.

Builds the task, space, strategy and estimator from their registries (``--estimator``:
training every candidate, or the shared weights of one SPOS supernet),
runs the ask/tell loop with a journal (so ``--resume`` continues a killed run), on
``--workers`` local Dask workers or a running ``--scheduler``'s,
retrains the best architecture on train+validation, reports its test accuracy,
parameters, FLOPs and CPU latency, and writes the journal, weights, architecture
JSON, a checked ONNX export and a plot into ``--out``. ``--dataset`` and ``--data-root``
pick the MedMNIST v2 3D dataset and the folder of its ``.npz`` files for ``--task
medmnist3d`` (``make_task``). Detection tasks (``--task digit-scenes``) go to
``detection_search``, which scores detectors by validation COCO AP. Options, checks of
``--out``/``--resume`` and printing live here; the work is library calls.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from naslib_mini.cli.arguments import non_negative_int, positive_int
from naslib_mini.cli.paths import check_output_dir
from naslib_mini.estimators import ESTIMATORS
from naslib_mini.estimators.final import train_final
from naslib_mini.estimators.training import TrainingConfig
from naslib_mini.export import export_onnx
from naslib_mini.loop import Budget, run
from naslib_mini.one_shot import METHODS
from naslib_mini.progress import ProgressBar
from naslib_mini.spaces import SPACES
from naslib_mini.strategies import STRATEGIES
from naslib_mini.tasks import TASKS
from naslib_mini.tasks.digit_scenes import DetectionTask
from naslib_mini.tasks.medmnist import MEDMNIST3D, MEDMNIST_ENV
from naslib_mini.tasks.ucr import UCR_DATASETS

__all__ = ["add_arguments", "main", "make_task"]

log = logging.getLogger(__name__)

#: Options that must match when a run is resumed.
RUN_OPTIONS = ("task", "space", "strategy", "estimator", "epochs", "seed", "dataset")

#: How a trial can be scored from the command line, and what a journal written before the
#: option existed used.
ESTIMATOR_CHOICES = ("training", "supernet")

#: Methods that train their own supernet instead of asking and telling: ``cli/one_shot_search.py`` runs them.
ONE_SHOT = METHODS.names() + ["enas"]
DEFAULT_ESTIMATOR = "training"
#: Tasks that hold several datasets: the ones ``--dataset`` may name, and the one used when it is not given.
DATASET_TASKS = {"medmnist3d": (tuple(MEDMNIST3D), "organmnist3d"), "ucr": (tuple(UCR_DATASETS), "GunPoint")}
#: Tasks whose files the user supplies: ``--data-root`` applies to these only.
DATA_ROOT_TASKS = ("medmnist3d",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m naslib_mini search``."""
    parser.add_argument("--task", default="digits", choices=[n for n in TASKS.names() if n != "tensors"],
                        help="task to search on (default: digits)")
    parser.add_argument("--space", default="chain-small", choices=SPACES.names(),
                        help="search space (default: chain-small)")
    parser.add_argument("--strategy", default="random", choices=STRATEGIES.names() + ONE_SHOT + ["spos"],
                        help="search strategy, a one-shot method (darts, gdas: space nb201; enas), or spos "
                             "(regularized evolution over one SPOS supernet, as Guo et al. search) (default: random)")
    parser.add_argument("--estimator", default=DEFAULT_ESTIMATOR, choices=ESTIMATOR_CHOICES,
                        help="how a trial is scored: train the candidate for --epochs (training, the default) or "
                             "look it up in one weight-sharing supernet trained once for --epochs by single-path "
                             "uniform sampling (supernet: SPOS; its training is charged to the first trial)")
    parser.add_argument("--trials", type=positive_int, default=24, help="number of trials (default: 24)")
    parser.add_argument("--epochs", type=positive_int, default=8,
                        help="training epochs per trial and for the final training (default: 8)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the split, search and training (default: 0)")
    parser.add_argument("--threads", type=positive_int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--trial-timeout", type=float, default=120.0,
                        help="seconds after which a trial is stopped and recorded as failed (default: 120)")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="trials evaluated at once; more than 1 starts a local Dask cluster of that many "
                             "single-threaded worker processes on 127.0.0.1 (default: 1, in this process)")
    parser.add_argument("--scheduler", type=scheduler_address, default=None,
                        help="address of a running Dask scheduler (tcp://host:port) to evaluate on, keeping "
                             "--workers trials in flight (default: none)")
    parser.add_argument("--out", type=Path, default=Path("runs/search"), help="output directory (default: runs/search)")
    parser.add_argument("--resume", action="store_true", help="continue the search journaled in --out")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--verbose", action="store_true", help="log what the library does")
    parser.add_argument("--order", type=int, choices=(1, 2), default=1,
                        help="with --strategy darts: 1 (first order) or 2 (unrolled, second order) (default: 1)")
    parser.add_argument("--dataset", choices=[name for names, _ in DATASET_TASKS.values() for name in names],
                        default=None,
                        help="with --task medmnist3d: which MedMNIST v2 3D dataset (default: organmnist3d); with "
                             "--task ucr: which UCR/UEA dataset (default: GunPoint)")
    parser.add_argument("--data-root", type=Path, default=None,
                        help=f"with --task medmnist3d: folder holding <dataset>.npz (default: ${MEDMNIST_ENV}, "
                             "else ~/.medmnist); naslib_mini never downloads it")


def make_task(args: argparse.Namespace):
    """The task of ``--task``, with ``--dataset`` for the tasks of several datasets and ``--data-root`` for user files.

    Sets ``args.dataset`` to the dataset used (``None`` for tasks without one), so it is saved and checked
    on ``--resume`` like the other run options.

    Raises:
        ValueError: ``--dataset`` given for a task of one dataset or naming another task's dataset,
            ``--data-root`` given for a task without user files, or naming something that is not a directory.
        DataNotFound: The dataset's file is not in the folder (a ``FileNotFoundError``; the message
            says where to get it and where to put it).
    """
    if args.data_root is not None and args.task not in DATA_ROOT_TASKS:
        raise ValueError(f"--data-root applies to --task {' or '.join(DATA_ROOT_TASKS)} only, not --task {args.task}")
    if args.task not in DATASET_TASKS:
        if args.dataset is not None:
            raise ValueError(f"--dataset applies to --task {' or '.join(DATASET_TASKS)} only, not --task {args.task}")
        return TASKS.create(args.task, seed=args.seed)
    names, default = DATASET_TASKS[args.task]
    if args.dataset is not None and args.dataset not in names:
        raise ValueError(f"--dataset {args.dataset} is not a dataset of --task {args.task}; valid choices: "
                         f"{', '.join(names)}")
    args.dataset = args.dataset or default
    if args.task not in DATA_ROOT_TASKS:
        return TASKS.create(args.task, seed=args.seed, dataset=args.dataset)
    if args.data_root is not None and args.data_root.exists() and not args.data_root.is_dir():
        raise ValueError(f"--data-root {args.data_root} is not a directory; give the folder that holds the "
                         f"MedMNIST .npz files")
    return TASKS.create(args.task, seed=args.seed, dataset=args.dataset, root=args.data_root)


def scheduler_address(text: str) -> str:
    """An argparse type for ``--scheduler``: a Dask scheduler address such as ``tcp://127.0.0.1:8786``."""
    if "://" not in text:
        raise argparse.ArgumentTypeError(f"invalid address {text!r}: expected a Dask scheduler address such as "
                                         "tcp://127.0.0.1:8786")
    return text


def check_out(args: argparse.Namespace) -> Path:
    """Check ``--out`` and ``--resume`` before any work; returns the journal's path.

    Raises:
        ValueError: ``--out`` cannot be a directory, its journal is not a file, or
            ``--resume`` finds nothing to resume (no directory, no or an empty journal).
        FileExistsError: ``--out`` holds a search and ``--resume`` was not given.
    """
    out = check_output_dir(args.out, "--out")
    journal = out / "journal.jsonl"
    if journal.exists() and not journal.is_file():
        raise ValueError(f"--out {out}: {journal} is not a file; the journal must be a file (remove it or "
                         "choose another --out)")
    held = journal.is_file() and journal.read_text(encoding="utf-8").strip() != ""
    if args.resume and not held:
        what = (f"--out {out} does not exist" if not out.exists()
                else f"{journal} is empty" if journal.exists() else f"{out} holds no journal.jsonl")
        raise ValueError(f"--resume: nothing to resume: {what}; run without --resume to start a new search there")
    if held and not args.resume:
        raise FileExistsError(f"{out} already holds a search; pass --resume to continue it or choose another --out")
    return journal


def write_config(args: argparse.Namespace) -> None:
    """Write the run's options into ``--out``, or check they match the run being resumed."""
    options = {name: getattr(args, name) for name in RUN_OPTIONS}
    config_path = args.out / "config.json"
    if args.resume and config_path.exists():
        saved = json.loads(config_path.read_text())
        saved.setdefault("estimator", DEFAULT_ESTIMATOR)  # written before --estimator existed
        saved.setdefault("dataset", DATASET_TASKS["medmnist3d"][1] if saved.get("task") == "medmnist3d"
                         else None)  # written before --dataset existed
        for name, value in options.items():
            if saved.get(name) != value:
                raise ValueError(f"--{name} {value} does not match the search in {args.out} "
                                 f"(it used --{name} {saved.get(name)})")
    args.out.mkdir(parents=True, exist_ok=True)
    config_path.write_text(json.dumps(options, indent=2) + "\n")


def run_search(args: argparse.Namespace, strategy, estimator, journal: Path):
    """Run the search of ``args`` with a progress bar and workers; returns the history, its best trial and the
    number of failed trials (the best is ``None``, and stderr says so, when no trial completed)."""
    if (args.workers > 1 or args.scheduler) and not args.verbose:
        import distributed  # noqa: F401  (it sets its loggers to INFO when imported)

        logging.getLogger("distributed").setLevel(logging.WARNING)
    with ProgressBar(total=args.trials, disable=args.no_progress, desc=f"{args.strategy} on {args.task}") as bar:
        history = run(strategy, estimator, Budget(trials=args.trials), journal=journal,
                      resume=args.resume, callbacks=[bar], workers=args.workers, scheduler=args.scheduler)
    best = history.best()
    failed = sum(1 for trial in history if not trial.ok)
    if best is None:
        print(f"no trial completed ({failed} failed); see {journal}", file=sys.stderr)
    return history, best, failed


def main(args: argparse.Namespace) -> int:
    """Search, retrain the best and write the outputs; returns the exit status."""
    if args.strategy in ONE_SHOT:  # one-shot methods: their own run, the same outputs
        from naslib_mini.cli import one_shot_search
        return one_shot_search.main(args)
    journal = check_out(args)
    task = make_task(args)
    if isinstance(task, DetectionTask):  # boxes, not classes (digit-scenes): search a detector's backbone
        from naslib_mini.cli import detection_search
        return detection_search.main(args, task, journal)
    space = SPACES.create(args.space)
    if args.strategy == "spos":  # SPOS: evolution over the shared weights of one supernet (Guo et al. 2020)
        args.estimator = "supernet"
    strategy = STRATEGIES.create("rea" if args.strategy == "spos" else args.strategy, space=space, seed=args.seed)
    config = TrainingConfig(epochs=args.epochs, seed=args.seed, threads=args.threads,
                            timeout_seconds=args.trial_timeout)
    estimator = ESTIMATORS.create(args.estimator, task=task, space=space, config=config)
    write_config(args)

    history, best, failed = run_search(args, strategy, estimator, journal)
    if best is None:
        return 1
    final = train_final(task, space, best.arch, config)
    arch_text = space.to_str(best.arch)
    write_outputs(args.out, history, space, best, final, task.spec.input_shape)
    on = f"{args.task} {args.dataset}" if args.dataset else args.task
    print(f"searched {len(history)} trials ({failed} failed) with {args.strategy} on {on}, "
          f"space {args.space}, estimator {args.estimator} ({history.total_cost:.1f} s charged)")
    print(f"best architecture: {arch_text}")
    print(f"validation accuracy (search): {best.score:.4f}")
    print(f"test accuracy (retrained on train+validation): {final.test_accuracy:.4f}")
    if final.test_auc is not None:  # tasks that report ROC AUC (the medical ones)
        print(f"validation ROC AUC (search): {best.measurement.metrics.get('val_auc', float('nan')):.4f}  "
              f"test ROC AUC (retrained): {final.test_auc:.4f}")
    print(f"params: {final.params:,}  FLOPs: {final.flops:,}  CPU latency: {final.latency_ms:.2f} ms")
    print(f"outputs in {args.out}/: journal.jsonl, best_arch.json, best_model.pt, best_model.onnx, search.png")
    return 0


def write_outputs(out: Path, history, space, best, final, input_shape) -> None:
    """Weights, architecture JSON, checked ONNX export and the search plot."""
    write_search_outputs(out, history, space, best, final.model, input_shape, "validation accuracy", lambda difference: {
        "val_accuracy": best.score,
        "test_accuracy": final.test_accuracy,
        "params": final.params,
        "flops": final.flops,
        "latency_ms": final.latency_ms,
        "onnx_max_abs_difference": difference,
        **({"test_auc": final.test_auc} if final.test_auc is not None else {}),
    })


def write_search_outputs(out: Path, history, space, best, model, input_shape, score_name: str, results) -> None:
    """``best_model.pt``, a checked ONNX export, ``best_arch.json`` (the architecture and ``results(onnx
    difference)``) and ``search.png`` (``score_name`` per trial) into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from naslib_mini.viz import plot_history

    torch.save(model.state_dict(), out / "best_model.pt")
    difference = export_onnx(model, input_shape, out / "best_model.onnx")
    (out / "best_arch.json").write_text(json.dumps({
        "space": space.name, "arch": space.to_str(best.arch), "trial": best.number, **results(difference),
    }, indent=2) + "\n")
    figure, ax = plt.subplots(figsize=(7, 4))
    plot_history(history, ax, title=f"search on {space.name}: {score_name} per trial")
    figure.tight_layout()
    figure.savefig(out / "search.png", dpi=120)
    plt.close(figure)
