"""Tabular estimation: look up a NAS-Bench-201 architecture's published training results.

A query returns in microseconds what took the benchmark's authors GPU-hours
(Dong & Yang, ICLR 2020; NATS-Bench, Dong et al. 2021): the validation accuracy
after the 12- or 200-epoch schedule is the score, and the simulated training
time of that schedule is the cost, so budgets compare methods fairly (the
NAS-Bench-201 protocol). Budget ``PROXY_BUDGET`` (0 epochs) is a zero-cost fidelity: the
synflow score of the untrained network (Abdelfattah et al., ICLR 2021), shipped for every
cell (``naslib_mini.data.load_nb201_synflow``), charged its measured CPU seconds per cell;
its measurement is marked with ``history.PROXY_METRIC`` so it never becomes an incumbent. The 200-epoch test accuracy is reported in the metrics
for the final figure; strategies never read it. The table holds percent, as
published; accuracies leave this module as fractions in [0, 1], like every
estimator's (converted once, when the columns are read). Knows nothing about strategies;
reads the table through ``naslib_mini.data`` and architectures through the
``nb201`` space.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from naslib_mini.data import load_nb201, load_nb201_cost, load_nb201_synflow, nb201_path
from naslib_mini.estimators.base import ESTIMATORS, Estimator, SpaceMismatch
from naslib_mini.history import PROXY_METRIC
from naslib_mini.spaces.nb201 import NB201Arch, NB201Space
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["DATASETS", "EPOCHS", "PROXY_BUDGET", "SYNFLOW_CPU_SECONDS", "DatasetColumns", "SpaceMismatch",
           "TabularEstimator"]

log = logging.getLogger(__name__)

#: Training schedules (epochs) the table holds.
EPOCHS = (12, 200)

#: The budget (epochs of training: none) that asks for the synflow proxy instead of a schedule.
PROXY_BUDGET = 0

#: CPU seconds synflow took per cell on the CIFAR-shaped network: ``cpu_seconds_per_cell`` of
#: ``benchmarks/results/synflow_nb201.json`` (all 15,625 cells, 1104.4 s on a 2-core CPU),
#: the cost a proxy query is charged (a test checks the two agree).
SYNFLOW_CPU_SECONDS = 0.0707

#: The table's accuracies are percent; measurements carry fractions.
PERCENT = 100.0


@dataclass(frozen=True)
class DatasetColumns:
    """Which table columns hold one dataset's results (see the data README)."""

    valid: dict[int, str]
    test: str
    train_time: dict[int, str]
    params: str


#: Columns of each dataset, keyed by its NAS-Bench-201 name.
DATASETS: dict[str, DatasetColumns] = {
    "cifar10": DatasetColumns({12: "c10_valid_12", 200: "c10_valid_200"}, "c10_test_200",
                              {12: "c10v_train_time_12ep_s", 200: "c10v_train_time_200ep_s"}, "c10v_params_mb"),
    "cifar100": DatasetColumns({12: "c100_valid_12", 200: "c100_valid_200_derived"}, "c100_test_200",
                               {12: "c100_train_time_12ep_s", 200: "c100_train_time_200ep_s"}, "c100_params_mb"),
    "imagenet16-120": DatasetColumns({12: "in16_valid_12", 200: "in16_valid_200_derived"}, "in16_test_200",
                                     {12: "in16_train_time_12ep_s", 200: "in16_train_time_200ep_s"},
                                     "in16_params_mb"),
}


def _check_epochs(epochs: float, what: str) -> int:
    if epochs not in EPOCHS:  # the strategy's budgets do not fit the table: a configuration error
        raise ConfigurationError(f"{what} must be one of the table's schedules {', '.join(map(str, EPOCHS))} "
                         f"(epochs), or {PROXY_BUDGET} for the synflow proxy, got {epochs!r}")
    return int(epochs)


@ESTIMATORS.register("nb201", aliases=("tabular",))
class TabularEstimator(Estimator):
    """Scores NAS-Bench-201 cells by table look-up.

    Args:
        dataset: ``"cifar10"``, ``"cifar100"`` or ``"imagenet16-120"``.
        epochs: Schedule used when a candidate has no budget: 12 (the
            low-fidelity signal of the paper's search methods) or 200.
        honour_budget: Use a candidate's budget (12 or 200) as its schedule. With
            ``False`` every candidate is scored and charged at ``epochs``, as the
            official NAS-Bench-201 BOHB script does with 200. The proxy budget
            ``PROXY_BUDGET`` is not a schedule and is always honoured.
        data_dir: The benchmark data directory; by default ``$NASLIB_MINI_DATA`` or the
            copy shipped with the package.
        flops: Add ``flops``, the FLOPs per image of the cell's 10-class CIFAR network as
            naslib_mini builds it (``load_nb201_cost``), to the metrics, for multi-objective
            search; CIFAR-10 only (other datasets' classifiers differ).

    Raises:
        DataNotFound: The table is not in the data directory (checked at once, without
            loading it; a ``ConfigurationError`` and a ``FileNotFoundError``).
        ConfigurationError: An unknown dataset or schedule (a ``ValueError``); later, on
            the first query, a table that cannot be loaded or lacks a column.

    The measurement's score is the validation accuracy as a fraction, its cost the
    simulated training seconds of the schedule; metrics are ``val_accuracy``,
    ``test_accuracy`` (200 epochs), ``params`` (a count, like every estimator), ``train_time`` and ``epochs``.
    At ``budget=PROXY_BUDGET`` the score is the cell's synflow (not an accuracy), the cost
    ``SYNFLOW_CPU_SECONDS`` and the metrics ``synflow``, ``epochs`` (0) and ``PROXY_METRIC`` (1).

    Example:
        >>> import naslib_mini as nm
        >>> space, est = nm.SPACES.create("nb201"), nm.ESTIMATORS.create("nb201", dataset="cifar10")
        >>> m = est.estimate(space.from_index(6111))
        >>> round(m.score, 4), round(m.cost, 1), round(m.metrics["test_accuracy"], 4)
        (0.8438, 172.8, 0.9437)
        >>> round(est.estimate(space.from_index(6111), budget=200).score, 4)
        0.9161
        >>> proxy = est.estimate(space.from_index(6111), budget=PROXY_BUDGET)
        >>> proxy.cost, sorted(proxy.metrics)
        (0.0707, ['epochs', 'proxy', 'synflow'])
    """

    name = "nb201"

    def __init__(self, dataset: str = "cifar10", epochs: int = 12, honour_budget: bool = True,
                 data_dir: str | os.PathLike | None = None, flops: bool = False) -> None:
        if dataset not in DATASETS:
            raise ConfigurationError(f"unknown NAS-Bench-201 dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")
        self.dataset = dataset
        self.epochs = _check_epochs(epochs, "epochs")
        self.honour_budget = honour_budget
        self.data_dir = data_dir
        if flops and dataset != "cifar10":
            raise ConfigurationError(f"flops=True holds the FLOPs of the 10-class CIFAR network only; got dataset "
                                     f"{dataset!r}: use dataset='cifar10' or flops=False")
        self.flops = bool(flops)
        nb201_path(data_dir)  # one stat, no load: missing data stops a search before its first trial
        self.space = NB201Space(data_dir=data_dir)
        self._columns: dict[str, np.ndarray] | None = None
        self._synflow: np.ndarray | None = None

    def _tables(self) -> dict[str, np.ndarray]:
        """This dataset's columns as arrays ordered by architecture code (built once; accuracies in [0, 1])."""
        if self._columns is None:
            table = load_nb201(self.data_dir)
            rows = self.space.index_array()
            spec = DATASETS[self.dataset]
            names = {"test": spec.test, "params": spec.params}
            for epochs in EPOCHS:
                names[f"valid{epochs}"] = spec.valid[epochs]
                names[f"time{epochs}"] = spec.train_time[epochs]
            missing = sorted(set(names.values()) - set(table.columns))
            if missing:
                raise ConfigurationError(f"the NAS-Bench-201 table {nb201_path(self.data_dir)} has no "
                                         f"column(s) {', '.join(missing)} for dataset {self.dataset!r}; the data "
                                         "README lists the columns a complete table holds")
            columns = {key: table[column].to_numpy(dtype=float)[rows] for key, column in names.items()}
            for key in ("test", *(f"valid{epochs}" for epochs in EPOCHS)):
                columns[key] /= PERCENT
            if self.flops:
                columns["flops"] = load_nb201_cost()["flops"].to_numpy(dtype=float)[rows]
            self._columns = columns
        return self._columns

    def _code(self, arch: NB201Arch | str) -> int:
        if isinstance(arch, str):
            arch = self.space.from_str(arch)
        if not isinstance(arch, NB201Arch):
            raise SpaceMismatch(f"the nb201 estimator needs an NB201Arch (or its string) of the nb201 space, got "
                                f"{type(arch).__name__} {arch!r}; search the nb201 space with it")
        return arch.code

    def estimate(self, arch: NB201Arch | str, budget: float | None = None) -> Measurement:
        """Validation accuracy (a fraction) and simulated training seconds of ``arch``.

        Args:
            arch: An architecture of the ``nb201`` space (or its official string).
            budget: Epochs, 12 or 200; ``None`` (or ``honour_budget=False``) uses ``self.epochs``;
                ``PROXY_BUDGET`` (0) asks for the synflow proxy.

        Raises:
            ConfigurationError: The schedule is neither 12 nor 200 (a ``ValueError``), or
                ``arch`` is not of the nb201 space (``SpaceMismatch``, also a ``TypeError``).
        """
        if budget is not None and not isinstance(budget, bool) and budget == PROXY_BUDGET:
            return self._proxy(self._code(arch))
        epochs = self.epochs
        if budget is not None and self.honour_budget:
            epochs = _check_epochs(budget, "budget")
        code, columns = self._code(arch), self._tables()
        val = float(columns[f"valid{epochs}"][code])
        seconds = float(columns[f"time{epochs}"][code])
        metrics = {"val_accuracy": val, "test_accuracy": float(columns["test"][code]),
                   "params": round(float(columns["params"][code]) * 1e6), "train_time": seconds, "epochs": float(epochs)}
        if self.flops:
            metrics["flops"] = float(columns["flops"][code])
        return Measurement(score=val, cost=seconds, metrics=metrics)

    def _proxy(self, code: int) -> Measurement:
        """The synflow fidelity of the cell with architecture code ``code``."""
        if self._synflow is None:
            self._synflow = load_nb201_synflow()["synflow"].to_numpy(dtype=float)[self.space.index_array()]
        score = float(self._synflow[code])
        return Measurement(score=score, cost=SYNFLOW_CPU_SECONDS,
                           metrics={"synflow": score, "epochs": 0.0, PROXY_METRIC: 1.0})

    def columns(self) -> dict[str, np.ndarray]:
        """This dataset's columns over all cells, ordered by architecture code (accuracies as fractions).

        Keys: ``test`` (200 epochs), ``valid12``, ``valid200``, ``time12``, ``time200``, ``params``.
        The arrays are the estimator's own: copy one before changing it.
        """
        return self._tables()

    def test_accuracy(self, arch: NB201Arch | str) -> float:
        """The 200-epoch test accuracy (a fraction) of ``arch``: the figure to report at the end."""
        return float(self._tables()["test"][self._code(arch)])

    def best_test_accuracy(self) -> float:
        """The highest 200-epoch test accuracy (a fraction) of any cell on this dataset: the global optimum."""
        return float(self._tables()["test"].max())

    def __repr__(self) -> str:
        return (f"TabularEstimator(dataset={self.dataset!r}, epochs={self.epochs}, "
                f"honour_budget={self.honour_budget})")
