"""naslib_mini: a small, readable Neural Architecture Search library and course.

The flow reads off the package: search space -> strategy -> estimator -> history,
joined by the ask/tell loop in ``naslib_mini.loop``.

Example:
    >>> import naslib_mini as nm
    >>> {"grid", "random"} <= set(nm.STRATEGIES.names())
    True
"""
from naslib_mini.estimators import (ESTIMATORS, CandidateFailed, CrossValidationEstimator, Estimator, FinalResult,
                                    TrainingConfig, TrainingEstimator, train_final)
from naslib_mini.calibration import temperature_scaled_loss
from naslib_mini.comparison import PairedComparison, compare_errors
from naslib_mini.data import DataNotFound, data_dir, load_nas_bench_macro, load_nb201, load_nb201_synflow
from naslib_mini.estimators.zero_cost import ZeroCostEstimator
from naslib_mini.proxies import PROXIES, compute_proxy
from naslib_mini.estimators.tabular import TabularEstimator
from naslib_mini.history import JOURNAL_FORMAT, History, Journal, JournalError
from naslib_mini.loop import Budget, run
from naslib_mini.networks import build_network, count_flops, count_params, measure_latency
from naslib_mini.registry import Registry
from naslib_mini.reproduce import reproduce_nb201
from naslib_mini.seeding import default_rng, derive_seed
from naslib_mini.spaces import OPS, SPACES, Decision, Operation, SearchSpace
from naslib_mini.spaces.chain import ChainArch, ChainConfig, ChainSpace, Layer
from naslib_mini.spaces.nb201 import NB201Arch, NB201Space
from naslib_mini.strategies import STRATEGIES, SearchExhausted, Strategy
from naslib_mini.tasks import TASKS, Task, TaskSpec, cache_dir
from naslib_mini.types import Candidate, ConfigurationError, Measurement, Trial, TrialState

__version__ = "0.1.0"

__all__ = [
    "reproduce_nb201", "PairedComparison", "compare_errors", "temperature_scaled_loss",
    "ChainArch", "ChainConfig", "ChainSpace", "Layer",
    "NB201Arch", "NB201Space", "TabularEstimator", "data_dir", "load_nb201", "load_nas_bench_macro",
    "PROXIES", "ZeroCostEstimator", "compute_proxy", "load_nb201_synflow",
    "ConfigurationError", "DataNotFound",
    "CrossValidationEstimator", "FinalResult", "TrainingConfig", "TrainingEstimator", "cache_dir", "train_final",
    "Budget", "Candidate", "CandidateFailed", "Decision", "ESTIMATORS", "Estimator", "History",
    "JOURNAL_FORMAT", "Journal", "JournalError", "Measurement", "OPS", "Operation", "Registry", "SPACES",
    "STRATEGIES", "SearchExhausted", "SearchSpace", "Strategy", "TASKS", "Task", "TaskSpec",
    "Trial", "TrialState", "build_network", "count_flops", "count_params", "default_rng",
    "derive_seed", "measure_latency", "run",
]
