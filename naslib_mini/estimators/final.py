"""Final training: retrain the chosen architecture on train + validation, report test accuracy.

The last step of every NAS protocol (Zoph & Le 2017; Liu et al. 2019; the
NAS-Bench-201 ``ori-test`` numbers of Dong & Yang 2020): the search only ever
saw validation scores; the architecture it returns is trained once more, on the
training and validation splits together, and evaluated once on the held-out
test split (and its ROC AUC too, when the task reports it). Uses the training routines
(``estimators/routines.py``). Knows nothing about search.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Hashable

import torch
from torch import nn

from naslib_mini.estimators.auc import roc_auc
from naslib_mini.estimators.routines import (TrainingConfig, accuracy_and_loss, evaluate, fit, misclassified,
                                             predict, seeded, torch_threads)
from naslib_mini.estimators.training import resolve
from naslib_mini.networks import build_network, count_flops, count_params, measure_latency
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import Task

__all__ = ["FinalResult", "train_final"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinalResult:
    """The outcome of final training.

    Attributes:
        model: The trained network, in eval mode, on the training device.
        test_accuracy: Accuracy on the test split, a fraction in [0, 1].
        test_loss: Mean cross-entropy on the test split.
        test_errors: Indices of the test examples the network misclassifies, ascending
            (what a paired comparison of two networks needs: ``naslib_mini.comparison``).
        val_accuracy: Validation accuracy when the validation split was kept out
            (``merge_validation=False``); ``None`` when it was trained on.
        params: Trainable parameters.
        flops: FLOPs of one forward pass on one input.
        latency_ms: Median milliseconds of one forward pass of batch 1 on this machine.
        seconds: Wall-clock seconds of the whole retraining and evaluation.
        epochs: Epochs trained.
        test_auc: ROC AUC on the test split (one-vs-rest for several classes) when the task
            reports it (``TaskSpec.report_auc``), else ``None``.
    """

    model: nn.Module
    test_accuracy: float
    test_loss: float
    test_errors: tuple[int, ...]
    val_accuracy: float | None
    params: int
    flops: int
    latency_ms: float
    seconds: float
    epochs: float
    test_auc: float | None = None

    def metrics(self) -> dict[str, float]:
        """The numbers (no model) under the fixed metric names, e.g. for a results table."""
        values = {"test_accuracy": self.test_accuracy, "test_loss": self.test_loss,
                  "params": float(self.params), "flops": float(self.flops),
                  "latency_ms": self.latency_ms, "seconds": self.seconds, "epochs": self.epochs}
        if self.val_accuracy is not None:
            values["val_accuracy"] = self.val_accuracy
        if self.test_auc is not None:
            values["test_auc"] = self.test_auc
        return values


def train_final(task: Task | str, space: SearchSpace | str, arch: Hashable,
                config: TrainingConfig | None = None, *, merge_validation: bool = True,
                task_seed: int = 0, latency_repeats: int = 20, **overrides: Any) -> FinalResult:
    """Retrain ``arch`` from scratch and report its test accuracy.

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name) ``arch`` belongs to.
        arch: The architecture to train.
        config: How to train (usually more epochs than during search).
        merge_validation: Train on train + validation (the standard protocol); with
            ``False`` train on the training split only and also report validation accuracy.
        task_seed: Split seed used when ``task`` is a name.
        latency_repeats: Timed forward passes for ``latency_ms``.
        **overrides: ``TrainingConfig`` fields to change (``epochs=30``).

    Returns:
        A ``FinalResult``; the same seed and thread count give the same model and numbers
        (except the measured ``seconds`` and ``latency_ms``).

    Raises:
        CandidateFailed: The loss became NaN or infinite, or training ran past
            ``config.timeout_seconds``.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> arch = space.sample(nm.default_rng(0))
        >>> result = train_final("digits", space, arch, epochs=1, threads=1)
        >>> 0 <= result.test_accuracy <= 1, result.val_accuracy
        (True, None)
    """
    task, space, config = resolve(task, space, config, task_seed, overrides)
    started = time.perf_counter()
    key = space.to_str(arch)
    device = torch.device(config.device)
    x_train, y_train = task.x_train, task.y_train
    if merge_validation:
        x_train, y_train = torch.cat([x_train, task.x_val]), torch.cat([y_train, task.y_val])
    deadline = None if config.timeout_seconds is None else started + config.timeout_seconds
    with torch_threads(config.threads):
        with seeded(derive_seed(config.seed, key, "final")):
            model = build_network(space, arch, task.spec)
        params, flops = count_params(model), count_flops(model, task.spec.input_shape)
        model.to(device)
        fit(model, x_train.to(device), y_train.to(device), config, epochs=config.epochs,
            seed=derive_seed(config.seed, key, "final-data"), deadline=deadline)
        y_test = task.y_test.to(device)
        logits = predict(model, task.x_test.to(device), config.eval_batch_size)
        test_accuracy, test_loss = accuracy_and_loss(logits, y_test)
        test_errors = misclassified(logits, y_test)
        test_auc = roc_auc(logits, y_test) if task.spec.report_auc else None
        val_accuracy = None
        if not merge_validation:
            val_accuracy, _ = evaluate(model, task.x_val.to(device), task.y_val.to(device),
                                       config.eval_batch_size)
        latency = measure_latency(model, task.spec.input_shape, repeats=latency_repeats, device=device)
    seconds = time.perf_counter() - started
    log.info("final training of %s: test accuracy %.4f in %.1fs", key, test_accuracy, seconds)
    return FinalResult(model.eval(), test_accuracy, test_loss, test_errors, val_accuracy, params, flops,
                       latency, seconds, float(config.epochs), test_auc)
