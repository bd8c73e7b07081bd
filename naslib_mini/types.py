"""Plain records that flow through a search, and the error that says a search cannot work.

Holds frozen dataclasses (candidates, measurements, trials) whose mappings are
read-only, and ``ConfigurationError``. Knows nothing about torch, about how a
score is produced (estimators) or how a candidate is chosen (strategies); the
loop joins them and the history stores them.
"""
from __future__ import annotations

import enum
import math
import types
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Candidate", "ConfigurationError", "Measurement", "Trial", "TrialState"]


class ConfigurationError(ValueError):
    """This search cannot work as configured: missing or broken data, an unknown dataset or
    column, an estimator that does not fit the space or the strategy's budgets.

    The loop re-raises it instead of recording a failed trial, so a search stops at once
    with the fix in the message rather than filling its journal with identical failures.
    A candidate's own failure (``CandidateFailed``, any other exception) stays a failed trial.
    """


class _ReadOnlyMappings:
    """Makes the mapping fields named in ``_mappings`` read-only copies, and keeps them picklable.

    A frozen dataclass forbids assigning a field, but not changing a dict it holds; a
    ``MappingProxyType`` over a private copy forbids both. Proxies cannot be pickled, so
    the pickled state holds plain dicts and unpickling wraps them again.
    """

    _mappings: tuple[str, ...] = ()

    def _freeze_mappings(self) -> None:
        for name in self._mappings:
            object.__setattr__(self, name, types.MappingProxyType(dict(getattr(self, name))))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in self._mappings:
            state[name] = dict(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        self._freeze_mappings()


class TrialState(str, enum.Enum):
    """How a trial ended."""

    COMPLETE = "complete"
    FAILED = "failed"


@dataclass(frozen=True)
class Candidate(_ReadOnlyMappings):
    """What a strategy proposes: an architecture and, for multi-fidelity methods, a budget.

    Attributes:
        arch: An immutable, hashable architecture of the strategy's search space.
        budget: The fidelity to evaluate at (for example epochs), or ``None`` for the
            estimator's default.
        info: Strategy-private notes (a bracket id, say) that come back in the trial
            and are written to the journal; JSON-serialisable values only. Read-only:
            a copy of the mapping given, so neither side can change the other's.

    Example:
        >>> c = Candidate("a", info={"rung": 0})
        >>> c.info["rung"] = 1
        Traceback (most recent call last):
        ...
        TypeError: 'mappingproxy' object does not support item assignment
    """

    arch: Any
    budget: float | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    _mappings = ("info",)

    def __post_init__(self) -> None:
        self._freeze_mappings()


@dataclass(frozen=True)
class Measurement(_ReadOnlyMappings):
    """What an estimator reports for one architecture.

    Attributes:
        score: The search signal, higher is better (validation accuracy, say).
        cost: Seconds the evaluation took or simulates; budgets add these up.
        metrics: Raw metrics under fixed names (``val_accuracy``, ``val_loss``,
            ``params``, ``flops``, ``latency_ms``, ``test_accuracy``, ...); read-only,
            a copy of the mapping given.
    """

    score: float
    cost: float
    metrics: Mapping[str, float] = field(default_factory=dict)

    _mappings = ("metrics",)

    def __post_init__(self) -> None:
        self._freeze_mappings()
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
