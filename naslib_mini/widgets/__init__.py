"""Notebook widgets. Each is a thin ipywidgets shell around plain, tested functions.

Headless runs (papermill, nbval, CI) never fire widget events, so the logic
lives in functions the tests call directly; the widgets only wire them to
controls. Widgets never train: at most they build a network to summarise it.
"""
from naslib_mini.widgets.brackets import (SCHEDULES, BracketPlanner, bracket_planner, bracket_records,
                                          bracket_schedule, plot_brackets, plot_schedule, schedule_text)
from naslib_mini.widgets.breeding import ORIGINS, Breeder, arch_parts, breed, breeder, breeding_text
from naslib_mini.widgets.composer import (LAYER_FIELDS, ArchitectureComposer, architecture_composer, compose,
                                          composition_text, layer_choices)
from naslib_mini.widgets.surrogate import (SurrogateExplorer, plot_snapshot, snapshot_text, surrogate_explorer,
                                           surrogate_snapshot)
from naslib_mini.widgets.inspector import TrialInspector, describe_trial, trial_inspector, trial_text
from naslib_mini.widgets.reinforce_lab import (POLICIES, ReinforceLab, ReinforceTrace, plot_learning,
                                               plot_policy_heatmap, reinforce_lab, trace_reinforce, trace_summary)
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
