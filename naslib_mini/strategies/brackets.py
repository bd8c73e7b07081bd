"""Bracket schedules of successive halving and Hyperband: planned, and as a search ran them.

``bracket_schedule`` computes the rungs (configurations and budget per rung, per
bracket) that ``naslib_mini.strategies.hyperband`` will run for a budget ladder and
``eta`` (successive halving, Jamieson & Talwalkar 2016; Hyperband, Li et al. 2018, with
the bracket sizes of the BOHB reference code, Falkner et al. 2018); ``schedule_text``
writes it out; ``bracket_records`` reads back from a finished search which configuration
ran at which rung and which were promoted. The drawings are in ``naslib_mini.viz.brackets``.
Knows nothing about how scores are produced and never runs a search.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from naslib_mini.strategies.hyperband import geometric_budgets, hyperband_plans

if TYPE_CHECKING:
    import pandas as pd

    from naslib_mini.history import History

__all__ = ["SCHEDULES", "bracket_records", "bracket_schedule", "schedule_text"]

#: Strategies whose schedule ``bracket_schedule`` computes (BOHB runs Hyperband's brackets).
SCHEDULES = ("sh", "hyperband", "bohb")


def bracket_schedule(min_budget: float = 1, max_budget: float = 27, eta: float = 3, strategy: str = "hyperband",
                     budgets: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """The rungs of one round of brackets: how many configurations run at which budget.

    Args:
        min_budget, max_budget, eta: The ladder ``max_budget * eta**-k`` (see
            ``geometric_budgets``) and the promotion factor: each rung keeps the best
            ``1/eta`` of the previous one.
        strategy: ``"hyperband"`` or ``"bohb"`` (every bracket, most exploratory first)
            or ``"sh"`` (successive halving: the first bracket only, which it repeats).
        budgets: An explicit ladder instead, e.g. ``(12, 200)`` for the table's epochs.

    Returns:
        One dict per rung: ``bracket`` (0 = first run), ``rung``, ``configs``,
        ``budget`` and ``cost`` (``configs * budget``, in budget units).

    Example:
        >>> [(r["bracket"], r["configs"], r["budget"]) for r in bracket_schedule(1, 9, 3)]
        [(0, 9, 1.0), (0, 3, 3.0), (0, 1, 9.0), (1, 3, 3.0), (1, 1, 9.0), (2, 3, 9.0)]
    """
    if strategy not in SCHEDULES:
        raise ValueError(f"unknown bracket strategy {strategy!r}; valid choices: {', '.join(SCHEDULES)}")
    ladder = tuple(float(b) for b in budgets) if budgets is not None else geometric_budgets(min_budget, max_budget,
                                                                                           eta)
    plans = hyperband_plans(ladder, eta)
    if strategy == "sh":
        plans = plans[:1]
    rows = []
    for bracket, plan in enumerate(plans):
        for rung, (configs, budget) in enumerate(zip(plan.sizes, plan.budgets)):
            rows.append({"bracket": bracket, "rung": rung, "configs": int(configs), "budget": float(budget),
                         "cost": float(configs * budget)})
    return rows


def schedule_text(rows: Sequence[dict[str, Any]], unit: str = "epochs") -> str:
    """``bracket_schedule``'s rows as aligned text, with each bracket's and the round's totals.

    Example:
        >>> print(schedule_text(bracket_schedule(1, 3, 3, "sh")))
        bracket 0:   3 x 1 -> 1 x 3 epochs   (4 evaluations, 6 epochs)
        one round: 4 evaluations, 6 epochs
    """
    if not rows:
        raise ValueError("no rungs to show")
    lines, total_runs, total_cost = [], 0, 0.0
    for bracket in sorted({r["bracket"] for r in rows}):
        rungs = [r for r in rows if r["bracket"] == bracket]
        runs, cost = sum(r["configs"] for r in rungs), sum(r["cost"] for r in rungs)
        total_runs, total_cost = total_runs + runs, total_cost + cost
        steps = " -> ".join(f"{r['configs']} x {r['budget']:g}" for r in rungs)
        lines.append(f"bracket {bracket}:   {steps} {unit}   ({runs} evaluations, {cost:g} {unit})")
    lines.append(f"one round: {total_runs} evaluations, {total_cost:g} {unit}")
    return "\n".join(lines)


def bracket_records(history: History) -> "pd.DataFrame":
    """One row per bracket job of a search: number, bracket, rung, config, budget, score, cost, arch, promoted.

    ``promoted`` says whether the configuration ran again at the bracket's next rung.
    Trials without bracket information (not proposed by SH, Hyperband or BOHB) are skipped.

    Raises:
        ValueError: No trial carries bracket information.
    """
    import pandas as pd

    rows = []
    for trial in history:
        info = trial.candidate.info
        if not {"bracket", "rung", "config"} <= set(info):
            continue
        arch = history.space.to_str(trial.arch) if history.space is not None else str(trial.arch)
        rows.append({"number": trial.number, "bracket": int(info["bracket"]), "rung": int(info["rung"]),
                     "config": int(info["config"]), "budget": float(trial.candidate.budget),
                     "score": trial.score if trial.ok else np.nan, "cost": trial.cost, "arch": arch})
    if not rows:
        raise ValueError("no trial of this history carries bracket information (bracket, rung, config); "
                         "was it run by sh, hyperband or bohb?")
    frame = pd.DataFrame(rows)
    ran = set(zip(frame["bracket"], frame["rung"], frame["config"]))
    frame["promoted"] = [(b, r + 1, c) in ran for b, r, c in zip(frame["bracket"], frame["rung"], frame["config"])]
    return frame
