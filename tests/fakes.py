"""Test doubles: a cheap deterministic estimator over any space's encoding; small ground-truth files."""
from __future__ import annotations

import gzip
import json
import os
import signal
import time
from pathlib import Path

import numpy as np

from naslib_mini.estimators.base import CandidateFailed, Estimator
from naslib_mini.types import Measurement


class LinearEstimator(Estimator):
    """Score = a fixed random linear function of the architecture's encoding.

    Budgets (fidelities) add a small bonus so multi-fidelity strategies see a
    difference; ``params`` grows with the encoding's non-zero entries, so multi-objective
    strategies have a second objective; ``fail_every`` makes every k-th distinct evaluation raise.
    """

    name = "fake-linear"

    def __init__(self, space, seed: int = 0, fail_every: int | None = None, sleep: float = 0.0) -> None:
        self.space = space
        self.seed = seed
        self.fail_every = fail_every
        self.sleep = sleep
        self.calls = 0
        self._weights = None

    def estimate(self, arch, budget=None):
        self.calls += 1
        if self.sleep:
            time.sleep(self.sleep)
        if self.fail_every and self.calls % self.fail_every == 0:
            raise CandidateFailed("loss became NaN (fake)")
        x = self.space.encode(arch)
        if self._weights is None:
            self._weights = np.random.default_rng(self.seed).normal(size=len(x))
        score = float(x @ self._weights) + (0.01 * float(budget) if budget else 0.0)
        return Measurement(score=score, cost=1.0 + (float(budget) if budget else 0.0),
                           metrics={"val_accuracy": score, "params": 1000.0 + 100.0 * float(np.count_nonzero(x))})


def ground_truth_record(space, arch, seed=0, accuracy=0.5, seconds=2.0):
    """One training record of a ground-truth set, in the format ``benchmarks/ground_truth.py`` writes."""
    return {"space": space.name, "arch": space.to_str(arch), "seed": seed, "seconds": seconds,
            "val_accuracy": accuracy, "test_accuracy": accuracy - 0.01, "params": 100.0, "epochs": 1.0,
            "val_accuracy_epoch_1": accuracy}


def write_ground_truth(path, records):
    """Write ``records`` as a gzip-compressed JSON-lines ground-truth set; returns ``path``."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


class FaultyEstimator(Estimator):
    """Wraps an estimator; chosen architectures kill their worker process or hang (fault-tolerance tests).

    ``faults`` maps an architecture's string to ``"die-once"`` (SIGKILL its own process the
    first time, found by a marker file in ``marker_dir``), ``"die"`` (every time) or
    ``"hang"`` (sleep ``hang`` seconds); every other architecture takes ``sleep`` seconds.
    The process id of the worker that measured a trial is kept in its metrics as ``pid``.
    """

    name = "fake-faulty"

    def __init__(self, inner, space, faults, marker_dir, sleep=0.2, hang=600.0):
        self.inner, self.space, self.faults = inner, space, dict(faults)
        self.marker_dir, self.sleep, self.hang = str(marker_dir), sleep, hang

    def estimate(self, arch, budget=None):
        fault = self.faults.get(self.space.to_str(arch))
        if fault == "die" or (fault == "die-once" and not (Path(self.marker_dir) / "died").exists()):
            (Path(self.marker_dir) / "died").touch()
            time.sleep(self.sleep)  # killed in the middle of the trial
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(self.hang if fault == "hang" else self.sleep)
        m = self.inner.estimate(arch, budget)
        return Measurement(m.score, m.cost, {**m.metrics, "pid": float(os.getpid())})
