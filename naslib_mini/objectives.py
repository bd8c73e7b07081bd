"""Objectives with their directions, constraints on metrics, and scalarisations of several objectives.

A measurement carries raw metrics under fixed names (``val_accuracy``, ``params``,
``flops``, ``latency_ms``, ...). This module says which of them a search cares about
and in which direction (``Objective``), which limits a candidate must respect
(``Constraint``, parsed from ``"params <= 1e6"``), and how several objectives become
the one higher-is-better score a single-objective strategy learns from:

* ``MnasNetReward``: ``accuracy * (cost / target) ** w``, Tan et al. 2019 ("MnasNet:
  Platform-Aware Neural Architecture Search for Mobile", CVPR, Eq. 2): ``w = -0.07``
  on both sides of the target (soft) or ``0`` below and ``-1`` above it (hard).
* ``augmented_tchebycheff``: ParEGO's scalarisation (Knowles 2006, "ParEGO: a hybrid
  algorithm with on-line landscape approximation for expensive multiobjective
  optimization problems", IEEE TEC): ``max_i w_i f_i + rho * sum_i w_i f_i`` over
  objectives normalised to [0, 1] and minimised.

``rescore`` applies constraints and a scalarisation to a measurement; the loop calls it
(``run(..., constraints=..., scalarisation=...)``) so every strategy honours them.
A violating trial keeps its measurement but its score is lowered by
``penalty * (1 + violation)`` and its metrics record ``CONSTRAINT_METRIC`` (the summed
relative violation), which ``History.best`` reads to never report it.

Knows nothing about strategies, estimators or spaces.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from naslib_mini.types import ConfigurationError, Measurement, Trial

__all__ = ["CONSTRAINT_METRIC", "DIRECTIONS", "RAW_SCORE_METRIC", "Constraint", "MnasNetReward", "Objective",
           "augmented_tchebycheff", "objective_matrix", "parse_constraints", "parse_objectives", "rescore",
           "violation_of"]

#: Metric a rescored measurement carries: the summed relative violation of the constraints (0 if feasible).
CONSTRAINT_METRIC = "constraint_violation"
#: Metric keeping the estimator's own score when ``rescore`` replaced it.
RAW_SCORE_METRIC = "raw_score"
#: Directions of the metric names estimators report; ``score`` is the measurement's score.
DIRECTIONS = {"score": "max", "val_accuracy": "max", "test_accuracy": "max", "params": "min", "flops": "min",
              "latency_ms": "min", "peak_memory_mb": "min", "train_time": "min", "val_loss": "min"}
_OPERATORS = ("<=", ">=")


def _metric_of(name: str, trial_or_metrics: Trial | Mapping[str, float], score: float | None = None) -> float:
    if isinstance(trial_or_metrics, Trial):
        if not trial_or_metrics.ok:
            raise ValueError(f"trial {trial_or_metrics.number} failed; it has no {name!r}")
        score, metrics = trial_or_metrics.score, trial_or_metrics.measurement.metrics
    else:
        metrics = trial_or_metrics
    if name == "score" and score is not None:
        return float(score)
    if name not in metrics:
        raise ConfigurationError(f"metric {name!r} is not measured (the measurement has "
                                 f"{', '.join(sorted(metrics)) or 'no metrics'}); use an estimator that reports it "
                                 "or pick another objective or constraint")
    return float(metrics[name])


@dataclass(frozen=True)
class Objective:
    """One objective: a metric name and whether to maximise or minimise it.

    Args:
        name: A metric of ``Measurement.metrics`` (``"score"`` is the measurement's score).
        direction: ``"max"`` or ``"min"``; by default the known direction of ``name`` (``DIRECTIONS``).

    Example:
        >>> Objective("flops"), Objective("val_accuracy").minimised(0.9)
        (Objective(name='flops', direction='min'), -0.9)
    """

    name: str
    direction: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"an objective needs a metric name, got {self.name!r}")
        direction = self.direction if self.direction is not None else DIRECTIONS.get(self.name)
        if direction is None:
            raise ValueError(f"no known direction for metric {self.name!r}: give direction='max' or 'min' "
                             f"(known: {', '.join(sorted(DIRECTIONS))})")
        if direction not in ("max", "min"):
            raise ValueError(f"objective direction must be 'max' or 'min', got {direction!r} for {self.name!r}")
        object.__setattr__(self, "direction", direction)

    def value(self, trial: Trial | Mapping[str, float]) -> float:
        """The raw metric of a complete trial (or a metrics mapping)."""
        return _metric_of(self.name, trial)

    def minimised(self, value: float) -> float:
        """``value`` turned so that smaller is better (negated for a maximised objective)."""
        return -float(value) if self.direction == "max" else float(value)


def parse_objectives(objectives: Iterable[Objective | str]) -> tuple[Objective, ...]:
    """Objectives from ``Objective`` values or names (``"flops"``, or ``"name:min"`` for unknown metrics).

    Example:
        >>> [o.direction for o in parse_objectives(["val_accuracy", "flops", "energy:min"])]
        ['max', 'min', 'min']
    """
    if isinstance(objectives, (str, Objective)):
        objectives = [objectives]
    parsed = []
    for item in objectives:
        if isinstance(item, Objective):
            parsed.append(item)
        elif isinstance(item, str):
            name, _, direction = item.partition(":")
            parsed.append(Objective(name.strip(), direction.strip() or None))
        else:
            raise ValueError(f"an objective is an Objective or a metric name, got {item!r}")
    if not parsed:
        raise ValueError("at least one objective is needed, got none")
    names = [o.name for o in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"objectives repeat a metric: {names}")
    return tuple(parsed)


def objective_matrix(trials: Sequence[Trial], objectives: Sequence[Objective]) -> np.ndarray:
    """The minimised objective values of complete ``trials``, one row each (n, k).

    Example:
        >>> from naslib_mini.types import Candidate, TrialState
        >>> t = Trial(0, Candidate("a"), TrialState.COMPLETE, Measurement(0.9, 1.0, {"params": 10.0}))
        >>> objective_matrix([t], parse_objectives(["score", "params"])).tolist()
        [[-0.9, 10.0]]
    """
    rows = [[o.minimised(_metric_of(o.name, t)) for o in objectives] for t in trials]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(objectives))


@dataclass(frozen=True)
class Constraint:
    """A limit on one metric: ``metric <= bound`` or ``metric >= bound``.

    Example:
        >>> c = Constraint.parse("params <= 1e6")
        >>> c, c.violation({"params": 1.5e6})
        (Constraint(metric='params', operator='<=', bound=1000000.0), 0.5)
        >>> Constraint.parse("params < 5")
        Traceback (most recent call last):
        ...
        ValueError: cannot parse constraint 'params < 5': write '<metric> <= <number>' or ...
    """

    metric: str
    operator: str
    bound: float

    _PATTERN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")

    def __post_init__(self) -> None:
        if self.operator not in _OPERATORS:
            raise ValueError(f"constraint operator must be one of {', '.join(_OPERATORS)}, got {self.operator!r}")
        if isinstance(self.bound, bool) or not isinstance(self.bound, (int, float)) or not math.isfinite(self.bound):
            raise ValueError(f"constraint bound must be a finite number, got {self.bound!r}")
        object.__setattr__(self, "bound", float(self.bound))

    @classmethod
    def parse(cls, text: str) -> "Constraint":
        """A constraint from its text, ``"<metric> <= <number>"`` or ``"<metric> >= <number>"``."""
        match = cls._PATTERN.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"cannot parse constraint {text!r}: write '<metric> <= <number>' or "
                             "'<metric> >= <number>', e.g. 'latency_ms <= 2.5'")
        return cls(match.group(1), match.group(2), float(match.group(3)))

    def violation(self, metrics: Mapping[str, float]) -> float:
        """How far ``metrics`` overshoot the bound, relative to it (0 when satisfied).

        Raises:
            ConfigurationError: The metric is not in ``metrics``.
        """
        value = _metric_of(self.metric, metrics)
        excess = value - self.bound if self.operator == "<=" else self.bound - value
        return max(0.0, excess) / max(abs(self.bound), 1e-12)

    def __str__(self) -> str:
        return f"{self.metric} {self.operator} {self.bound:g}"


def parse_constraints(constraints: Iterable[Constraint | str]) -> tuple[Constraint, ...]:
    """Constraints from ``Constraint`` values or their text.

    Example:
        >>> [str(c) for c in parse_constraints(["params <= 5e5", "val_accuracy >= 0.5"])]
        ['params <= 500000', 'val_accuracy >= 0.5']
    """
    if isinstance(constraints, (str, Constraint)):
        constraints = [constraints]
    return tuple(c if isinstance(c, Constraint) else Constraint.parse(c) for c in constraints)


def violation_of(metrics: Mapping[str, float], constraints: Sequence[Constraint]) -> float:
    """The summed relative violation of ``constraints`` by ``metrics`` (0 when all hold)."""
    return float(sum(c.violation(metrics) for c in constraints))


@dataclass(frozen=True)
class MnasNetReward:
    """The MnasNet reward ``accuracy * (cost / target) ** w`` as a scalarisation (Tan et al. 2019, Eq. 2).

    Args:
        target: The cost the network should meet (``T`` in the paper), in the cost metric's unit.
        cost: The cost metric (``latency_ms`` in the paper; ``flops`` or ``params`` work too).
        accuracy: The accuracy metric (``"score"`` is the measurement's score).
        soft: ``w = -0.07`` on both sides of the target (the paper's choice), or else the
            hard variant ``w = 0`` within the target and ``-1`` beyond it.
        w: The exponent of the soft variant.

    Example:
        >>> reward = MnasNetReward(target=2.0)
        >>> round(reward({"val_accuracy": 0.9, "latency_ms": 4.0}), 4)
        0.8574
        >>> MnasNetReward(target=2.0, soft=False)({"val_accuracy": 0.9, "latency_ms": 4.0})
        0.45
    """

    target: float
    cost: str = "latency_ms"
    accuracy: str = "val_accuracy"
    soft: bool = True
    w: float = -0.07

    def __post_init__(self) -> None:
        if isinstance(self.target, bool) or not isinstance(self.target, (int, float)) or not (
                math.isfinite(self.target) and self.target > 0):
            raise ValueError(f"MnasNet target must be a positive number, got {self.target!r}")
        if not (isinstance(self.w, (int, float)) and math.isfinite(self.w) and self.w <= 0):
            raise ValueError(f"MnasNet exponent w must be a number <= 0, got {self.w!r}")

    def __call__(self, metrics: Mapping[str, float], score: float | None = None) -> float:
        accuracy, cost = _metric_of(self.accuracy, metrics, score), _metric_of(self.cost, metrics, score)
        ratio = max(cost, 0.0) / self.target
        w = self.w if self.soft else (0.0 if ratio <= 1.0 else -1.0)
        return float(accuracy * ratio ** w) if ratio > 0 else float(accuracy)


def augmented_tchebycheff(values: np.ndarray, weights: np.ndarray, ideal: np.ndarray, nadir: np.ndarray,
                          rho: float = 0.05) -> np.ndarray:
    """ParEGO's augmented Tchebycheff cost of minimised objective rows (lower is better).

    Each objective is normalised to [0, 1] by ``ideal`` and ``nadir`` (a zero range counts as 1);
    the cost is ``max_i w_i f_i + rho * sum_i w_i f_i`` (Knowles 2006, Eq. 2).

    Example:
        >>> values = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
        >>> augmented_tchebycheff(values, np.array([0.5, 0.5]), values.min(0), values.max(0)).round(3).tolist()
        [0.525, 0.275, 0.525]
    """
    values, weights = np.atleast_2d(np.asarray(values, dtype=float)), np.asarray(weights, dtype=float)
    span = np.where(nadir - ideal > 0, nadir - ideal, 1.0)
    weighted = weights * (values - ideal) / span
    return weighted.max(axis=1) + rho * weighted.sum(axis=1)


def rescore(measurement: Measurement, constraints: Sequence[Constraint] = (),
            scalarisation: Callable[..., float] | None = None, penalty: float = 1.0) -> Measurement:
    """``measurement`` with its score replaced by ``scalarisation`` and lowered for violated constraints.

    The estimator's score is kept as ``RAW_SCORE_METRIC`` when it changes; with
    constraints, ``CONSTRAINT_METRIC`` records the summed relative violation (0 if
    feasible) and a violating score becomes ``score - penalty * (1 + violation)``: with
    accuracies in [0, 1] and the default penalty 1, every violating trial scores below
    every feasible one, and the more it overshoots the lower it scores.

    Example:
        >>> m = rescore(Measurement(0.9, 1.0, {"params": 2e6}), parse_constraints(["params <= 1e6"]))
        >>> round(m.score, 2), m.metrics["constraint_violation"], m.metrics["raw_score"]
        (-1.1, 1.0, 0.9)
    """
    if not constraints and scalarisation is None:
        return measurement
    metrics = dict(measurement.metrics)
    score = measurement.score
    if scalarisation is not None:
        score = float(scalarisation(metrics, measurement.score))
    if constraints:
        violation = violation_of(metrics, constraints)
        metrics[CONSTRAINT_METRIC] = violation
        if violation > 0:
            score -= penalty * (1.0 + violation)
    if score != measurement.score:
        metrics.setdefault(RAW_SCORE_METRIC, measurement.score)
    return Measurement(score, measurement.cost, metrics)
