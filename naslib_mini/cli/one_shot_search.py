"""``python -m naslib_mini search --strategy darts|gdas|enas``: a one-shot search, then the same outputs as any search.

The gradient-based methods of ``naslib_mini.one_shot`` and ENAS (``naslib_mini.supernet.enas``,
whose controller learns from the shared weights) are not ask/tell strategies, so ``search``
hands them here. For DARTS and GDAS the supernet trains for ``--epochs`` epochs (the weights
with the papers' search settings, ``one_shot.DEFAULT_TRAINING``), each epoch's derived
cell is journaled as a trial, and the search's cell (``one_shot.result``: the last
epoch's) is retrained and exported exactly as ``search`` does for the best trial.
``--trials`` does not apply and ``--resume`` is refused (a supernet's training cannot
be resumed from its journal). Options and printing live here; the work is library calls.
"""
from __future__ import annotations

import argparse
import dataclasses

from naslib_mini import one_shot
from naslib_mini.cli.search import check_out, make_task, write_config, write_outputs
from naslib_mini.estimators.final import train_final
from naslib_mini.estimators.training import TrainingConfig
from naslib_mini.spaces import SPACES
from naslib_mini.supernet import enas
from naslib_mini.supernet.enas import ENASConfig

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Run the one-shot search, retrain its cell and write the outputs; returns the exit status."""
    if args.resume:
        raise ValueError(f"--resume: a {args.strategy} search cannot be resumed (its supernet is not journaled); "
                         "run it again with another --out")
    space = SPACES.create(args.space)
    if args.strategy != "enas":
        one_shot.check_space(space)
    journal = check_out(args)
    task = make_task(args)
    write_config(args)
    if args.strategy == "enas":  # one trial per epoch; the last epoch's derived architecture is the result
        config = ENASConfig(epochs=args.epochs, threads=args.threads)
        history = enas.search(task, space, config, seed=args.seed, journal=journal)
        arch = history.trials[-1].arch
    else:
        options = {"order": args.order} if args.strategy == "darts" else {}
        config = dataclasses.replace(one_shot.DEFAULT_TRAINING, epochs=args.epochs, threads=args.threads)
        history = one_shot.search(args.strategy, task, space, config, seed=args.seed, journal=journal, **options)
        arch = one_shot.result(history)
    chosen = next(t for t in reversed(history.trials) if t.arch == arch)
    final = train_final(task, space, arch, TrainingConfig(epochs=args.epochs, seed=args.seed, threads=args.threads))
    write_outputs(args.out, history, space, chosen, final, task.spec.input_shape)
    name = f"{args.strategy}-{args.order}" if args.strategy == "darts" else args.strategy
    print(f"searched {len(history)} epochs with {name} on {args.task}, space {args.space}")
    print(f"derived cell: {space.to_str(arch)}")
    print(f"validation accuracy with the supernet's weights (search): {chosen.score:.4f}")
    print(f"test accuracy (retrained on train+validation): {final.test_accuracy:.4f}")
    print(f"params: {final.params:,}  FLOPs: {final.flops:,}  CPU latency: {final.latency_ms:.2f} ms")
    print(f"outputs in {args.out}/: journal.jsonl, best_arch.json, best_model.pt, best_model.onnx, search.png")
    return 0
