"""The cross-validation estimator: train a candidate on k folds and average its validation scores.

One validation split has a resolution of one example in ``len(x_val)``: at 99.5% on 800
signals two networks differ by a handful of examples, and the best of several
candidates on that split is partly the one the split happens to favour (the winner's
curse of model selection, Cawley & Talbot 2010). k-fold cross-validation (Stone 1974)
validates every training example once, so the estimate rests on ``k`` times more
examples and ``k`` trainings; it is the classic remedy, and what "NAS evaluation is
frustratingly hard" (Yang et al. 2020) asks of comparisons between close candidates.
It costs ``k`` trainings per candidate, so searches spend it on a few finalists only.

Fold ``i`` is ``Task.folds(k)[i]``; fold 0 is the task itself, so a ``TrainingEstimator``
measurement already made on that task with the same configuration can stand in for it
(``estimate_fold`` and ``combine``). Knows nothing about strategies; never sees the test
split. Like the training estimator, its constructor only checks and stores; the task and
its folds are built on first use.
"""
from __future__ import annotations

import functools
import math
import statistics
from typing import Any, Hashable, Sequence

from naslib_mini.estimators.base import ESTIMATORS, Estimator
from naslib_mini.estimators.routines import TrainingConfig
from naslib_mini.estimators.training import RUN_OPTIONS, TrainingEstimator
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.tasks.base import Task
from naslib_mini.types import Measurement

__all__ = ["CrossValidationEstimator", "combine"]


def combine(measurements: Sequence[Measurement]) -> Measurement:
    """One measurement from one per fold: mean score and metrics, summed cost.

    The metrics are the means of the metrics every fold reports, plus ``folds`` (how
    many) and ``score_std`` (the sample standard deviation of the fold scores, 0 for one).

    Raises:
        ValueError: ``measurements`` is empty.
    """
    if not measurements:
        raise ValueError("combine needs at least one fold's measurement, got none")
    scores = [m.score for m in measurements]
    names = set.intersection(*(set(m.metrics) for m in measurements))
    metrics = {name: statistics.fmean(m.metrics[name] for m in measurements) for name in sorted(names)}
    metrics["folds"] = float(len(measurements))
    metrics["score_std"] = statistics.stdev(scores) if len(scores) > 1 else 0.0
    return Measurement(score=statistics.fmean(scores), cost=math.fsum(m.cost for m in measurements),
                       metrics=metrics)


@ESTIMATORS.register("cross-validation", aliases=("cv",))
class CrossValidationEstimator(Estimator):
    """Trains each candidate on every fold of ``task.folds(folds)`` and averages the scores.

    Each fold is scored by a ``TrainingEstimator`` with the same configuration and
    objective, so a candidate's fold ``i`` is trained exactly as that estimator would
    train it on ``task.folds(folds)[i]``. A failing fold fails the candidate.

    Args:
        task: A ``Task`` or the name of one in ``TASKS`` (split by ``task_seed``).
        space: The search space (or its name) the architectures come from.
        config: How to train; ``TrainingConfig()`` by default.
        folds: Number of folds (at least 2; 5 validates every example once when the
            validation split is a fifth of training plus validation).
        task_seed: Split seed used when ``task`` is a name.
        objective: The score of each fold, as for ``TrainingEstimator``.
        **overrides: ``TrainingConfig`` fields to change (``epochs=3``).

    Attributes:
        whole: The ``TrainingEstimator`` of the whole task; it checks the arguments at
            construction and builds the task on first use.
        estimators: One ``TrainingEstimator`` per fold, built on first use (fold 0 trains
            on the task itself).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
        >>> est = nm.ESTIMATORS.create("cross-validation", task="digits", space=space, folds=3, epochs=1, threads=1)
        >>> m = est.estimate(space.sample(nm.default_rng(0)))
        >>> m.metrics["folds"], 0 <= m.metrics["val_accuracy"] <= 1
        (3.0, True)
    """

    name = "cross-validation"

    def __init__(self, task: Task | str, space: SearchSpace | str, config: TrainingConfig | None = None,
                 *, folds: int = 5, task_seed: int = 0, objective: str = "accuracy", **overrides: Any) -> None:
        if int(folds) != folds or folds < 2:
            raise ValueError(f"folds must be an integer of at least 2, got {folds!r}")
        self.folds = int(folds)
        per_run = sorted(set(overrides) & set(RUN_OPTIONS))
        if per_run:
            raise TypeError(f"the cross-validation estimator does not support {', '.join(per_run)} (options of "
                            f"TrainingEstimator that its folds would not share); use the training estimator")
        # Checks the names, the objective and the configuration now; builds nothing.
        self.whole = TrainingEstimator(task, space, config, task_seed=task_seed, objective=objective, **overrides)

    @functools.cached_property
    def estimators(self) -> tuple[TrainingEstimator, ...]:
        """One ``TrainingEstimator`` per fold, built (with the task and its folds) on first use."""
        whole = self.whole
        return tuple(TrainingEstimator(fold, whole.space, whole.config, objective=whole.objective)
                     for fold in whole.task.folds(self.folds))

    def estimate_fold(self, arch: Hashable, fold: int, budget: float | None = None) -> Measurement:
        """Train ``arch`` on fold ``fold`` (0 to ``folds - 1``) only and score it on that fold's validation block."""
        if int(fold) != fold or not 0 <= fold < self.folds:
            raise ValueError(f"fold must be an integer from 0 to {self.folds - 1}, got {fold!r}")
        return self.estimators[int(fold)].estimate(arch, budget)

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Train ``arch`` on every fold (``budget`` epochs each) and ``combine`` the measurements."""
        return combine([self.estimate_fold(arch, fold, budget) for fold in range(self.folds)])

    def __repr__(self) -> str:
        whole = self.whole
        return (f"CrossValidationEstimator(task={whole.task_name!r}, space={whole.space_name!r}, "
                f"folds={self.folds}, config={whole.config!r})")
