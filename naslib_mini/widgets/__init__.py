"""Notebook widgets: thin ipywidgets views over library functions.

Headless runs (papermill, nbval, CI) never fire widget events, so what a widget shows is
computed by library functions the tests call directly (``naslib_mini.strategies.breeding``,
``naslib_mini.reinforce_trace``, ``naslib_mini.strategies.brackets``, ...), and drawn by
``naslib_mini.viz``; the widgets only wire them to controls. Widgets never train: at most
they build a network to summarise it.
"""
from naslib_mini.widgets.brackets import BracketPlanner, bracket_planner
from naslib_mini.widgets.breeding import Breeder, breeder
from naslib_mini.widgets.composer import ArchitectureComposer, architecture_composer
from naslib_mini.widgets.estimator_explorer import EstimatorExplorer, estimator_explorer
from naslib_mini.widgets.inspector import TrialInspector, trial_inspector
from naslib_mini.widgets.pareto_explorer import ParetoExplorer, pareto_explorer
from naslib_mini.widgets.reinforce_lab import ReinforceLab, reinforce_lab
from naslib_mini.widgets.reproduction import ReproductionExplorer, reproduction_explorer
from naslib_mini.widgets.surrogate import SurrogateExplorer, surrogate_explorer

__all__ = ["ArchitectureComposer", "BracketPlanner", "Breeder", "ReinforceLab", "ReproductionExplorer",
           "SurrogateExplorer", "TrialInspector", "architecture_composer", "bracket_planner", "breeder",
           "EstimatorExplorer", "estimator_explorer", "ParetoExplorer", "pareto_explorer",
           "reinforce_lab", "reproduction_explorer", "surrogate_explorer", "trial_inspector"]
from naslib_mini.widgets.one_shot import EpochScrubber, epoch_scrubber  # noqa: E402
from naslib_mini.widgets.supernet_ranking import RankingExplorer, ranking_explorer  # noqa: E402

__all__ += ["EpochScrubber", "RankingExplorer", "epoch_scrubber", "ranking_explorer"]
from naslib_mini.widgets.slice_browser import SliceBrowser, slice_browser  # noqa: E402

__all__ += ["SliceBrowser", "slice_browser"]
from naslib_mini.widgets.latency_picker import LatencyPicker, latency_picker  # noqa: E402

__all__ += ["LatencyPicker", "latency_picker"]
from naslib_mini.widgets.detection_viewer import DetectionViewer, detection_viewer  # noqa: E402

__all__ += ["DetectionViewer", "detection_viewer"]
