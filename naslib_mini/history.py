"""The record of a search: trials in the order they finished, and their JSON-lines journal.

``History`` answers questions about a search (best trial, incumbent trajectory,
Pareto front and hypervolume under several objectives, a table); ``Journal``
appends one JSON record per finished trial and reads them
back for resuming. Every record carries the journal format version
(``JOURNAL_FORMAT``); a record of another version is refused, never read as if
its numbers meant the same. Neither knows how trials were chosen or scored.
"""
from __future__ import annotations

import collections
import json
import logging
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from naslib_mini.objectives import CONSTRAINT_METRIC, Objective, objective_matrix, parse_objectives
from naslib_mini.types import Candidate, Measurement, Trial, TrialState

if TYPE_CHECKING:
    import pandas as pd

    from naslib_mini.spaces.base import SearchSpace

__all__ = ["JOURNAL_FORMAT", "PROXY_METRIC", "History", "Journal", "JournalError", "is_incumbent_candidate"]

log = logging.getLogger(__name__)

#: Version of the journal record written by ``Journal.write``. Format 2: accuracies are
#: fractions in [0, 1] in every score and metric. Records without a version come from
#: earlier releases, which mixed percent (table estimator) and fractions (training).
JOURNAL_FORMAT = 2

#: Metric that marks a proxy measurement (a zero-cost score such as synflow, not the search
#: signal): an estimator sets it to 1 when a trial's score is not comparable with the others.
PROXY_METRIC = "proxy"


def is_incumbent_candidate(trial: Trial) -> bool:
    """Whether ``trial`` may be the incumbent: complete, not a proxy measurement, no constraint violated.

    A proxy fidelity's score (synflow, say) is on another scale than the search signal,
    so ``History.best`` and ``History.trajectory`` skip trials whose metrics carry
    ``PROXY_METRIC``; their cost still counts. A trial whose metrics carry a positive
    ``objectives.CONSTRAINT_METRIC`` (``run(..., constraints=...)`` found it violating) is
    skipped too, so a history never reports a violating trial as its best.

    Example:
        >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
        >>> proxy = Trial(0, Candidate("a", 0), TrialState.COMPLETE, Measurement(1e30, 0.07, {PROXY_METRIC: 1.0}))
        >>> is_incumbent_candidate(proxy)
        False
    """
    metrics = trial.measurement.metrics if trial.ok else {}
    return trial.ok and not metrics.get(PROXY_METRIC) and not metrics.get(CONSTRAINT_METRIC, 0.0) > 0


class JournalError(ValueError):
    """A journal line that cannot be read; the message names the file and line."""


class History:
    """Trials of one search, in the order they finished.

    Args:
        space: The space the architectures belong to (used to write them as strings).
        trials: Trials to start from (a resumed search passes its journal's trials).

    Example:
        >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
        >>> h = History(space=None)
        >>> for i, s in enumerate([0.5, 0.9, 0.7]):
        ...     h.append(Trial(i, Candidate(f"a{i}"), TrialState.COMPLETE, Measurement(s, 1.0), cost=1.0))
        >>> h.best().arch, h.total_cost
        ('a1', 3.0)
    """

    def __init__(self, space: "SearchSpace | None", trials: list[Trial] | tuple[Trial, ...] = ()) -> None:
        self.space = space
        self.trials: list[Trial] = []
        self._total_cost = 0.0  # kept up to date: the loop asks after every trial
        for trial in trials:
            self.append(trial)

    def append(self, trial: Trial) -> None:
        self.trials.append(trial)
        self._total_cost += trial.cost

    def __len__(self) -> int:
        return len(self.trials)

    def __iter__(self) -> Iterator[Trial]:
        return iter(self.trials)

    @property
    def total_cost(self) -> float:
        """Seconds charged so far, real or simulated."""
        return self._total_cost

    @property
    def next_number(self) -> int:
        return max((t.number for t in self.trials), default=-1) + 1

    def completed(self) -> list[Trial]:
        return [t for t in self.trials if t.ok]

    def within(self, max_cost: float) -> list[Trial]:
        """Trials that finished while the accumulated cost stayed within ``max_cost``."""
        kept, spent = [], 0.0
        for trial in self.trials:
            spent += trial.cost
            if spent > max_cost:
                break
            kept.append(trial)
        return kept

    def best(self, max_cost: float | None = None) -> Trial | None:
        """The complete trial with the highest score (the earliest on ties), or ``None``.

        Proxy measurements and trials that violate a constraint of the search never count
        (``is_incumbent_candidate``): the first have no comparable score, the second are not allowed.

        Args:
            max_cost: If given, only trials that finished within this accumulated cost
                count, as in anytime comparisons under a fixed budget.
        """
        pool = self.trials if max_cost is None else self.within(max_cost)
        best: Trial | None = None
        for trial in pool:
            if is_incumbent_candidate(trial) and (best is None or trial.score > best.score):
                best = trial
        return best

    def trajectory(self) -> list[dict[str, Any]]:
        """One row per trial: number, accumulated cost, score and incumbent score.

        The incumbent is the best complete trial so far that is not a proxy measurement
        (``is_incumbent_candidate``); rows before the first such trial have ``best_score`` NaN.
        """
        rows, spent, incumbent = [], 0.0, -math.inf
        for trial in self.trials:
            spent += trial.cost
            if is_incumbent_candidate(trial):
                incumbent = max(incumbent, trial.score)
            rows.append({
                "number": trial.number,
                "cost": spent,
                "score": trial.score if trial.ok else math.nan,
                "best_score": incumbent if incumbent > -math.inf else math.nan,
            })
        return rows

    def front(self, objectives: "Sequence[Objective | str]", max_cost: float | None = None,
              feasible_only: bool = True) -> list[Trial]:
        """The non-dominated trials under ``objectives``, in the order they finished.

        Only complete trials that may be incumbents count (``is_incumbent_candidate``:
        no proxy measurement, no violated constraint unless ``feasible_only`` is False).
        Of trials with identical objective values all are kept.

        Args:
            objectives: ``Objective`` values or metric names (``"val_accuracy"``, ``"flops"``, ...).
            max_cost: If given, only trials that finished within this accumulated cost count.
            feasible_only: Leave out trials that violate a constraint of the search.

        Example:
            >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
            >>> h = History(space=None)
            >>> for i, (acc, params) in enumerate([(0.9, 300), (0.8, 100), (0.7, 200)]):
            ...     m = Measurement(acc, 1.0, {"val_accuracy": acc, "params": params})
            ...     h.append(Trial(i, Candidate(f"a{i}"), TrialState.COMPLETE, m, cost=1.0))
            >>> [t.arch for t in h.front(["val_accuracy", "params"])]
            ['a0', 'a1']
        """
        from naslib_mini.pareto import non_dominated

        objectives = parse_objectives(objectives)
        pool = self.trials if max_cost is None else self.within(max_cost)
        pool = [t for t in pool if (is_incumbent_candidate(t) if feasible_only
                                    else t.ok and not t.measurement.metrics.get(PROXY_METRIC))]
        if not pool:
            return []
        return [pool[i] for i in non_dominated(objective_matrix(pool, objectives))]

    def hypervolume(self, objectives: "Sequence[Objective | str]", reference: "Sequence[float]",
                    max_cost: float | None = None) -> float:
        """Hypervolume of ``front(objectives)`` bounded by ``reference`` (pymoo's ``HV``).

        ``reference`` is given in the metrics' own units and directions (an accuracy
        below which, a FLOPs count above which, nothing counts); points not strictly
        better than it in every objective add nothing.

        Example:
            >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
            >>> h = History(space=None)
            >>> for i, (acc, params) in enumerate([(0.9, 300), (0.8, 100)]):
            ...     m = Measurement(acc, 1.0, {"val_accuracy": acc, "params": params})
            ...     h.append(Trial(i, Candidate(f"a{i}"), TrialState.COMPLETE, m, cost=1.0))
            >>> round(h.hypervolume(["val_accuracy", "params"], reference=[0.0, 400]), 6)
            250.0
        """
        import numpy as np

        from naslib_mini.pareto import hypervolume

        objectives = parse_objectives(objectives)
        if len(reference) != len(objectives):
            raise ValueError(f"reference needs one value per objective ({[o.name for o in objectives]}), "
                             f"got {list(reference)}")
        front = self.front(objectives, max_cost)
        if not front:
            return 0.0
        ref = np.array([o.minimised(r) for o, r in zip(objectives, reference)])
        return hypervolume(objective_matrix(front, objectives), ref)

    def to_frame(self) -> "pd.DataFrame":
        """A pandas table with one row per trial and one column per metric."""
        import pandas as pd

        rows = []
        for trial in self.trials:
            row = record_of(trial, self.space)
            metrics = row.pop("metrics")
            row.pop("info")
            row.update(metrics)
            rows.append(row)
        return pd.DataFrame(rows)


def record_of(trial: Trial, space: "SearchSpace | None") -> dict[str, Any]:
    """The journal record of a trial (plain JSON values)."""
    m = trial.measurement
    return {
        "number": trial.number,
        "arch": space.to_str(trial.arch) if space is not None else str(trial.arch),
        "budget": trial.candidate.budget,
        "state": trial.state.value,
        "score": m.score if m is not None else None,
        "cost": trial.cost,
        "metrics": dict(m.metrics) if m is not None else {},
        "error": trial.error,
        "info": dict(trial.candidate.info),
    }


def trial_of(record: dict[str, Any], space: "SearchSpace") -> Trial:
    """Rebuild a trial from its journal record; raises ``KeyError``/``ValueError`` on bad records."""
    candidate = Candidate(space.from_str(record["arch"]), record["budget"], record.get("info") or {})
    state = TrialState(record["state"])
    measurement = None
    if state is TrialState.COMPLETE:
        measurement = Measurement(float(record["score"]), float(record["cost"]), record.get("metrics") or {})
    return Trial(int(record["number"]), candidate, state, measurement, record.get("error"), float(record["cost"]))


class Journal:
    """An append-only JSON-lines file with one record per finished trial.

    Each record is written with a single ``write`` and flushed to disk with
    ``fsync``, so a search killed at any moment loses at most the trial it was
    writing. A torn last line (no trailing newline) is such a half-written record:
    ``read`` drops it with a warning. Any other unreadable line, a record of another
    format version (``JOURNAL_FORMAT``), and trial numbers that repeat or skip one raise
    ``JournalError`` naming the file and the problem.

    Example:
        >>> import tempfile
        >>> from naslib_mini.types import Candidate, Measurement, Trial, TrialState
        >>> journal = Journal(Path(tempfile.mkdtemp()) / "j.jsonl")
        >>> journal.write(Trial(0, Candidate("a"), TrialState.COMPLETE, Measurement(0.5, 1.0), cost=1.0), None)
        >>> journal.path.read_text()[:40]
        '{"format": 2, "number": 0, "arch": "a", '
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """Whether the journal holds anything; a directory at its path is a ``JournalError``."""
        if self.path.is_dir():
            raise JournalError(f"journal path {self.path} is a directory; give the path of a file, "
                               f"e.g. {self.path / 'journal.jsonl'}")
        return self.path.exists() and self.path.stat().st_size > 0

    def write(self, trial: Trial, space: "SearchSpace | None") -> None:
        """Append ``trial``'s record, stamped with ``JOURNAL_FORMAT``, and flush it to disk."""
        line = json.dumps({"format": JOURNAL_FORMAT, **record_of(trial, space)}, allow_nan=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def read(self, space: "SearchSpace") -> list[Trial]:
        """All trials in the journal, in the order they were written.

        Raises:
            JournalError: A line is not a trial record, is of another format version, or
                the trial numbers repeat or skip one; the message names the file, the line
                or the numbers, and what to do.
        """
        text = self.path.read_text(encoding="utf-8")
        lines = text.split("\n")
        torn = lines.pop() if lines else ""
        trials: list[Trial] = []
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise JournalError(f"{self.path}: line {lineno} is not a valid trial record ({exc})") from exc
            self._check_format(record, lineno)
            try:
                trials.append(trial_of(record, space))
            except (ValueError, KeyError, TypeError) as exc:
                raise JournalError(f"{self.path}: line {lineno} is not a valid trial record ({exc})") from exc
        if torn.strip():
            log.warning("%s: dropping the half-written last line %d", self.path, len(lines) + 1)
            with open(self.path, "r+b") as handle:
                handle.truncate(len(text[: len(text) - len(torn)].encode("utf-8")))
        self._check_numbers([t.number for t in trials])
        return trials

    def _check_format(self, record: Any, lineno: int) -> None:
        found = record.get("format") if isinstance(record, dict) else None
        if found == JOURNAL_FORMAT:
            return
        written = "has no format version" if found is None else f"has format version {found!r}"
        raise JournalError(
            f"{self.path}: line {lineno} {written}, but this naslib_mini reads journal format {JOURNAL_FORMAT} "
            "only (older journals mixed accuracies in percent and fractions, so their scores cannot be compared "
            "with new ones). Start the search again with a new journal path, or with the naslib_mini version "
            "that wrote this journal.")

    def _check_numbers(self, numbers: list[int]) -> None:
        """Trials are numbered 0, 1, 2, ... as they were asked for: a repeat or a gap means a damaged journal."""
        repeated = sorted(n for n, count in collections.Counter(numbers).items() if count > 1)
        if repeated:
            raise JournalError(f"{self.path}: trial numbers repeat: {', '.join(map(str, repeated[:10]))}")
        missing = sorted(set(range(max(numbers, default=-1) + 1)) - set(numbers))
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            raise JournalError(
                f"{self.path}: trial number(s) {shown} are missing (the journal holds {len(numbers)} trials "
                f"numbered up to {max(numbers)}), so resuming would never run them yet count them as searched. "
                "The journal was edited or damaged: restore it, or start a new search with another journal path.")
