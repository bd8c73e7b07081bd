"""How much slower is the training estimator than a hand-written PyTorch loop?

Both train the same network (``build_network``, same initial weights), on the
same digits data in the same order, with the same optimizer, schedule, batch
size, epochs and threads, then measure validation accuracy. The estimator also
counts FLOPs and parameters and checks the loss and the clock every batch.
Runs alternate (estimator, loop, estimator, ...) so machine load hits both
alike; the table reports medians. Equal validation accuracies confirm that the
two did the same work.

Usage:
    python benchmarks/estimator_overhead.py --epochs 5 --repeats 5 --threads 1
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

import naslib_mini as nm

ARCH = "conv3x3-32-s1-series|sepconv3x3-32-s2-skip|conv3x3-64-s1-series"


def hand_written(space, arch, task, config: nm.TrainingConfig, epochs: int) -> float:
    """The plain loop a user would write; returns validation accuracy."""
    key = space.to_str(arch)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(nm.derive_seed(config.seed, key))
        model = nm.build_network(space, arch, task.spec)
    order = torch.Generator().manual_seed(nm.derive_seed(config.seed, key, "data"))
    x, y = task.x_train, task.y_train
    steps = len(x) // config.batch_size
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum,
                                weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=order)
        for i in range(steps):
            idx = perm[i * config.batch_size:(i + 1) * config.batch_size]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
    model.eval()
    with torch.no_grad():
        return int((model(task.x_val).argmax(1) == task.y_val).sum()) / len(task.y_val)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--arch", default=ARCH, help="a chain-space architecture string")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    task = nm.TASKS.create("digits", seed=0)
    space = nm.SPACES.create("chain")
    arch = space.from_str(args.arch)
    config = nm.TrainingConfig(epochs=args.epochs, batch_size=args.batch_size, optimizer="sgd",
                               schedule="cosine", threads=args.threads, seed=0)

    def run_estimator() -> float:
        return nm.TrainingEstimator(task, space, config).estimate(arch).score

    def run_hand_written() -> float:
        return hand_written(space, arch, task, config, args.epochs)

    runs = {"estimator": run_estimator, "hand-written": run_hand_written}
    for run in runs.values():  # warm-up: first calls pay for torch's lazy initialisation
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    accuracy: dict[str, float] = {}
    for _ in range(args.repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            accuracy[name] = run()
            times[name].append(time.perf_counter() - started)

    print(f"digits, arch {args.arch}")
    print(f"epochs {args.epochs}, batch size {args.batch_size}, threads {args.threads}, "
          f"repeats {args.repeats} (interleaved), torch {torch.__version__}")
    print(f"{'loop':<14}{'median s':>10}{'min s':>9}{'max s':>9}{'val acc':>9}")
    for name in runs:
        t = times[name]
        print(f"{name:<14}{statistics.median(t):>10.3f}{min(t):>9.3f}{max(t):>9.3f}{accuracy[name]:>9.4f}")
    ratio = statistics.median(times["estimator"]) / statistics.median(times["hand-written"])
    print(f"ratio estimator / hand-written (medians): {ratio:.3f}  (target <= 1.05)")
    if accuracy["estimator"] != accuracy["hand-written"]:
        print("warning: validation accuracies differ, so the two loops did not do identical work")


if __name__ == "__main__":
    main()
