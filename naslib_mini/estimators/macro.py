"""Tabular estimation on NAS-Bench-Macro: look up an architecture's three published CIFAR-10 runs.

NAS-Bench-Macro (Su et al., CVPR 2021) trained each of its 6,561 chain networks
three times on CIFAR-10 (50 epochs, SGD with cosine schedule, in the release's
``train/train.py``) and published the three test accuracies, their mean, the
parameters and the multiply-adds. Each published accuracy is the best test accuracy
over the run's 50 epochs (``train.py`` keeps the maximum of its per-epoch evaluations on
the test set), so the figures are slightly optimistic; they are used as published.
The score is the mean of the three runs as a fraction; with ``noisy=True`` it is one
of the three runs, drawn per query by the estimator's own seeded generator, so a
search sees the seed-to-seed noise of real training. The benchmark has no validation
split and no training times: the signal and the reported figure are the same test
accuracies, and every query costs ``COST_PER_QUERY`` simulated seconds, so a cost
budget counts queries. Budget ``PROXY_BUDGET`` (0 epochs) is a zero-cost fidelity, as on the
NAS-Bench-201 table: the parameter count, one of the baseline proxies of Abdelfattah
et al. (ICLR 2021), since no training-free score is published for this table; it is
known before training (the one builder's network has exactly the table's count), so
it is charged nothing, and it is marked with ``history.PROXY_METRIC`` so it never
becomes an incumbent. The table holds percent; measurements carry fractions.
Knows nothing about strategies; reads the table through ``naslib_mini.data`` and
architectures through the ``nas-bench-macro`` space.
"""
from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import numpy as np

from naslib_mini.data import load_nas_bench_macro, macro_path
from naslib_mini.estimators.base import ESTIMATORS, Estimator, SpaceMismatch
from naslib_mini.estimators.tabular import PROXY_BUDGET
from naslib_mini.history import PROXY_METRIC
from naslib_mini.seeding import default_rng
from naslib_mini.spaces.macro import STRINGS, MacroArch, MacroSpace
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["COST_PER_QUERY", "EPOCHS", "PROXY_BUDGET", "MacroEstimator"]

log = logging.getLogger(__name__)

#: The one training schedule the table holds (epochs).
EPOCHS = 50
#: Simulated seconds charged per query: the table has no training times, so a query is the unit.
COST_PER_QUERY = 1.0
_PERCENT = 100.0


@functools.lru_cache(maxsize=2)
def _columns(file: Path) -> dict[str, np.ndarray]:
    """The columns of the table in ``file``, built once per process and shared by every estimator."""
    table = load_nas_bench_macro(file.parents[1])
    if tuple(table.index) != STRINGS:
        raise ConfigurationError(f"{file} does not hold the 6,561 NAS-Bench-Macro keys")
    runs = np.array(table["test_acc"].tolist(), dtype=float) / _PERCENT
    if runs.shape != (len(STRINGS), 3):
        raise ConfigurationError(f"{file} must hold 3 runs per architecture, got an array of shape {runs.shape}")
    columns = {"runs": runs, "mean": runs.mean(axis=1), "params": table["params"].to_numpy(dtype=float),
               "flops": table["flops"].to_numpy(dtype=float)}
    for array in columns.values():
        array.flags.writeable = False
    return columns


@ESTIMATORS.register("nas-bench-macro", aliases=("macro",))
class MacroEstimator(Estimator):
    """Scores NAS-Bench-Macro architectures by table look-up.

    Args:
        noisy: Score each query with one of the three runs, drawn uniformly (instead of their mean).
        seed: Seed of the generator that draws the runs (used only when ``noisy``).
        honour_budget: With ``True`` a budget must be ``None`` or the table's schedule
            (``EPOCHS``), and anything else raises; with ``False`` every query is scored
            and charged at that schedule whatever its budget, so multi-fidelity strategies
            (SH, Hyperband, BOHB) run with their brackets choosing only which
            architectures to query, as the NAS-Bench-201 BOHB script does. The proxy
            budget ``PROXY_BUDGET`` is not a schedule and is always honoured.
        data_dir: The benchmark data directory; by default ``$NASLIB_MINI_DATA`` or the
            copy shipped with the package.

    Raises:
        DataNotFound: The table is not in the data directory (checked at once, without loading it).

    The measurement's score is the test accuracy (a fraction): the mean of the runs or the
    drawn run. Metrics: ``val_accuracy`` (the score: the search signal), ``test_accuracy``
    (the mean of the three runs, the figure to report), ``params``, ``flops`` (multiply-adds,
    as published), ``epochs`` and, when noisy, ``run`` (0, 1 or 2). The cost is
    ``COST_PER_QUERY``. Noisy draws follow the order of queries: a search resumed from a
    journal draws differently from an uninterrupted one. At ``budget=PROXY_BUDGET`` the score
    is the parameter count, the cost 0 and the metrics ``params``, ``flops``, ``epochs`` (0)
    and ``PROXY_METRIC`` (1).

    Example:
        >>> import naslib_mini as nm
        >>> space, est = nm.SPACES.create("macro"), nm.ESTIMATORS.create("macro")
        >>> m = est.estimate(space.from_str("22212220"))
        >>> round(m.score, 4), m.cost, int(m.metrics["params"]), int(m.metrics["flops"])
        (0.9313, 1.0, 1985514, 85164544)
        >>> noisy = nm.ESTIMATORS.create("macro", noisy=True, seed=0)
        >>> sorted({round(noisy.estimate("22212220").score, 4) for _ in range(20)})
        [0.9277, 0.9328, 0.9333]
        >>> est.estimate("22212220", budget=PROXY_BUDGET).score
        1985514.0
    """

    name = "nas-bench-macro"

    def __init__(self, noisy: bool = False, seed: int = 0, honour_budget: bool = True,
                 data_dir: str | os.PathLike | None = None) -> None:
        if not isinstance(noisy, bool):
            raise ConfigurationError(f"noisy must be True or False, got {noisy!r}")
        self.noisy, self.seed, self.honour_budget, self.data_dir = noisy, seed, honour_budget, data_dir
        self._rng = default_rng(seed)
        macro_path(data_dir)  # one stat, no load: missing data stops a search before its first trial
        self.space = MacroSpace()
        self._columns: dict[str, np.ndarray] | None = None

    def _tables(self) -> dict[str, np.ndarray]:
        """The table's columns as read-only arrays ordered by architecture code (accuracies in [0, 1])."""
        if self._columns is None:
            self._columns = _columns(macro_path(self.data_dir))
        return self._columns

    def _code(self, arch: MacroArch | str) -> int:
        if isinstance(arch, str):
            arch = self.space.from_str(arch)
        if not isinstance(arch, MacroArch):
            raise SpaceMismatch(f"the nas-bench-macro estimator needs a MacroArch (or its 8-digit key) of the "
                                f"nas-bench-macro space, got {type(arch).__name__} {arch!r}; search that space with it")
        return arch.code

    def estimate(self, arch: MacroArch | str, budget: float | None = None) -> Measurement:
        """Test accuracy (a fraction) of ``arch``: the mean of its three runs, or one of them when noisy.

        Args:
            arch: An architecture of the ``nas-bench-macro`` space (or its key).
            budget: ``None`` or ``EPOCHS``; with ``honour_budget=False`` any budget, ignored;
                ``PROXY_BUDGET`` (0) asks for the zero-cost proxy (the parameter count).

        Raises:
            ConfigurationError: A budget the table does not hold (with ``honour_budget``), or
                ``arch`` is not of the space (``SpaceMismatch``, also a ``TypeError``).
        """
        proxy = budget is not None and not isinstance(budget, bool) and budget == PROXY_BUDGET
        if budget is not None and self.honour_budget and not proxy and budget != EPOCHS:
            raise ConfigurationError(f"NAS-Bench-Macro holds one schedule, {EPOCHS} epochs: budget must be None, "
                                     f"{EPOCHS} or {PROXY_BUDGET} (the zero-cost proxy), got {budget!r}; create the "
                                     "estimator with honour_budget=False to score every query at that schedule "
                                     "whatever its budget")
        code, columns = self._code(arch), self._tables()
        if proxy:
            params = float(columns["params"][code])
            return Measurement(score=params, cost=0.0, metrics={"params": params, "flops": float(columns["flops"][code]),
                                                               "epochs": 0.0, PROXY_METRIC: 1.0})
        mean = float(columns["mean"][code])
        metrics = {"test_accuracy": mean, "params": float(columns["params"][code]),
                   "flops": float(columns["flops"][code]), "epochs": float(EPOCHS)}
        score = mean
        if self.noisy:
            run = int(self._rng.integers(3))
            score = float(columns["runs"][code, run])
            metrics["run"] = float(run)
        metrics["val_accuracy"] = score
        return Measurement(score=score, cost=COST_PER_QUERY, metrics=metrics)

    def test_accuracy(self, arch: MacroArch | str) -> float:
        """The mean test accuracy (a fraction) of the three runs of ``arch``: the figure to report."""
        return float(self._tables()["mean"][self._code(arch)])

    def best_test_accuracy(self) -> float:
        """The highest mean test accuracy (a fraction) of any architecture: the table's optimum."""
        return float(self._tables()["mean"].max())

    def mean_test_accuracy(self) -> float:
        """The mean test accuracy (a fraction) over all 6,561 architectures: what one random query finds on average."""
        return float(self._tables()["mean"].mean())

    def __repr__(self) -> str:
        return f"MacroEstimator(noisy={self.noisy}, seed={self.seed}, honour_budget={self.honour_budget})"
