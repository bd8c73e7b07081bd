"""Functional-equivalence caching (FEC): programs that predict alike on a probe set share one fitness.

Section 4.2 of Real et al. 2020 ("AutoML-Zero", ICML): most mutations leave a
program's function unchanged (they hit dead code or swap equivalent instructions),
so before the full evaluation a program runs on a small fixed probe set (10 training
and 10 validation examples of one task in the demo) and its predictions, rounded,
are hashed; if the hash was seen, the stored fitness is reused. The cache holds the
most recent ``max_size`` entries (least recently used are dropped).

Knows nothing about search; it only stores fitness by the behaviour of a program.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np

from naslib_mini.automl_zero.interpreter import execute
from naslib_mini.automl_zero.program import Program
from naslib_mini.automl_zero.tasks import LinearTasks
from naslib_mini.types import ConfigurationError

__all__ = ["FECache"]


class FECache:
    """Fitness by functional fingerprint.

    Args:
        probe: The tasks whose predictions fingerprint a program (``tasks.head(1, 10, 10)`` in the demo).
        max_size: Entries kept (least recently used dropped first).
        decimals: Predictions are rounded to this many decimals before hashing.

    Example:
        >>> from naslib_mini.automl_zero.program import sgd_linear_regression
        >>> from naslib_mini.automl_zero.tasks import linear_regression_tasks
        >>> cache = FECache(linear_regression_tasks(1, seed=0, n_train=10, n_valid=10))
        >>> key = cache.key(sgd_linear_regression())
        >>> cache.get(key) is None
        True
        >>> cache.put(key, 0.5); cache.get(cache.key(sgd_linear_regression()))
        0.5
    """

    def __init__(self, probe: LinearTasks, max_size: int = 100_000, decimals: int = 8):
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ConfigurationError(f"max_size must be a positive integer, got {max_size!r}")
        self.probe = probe
        self.max_size = max_size
        self.decimals = decimals
        self._store: OrderedDict[bytes, float] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def key(self, program: Program) -> bytes:
        """The fingerprint of ``program``: a hash of its rounded probe predictions (NaN and infinities included)."""
        train, valid = execute(program, self.probe)
        with np.errstate(all="ignore"):
            values = np.round(np.concatenate([train.ravel(), valid.ravel()]), self.decimals)
            values = np.nan_to_num(values, nan=np.pi, posinf=1e300, neginf=-1e300) + 0.0  # + 0.0: -0.0 -> 0.0
        return hashlib.blake2b(values.tobytes(), digest_size=16).digest()

    def get(self, key: bytes) -> float | None:
        """The stored fitness for ``key`` (counted as a hit), or ``None`` (a miss)."""
        if key in self._store:
            self._store.move_to_end(key)
            self.hits += 1
            return self._store[key]
        self.misses += 1
        return None

    def put(self, key: bytes, value: float) -> None:
        """Store ``value`` for ``key``, dropping the least recently used entry when full."""
        self._store[key] = value
        self._store.move_to_end(key)
        if len(self._store) > self.max_size:
            self._store.popitem(last=False)

    def __len__(self) -> int:
        return len(self._store)
