"""Published protocols as library code: each module reproduces one paper's experiment.

``nb201``: the NAS-Bench-201 comparison of search strategies (Dong & Yang, ICLR
2020), its protocol and runner; ``nb201_results``: the tables and anytime curves
read from its runs. The command ``python -m naslib_mini reproduce`` and notebook 07
call these; a new reproduction is a new module beside them. Knows strategies and
estimators only by their registered names.
"""
from naslib_mini.reproductions.nb201 import (PAPER_FIGURES, Protocol, reproduce_nb201, run_once, search_once,
                                             strategy_seeds)

__all__ = ["PAPER_FIGURES", "Protocol", "reproduce_nb201", "run_once", "search_once", "strategy_seeds"]
from naslib_mini.reproductions.macro import MacroProtocol, reproduce_macro  # noqa: E402

__all__ += ["MacroProtocol", "reproduce_macro"]
from naslib_mini.reproductions.progressive import macro_at_budgets, paired_test  # noqa: E402

__all__ += ["macro_at_budgets", "paired_test"]
