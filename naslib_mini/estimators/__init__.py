"""Performance estimators. Importing this package registers every estimator in ``ESTIMATORS``."""
from naslib_mini.estimators.base import ESTIMATORS, CandidateFailed, Estimator
from naslib_mini.estimators.tabular import TabularEstimator
from naslib_mini.estimators.final import FinalResult, train_final
from naslib_mini.estimators.routines import TrainingConfig
from naslib_mini.estimators.training import TrainingEstimator
from naslib_mini.estimators.cross_validation import CrossValidationEstimator
from naslib_mini.estimators.zero_cost import ZeroCostEstimator
from naslib_mini.estimators.supernet import SupernetEstimator
from naslib_mini.estimators.macro import MacroEstimator

__all__ = ["ESTIMATORS", "CandidateFailed", "CrossValidationEstimator", "Estimator", "MacroEstimator",
           "SupernetEstimator", "TabularEstimator", "FinalResult", "TrainingConfig", "TrainingEstimator",
           "ZeroCostEstimator", "train_final"]
from naslib_mini.supernet.few_shot import FewShotEstimator  # noqa: E402  (registers "few-shot-supernet")
__all__ += ["FewShotEstimator"]
from naslib_mini.estimators.detection import DetectionEstimator  # noqa: E402  (registers "detection-training")
__all__ += ["DetectionEstimator"]
