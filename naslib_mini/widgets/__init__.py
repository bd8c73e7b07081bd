"""Notebook widgets: thin ipywidgets views over library functions.

Headless runs (papermill, nbval, CI) never fire widget events, so what a widget shows is
computed by library functions the tests call directly, and drawn by ``naslib_mini.viz``;
the widgets only wire them to controls. Widgets never train: at most they build a network
to summarise it. The library names re-exported below (``breed``, ``trace_reinforce``, ...)
keep working from here; their homes are the modules named in each import.
"""
from naslib_mini.composition import LAYER_FIELDS, compose, composition_text, layer_choices
from naslib_mini.reinforce_trace import POLICIES, ReinforceTrace, trace_reinforce, trace_summary
from naslib_mini.strategies.brackets import SCHEDULES, bracket_records, bracket_schedule, schedule_text
from naslib_mini.strategies.breeding import ORIGINS, arch_parts, breed, breeding_text
from naslib_mini.strategies.surrogate_snapshot import snapshot_text, surrogate_snapshot
from naslib_mini.trial_report import describe_trial, trial_text
from naslib_mini.viz.brackets import plot_brackets, plot_schedule
from naslib_mini.viz.reinforce import plot_learning, plot_policy_heatmap
from naslib_mini.viz.surrogate import plot_snapshot
from naslib_mini.widgets.brackets import BracketPlanner, bracket_planner
from naslib_mini.widgets.breeding import Breeder, breeder
from naslib_mini.widgets.composer import ArchitectureComposer, architecture_composer
from naslib_mini.widgets.surrogate import SurrogateExplorer, surrogate_explorer
from naslib_mini.widgets.inspector import TrialInspector, trial_inspector
from naslib_mini.widgets.reinforce_lab import ReinforceLab, reinforce_lab
from naslib_mini.widgets.reproduction import ReproductionExplorer, reproduction_explorer

__all__ = ["ORIGINS", "Breeder", "arch_parts", "breed", "breeder", "breeding_text",
           "LAYER_FIELDS", "ArchitectureComposer", "TrialInspector", "architecture_composer", "compose",
           "composition_text", "describe_trial", "layer_choices", "trial_inspector", "trial_text"]
__all__ += ["ReproductionExplorer", "reproduction_explorer"]
__all__ += ["SurrogateExplorer", "plot_snapshot", "snapshot_text", "surrogate_explorer", "surrogate_snapshot"]
__all__ += ["POLICIES", "ReinforceLab", "ReinforceTrace", "plot_learning", "plot_policy_heatmap", "reinforce_lab",
            "trace_reinforce", "trace_summary"]
__all__ += ["SCHEDULES", "BracketPlanner", "bracket_planner", "bracket_records", "bracket_schedule", "plot_brackets",
            "plot_schedule", "schedule_text"]
