"""Paired comparison of two classifiers on the same test examples: McNemar's exact test.

Two networks scored on one test split are paired samples: most examples both get
right, a few both get wrong (hard or ambiguous ones), and only the examples on
which they *disagree* say which network is better. McNemar's test (McNemar 1947)
asks whether those disagreements split more unevenly than a fair coin would split
them; Dietterich (1998) recommends it for comparing two learning algorithms on one
test set. With several training runs per network, run ``i`` of one is paired with
run ``i`` of the other (the same seed) and the disagreements of all pairs are
pooled, which treats the runs as independent draws.

It also reports the examples that every run of both networks misses: the part of
the error no architecture change in the comparison fixed. Works on sets of
misclassified indices (``FinalResult.test_errors``); knows nothing about training.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Collection, Sequence

from scipy.stats import binomtest

__all__ = ["PairedComparison", "compare_errors"]


@dataclass(frozen=True)
class PairedComparison:
    """Disagreements of two classifiers, pooled over paired runs.

    Attributes:
        examples: Test examples per run.
        runs: Paired runs.
        only_a_right: Example-runs that ``a`` classifies correctly and ``b`` does not.
        only_b_right: Example-runs that ``b`` classifies correctly and ``a`` does not.
        both_wrong: Example-runs that both misclassify.
        always_wrong: Examples misclassified by every run of both, ascending.
        p_value: Two-sided exact McNemar p-value (a binomial test of
            ``only_a_right`` out of all disagreements at 1/2); 1.0 without disagreements.
    """

    examples: int
    runs: int
    only_a_right: int
    only_b_right: int
    both_wrong: int
    always_wrong: tuple[int, ...]
    p_value: float

    @property
    def accuracy_difference(self) -> float:
        """Mean accuracy of ``a`` minus that of ``b``, a fraction."""
        return (self.only_a_right - self.only_b_right) / (self.examples * self.runs)

    def as_dict(self) -> dict:
        """The fields and ``accuracy_difference`` as plain JSON-ready values."""
        return {"examples": self.examples, "runs": self.runs, "only_a_right": self.only_a_right,
                "only_b_right": self.only_b_right, "both_wrong": self.both_wrong,
                "always_wrong": list(self.always_wrong), "accuracy_difference": self.accuracy_difference,
                "p_value": self.p_value}


def compare_errors(errors_a: Sequence[Collection[int]], errors_b: Sequence[Collection[int]],
                   examples: int) -> PairedComparison:
    """Compare two classifiers from the test examples each run of each misclassifies.

    Args:
        errors_a: Per run of classifier ``a``, the indices of the examples it got wrong.
        errors_b: The same for ``b``; run ``i`` is paired with run ``i`` of ``a``.
        examples: Size of the test split; every index lies in ``[0, examples)``.

    Returns:
        A ``PairedComparison``.

    Raises:
        ValueError: No runs, different numbers of runs, a non-positive ``examples``,
            an index that is not an integer, or one outside ``[0, examples)``.

    Example:
        >>> c = compare_errors([{1, 2}, {2}], [{2, 3, 4}, {2, 5}], examples=100)
        >>> c.only_a_right, c.only_b_right, c.both_wrong, c.always_wrong
        (3, 1, 2, (2,))
        >>> round(c.accuracy_difference, 3), round(c.p_value, 3)
        (0.01, 0.625)
    """
    if examples < 1:
        raise ValueError(f"examples must be a positive number of test examples, got {examples!r}")
    if not errors_a or len(errors_a) != len(errors_b):
        raise ValueError(f"need the same positive number of runs for both classifiers, got "
                         f"{len(errors_a)} and {len(errors_b)}")
    runs_a, runs_b = [_indices(run) for run in errors_a], [_indices(run) for run in errors_b]
    for run in runs_a + runs_b:
        outside = sorted(i for i in run if not 0 <= i < examples)
        if outside:
            raise ValueError(f"error indices must lie in [0, {examples}), got {outside[:5]}")
    only_a = sum(len(b - a) for a, b in zip(runs_a, runs_b))
    only_b = sum(len(a - b) for a, b in zip(runs_a, runs_b))
    both = sum(len(a & b) for a, b in zip(runs_a, runs_b))
    always = set.intersection(*runs_a, *runs_b)
    p_value = binomtest(only_a, only_a + only_b, 0.5).pvalue if only_a + only_b else 1.0
    return PairedComparison(examples, len(runs_a), only_a, only_b, both, tuple(sorted(always)), float(p_value))


def _indices(run: Collection[int]) -> set[int]:
    """One run's misclassified indices as a set of Python ints (NumPy and torch integers too)."""
    try:
        return {operator.index(i) for i in run}
    except TypeError:
        raise ValueError(f"error indices must be integers, got {sorted(map(repr, run))[:5]}") from None
