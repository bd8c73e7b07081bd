"""Notebook widgets. Each is a thin ipywidgets shell around plain, tested functions.

Headless runs (papermill, nbval, CI) never fire widget events, so the logic
lives in functions the tests call directly; the widgets only wire them to
controls. Widgets never train: at most they build a network to summarise it.
"""
from naslib_mini.widgets.composer import (LAYER_FIELDS, ArchitectureComposer, architecture_composer, compose,
                                          composition_text, layer_choices)
from naslib_mini.widgets.inspector import TrialInspector, describe_trial, trial_inspector, trial_text

__all__ = ["LAYER_FIELDS", "ArchitectureComposer", "TrialInspector", "architecture_composer", "compose",
           "composition_text", "describe_trial", "layer_choices", "trial_inspector", "trial_text"]
