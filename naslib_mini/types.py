"""Plain records that flow through a search: candidates, measurements and trials.

Holds frozen dataclasses only. Knows nothing about torch, about how a score is
produced (estimators) or how a candidate is chosen (strategies); the loop joins
them and the history stores them.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Candidate", "Measurement", "Trial", "TrialState"]


class TrialState(str, enum.Enum):
    """How a trial ended."""

    COMPLETE = "complete"
    FAILED = "failed"


@dataclass(frozen=True)
class Candidate:
    """What a strategy proposes: an architecture and, for multi-fidelity methods, a budget.

    Attributes:
        arch: An immutable, hashable architecture of the strategy's search space.
        budget: The fidelity to evaluate at (for example epochs), or ``None`` for the
            estimator's default.
        info: Strategy-private notes (a bracket id, say) that come back in the trial
            and are written to the journal; JSON-serialisable values only.
    """

    arch: Any
    budget: float | None = None
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """What an estimator reports for one architecture.

    Attributes:
        score: The search signal, higher is better (validation accuracy, say).
        cost: Seconds the evaluation took or simulates; budgets add these up.
        metrics: Raw metrics under fixed names (``val_accuracy``, ``val_loss``,
            ``params``, ``flops``, ``latency_ms``, ``test_accuracy``, ...).
    """

    score: float
    cost: float
    metrics: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not math.isfinite(self.score):
            raise ValueError(f"Measurement score must be finite, got {self.score!r}")
        if not (self.cost >= 0 and math.isfinite(self.cost)):
            raise ValueError(f"Measurement cost must be a finite number >= 0, got {self.cost!r}")


@dataclass(frozen=True)
class Trial:
    """One finished evaluation, complete or failed.

    Attributes:
        number: Position in the order candidates were asked for, from 0.
        candidate: What the strategy proposed.
        state: ``COMPLETE`` with a measurement, or ``FAILED`` with an error.
        measurement: The estimator's report for a complete trial.
        error: ``"ExceptionType: message"`` for a failed trial.
        cost: Seconds charged to the budget (the measurement's cost, or the wall
            time spent before a failure).
    """

    number: int
    candidate: Candidate
    state: TrialState
    measurement: Measurement | None = None
    error: str | None = None
    cost: float = 0.0

    @property
    def arch(self) -> Any:
        return self.candidate.arch

    @property
    def score(self) -> float | None:
        """The measurement's score, or ``None`` for a failed trial."""
        return self.measurement.score if self.measurement is not None else None

    @property
    def ok(self) -> bool:
        return self.state is TrialState.COMPLETE
