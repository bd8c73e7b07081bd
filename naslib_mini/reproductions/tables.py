"""Plain-text tables of a reproduction: one line per strategy, accuracies in percent.

Every reproduction (``nb201_results``, ``macro``) prints its result through
``strategy_table``, so their tables read alike: the strategy, its number of runs,
the mean ± std of what its runs report, then columns the reproduction adds (the
paper's figure, a difference, a regret). Results arrive as ``summarise`` writes
them (``{"mean", "std", "runs"}``, accuracies as fractions) and are printed in
percent, as papers print them. Knows nothing about how the runs were made.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

__all__ = ["Column", "percent", "strategy_table"]

#: An added column: its heading, its width and how it writes one strategy's cell from (name, row).
Column = tuple[str, int, Callable[[str, Mapping[str, float]], str]]


def percent(mean: float, std: float | None = None) -> str:
    """A fraction (and its std) as percent with two decimals.

    Example:
        >>> percent(0.9392, 0.003), percent(0.9313)
        ('93.92 ± 0.30', '93.13')
    """
    return f"{100 * mean:.2f}" if std is None else f"{100 * mean:.2f} ± {100 * std:.2f}"


def strategy_table(result: Mapping[str, Mapping[str, float]], columns: Sequence[Column] = (),
                   label: str = "ours") -> list[str]:
    """The heading and one line per strategy of ``result``, in its order.

    Args:
        result: ``{strategy: {"mean", "std", "runs"}}`` with accuracies as fractions.
        columns: Columns after the mean ± std (see ``Column``).
        label: Heading of the mean ± std column.

    Example:
        >>> lines = strategy_table({"rea": {"mean": 0.93, "std": 0.002, "runs": 5}},
        ...                        [("gap", 8, lambda name, row: percent(0.94 - row["mean"]))])
        >>> print("\\n".join(lines))  # doctest: +NORMALIZE_WHITESPACE
        strategy          runs              ours     gap
        rea                  5      93.00 ± 0.20    1.00
    """
    lines = [f"{'strategy':<16}{'runs':>6}{label:>18}" + "".join(f"{head:>{width}}" for head, width, _ in columns)]
    for name, row in result.items():
        cells = "".join(f"{cell(name, row):>{width}}" for _, width, cell in columns)
        lines.append(f"{name:<16}{row['runs']:>6}{percent(row['mean'], row['std']):>18}{cells}")
    return lines
