"""Put estimators side by side on the same architectures: their estimates, their cost, their agreement.

The building blocks of the estimator study (``benchmarks/estimator_study.py``) and of the
notebook "How good is my estimate?":

- ``measure`` asks any ``Estimator`` for a list of architectures and keeps each estimate, the
  cost the estimator charged and the CPU seconds the process spent (a failed candidate gives
  ``nan``, as in a search). CPU time is the study's unit of cost: on a shared machine wall time
  grows with the load, CPU time of a one-thread computation does not;
- ``curve_estimates`` turns recorded learning curves into three cheap estimates of the final
  accuracy after ``k`` of the epochs: the last observed value (the baseline White et al.,
  NeurIPS 2021, find hard to beat), the extrapolation of Domhan et al. (IJCAI 2015,
  ``LearningCurvePredictor``) and the regression of Baker et al. (2018, ``CurveRegressor``)
  learned from the *other* runs' complete curves (out of fold: each run is predicted by a
  regressor fitted on the folds it is not in, as a search predicts a new run from finished ones). The cost charged is ``k`` epochs of training (the caller
  says what an epoch costs), plus the CPU time of the fit;
- ``load_study`` reads the results of the benchmark;
- ``StudyRow`` is one estimator's line of the study: its mean cost per architecture and its
  ``rank_agreement.Agreement`` with the ground truth.

Knows nothing about strategies or about how the ground truth was built.
"""
from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Hashable, Mapping, Sequence

import numpy as np

from naslib_mini.estimators.base import CandidateFailed, Estimator
from naslib_mini.estimators.training import curve_from_metrics
from naslib_mini.ground_truth import GROUND_TRUTH_FILE
from naslib_mini.learning_curves import CurveRegressor, LearningCurvePredictor, NoCurveFits
from naslib_mini.rank_agreement import Agreement, agreement

__all__ = ["STUDY_FILE", "load_study", "CurveEstimates", "Measured", "StudyRow", "best_within", "curve_estimates", "measure", "study_row"]

log = logging.getLogger(__name__)

#: Where ``benchmarks/estimator_study.py`` writes its results by default.
STUDY_FILE = GROUND_TRUTH_FILE.with_name("estimator_study.json")


def load_study(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The results of ``benchmarks/estimator_study.py`` (``STUDY_FILE`` by default).

    Raises:
        FileNotFoundError: There is no such file; the message says how to make it.
    """
    file = Path(path) if path is not None else STUDY_FILE
    if not file.exists():
        raise FileNotFoundError(f"no estimator study at {file}; run 'python benchmarks/estimator_study.py --out {file}'")
    return json.loads(file.read_text())


@dataclass(frozen=True)
class Measured:
    """An estimator's estimates of a list of architectures.

    Attributes:
        scores: One estimate per architecture (``nan`` where the candidate failed).
        costs: The cost the estimator charged for each, in seconds (0 where it failed).
        cpu_seconds: CPU seconds the process spent on each estimate.
    """

    scores: tuple[float, ...]
    costs: tuple[float, ...]
    cpu_seconds: tuple[float, ...]


def measure(estimator: Estimator, archs: Sequence[Hashable], budget: float | None = None) -> Measured:
    """Every architecture's estimate and cost from ``estimator`` (``nan`` score for a failed candidate).

    A ``ConfigurationError`` propagates: an estimator that cannot serve the space stops the study.
    """
    scores, costs, cpu = [], [], []
    for arch in archs:
        started = time.process_time()
        try:
            m = estimator.estimate(arch, budget)
            scores.append(float(m.score))
            costs.append(float(m.cost))
        except CandidateFailed as exc:
            log.info("%r failed on an architecture: %s", estimator, exc)
            scores.append(math.nan)
            costs.append(0.0)
        cpu.append(time.process_time() - started)
    return Measured(tuple(scores), tuple(costs), tuple(cpu))


@dataclass(frozen=True)
class CurveEstimates:
    """Estimates of the final accuracy from the first ``seen`` epochs of each recorded curve.

    Attributes:
        seen: Epochs observed.
        last_value: The validation accuracy at epoch ``seen``.
        extrapolated: The extrapolated accuracy at the last epoch (``nan`` where no curve family
            fits, which is always the case below 3 observed epochs).
        regressed: The out-of-fold regression's prediction of the final accuracy.
        last_value_costs: ``seen`` epochs of training per architecture (the regression's cost
            too: its fit takes milliseconds).
        extrapolated_costs: The same plus the CPU time of the fit and prediction.
    """

    seen: int
    last_value: tuple[float, ...]
    extrapolated: tuple[float, ...]
    regressed: tuple[float, ...]
    last_value_costs: tuple[float, ...]
    extrapolated_costs: tuple[float, ...]


def curve_estimates(records: Sequence[Mapping[str, float]], seen: int, epoch_seconds: float,
                    predictor: LearningCurvePredictor | None = None, *, folds: int = 5,
                    seed: int = 0) -> CurveEstimates:
    """The last-value and extrapolated estimates of each record's final accuracy after ``seen`` epochs.

    Args:
        records: Metrics of full trainings, each with the curve ``val_accuracy_epoch_<k>``
            (``k = 1 .. epochs``) and ``epochs``.
        seen: Epochs observed, at least 1 and fewer than every record's ``epochs``.
        epoch_seconds: What one epoch of training costs, in seconds.
        predictor: The extrapolation (``LearningCurvePredictor()`` by default: every family).
        folds: Folds of the out-of-fold regression (at most the number of records).
        seed: Seed of the fold assignment.

    Raises:
        ValueError: ``seen`` is out of range or a record's curve lacks one of the first ``seen`` epochs.
    """
    predictor = predictor or LearningCurvePredictor()
    last, extra, last_costs, extra_costs, partial, finals = [], [], [], [], [], []
    for number, record in enumerate(records):
        epochs = int(record["epochs"])
        if not (isinstance(seen, int) and 1 <= seen < epochs):
            raise ValueError(f"seen must be an integer in 1..{epochs - 1} (record {number} has {epochs} epochs), "
                             f"got {seen!r}")
        xs, ys = curve_from_metrics(record)
        if xs[:seen] != list(range(1, seen + 1)):
            raise ValueError(f"record {number} lacks a validation accuracy for one of epochs 1..{seen}: has {xs}")
        partial.append(ys[:seen])
        finals.append(ys[epochs - 1])
        share = epoch_seconds * seen
        last.append(ys[seen - 1])
        last_costs.append(share)
        started = time.process_time()
        try:
            extra.append(predictor.fit(xs[:seen], ys[:seen]).predict(epochs)[0] if seen >= 2 else math.nan)
        except NoCurveFits:
            extra.append(math.nan)
        extra_costs.append(share + time.process_time() - started)
    partial, finals = np.array(partial), np.array(finals)
    regressed = np.full(len(records), math.nan)
    fold_of = np.random.default_rng(seed).permutation(len(records)) % max(1, min(folds, len(records)))
    for fold in np.unique(fold_of):
        train = fold_of != fold
        if train.sum() >= 3:
            regressed[~train] = CurveRegressor().fit(partial[train], finals[train]).predict(partial[~train])
    return CurveEstimates(seen, tuple(last), tuple(extra), tuple(float(v) for v in regressed), tuple(last_costs),
                          tuple(extra_costs))


@dataclass(frozen=True)
class StudyRow:
    """One estimator's line of the study.

    Attributes:
        estimator: Its name, as a person reads it ("synflow", "last value after 3 epochs").
        family: "zero-cost proxy", "learning curve", "proxy task" or "full training".
        space: The space whose architectures were estimated.
        seconds: Median cost per architecture, in seconds (the median: a few slow outliers
            do not move it).
        failed: Architectures it could not estimate (left out of the agreement).
        agreement: Its agreement with the ground truth on the others.
    """

    estimator: str
    family: str
    space: str
    seconds: float
    failed: int
    agreement: Agreement

    def to_dict(self) -> dict:
        """The row as a flat dict (for JSON and pandas)."""
        return {"estimator": self.estimator, "family": self.family, "space": self.space,
                "seconds": self.seconds, "failed": self.failed, **self.agreement.to_dict()}


def study_row(estimator: str, family: str, space: str, scores: Sequence[float], costs: Sequence[float],
              truth: Sequence[float], **options) -> StudyRow:
    """The study row of ``scores`` against ``truth``, leaving out architectures whose score is ``nan``.

    ``options`` go to ``rank_agreement.agreement`` (``top``, ``resamples``, ``seed``).

    Example:
        >>> row = study_row("params", "zero-cost proxy", "chain", [1, 2, float("nan"), 4], [0.1] * 4,
        ...                 [0.5, 0.6, 0.7, 0.8], resamples=0)
        >>> row.failed, row.agreement.n, row.agreement.kendall, round(row.seconds, 2)
        (1, 3, 1.0, 0.1)
    """
    x, y = np.asarray(scores, dtype=float), np.asarray(truth, dtype=float)
    keep = np.isfinite(x)
    return StudyRow(estimator, family, space, float(np.median(costs)), int((~keep).sum()),
                    agreement(x[keep], y[keep], **options))


def best_within(rows: Sequence[Mapping], space: str, max_seconds: float, *, exclude: str = "second training seed"):
    """The row of ``space`` with the highest Kendall tau among those costing at most ``max_seconds``.

    ``rows`` are ``StudyRow.to_dict`` dicts; the noise ceiling (``exclude``) is not an estimator
    a search could use. Returns ``None`` when nothing is that cheap.

    Example:
        >>> rows = [{"space": "nb201", "estimator": "synflow", "seconds": 0.03, "kendall": 0.45},
        ...         {"space": "nb201", "estimator": "2 epochs", "seconds": 1.8, "kendall": 0.41},
        ...         {"space": "nb201", "estimator": "full training", "seconds": 7.0, "kendall": 0.8}]
        >>> best_within(rows, "nb201", 2.0)["estimator"], best_within(rows, "nb201", 0.01)
        ('synflow', None)
    """
    affordable = [r for r in rows if r["space"] == space and r["estimator"] != exclude and r["seconds"] <= max_seconds]
    return max(affordable, key=lambda r: r["kendall"], default=None)
