"""ENAS: an LSTM controller trained by REINFORCE on the rewards of shared weights (Pham et al. 2018).

"Efficient Neural Architecture Search via Parameter Sharing", Sec. 2.2: every epoch
alternates (a) training the supernet's shared weights for ``weight_steps`` batches, each
batch on one path sampled from the controller, and (b) training the controller for
``controller_steps`` REINFORCE steps, each on one sampled architecture whose reward is its
accuracy with the shared weights on one validation batch, plus ``entropy_weight`` times
the entropy of the distributions it was sampled from (the exploration bonus of the
paper's code), against a moving-average baseline (decay ``baseline_decay``). After each
epoch the architecture is derived as in Sec. 2.2 of the paper: ``derive_samples``
architectures are sampled from the controller and the best by shared-weight validation
accuracy is kept; the paper scores them on one validation batch, we on the whole
validation split, which is less noisy. Each epoch's derived architecture is recorded as
a ``Trial`` in a ``History`` (and a journal), so plots and comparisons treat ENAS like a
black-box search.

Reused, not rewritten: the supernets of ``naslib_mini.supernet``, the one training loop
(``routines.fit``), whose per-batch hook selects the sampled path and, every
``weight_steps`` batches, runs the controller's phase (so the shared weights have one
optimizer and one learning-rate schedule over the whole search, as in the paper), and
the REINFORCE strategy with the Zoph & Le LSTM controller (``ReinforceLSTM``: its
``ask``/``tell`` hold the baseline and the policy-gradient step).

Rewards and derivation use the shared weights with batch statistics (batch norm in
training mode, its running statistics neither used nor changed), as the NAS-Bench-201
supernets whose batch norms keep no running statistics (Dong & Yang 2020): running
statistics gathered over random paths describe none of them. Knows nothing about
stand-alone training or the test split.
"""
from __future__ import annotations

import contextlib
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Hashable, Iterator

import numpy as np
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from naslib_mini.estimators.base import CandidateFailed
from naslib_mini.estimators.routines import TrainingConfig, fit, seeded, torch_threads
from naslib_mini.history import History, Journal
from naslib_mini.seeding import derive_seed
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.strategies.reinforce import ReinforceLSTM
from naslib_mini.supernet import Supernet, build_supernet, has_supernet, supported
from naslib_mini.tasks.base import TASKS, Task
from naslib_mini.types import Candidate, ConfigurationError, Measurement, Trial, TrialState

__all__ = ["ENASConfig", "search", "shared_accuracy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ENASConfig:
    """How ENAS searches (defaults sized for a 2-core CPU; the paper's in brackets).

    Attributes:
        epochs: Alternations of the two phases, one ``Trial`` each (paper: 150).
        weight_steps: Shared-weight training batches per epoch, one sampled path each
            (paper: one pass over the training data).
        controller_steps: REINFORCE steps per epoch, one sampled architecture each (paper: 2000).
        weight_lr: Peak learning rate of the shared weights (SGD with momentum, cosine
            decay over the whole search; paper: 0.05).
        controller_lr: Adam step size of the controller (paper: 0.00035 over 300,000
            steps; our few hundred steps need a larger one).
        entropy_weight: Weight of the sampled distributions' entropy added to the reward
            (paper's code: 0.0001).
        baseline_decay: Decay of the reward's moving-average baseline (paper's code: 0.99).
        derive_samples: Architectures sampled from the controller to derive each epoch's
            result, the best by shared-weight validation accuracy kept.
        batch_size: Batch of shared-weight training, of each reward and of evaluation.
        weight_decay: L2 penalty of the shared weights.
        momentum: SGD momentum of the shared weights.
        hidden_size: LSTM units of the controller (paper: 100).
        num_layers: LSTM layers of the controller (paper: 1).
        threads: Torch CPU threads during the search (``None`` keeps torch's setting).
        device: Torch device of the supernet.

    Example:
        >>> ENASConfig(epochs=2).weight_steps
        50
        >>> ENASConfig(epochs=0)
        Traceback (most recent call last):
        ...
        ValueError: ENASConfig.epochs must be an integer >= 1, got 0
    """

    epochs: int = 10
    weight_steps: int = 50
    controller_steps: int = 50
    weight_lr: float = 0.05
    controller_lr: float = 0.002
    entropy_weight: float = 1e-4
    baseline_decay: float = 0.99
    derive_samples: int = 10
    batch_size: int = 64
    weight_decay: float = 3e-4
    momentum: float = 0.9
    hidden_size: int = 100
    num_layers: int = 1
    threads: int | None = 1
    device: str = "cpu"

    def __post_init__(self) -> None:
        for name in ("epochs", "weight_steps", "controller_steps", "derive_samples", "batch_size",
                     "hidden_size", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ENASConfig.{name} must be an integer >= 1, got {value!r}")
        for name in ("weight_lr", "controller_lr"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not (value > 0 and math.isfinite(value)):
                raise ValueError(f"ENASConfig.{name} must be a positive finite number, got {value!r}")
        if isinstance(self.entropy_weight, bool) or not isinstance(self.entropy_weight, (int, float)) \
                or not (self.entropy_weight >= 0 and math.isfinite(self.entropy_weight)):
            raise ValueError(f"ENASConfig.entropy_weight must be a finite number >= 0, got {self.entropy_weight!r}")
        if not isinstance(self.baseline_decay, (int, float)) or not 0 <= self.baseline_decay < 1:
            raise ValueError(f"ENASConfig.baseline_decay must lie in [0, 1), got {self.baseline_decay!r}")
        self.training()  # TrainingConfig checks weight_decay, momentum, threads and device

    def training(self, seed: int = 0) -> TrainingConfig:
        """The shared weights' training settings, as the one training loop takes them."""
        try:
            return TrainingConfig(epochs=self.epochs, batch_size=self.batch_size, optimizer="sgd", lr=self.weight_lr,
                                  weight_decay=self.weight_decay, momentum=self.momentum, schedule="cosine",
                                  device=self.device, threads=self.threads, seed=seed)
        except ValueError as exc:
            raise ValueError(f"invalid ENASConfig: {exc}") from None


@contextlib.contextmanager
def batch_statistics(model: torch.nn.Module) -> Iterator[None]:
    """Inside the block, batch norms normalise with each batch's statistics and leave their running ones alone."""
    norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    saved = [(m.training, m.track_running_stats) for m in norms]
    try:
        for m in norms:
            m.train()
            m.track_running_stats = False
        yield
    finally:
        for m, (training, track) in zip(norms, saved):
            m.train(training)
            m.track_running_stats = track


@torch.no_grad()
def shared_accuracy(supernet: Supernet, arch: Hashable, x: torch.Tensor, y: torch.Tensor, batch_size: int) -> float:
    """Accuracy (a fraction in [0, 1]) of ``arch``'s path on ``(x, y)`` with the shared weights and batch statistics.

    ``x`` is cut into ``ceil(len(x) / batch_size)`` nearly equal batches (none smaller than
    half a batch, so every batch has statistics); the supernet's mode and running
    statistics are left as they were.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
        >>> supernet = build_supernet(space, nm.TaskSpec("toy", (1, 12), 3))
        >>> x, y = torch.randn(10, 1, 12), torch.zeros(10, dtype=torch.long)
        >>> 0 <= shared_accuracy(supernet, space.sample(nm.default_rng(0)), x, y, batch_size=4) <= 1
        True
    """
    supernet.select(arch)
    was_training = supernet.training
    correct = 0
    try:
        supernet.eval()
        with batch_statistics(supernet):
            for idx in np.array_split(np.arange(len(x)), max(1, math.ceil(len(x) / batch_size))):
                chunk = torch.as_tensor(idx, device=x.device)
                correct += int((supernet(x[chunk]).argmax(1) == y[chunk]).sum())
    finally:
        supernet.train(was_training)
    return correct / len(y)


def path_entropy(controller: ReinforceLSTM, indices: tuple[int, ...]) -> float:
    """Sum over decisions of the entropy (nats) of the distributions ``indices`` were sampled from."""
    return float(sum(-(p[p > 0] * np.log(p[p > 0])).sum() for p in controller.policy.step_probabilities(indices)))


def _resolve(task: Task | str, space: SearchSpace | str) -> tuple[Task, SearchSpace]:
    if isinstance(space, str):
        space = SPACES.create(space)
    if not has_supernet(space):
        raise ConfigurationError(f"ENAS needs a supernet, and space {getattr(space, 'name', space)!r} has none; "
                                 f"supernets exist for: {supported()}")
    if isinstance(task, str):
        task = TASKS.create(task, seed=0)
    if len(task.y_val) < 2:
        raise ConfigurationError(f"ENAS rewards architectures on the validation split, and task {task.spec.name!r} "
                                 f"has {len(task.y_val)} validation examples; give it at least 2")
    return task, space


def search(task: Task | str, space: SearchSpace | str, config: ENASConfig | None = None, seed: int = 0,
           journal: str | Path | None = None,
           on_epoch_end: Callable[[int, Supernet], None] | None = None) -> History:
    """Run ENAS and return one ``Trial`` per epoch: the architecture derived after it.

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split with seed 0).
        space: The search space (or its name): the NAS-Bench-201 cell space (1D, 2D, 3D:
            the task decides) or a chain space, or a ``SubsetSpace`` of one.
        config: The search's settings (``ENASConfig()`` by default).
        seed: Seeds the shared weights, the data order, the controller and every sample.
        journal: Path of a JSON-lines journal to append each epoch's trial to; it must not
            hold trials yet (an ENAS search cannot be resumed from its trials).
        on_epoch_end: Called as ``on_epoch_end(epoch, supernet)`` after each epoch's trial is
            recorded, e.g. to score other architectures with the shared weights (``shared_accuracy``
            leaves the supernet as it was); its time is not charged to the trials' costs.

    Returns:
        A ``History`` over ``space``. Trial ``e`` holds the architecture derived after epoch
        ``e + 1``; its score and ``val_accuracy`` are that architecture's shared-weight accuracy
        on the whole validation split; its cost the CPU seconds (``time.process_time``) spent
        since the previous trial, so the history's total cost is the search's; metrics
        ``search_seconds`` (cumulative), ``epoch``, ``controller_entropy`` and ``mean_reward`` (means
        over the epoch's controller steps, entropy in nats, reward without the bonus),
        ``baseline`` and ``derived_candidates`` (distinct architectures scored to derive); its
        candidate's ``info["rewards"]`` holds the reward of each of the epoch's controller steps.

    Raises:
        ConfigurationError: The space has no supernet, the task no validation split, or the
            shared weights' training diverged.
        FileExistsError: ``journal`` already holds trials.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> config = ENASConfig(epochs=2, weight_steps=3, controller_steps=3, derive_samples=2)
        >>> history = search("digits", space, config, seed=0)
        >>> [t.number for t in history], 0 <= history.best().score <= 1
        ([0, 1], True)
    """
    config = ENASConfig() if config is None else config
    if not isinstance(config, ENASConfig):
        raise TypeError(f"config must be an ENASConfig, got {type(config).__name__}: {config!r}")
    task, space = _resolve(task, space)
    log_file = Journal(journal) if journal is not None else None
    if log_file is not None and log_file.exists():
        raise FileExistsError(f"journal {log_file.path} already holds trials; choose another path "
                              "(an ENAS search cannot be resumed)")
    training = config.training(seed)
    device = torch.device(config.device)
    x_train, y_train = task.x_train.to(device), task.y_train.to(device)
    x_val, y_val = task.x_val.to(device), task.y_val.to(device)
    controller = ReinforceLSTM(space, seed=derive_seed(seed, "enas controller"), learning_rate=config.controller_lr,
                               baseline_momentum=config.baseline_decay, hidden_size=config.hidden_size,
                               num_layers=config.num_layers)
    path_rng = np.random.default_rng(derive_seed(seed, "enas paths"))
    reward_rng = np.random.default_rng(derive_seed(seed, "enas reward batches"))
    derive_rng = np.random.default_rng(derive_seed(seed, "enas derive"))
    history = History(space)
    reward_batch = min(config.batch_size, len(y_val))
    started = time.process_time()
    told = 0

    def train_controller() -> tuple[list[float], float]:
        """Phase (b): REINFORCE steps on one validation batch each; every step's reward and the mean entropy."""
        nonlocal told
        rewards, entropies = [], []
        for _ in range(config.controller_steps):
            candidate = controller.ask()
            entropy = path_entropy(controller, tuple(candidate.info["decisions"]))
            rows = torch.as_tensor(reward_rng.choice(len(y_val), size=reward_batch, replace=False), device=device)
            reward = shared_accuracy(supernet, candidate.arch, x_val[rows], y_val[rows], config.batch_size)
            bonus = reward + config.entropy_weight * entropy
            controller.tell(Trial(told, candidate, TrialState.COMPLETE, Measurement(bonus, 0.0)))
            told += 1
            rewards.append(reward)
            entropies.append(entropy)
        return rewards, float(np.mean(entropies))

    def end_epoch(epoch: int) -> None:
        """Phase (b), then derive and record the epoch's architecture."""
        nonlocal started
        rewards, entropy = train_controller()
        mean_reward = float(np.mean(rewards))
        scores: dict[Hashable, float] = {}
        for _ in range(config.derive_samples):
            arch = space.from_decisions(controller.policy.sample(derive_rng))
            if arch not in scores:
                scores[arch] = shared_accuracy(supernet, arch, x_val, y_val, config.batch_size)
        best = max(scores, key=scores.get)  # the first sampled among equals
        seconds = time.process_time() - started
        cost = max(0.0, seconds - history.total_cost)
        metrics = {"val_accuracy": scores[best], "search_seconds": seconds, "epoch": float(epoch),
                   "controller_entropy": entropy, "mean_reward": mean_reward,
                   "baseline": float(controller.baseline), "derived_candidates": float(len(scores))}
        info = {"method": "enas", "epoch": epoch, "rewards": [round(r, 6) for r in rewards]}
        trial = Trial(epoch - 1, Candidate(best, info=info), TrialState.COMPLETE,
                      Measurement(scores[best], cost, metrics), cost=cost)
        history.append(trial)
        if log_file is not None:
            log_file.write(trial, space)
        log.info("ENAS epoch %d: derived %s, shared-weight val accuracy %.4f, mean reward %.4f, entropy %.3f, "
                 "%.1f CPU s", epoch, space.to_str(best), scores[best], mean_reward, entropy, seconds)
        if on_epoch_end is not None:  # the caller's work, not the search's: left out of the costs
            before = time.process_time()
            on_epoch_end(epoch, supernet)
            started += time.process_time() - before

    def on_batch_start(step: int, model: torch.nn.Module) -> None:
        """Phase (a)'s hook: every ``weight_steps`` batches end an epoch; each batch trains one sampled path."""
        if step and step % config.weight_steps == 0:
            end_epoch(step // config.weight_steps)
            model.train()
        model.select(space.from_decisions(controller.policy.sample(path_rng)))

    per_epoch = len(y_train) // min(config.batch_size, len(y_train))
    with torch_threads(config.threads):
        with seeded(derive_seed(seed, "enas supernet")):
            supernet = build_supernet(space, task.spec).to(device)
        try:
            fit(supernet, x_train, y_train, training, epochs=config.epochs * config.weight_steps / per_epoch,
                seed=derive_seed(seed, "enas data"), on_batch_start=on_batch_start)
        except CandidateFailed as exc:
            raise ConfigurationError(f"ENAS's shared weights diverged, so no architecture can be rewarded: {exc}; "
                                     f"lower weight_lr (now {config.weight_lr})") from exc
        if len(history) != config.epochs - 1:  # fit ran a different number of steps than the epochs need
            raise RuntimeError(f"ENAS expected {config.epochs - 1} epochs before the last, recorded {len(history)}")
        end_epoch(config.epochs)
    return history
