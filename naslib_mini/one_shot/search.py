"""One-shot search: train the relaxed supernet and record the cell it derives after every epoch as a Trial.

Gradient-based methods (DARTS, GDAS: ``methods.py``) are not ask/tell strategies: the
architecture is a parameter trained with the weights. ``search`` runs one of them on
the NAS-Bench-201 cell supernet (``naslib_mini.supernet.CellSupernet``) through the one
training loop (``routines.fit``): its ``on_batch_start`` hook takes the architecture
step on a validation batch before every weight step, its ``on_epoch_end`` hook records
the epoch. Each epoch becomes one ``Trial`` of an ordinary ``History`` (and journal), so
plots and comparisons treat one-shot methods like every other:

* the candidate is the cell derived from alpha (``relaxation.derive``: argmax over all
  operations, NB201's convention), its budget the epoch, its ``info`` the softmax of
  alpha per edge (6 x 5, edges in NB201's order), the method and, for GDAS, the temperature;
* the score is the derived cell's validation accuracy with the supernet's weights
  (its path's batch norm recalibrated on fixed training batches, as in
  ``estimators/supernet.py``);
* the cost is the epoch's CPU seconds (training, architecture steps, records), so the
  history's total cost is the whole search; ``search_seconds`` holds the running total;
* metrics: ``val_accuracy``, ``val_loss``, ``epoch``, ``search_seconds``,
  ``relaxed_val_accuracy`` (the supernet with the softmax weights of alpha, as the papers
  log it: the gap to ``val_accuracy`` is the discretization gap), ``parameter_free_share``
  of the derived cell and ``eigenvalue``, the dominant
  eigenvalue of the Hessian of the validation loss w.r.t. alpha (Zela et al., ICLR 2020),
  computed on the softmax relaxation for both methods.

With ``early_stop_window`` (DARTS-ES, Zela et al. 2020, Sec. 5) the search stops when
the eigenvalue grows by ``early_stop_ratio`` over a window; ``result`` then returns the
cell of the epoch before the growth. The test split is never seen.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Callable, Hashable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from naslib_mini.estimators.base import CandidateFailed
from naslib_mini.estimators.routines import (TrainingConfig, accuracy_and_loss, fit, make_optimizer, predict, seeded,
                                             torch_threads)
from naslib_mini.estimators.zero_cost import training_batch
from naslib_mini.history import History, Journal
from naslib_mini.one_shot.hypergradient import dominant_eigenvalue
from naslib_mini.one_shot.methods import METHODS, OneShotConfig
from naslib_mini.one_shot.relaxation import ArchParameters, discretize, parameter_free_share, relax
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.spaces.nb201 import NB201Space
from naslib_mini.supernet import CellSupernet
from naslib_mini.tasks.base import TASKS, Task
from naslib_mini.types import Candidate, ConfigurationError, Measurement, Trial, TrialState

__all__ = ["DEFAULT_TRAINING", "check_space", "first_early_stop", "result", "search"]

log = logging.getLogger(__name__)

#: The weights' training in both papers' search phase: SGD with momentum 0.9, lr 0.025 cosine, weight decay 3e-4.
DEFAULT_TRAINING = TrainingConfig(epochs=10, batch_size=64, lr=0.025, weight_decay=3e-4)


class _Batches:
    """Batches of one split, in seeded permutations, endlessly."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, generator: torch.Generator) -> None:
        self.x, self.y, self.size, self.generator = x, y, min(batch_size, len(y)), generator
        self.order, self.position = torch.empty(0, dtype=torch.long), 0

    def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.position + self.size > len(self.order):
            self.order, self.position = torch.randperm(len(self.y), generator=self.generator), 0
        rows = self.order[self.position:self.position + self.size].to(self.x.device)
        self.position += self.size
        return self.x[rows], self.y[rows]


def _learning_rates(config: TrainingConfig, total: int) -> list[float]:
    """The weights' learning rate at every step of ``fit`` (the same optimizer and schedule, on a probe)."""
    probe = nn.Linear(1, 1, bias=False)
    optimizer, scheduler = make_optimizer(probe, config, total)
    rates = []
    for _ in range(total):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradients: changes nothing, keeps the scheduler's order check quiet
        if scheduler is not None:
            scheduler.step()
    return rates


def check_space(space: SearchSpace) -> NB201Space:
    """``space`` if one-shot search can relax it (an ``NB201Space``); else a ``ConfigurationError`` with the fix."""
    if not isinstance(space, NB201Space):
        raise ConfigurationError(f"one-shot search relaxes the NAS-Bench-201 cell, so it needs an NB201Space "
                                 f"(SPACES.create('nb201', ...)), got {getattr(space, 'name', space)!r} "
                                 f"({type(space).__name__}); a subset of it is not supported, since the "
                                 "derived cell may lie outside it")
    return space


def _resolve(task: Task | str, space: SearchSpace | str, task_seed: int) -> tuple[Task, NB201Space]:
    space = check_space(SPACES.create(space) if isinstance(space, str) else space)
    if isinstance(task, str):
        task = TASKS.create(task, seed=task_seed)
    return task, space


def search(method: str | OneShotConfig, task: Task | str, space: SearchSpace | str,
           config: TrainingConfig | None = None, *, seed: int = 0, journal: str | None = None,
           task_seed: int = 0, on_epoch_end: Callable[[int, nn.Module, ArchParameters], None] | None = None,
           **options: Any) -> History:
    """Run a one-shot method for ``config.epochs`` epochs; one Trial per epoch (see the module docstring).

    Args:
        method: ``"darts"`` or ``"gdas"`` (``METHODS``), or a method config (``DartsConfig(order=2)``).
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The NB201 cell space (an ``NB201Space`` or its name).
        config: How the weights are trained (``DEFAULT_TRAINING`` if ``None``); its ``epochs``
            are the search's epochs, its ``seed`` is replaced by ``seed``.
        seed: Seeds the weights, alpha, the batches and the Gumbel samples; same seed, same search.
        journal: Path of a JSON-lines journal to append every epoch's trial to.
        task_seed: Split seed when ``task`` is a name.
        on_epoch_end: Called as ``on_epoch_end(epoch, supernet, arch)`` after each epoch's trial is
            recorded (epochs count from 1), e.g. to score other cells with the shared weights; it may
            change which path the supernet runs (the next architecture step sets it again); its
            batch-norm statistics are restored afterwards, so the search goes on as without it. Its
            time is not charged to the trials' costs.
        **options: The method's options (``order=2``, ``early_stop_window=3``, ...).

    Returns:
        The history, one trial per epoch run; ``result(history)`` is the search's cell.

    Raises:
        ConfigurationError: The space is not the NB201 cell space, or the supernet diverged.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> history = search("darts", "digits", space, nm.TrainingConfig(epochs=2, threads=1), seed=0,
        ...                  eigen_iterations=2)
        >>> len(history), sorted(history.trials[-1].measurement.metrics)[:3]
        (2, ['eigenvalue', 'epoch', 'parameter_free_share'])
        >>> result(history) in space
        True
    """
    if isinstance(method, OneShotConfig):
        if options:
            raise TypeError(f"options {sorted(options)} given with a method config; set them in the config")
        method_config = method
    else:
        method_config = METHODS.create(method, **options)
    config = dataclasses.replace(DEFAULT_TRAINING if config is None else config, seed=seed)
    task, space = _resolve(task, space, task_seed)
    epochs = int(config.epochs)
    if epochs != config.epochs:
        raise ConfigurationError(f"one-shot search runs whole epochs, got epochs={config.epochs!r}")
    device = torch.device(config.device)
    history = History(space)
    log_file = Journal(journal) if journal is not None else None
    if log_file is not None and log_file.exists():
        raise FileExistsError(f"journal {log_file.path} already holds trials; choose another path")

    x_train, y_train = task.x_train.to(device), task.y_train.to(device)
    x_val, y_val = task.x_val.to(device), task.y_val.to(device)
    per_epoch = len(y_train) // min(config.batch_size, len(y_train))
    rates = _learning_rates(config, max(1, epochs * per_epoch))
    generator = torch.Generator().manual_seed(derive_seed(seed, "one-shot samples"))
    val_batches = _Batches(x_val, y_val, config.batch_size, torch.Generator().manual_seed(derive_seed(seed, "val")))
    train_batches = _Batches(x_train, y_train, config.batch_size,
                             torch.Generator().manual_seed(derive_seed(seed, "unroll")))
    n_calibration = min(method_config.calibration_batches * config.batch_size, len(y_train))
    calibration = training_batch(task, n_calibration, derive_seed(seed, "calibration"))[0].to(device)
    eigen_x, eigen_y = x_val[:method_config.eigen_samples], y_val[:method_config.eigen_samples]
    eigen_generator = torch.Generator().manual_seed(derive_seed(seed, "eigenvalue"))
    eigenvalues: list[float] = []
    started = time.process_time()
    last = [started]

    def arch_step(step: int, supernet: nn.Module) -> None:
        method_config.arch_step(supernet, arch, optimizer, val_batches, train_batches, step // per_epoch, epochs,
                                rates[min(step, len(rates) - 1)], generator)

    def record(epoch: int, supernet: nn.Module) -> bool:
        nonlocal started
        cell = arch.derive()
        probs = arch.softmax().detach().cpu().numpy()
        eigenvalue = float("nan")
        if method_config.eigen_iterations:
            def val_loss() -> torch.Tensor:
                relax(supernet, arch.softmax())
                return F.cross_entropy(supernet(eigen_x), eigen_y)
            eigenvalue = dominant_eigenvalue(val_loss, [arch.alpha], method_config.eigen_iterations,
                                             eigen_generator)
            eigenvalues.append(eigenvalue)
        relax(supernet, arch.softmax().detach())
        relaxed_accuracy, _ = accuracy_and_loss(predict(supernet, x_val, config.eval_batch_size), y_val)
        discretize(supernet, cell)
        supernet.recalibrate(calibration, config.batch_size)
        val_accuracy, val_loss_value = accuracy_and_loss(predict(supernet, x_val, config.eval_batch_size), y_val)
        now = time.process_time()
        stop, result_epoch = _early_stop(eigenvalues, method_config)
        metrics = {"val_accuracy": val_accuracy, "val_loss": val_loss_value, "epoch": float(epoch),
                   "search_seconds": now - started, "parameter_free_share": parameter_free_share(cell),
                   "relaxed_val_accuracy": relaxed_accuracy}
        if not np.isnan(eigenvalue):
            metrics["eigenvalue"] = eigenvalue
        info = {"method": method_config.name, "epoch": epoch, "alphas": np.round(probs, 6).tolist(),
                **method_config.info(epoch - 1, epochs)}
        if stop:
            info["early_stop"] = {"result_epoch": result_epoch}
        trial = Trial(epoch - 1, Candidate(cell, float(epoch), info), TrialState.COMPLETE,
                      Measurement(val_accuracy, now - last[0], metrics), cost=now - last[0])
        last[0] = now
        history.append(trial)
        if log_file is not None:
            log_file.write(trial, space)
        log.info("%s epoch %d: %s val_accuracy %.4f eigenvalue %.4g parameter-free %.2f",
                 method_config.name, epoch, cell, val_accuracy, eigenvalue, metrics["parameter_free_share"])
        if stop:
            log.info("DARTS-ES: eigenvalue grew past %.3gx; the result is the cell of epoch %d",
                     method_config.early_stop_ratio, result_epoch)
        if on_epoch_end is not None:  # the caller's work, not the search's: left out of the costs
            buffers = {name: b.clone() for name, b in supernet.named_buffers()}
            training = supernet.training
            on_epoch_end(epoch, supernet, arch)
            for name, b in supernet.named_buffers():  # batch-norm statistics as they were
                b.copy_(buffers[name])
            supernet.train(training)
            spent = time.process_time() - now
            started += spent
            last[0] += spent
        return stop

    with torch_threads(config.threads), seeded(derive_seed(seed, "supernet")):
        supernet = CellSupernet(space, task.spec).to(device)
        arch = ArchParameters(torch.Generator().manual_seed(derive_seed(seed, "alpha"))).to(device)
        optimizer = method_config.arch_optimizer(arch)
        try:
            fit(supernet, x_train, y_train, config, epochs=epochs, seed=derive_seed(seed, "one-shot data"),
                on_epoch_end=record, on_batch_start=arch_step)
        except CandidateFailed as exc:
            raise ConfigurationError(f"the {method_config.name} supernet's training failed: {exc}; "
                                     "lower lr or arch_lr") from exc
    return history


def _early_stop(eigenvalues: list[float], config: OneShotConfig) -> tuple[bool, int | None]:
    """DARTS-ES: whether the mean eigenvalue of the last ``k`` epochs grew by the ratio over the ``k`` before."""
    k = config.early_stop_window
    if k is None or len(eigenvalues) < 2 * k:
        return False, None
    recent, before = np.mean(eigenvalues[-k:]), np.mean(eigenvalues[-2 * k:-k])
    if before > 0 and recent / before > config.early_stop_ratio:
        return True, len(eigenvalues) - k
    return False, None


def first_early_stop(eigenvalues: list[float], config: OneShotConfig) -> tuple[int, int] | None:
    """Where DARTS-ES would stop a search with these per-epoch eigenvalues: ``(stop epoch, result epoch)`` or ``None``.

    The rule ``search`` applies after every epoch, run over a finished trajectory. Since the
    early stop changes nothing before it fires, a search with ``config`` and the same seed
    stops at that epoch and returns the cell of the result epoch (epochs count from 1).

    Example:
        >>> from naslib_mini.one_shot import DartsConfig
        >>> first_early_stop([1.0, 1.0, 1.0, 2.0, 2.0], DartsConfig(early_stop_window=1))
        (4, 3)
        >>> first_early_stop([1.0, 1.0, 1.0], DartsConfig(early_stop_window=1)) is None
        True
    """
    for epoch in range(1, len(eigenvalues) + 1):
        stop, result_epoch = _early_stop(list(eigenvalues[:epoch]), config)
        if stop:
            return epoch, result_epoch
    return None


def result(history: History) -> Hashable:
    """The cell a one-shot search returns: the last epoch's, or DARTS-ES's cell from before the growth.

    Raises:
        ValueError: ``history`` holds no trials.
    """
    if not len(history):
        raise ValueError("the history holds no trials: run search(...) first")
    last = history.trials[-1]
    early = last.candidate.info.get("early_stop")
    if early:
        return next(t.arch for t in history.trials if t.candidate.info.get("epoch") == early["result_epoch"])
    return last.arch
