"""Gradient-based one-shot NAS: DARTS (first and second order) and GDAS on the NAS-Bench-201 cell.

A separate family from the ask/tell strategies (CONVENTIONS: the architecture is trained,
not proposed), recording what it finds as the same ``Trial``s in the same ``History``:
``search("darts", task, space, order=2)`` returns one trial per epoch. Modules:
``relaxation`` (alpha, softmax and Gumbel weights, the derived cell), ``hypergradient``
(DARTS' unrolled gradient, the Hessian's dominant eigenvalue), ``methods`` (the
architecture step of each method, ``METHODS``), ``search`` (the run and its records).
"""
from naslib_mini.one_shot.hypergradient import dominant_eigenvalue, unrolled_hypergradient
from naslib_mini.one_shot.methods import METHODS, DartsConfig, GdasConfig, OneShotConfig
from naslib_mini.one_shot.relaxation import (ArchParameters, derive, discretize, gdas_temperature, gumbel_hard,
                                             parameter_free_share, relax)
from naslib_mini.one_shot.search import DEFAULT_TRAINING, check_space, first_early_stop, result, search

__all__ = ["ArchParameters", "check_space", "DartsConfig", "DEFAULT_TRAINING", "derive", "discretize",
           "dominant_eigenvalue", "first_early_stop", "gdas_temperature", "GdasConfig", "gumbel_hard", "METHODS", "OneShotConfig",
           "parameter_free_share", "relax", "result", "search", "unrolled_hypergradient"]
